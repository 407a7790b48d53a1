/**
 * Command line of the lake (`node lake/main.ts …`, see USAGE). Arguments are parsed with
 * node:util `parseArgs`; ports with the one rule in lake/ports.ts (shared with `npm start`).
 * `LAKE_ADMIN_TOKEN=<token>` at start registers that token as an administrator;
 * `LAKE_LOGIN_CODE=<code>` makes the Studio login form require that code.
 * `--tls-port` also serves HTTPS + HTTP/2 (for the Studio) with a self-signed certificate kept in
 * `<data>/tls/`; `--tls-projects` adds `<id>.localhost` names to it (`local` is always there).
 * `--datasets` are created at start when missing (default with `--tls-port`: `production`).
 * `LAKE_LOGIN_CODE=<code>` sets the Studio login form's code (default: generated, printed at start).
 * Bad arguments exit with code 2.
 */
import {spawn} from 'node:child_process'
import {existsSync, mkdirSync, readFileSync, statSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {parseArgs as parseNodeArgs} from 'node:util'

import {isRole, registerToken, ROLES} from './auth/auth.ts'
import {isValidDatasetName, isValidProjectId} from './core/ids.ts'
import {createLakeServer, type LakeListening, type LakeServer} from './http/server.ts'
import {parsePort, PortError} from './ports.ts'
import {
  BACKUP_MANIFEST,
  backupLake,
  BackupError,
  restoreLake,
  type BackupManifest,
} from './store/backup.ts'
import {parseDuration, startBackupSchedule} from './store/backupSchedule.ts'
import {DataFolderInUseError} from './store/dataLock.ts'
import {LakeStorage, type TokenListing} from './store/storage.ts'
import {
  ATTEMPT_BUSY_TIMEOUT_MS,
  busyWaitMs,
  LakeBusyError,
  waitWhileBusy,
} from './store/busyWait.ts'
import type {Role} from './core/types.ts'

export class UsageError extends Error {
  override name = 'UsageError'
}

export const USAGE = `Usage:
  node lake/main.ts [--port 3400] [--host 127.0.0.1] [--data .lake]
                    [--tls-port 3443] [--tls-projects <id>[,<id>…]] [--datasets <name>[,<name>…]]
                    [--backup-every 6h [--keep 14] [--backup-dir .backups]]
  node lake/main.ts backup --out <folder> [--data .lake]   a verified snapshot, also while the lake runs
  node lake/main.ts restore --from <folder> --data <new folder>
  node lake/main.ts token [create] --role <${ROLES.join('|')}> [--label <text>] [--data .lake]
  node lake/main.ts token list [--data .lake]       one line per token: id, role, label, created, last used
  node lake/main.ts token revoke <id> [--data .lake]  the token gets 401 at once, also on a running lake
Environment: LAKE_ADMIN_TOKEN=<token> registers an administrator token at start;
LAKE_LOGIN_CODE=<code> sets the Studio login code (default: a random code, printed at start);
LAKE_BUSY_WAIT_MS=<ms> how long token commands wait for a running lake's import (default 120000).`

export type Command =
  | {
      kind: 'serve'
      port: number
      host: string
      dataDir: string
      /** Absent: no TLS listener. */
      tlsPort?: number
      tlsProjectIds?: string[]
      /** Created at start when missing; default `production` when TLS is on (Studio mode). */
      datasets?: string[]
      /** Scheduled backups inside the lake. */
      backups?: {everyMs: number; keep: number; dir: string}
    }
  | {kind: 'backup'; dataDir: string; outDir: string}
  | {kind: 'restore'; fromDir: string; dataDir: string}
  | {kind: 'token-create'; role: Role; label: string | null; dataDir: string}
  | {kind: 'token-list'; dataDir: string}
  | {kind: 'token-revoke'; id: string; dataDir: string}
  | {kind: 'help'}

type OptionSpec = Record<string, {type: 'string' | 'boolean'; short?: string}>

const HELP: OptionSpec = {help: {type: 'boolean', short: 'h'}}

/** `parseArgs` with the lake's messages: unknown flags and missing values are UsageErrors. */
function parse(args: string[], options: OptionSpec, positionals = 0) {
  let parsed
  try {
    parsed = parseNodeArgs({
      args,
      options: {...HELP, ...options},
      strict: true,
      allowPositionals: positionals > 0,
    })
  } catch (error) {
    const message = (error as Error).message
    const flag = /'(-[-\w]+)/.exec(message)?.[1]
    const code = (error as {code?: string}).code
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw new UsageError(`Unknown flag "${flag}"`)
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE')
      throw new UsageError(`Flag "${flag?.split(' ')[0]}" needs a value`)
    if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL')
      throw new UsageError(`Unexpected argument "${/'([^']*)'/.exec(message)?.[1] ?? ''}"`)
    throw new UsageError(message)
  }
  if (parsed.positionals.length > positionals) {
    throw new UsageError(`Unexpected argument "${parsed.positionals[positionals]}"`)
  }
  return parsed as {values: Record<string, string | boolean | undefined>; positionals: string[]}
}

function port(value: string | boolean | undefined, fallback: string, flag: string): number {
  try {
    return parsePort(typeof value === 'string' ? value : fallback, flag)
  } catch (error) {
    if (error instanceof PortError) throw new UsageError(error.message)
    throw error
  }
}

function list(value: string | boolean | undefined): string[] | undefined {
  if (typeof value !== 'string') return undefined
  return value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean)
}

