/**
 * Command line of the lake:
 *   node lake/main.ts [--port 3400] [--host 127.0.0.1] [--data .lake]
 *                     [--tls-port 3443] [--tls-projects local,other]
 *   node lake/main.ts token create --role editor [--label x] [--data .lake]
 * `LAKE_ADMIN_TOKEN=<token>` at start registers that token as an administrator.
 * `--tls-port` also serves HTTPS + HTTP/2 (for the Studio) with a self-signed certificate kept in
 * `<data>/tls/`; `--tls-projects` adds `<id>.localhost` names to it (`local` is always there).
 * `--datasets` are created at start when missing (default with `--tls-port`: `production`).
 * `LAKE_LOGIN_CODE=<code>` makes the Studio login form require that code.
 * Bad arguments exit with code 2.
 */
import {isRole, registerToken, ROLES} from './auth/auth.ts'
import {isValidDatasetName, isValidProjectId} from './core/ids.ts'
import {createLakeServer, type LakeListening} from './http/server.ts'
import {LakeStorage} from './store/storage.ts'
import type {Role} from './core/types.ts'

export class UsageError extends Error {
  override name = 'UsageError'
}

export const USAGE = `Usage:
  node lake/main.ts [--port 3400] [--host 127.0.0.1] [--data .lake]
                    [--tls-port 3443] [--tls-projects <id>[,<id>…]] [--datasets <name>[,<name>…]]
  node lake/main.ts token create --role <${ROLES.join('|')}> [--label <text>] [--data .lake]
Environment: LAKE_ADMIN_TOKEN=<token> registers an administrator token at start;
LAKE_LOGIN_CODE=<code> makes the Studio login form require that code.`

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
    }
  | {kind: 'token-create'; role: Role; label: string | null; dataDir: string}
  | {kind: 'help'}

function parseFlags(args: string[], allowed: readonly string[]): Record<string, string> {
  const flags: Record<string, string> = {}
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]
    if (arg === '--help' || arg === '-h') {
      flags.help = 'true'
      continue
    }
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg)
    if (!match) throw new UsageError(`Unexpected argument "${arg}"`)
    const name = match[1]
    if (!allowed.includes(name)) throw new UsageError(`Unknown flag "--${name}"`)
    let value = match[2]
    if (value === undefined) {
      value = args[++i]
      if (value === undefined || value.startsWith('--'))
        throw new UsageError(`Flag "--${name}" needs a value`)
    }
    flags[name] = value
  }
  return flags
}

export function parsePort(value: string): number {
  if (!/^\d+$/.test(value)) throw new UsageError(`Bad port "${value}": expected an integer 0-65535`)
  const port = Number(value)
  if (port > 65535) throw new UsageError(`Bad port "${value}": expected an integer 0-65535`)
  return port
}

export function parseArgs(argv: string[]): Command {
  if (argv[0] === 'token') {
    if (argv[1] !== 'create')
      throw new UsageError(`Unknown token command "${argv[1] ?? ''}" (expected "token create")`)
    const flags = parseFlags(argv.slice(2), ['role', 'label', 'data'])
    if (flags.help) return {kind: 'help'}
    const role = flags.role
    if (!role) throw new UsageError('"token create" needs --role')
    if (!isRole(role)) throw new UsageError(`Unknown role "${role}" (expected ${ROLES.join(', ')})`)
    return {kind: 'token-create', role, label: flags.label ?? null, dataDir: flags.data ?? '.lake'}
  }
  const flags = parseFlags(argv, ['port', 'host', 'data', 'tls-port', 'tls-projects', 'datasets'])
  if (flags.help) return {kind: 'help'}
  const command: Command = {
    kind: 'serve',
    port: parsePort(flags.port ?? '3400'),
    host: flags.host ?? '127.0.0.1',
    dataDir: flags.data ?? '.lake',
  }
  if (flags['tls-port'] !== undefined) command.tlsPort = parsePort(flags['tls-port'])
  if (flags['tls-projects'] !== undefined) {
    const ids = flags['tls-projects']
      .split(',')
      .map((id) => id.trim())
      .filter(Boolean)
    for (const id of ids) {
      if (!isValidProjectId(id)) throw new UsageError(`Bad project id "${id}" in --tls-projects`)
    }
    command.tlsProjectIds = ids
  }
  if (flags.datasets !== undefined) {
    const names = flags.datasets
      .split(',')
      .map((name) => name.trim())
      .filter(Boolean)
    for (const name of names) {
      if (!isValidDatasetName(name))
        throw new UsageError(`Bad dataset name "${name}" in --datasets`)
    }
    command.datasets = names
  }
  return command
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
  if (command.kind === 'token-create') {
    const storage = new LakeStorage(command.dataDir)
    try {
      const {token} = registerToken(storage, command.role, {label: command.label})
      console.log(token)
    } finally {
      storage.close()
    }
    return 0
  }
  const lake = createLakeServer({
    dataDir: command.dataDir,
    port: command.port,
    host: command.host,
    adminToken: env.LAKE_ADMIN_TOKEN?.trim() || undefined,
    tlsPort: command.tlsPort,
    tlsProjectIds: command.tlsProjectIds,
    datasets: command.datasets ?? (command.tlsPort !== undefined ? ['production'] : []),
  })
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
  let stopping = false
  const stop = (signal: string) => {
    if (stopping) return
    stopping = true
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
  if (listening.tlsUrl && listening.certificate) {
    const {certificate} = listening
    console.log(
      `Content Lake (HTTPS, HTTP/2) listening on ${listening.tlsUrl} for ${certificate.hosts.join(', ')}`,
    )
    console.log(
      `TLS certificate: ${certificate.certPath}${certificate.created ? ' (new)' : ''}; SPKI sha256: ${certificate.spki}`,
    )
  }
  return undefined
}
