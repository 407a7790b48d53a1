/**
 * `npm start`: everything an editor or developer needs on one machine, in one command.
 * 1. the local Content Lake (HTTP for scripts and sites, HTTPS/HTTP2 for the Studio),
 * 2. an editor token for local scripts in `<data>/editor-token` (owner-only; config/localToken.ts),
 * 3. the project's demo content, seeded into an empty dataset,
 * 4. the Studio, built once for this lake and served compressed and cached
 *    (scripts/start/studioBuild.ts, studioServer.ts), or with `--dev` the Vite dev server,
 * 5. the reference site, when it exists, with live reload and draft mode for the Studio's
 *    Presentation tool (the local editor token as its server-side SANITY_API_READ_TOKEN).
 * Ctrl-C stops all of them.
 */
import {spawn, spawnSync, type ChildProcess} from 'node:child_process'
import {randomInt} from 'node:crypto'
import {existsSync, mkdirSync} from 'node:fs'
import {join, resolve} from 'node:path'
import {createInterface} from 'node:readline'
import {parseArgs} from 'node:util'

import {createClient} from '@sanity/client'

import {LOCAL_TOKEN_FILE, readLocalToken, writeLocalToken} from '../config/localToken.ts'
import {generateToken, hashToken} from '../lake/auth/auth.ts'
import {parsePort} from '../lake/ports.ts'
import {seedDemoContent} from './demo/seedDemoContent.ts'
import {ensureStudioBuild} from './start/studioBuild.ts'
import {serveStudio} from './start/studioServer.ts'

const USAGE = `Usage: npm start -- [--lake-port 3400] [--tls-port 3443] [--studio-port 3333]
                 [--web-port 3000] [--data .lake] [--dataset production] [--no-seed] [--dev]
  --dev   the Studio's Vite dev server (hot reload, slow first load) instead of the built Studio`

const ROOT = resolve(import.meta.dirname, '..')
/** Where the served Studio build and its fingerprint live (rebuilt when either changes). */
const LAKE_MAIN = join(ROOT, 'lake', 'main.ts')
const STUDIO_BUILD_DIR = join(ROOT, 'node_modules', '.cache', 'stadskarna-studio')

interface StartOptions {
  lakePort: number
  tlsPort: number
  studioPort: number
  webPort: number
  dataDir: string
  dataset: string
  seed: boolean
  dev: boolean
}

/** A port for `npm start`: not 0, because the Studio is built for the lake's exact address. */
function fixedPort(value: string, flag: string): number {
  const port = parsePort(value, flag)
  if (port === 0) {
    throw new Error(
      `--${flag} 0 (any free port) does not work here: the Studio is built for a fixed address`,
    )
  }
  return port
}

export function parseStartArgs(argv: string[]): StartOptions {
  const {values} = parseArgs({
    args: argv,
    options: {
      'lake-port': {type: 'string', default: '3400'},
      'tls-port': {type: 'string', default: '3443'},
      'studio-port': {type: 'string', default: '3333'},
      'web-port': {type: 'string', default: '3000'},
      data: {type: 'string', default: '.lake'},
      dataset: {type: 'string', default: 'production'},
      'no-seed': {type: 'boolean', default: false},
      dev: {type: 'boolean', default: false},
    },
    strict: true,
  })
  return {
    lakePort: fixedPort(values['lake-port'], 'lake-port'),
    tlsPort: fixedPort(values['tls-port'], 'tls-port'),
    studioPort: fixedPort(values['studio-port'], 'studio-port'),
    webPort: fixedPort(values['web-port'], 'web-port'),
    dataDir: values.data,
    dataset: values.dataset,
    seed: !values['no-seed'],
    dev: values.dev,
  }
}

/**
 * The editor token local scripts use: the one in `<data>/editor-token` while the lake still
 * accepts it, else a new one (created through the lake's CLI, which the running lake sees at once).
 */