function str(value: string | boolean | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined
}

function parseTokenCommand(argv: string[]): Command {
  const sub = argv[0] && !argv[0].startsWith('-') ? argv[0] : 'create'
  const rest = argv[0] === sub ? argv.slice(1) : argv
  if (sub === 'list') {
    const {values} = parse(rest, {data: {type: 'string'}})
    return values.help ? {kind: 'help'} : {kind: 'token-list', dataDir: str(values.data) ?? '.lake'}
  }
  if (sub === 'revoke') {
    const {values, positionals} = parse(rest, {data: {type: 'string'}}, 1)
    if (values.help) return {kind: 'help'}
    if (!positionals[0])
      throw new UsageError('"token revoke" needs the token id (see "token list")')
    return {kind: 'token-revoke', id: positionals[0], dataDir: str(values.data) ?? '.lake'}
  }
  if (sub !== 'create') {
    throw new UsageError(`Unknown token command "${sub}" (expected create, list or revoke)`)
  }
  const {values} = parse(rest, {
    role: {type: 'string'},
    label: {type: 'string'},
    data: {type: 'string'},
  })
  if (values.help) return {kind: 'help'}
  const role = str(values.role)
  if (!role) throw new UsageError('"token create" needs --role')
  if (!isRole(role)) throw new UsageError(`Unknown role "${role}" (expected ${ROLES.join(', ')})`)
  return {
    kind: 'token-create',
    role,
    label: str(values.label) ?? null,
    dataDir: str(values.data) ?? '.lake',
  }
}

/** One line per token: id, role, label, created, last used (tab-separated). */
function formatTokenLine(token: TokenListing): string {
  return [
    token.id,
    token.role,
    token.label ?? '-',
    `created ${token.createdAt}`,
    `last used ${token.lastUsedAt ?? 'never'}`,
  ].join('\t')
}

/** What a token command prints and its exit code, decided in one attempt (see runTokenCommand). */
interface TokenCommandResult {
  code: number
  out: string[]
  err: string[]
}

