/**
 * `npm start`: everything an editor or developer needs on one machine, in one command.
 * 1. the local Content Lake (HTTP for scripts and sites, HTTPS/HTTP2 for the Studio),
 * 2. the project's demo content, seeded into an empty dataset,
 * 3. the Studio dev server (and the reference site, when it exists).
 * Ctrl-C stops all of them.
 */
import {spawn, type ChildProcess} from 'node:child_process'
import {randomBytes, randomInt} from 'node:crypto'
import {existsSync} from 'node:fs'
import {createInterface} from 'node:readline'
import {parseArgs} from 'node:util'

import {createClient} from '@sanity/client'

import {seedDemoContent} from './demo/seedDemoContent.ts'

const USAGE = `Usage: npm start -- [--lake-port 3400] [--tls-port 3443] [--studio-port 3333]
                 [--web-port 3000] [--data .lake] [--dataset production] [--no-seed]`

interface StartOptions {
  lakePort: number
  tlsPort: number
  studioPort: number
  webPort: number
  dataDir: string
  dataset: string
  seed: boolean
}

function parsePort(name: string, value: string): number {
  const port = Number(value)
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`--${name} must be a port number from 1 to 65535 (got "${value}")`)
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
    },
    strict: true,
  })
  return {
    lakePort: parsePort('lake-port', values['lake-port']),
    tlsPort: parsePort('tls-port', values['tls-port']),
    studioPort: parsePort('studio-port', values['studio-port']),
    webPort: parsePort('web-port', values['web-port']),
    dataDir: values.data,
    dataset: values.dataset,
    seed: !values['no-seed'],
  }
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

  const adminToken = process.env.LAKE_ADMIN_TOKEN ?? `sk${randomBytes(32).toString('base64url')}`
  const loginCode = process.env.LAKE_LOGIN_CODE ?? String(randomInt(100000, 1000000))
  const children: ChildProcess[] = []
  let stopping = false
  const stopAll = async (exitCode: number) => {
    if (stopping) return
    stopping = true
    await Promise.all(children.map(stopChild))
    process.exit(exitCode)
  }
  process.once('SIGINT', () => void stopAll(0))
  process.once('SIGTERM', () => void stopAll(0))

  const lakeUrl = `http://127.0.0.1:${options.lakePort}`
  const studioApiHost = `https://localhost:${options.tlsPort}`
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
    DO_NOT_TRACK: '1',
    NO_UPDATE_NOTIFIER: '1',
  }
  const studio = startChild(
    'studio',
    process.execPath,
    ['node_modules/.bin/sanity', 'dev', '--port', String(options.studioPort)],
    studioEnv,
    /localhost:\d+/,
  )
  children.push(studio.child)
  studio.child.once('exit', () => void stopAll(1))

  const webEntry = 'web/main.ts'
  if (existsSync(webEntry)) {
    const web = startChild(
      'web',
      process.execPath,
      [webEntry, '--port', String(options.webPort)],
      {...process.env, SANITY_API_HOST: lakeUrl, SANITY_DATASET: options.dataset},
      /listening|localhost:\d+/i,
    )
    children.push(web.child)
    web.child.once('exit', () => void stopAll(1))
  }
  await studio.ready

  console.log(`
Stadskärna CMS is running.
  Studio:        http://localhost:${options.studioPort}
  Content Lake:  ${lakeUrl} (scripts, sites) and ${studioApiHost} (Studio)${
    existsSync(webEntry) ? `\n  Site:          http://localhost:${options.webPort}` : ''
  }

Log in to the Studio: open it; the lake's login page asks for your name, a role and the login
code ${loginCode}. The first time, your browser asks you to trust the lake's certificate: see
"Trusting the local certificate" in the README.
Press Ctrl-C to stop everything.`)
}

await main()