async function ensureLocalToken(lakeUrl: string, dataDir: string): Promise<string> {
  const existing = readLocalToken(join(dataDir, LOCAL_TOKEN_FILE), lakeUrl)
  if (existing) {
    const res = await fetch(`${lakeUrl}/v2025-02-19/users/me`, {
      headers: {Authorization: `Bearer ${existing}`},
    })
    if (res.ok) return join(dataDir, LOCAL_TOKEN_FILE)
  }
  const created = spawnSync(
    process.execPath,
    [
      LAKE_MAIN,
      'token',
      'create',
      '--role',
      'editor',
      '--label',
      'npm start: local scripts',
      '--data',
      dataDir,
    ],
    {encoding: 'utf8'},
  )
  if (created.status !== 0) throw new Error(`could not create a local token: ${created.stderr}`)
  return writeLocalToken(dataDir, created.stdout.trim(), lakeUrl)
}

/** Runs a child with its output prefixed; resolves `ready` when a line matches `readyLine`. */
function startChild(
  name: string,
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  readyLine: RegExp,
): {child: ChildProcess; ready: Promise<void>} {
  const child = spawn(command, args, {env, stdio: ['ignore', 'pipe', 'pipe']})
  const ready = new Promise<void>((resolve, reject) => {
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({input: stream!}).on('line', (line) => {
        console.log(`[${name}] ${line}`)
        if (readyLine.test(line)) resolve()
      })
    }
    child.once('exit', (code) => reject(new Error(`${name} exited with code ${code}`)))
    child.once('error', reject)
  })
  return {child, ready}
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    const killer = setTimeout(() => child.kill('SIGKILL'), 5000)
    child.once('exit', () => {
      clearTimeout(killer)
      resolve()
    })
    child.kill('SIGTERM')
  })
}