function tokenCommandResult(
  storage: LakeStorage,
  command: Extract<Command, {kind: 'token-create' | 'token-list' | 'token-revoke'}>,
): TokenCommandResult {
  if (command.kind === 'token-create') {
    return {
      code: 0,
      out: [registerToken(storage, command.role, {label: command.label}).token],
      err: [],
    }
  }
  if (command.kind === 'token-list') {
    return {code: 0, out: storage.listTokens().map(formatTokenLine), err: []}
  }
  const token = storage.listTokens().find((candidate) => candidate.id === command.id)
  if (!token || !storage.deleteToken(command.id)) {
    return {
      code: 1,
      out: [],
      err: [
        `lake: no token with id "${command.id}" in ${command.dataDir}. List them with: npm run lake:token -- list --data ${command.dataDir}`,
      ],
    }
  }
  const out = [`Revoked token ${token.id} (${token.role}, ${token.label ?? 'no label'}).`]
  if (token.label === 'LAKE_ADMIN_TOKEN') {
    out.push('LAKE_ADMIN_TOKEN is registered again at the next start while it is set.')
  }
  return {code: 0, out, err: []}
}

/**
 * Runs a token command on the data folder, also while a lake serves it: SQLite serialises the
 * writers, and while the lake's import holds the write lock the command waits (bounded,
 * lake/store/busyWait.ts) and then fails with a clear message. Each attempt is one change, so a
 * retry never repeats one, and nothing is printed before the attempt that succeeded.
 */
async function runTokenCommand(
  command: Extract<Command, {kind: 'token-create' | 'token-list' | 'token-revoke'}>,
  env: Record<string, string | undefined>,
): Promise<number> {
  if (command.kind !== 'token-create' && !existsSync(join(command.dataDir, 'lake.sqlite'))) {
    console.error(
      `lake: no lake in ${command.dataDir} (no lake.sqlite). Name the data folder with --data.`,
    )
    return 1
  }
  prepareDataDir(command.dataDir, (line) => console.error(line))
  let result: TokenCommandResult
  try {
    result = await waitWhileBusy(
      () => {
        const storage = new LakeStorage(command.dataDir, {busyTimeoutMs: ATTEMPT_BUSY_TIMEOUT_MS})
        try {
          return tokenCommandResult(storage, command)
        } finally {
          storage.close()
        }
      },
      {
        dataDir: command.dataDir,
        maxWaitMs: busyWaitMs(env),
        onWait: (line) => console.error(line),
      },
    )
  } catch (error) {
    if (!(error instanceof LakeBusyError)) throw error
    console.error(`lake: ${error.message}`)
    return 1
  }
  for (const line of result.out) console.log(line)
  for (const line of result.err) console.error(line)
  return result.code
}

function parseBackupCommand(argv: string[]): Command {
  const {values} = parse(argv, {data: {type: 'string'}, out: {type: 'string'}})
  if (values.help) return {kind: 'help'}
  const outDir = str(values.out)
  if (!outDir) throw new UsageError('"backup" needs --out <folder>')
  return {kind: 'backup', dataDir: str(values.data) ?? '.lake', outDir}
}

function parseRestoreCommand(argv: string[]): Command {
  const {values} = parse(argv, {from: {type: 'string'}, data: {type: 'string'}})
  if (values.help) return {kind: 'help'}
  const fromDir = str(values.from)
  const dataDir = str(values.data)
  if (!fromDir) throw new UsageError('"restore" needs --from <backup folder>')
  if (!dataDir) throw new UsageError('"restore" needs --data <new data folder>')
  return {kind: 'restore', fromDir, dataDir}
}

function parseBackupSchedule(values: Record<string, string | boolean | undefined>) {
  const every = str(values['backup-every'])
  if (every === undefined) {
    if (values.keep !== undefined || values['backup-dir'] !== undefined)
      throw new UsageError('--keep and --backup-dir need --backup-every')
    return undefined
  }
  const everyMs = parseDuration(every)
  if (everyMs === null)
    throw new UsageError(`Bad --backup-every "${every}": expected e.g. 90s, 30m, 6h or 1d`)
  const keepText = str(values.keep) ?? '14'
  const keep = /^\d+$/.test(keepText) ? Number(keepText) : 0
  if (keep < 1) throw new UsageError(`Bad --keep "${keepText}": expected a whole number ≥ 1`)
  return {everyMs, keep, dir: str(values['backup-dir']) ?? '.backups'}
}