async function main(): Promise<void> {
  let options: StartOptions
  try {
    options = parseStartArgs(process.argv.slice(2))
  } catch (error) {
    console.error(`start: ${(error as Error).message}\n${USAGE}`)
    process.exitCode = 2
    return
  }

  // This session's administrator token (for seeding) is revoked again at Ctrl-C, so the token
  // list does not fill up with one per start; a LAKE_ADMIN_TOKEN from the environment is kept.
  const sessionToken = process.env.LAKE_ADMIN_TOKEN === undefined
  const adminToken = process.env.LAKE_ADMIN_TOKEN ?? generateToken()
  const loginCode = process.env.LAKE_LOGIN_CODE ?? String(randomInt(100000, 1000000))
  const children: ChildProcess[] = []
  let stopping = false
  const stopAll = async (exitCode: number) => {
    if (stopping) return
    stopping = true
    await Promise.all(children.map(stopChild))
    if (sessionToken && existsSync(join(options.dataDir, 'lake.sqlite'))) {
      // The lake registered it with its stable id: the first 12 hex digits of its hash.
      spawnSync(
        process.execPath,
        [
          LAKE_MAIN,
          'token',
          'revoke',
          hashToken(adminToken).slice(0, 12),
          '--data',
          options.dataDir,
        ],
        {stdio: 'ignore'},
      )
    }
    process.exit(exitCode)
  }
  // `on`, not `once`: npm forwards Ctrl-C too, and a second SIGINT must not kill us mid-cleanup.
  process.on('SIGINT', () => void stopAll(0))
  process.on('SIGTERM', () => void stopAll(0))
  try {
    const lakeUrl = `http://127.0.0.1:${options.lakePort}`
    const studioApiHost = `https://localhost:${options.tlsPort}`
    // A new data folder is owner-only: it holds the content, the TLS key and the local token.
    if (!existsSync(options.dataDir)) mkdirSync(options.dataDir, {recursive: true, mode: 0o700})
    const lake = startChild(
      'lake',
      process.execPath,
      [
        'lake/main.ts',
        '--port',
        String(options.lakePort),
        '--tls-port',
        String(options.tlsPort),
        '--data',
        options.dataDir,
      ],
      {...process.env, LAKE_ADMIN_TOKEN: adminToken, LAKE_LOGIN_CODE: loginCode},
      /listening on/i,
    )
    children.push(lake.child)
    lake.child.once('exit', () => void stopAll(1))
    await lake.ready
    const tokenFile = await ensureLocalToken(lakeUrl, options.dataDir)
    console.log(`[token] local scripts use the editor token in ${tokenFile}`)

    if (options.seed) {
      const client = createClient({
        projectId: 'local',
        dataset: options.dataset,
        apiHost: lakeUrl,
        useProjectHostname: false,
        apiVersion: '2025-02-19',
        token: adminToken,
        useCdn: false,
      })
      const outcome = await seedDemoContent(client)
      console.log(
        outcome.seeded
          ? `[seed] demo content: ${outcome.documents} documents in "${options.dataset}"`
          : `[seed] skipped: ${outcome.reason}`,
      )
    }

    const studioEnv = {
      ...process.env,
      SANITY_STUDIO_API_HOST: studioApiHost,
      SANITY_STUDIO_DATASET: options.dataset,
      SANITY_STUDIO_PREVIEW_URL:
        process.env.SANITY_STUDIO_PREVIEW_URL ?? `http://localhost:${options.webPort}`,
      DO_NOT_TRACK: '1',
      NO_UPDATE_NOTIFIER: '1',
    }
    let studioReady: Promise<unknown>
    if (options.dev) {
      const studio = startChild(
        'studio',
        process.execPath,
        ['node_modules/.bin/sanity', 'dev', '--port', String(options.studioPort)],
        studioEnv,
        /localhost:\d+/,
      )
      children.push(studio.child)
      studio.child.once('exit', () => void stopAll(1))
      studioReady = studio.ready
    } else {
      studioReady = ensureStudioBuild({
        root: ROOT,
        outDir: STUDIO_BUILD_DIR,
        env: studioEnv,
        log: (line) => console.log(`[studio] ${line}`),
      }).then(async (build) => {
        if (!build.built) console.log('[studio] using the Studio built earlier (nothing changed)')
        await serveStudio({dir: build.outDir, port: options.studioPort})
      })
      studioReady.catch((error: unknown) => {
        console.error(`[studio] ${(error as Error).message}`)
        console.error(
          '[studio] Fix the error above, or run the dev server with `npm start -- --dev`.',
        )
        void stopAll(1)
      })
    }

    const webEntry = 'web/main.ts'
    if (existsSync(webEntry)) {
      const web = startChild(
        'web',
        process.execPath,
        [webEntry, '--port', String(options.webPort), '--live'],
        {
          ...process.env,
          SANITY_API_HOST: lakeUrl,
          SANITY_DATASET: options.dataset,
          SANITY_API_READ_TOKEN:
            process.env.SANITY_API_READ_TOKEN ?? readLocalToken(tokenFile, lakeUrl),
        },
        /listening|localhost:\d+/i,
      )
      children.push(web.child)
      web.child.once('exit', () => void stopAll(1))
    }
    await studioReady

    console.log(`
Stadskärna CMS is running.
  Studio:        http://localhost:${options.studioPort}
  Content Lake:  ${lakeUrl} (scripts, sites) and ${studioApiHost} (Studio)${
    existsSync(webEntry) ? `\n  Site:          http://localhost:${options.webPort}` : ''
  }

Log in to the Studio: open it; the lake's login page asks for your name, a role and the login
code ${loginCode}. The first time, your browser asks you to trust the lake's certificate: see
"Trusting the local certificate" in the README. Scripts (npm run import, migrate, dataset) use
the editor token in ${tokenFile} when SANITY_API_TOKEN is unset.
Press Ctrl-C to stop everything.`)
  } catch (error) {
    // Never leave the lake or the site running behind a failed start.
    console.error(`start: ${error instanceof Error ? error.message : String(error)}`)
    await stopAll(1)
  }
}

await main()