export function parseArgs(argv: string[]): Command {
  if (argv[0] === 'token') return parseTokenCommand(argv.slice(1))
  if (argv[0] === 'backup') return parseBackupCommand(argv.slice(1))
  if (argv[0] === 'restore') return parseRestoreCommand(argv.slice(1))
  const {values} = parse(argv, {
    port: {type: 'string'},
    host: {type: 'string'},
    data: {type: 'string'},
    'tls-port': {type: 'string'},
    'tls-projects': {type: 'string'},
    datasets: {type: 'string'},
    'backup-every': {type: 'string'},
    keep: {type: 'string'},
    'backup-dir': {type: 'string'},
  })
  if (values.help) return {kind: 'help'}
  const command: Command = {
    kind: 'serve',
    port: port(values.port, '3400', 'port'),
    host: str(values.host) ?? '127.0.0.1',
    dataDir: str(values.data) ?? '.lake',
  }
  if (values['tls-port'] !== undefined) command.tlsPort = port(values['tls-port'], '', 'tls-port')
  const projects = list(values['tls-projects'])
  if (projects) {
    for (const id of projects) {
      if (!isValidProjectId(id)) throw new UsageError(`Bad project id "${id}" in --tls-projects`)
    }
    command.tlsProjectIds = projects
  }
  const datasets = list(values.datasets)
  if (datasets) {
    for (const name of datasets) {
      if (!isValidDatasetName(name))
        throw new UsageError(`Bad dataset name "${name}" in --datasets`)
    }
    command.datasets = datasets
  }
  const backups = parseBackupSchedule(values)
  if (backups) command.backups = backups
  return command
}

function runBackupCommand(command: Extract<Command, {kind: 'backup' | 'restore'}>): number {
  const started = Date.now()
  try {
    if (command.kind === 'backup') {
      const manifest = backupLake(command.dataDir, command.outDir)
      console.log(
        `Backed up ${command.dataDir} into ${command.outDir} in ${Date.now() - started} ms: ${describeManifest(manifest)}; verified (integrity_check ok, document counts match).`,
      )
      console.log(
        `Restore with: npm run lake -- restore --from ${command.outDir} --data <new folder>`,
      )
    } else {
      const manifest = restoreLake(command.fromDir, command.dataDir)
      console.log(
        `Restored ${command.fromDir} (${manifest.createdAt}) into ${command.dataDir}: ${describeManifest(manifest)}.`,
      )
      console.log(`Start it with: npm run lake -- --data ${command.dataDir}`)
    }
    return 0
  } catch (error) {
    if (!(error instanceof BackupError)) throw error
    console.error(`lake: ${command.kind} failed: ${error.message}`)
    console.error(
      command.kind === 'backup'
        ? 'Nothing was written. Name a new --out folder and check --data.'
        : 'Nothing was restored. Name an empty --data folder and a folder made by "backup" as --from.',
    )
    return 1
  }
}

/** Runs `backup` in a child process of this CLI, so the serving lake is never blocked by it. */
function backupInChildProcess(dataDir: string, outDir: string): Promise<BackupManifest> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        fileURLToPath(new URL('./main.ts', import.meta.url)),
        'backup',
        '--data',
        dataDir,
        '--out',
        outDir,
      ],
      {stdio: ['ignore', 'ignore', 'pipe']},
    )
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.once('error', reject)
    child.once('exit', (code) => {
      if (code !== 0) {
        reject(new Error(stderr.trim().split('\n')[0] || `backup exited with code ${code}`))
        return
      }
      try {
        resolve(JSON.parse(readFileSync(join(outDir, BACKUP_MANIFEST), 'utf8')) as BackupManifest)
      } catch (error) {
        reject(error as Error)
      }
    })
  })
}

function describeManifest(manifest: BackupManifest): string {
  const datasets = Object.entries(manifest.documents)
    .map(([name, count]) => `${name} ${count}`)
    .join(', ')
  return `documents ${datasets || 'none'}, ${manifest.assetFiles} asset files`
}

/**
 * Creates a missing data folder owner-only; warns about an existing one that others can read:
 * it holds every document (drafts too), the TLS key and the local token.
 */
function prepareDataDir(dataDir: string, warn: (line: string) => void): void {
  if (!existsSync(dataDir)) {
    mkdirSync(dataDir, {recursive: true, mode: 0o700})
    return
  }
  const mode = statSync(dataDir).mode & 0o777
  if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
    warn(
      `lake: warning: the data folder ${dataDir} is readable by other users (mode ${mode.toString(8)}); it holds all content and tokens. Fix: chmod 700 ${dataDir}`,
    )
  }
}

/** Runs the CLI; resolves with an exit code for one-shot commands, or stays up serving. */
export async function runCli(
  argv: string[],
  env: Record<string, string | undefined> = process.env,
): Promise<number | undefined> {
  let command: Command
  try {
    command = parseArgs(argv)
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`lake: ${error.message}\n${USAGE}`)
      return 2
    }
    throw error
  }
  if (command.kind === 'help') {
    console.log(USAGE)
    return 0
  }
  if (
    command.kind === 'token-create' ||
    command.kind === 'token-list' ||
    command.kind === 'token-revoke'
  ) {
    return runTokenCommand(command, env)
  }
  if (command.kind === 'backup' || command.kind === 'restore') return runBackupCommand(command)
  prepareDataDir(command.dataDir, (line) => console.error(line))
  let lake: LakeServer
  try {
    lake = createLakeServer({
      dataDir: command.dataDir,
      port: command.port,
      host: command.host,
      adminToken: env.LAKE_ADMIN_TOKEN?.trim() || undefined,
      tlsPort: command.tlsPort,
      tlsProjectIds: command.tlsProjectIds,
      datasets: command.datasets ?? (command.tlsPort !== undefined ? ['production'] : []),
    })
  } catch (error) {
    if (!(error instanceof DataFolderInUseError)) throw error
    console.error(`lake: ${error.message}`)
    return 1
  }
  let listening: LakeListening
  try {
    listening = await lake.listen()
  } catch (error) {
    await lake.close()
    const ports =
      command.tlsPort === undefined ? command.port : `${command.port}/${command.tlsPort}`
    console.error(`lake: cannot listen on ${command.host}:${ports}: ${(error as Error).message}`)
    return 1
  }
  const schedule = command.backups
    ? startBackupSchedule({
        dataDir: command.dataDir,
        ...command.backups,
        backup: backupInChildProcess,
        log: (line) => console.log(line),
      })
    : undefined
  let stopping = false
  const stop = (signal: string) => {
    if (stopping) return
    stopping = true
    schedule?.stop()
    lake.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`lake: error during shutdown after ${signal}:`, error)
        process.exit(1)
      },
    )
  }
  process.once('SIGINT', () => stop('SIGINT'))
  process.once('SIGTERM', () => stop('SIGTERM'))
  console.log(`Content Lake listening on ${listening.url} (data: ${command.dataDir})`)
  if (lake.loginCode.generated) console.log(`Studio login code: ${lake.loginCode.code}`)
  if (listening.tlsUrl && listening.certificate) {
    const {certificate} = listening
    console.log(
      `Content Lake (HTTPS, HTTP/2) listening on ${listening.tlsUrl} for ${certificate.hosts.join(', ')}`,
    )
    console.log(
      `TLS certificate: ${certificate.certPath}${certificate.created ? ' (new)' : ''}; SPKI sha256: ${certificate.spki}`,
    )
  }
  if (command.backups) {
    console.log(
      `Backups: every ${command.backups.everyMs / 1000} s into ${command.backups.dir}, keeping ${command.backups.keep}`,
    )
  }
  return undefined
}
