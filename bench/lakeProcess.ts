/**
 * A lake in its own process (`node lake/main.ts`) with a temporary data directory and an admin
 * token, for benchmarks whose clients must not share the lake's event loop (bench/listeners.ts,
 * bench/load.ts, bench/churn.ts).
 */
import {spawn} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {createClient, type SanityClient} from '@sanity/client'

import {generateToken} from '../lake/auth/auth.ts'

export interface LakeProcess {
  url: string
  adminToken: string
  /** The lake process's id (benches read its memory and CPU time from /proc). */
  pid: number
  /** The inspector's WebSocket URL when started with `inspector: true`. */
  inspectorUrl?: string
  /** The lake's own log lines (`lake: …` on stderr: 404s, 500s, failed listeners). */
  logs: string[]
  client(dataset: string): SanityClient
  stop(): Promise<void>
}

export interface LakeProcessOptions {
  /** Extra Node/V8 flags for the lake's node (e.g. `--optimize-for-size`). */
  nodeFlags?: string[]
  /**
   * Open the inspector on a free loopback port (to force collections and read heaps); it costs
   * nothing while no command is sent.
   */
  inspector?: boolean
  /** Copy the lake's stderr to this process's stderr, each line prefixed `[lake] `. */
  echoStderr?: boolean
}

const MAIN = fileURLToPath(new URL('../lake/main.ts', import.meta.url))
/** The inspector's own banner on stderr, not the lake's output. */
const INSPECTOR_BANNER = /^Debugger (listening on|ending on|attached)|^For help, see/

/**
 * Starts the lake with `datasets` created; resolves once it listens (and, with `inspector`, once
 * the inspector's URL is known). `main` is the lake's entry point (another checkout's, to compare).
 */
export async function startLakeProcess(
  datasets: string[],
  main = MAIN,
  options: LakeProcessOptions = {},
): Promise<LakeProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'lake-bench-'))
  const adminToken = generateToken()
  const child = spawn(
    process.execPath,
    [
      ...(options.inspector ? ['--inspect=127.0.0.1:0'] : []),
      ...(options.nodeFlags ?? []),
      main,
      '--port',
      '0',
      '--data',
      dataDir,
      '--datasets',
      datasets.join(','),
    ],
    {env: {...process.env, LAKE_ADMIN_TOKEN: adminToken}, stdio: ['ignore', 'pipe', 'pipe']},
  )
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
    await exited
    rmSync(dataDir, {recursive: true, force: true})
  }
  const logs: string[] = []
  child.stderr.setEncoding('utf8')
  child.stderr.on('data', (chunk: string) => {
    for (const line of chunk.split('\n')) {
      if (line.startsWith('lake:')) logs.push(line)
      if (options.echoStderr && line && !INSPECTOR_BANNER.test(line)) {
        process.stderr.write(`[lake] ${line}\n`)
      }
    }
  })
  const inspectorUrl = new Promise<string>((resolve) => {
    if (!options.inspector) return
    let stderr = ''
    const findUrl = (chunk: string) => {
      stderr += chunk
      const match = /Debugger listening on (ws:\/\/\S+)/.exec(stderr)
      if (!match) return
      child.stderr.off('data', findUrl)
      resolve(match[1])
    }
    child.stderr.on('data', findUrl)
  })
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let output = ''
      child.stdout.setEncoding('utf8')
      child.stdout.on('data', (chunk: string) => {
        output += chunk
        const match = /listening on (http:\/\/\S+)/.exec(output)
        if (match) resolve(match[1])
      })
      child.once('exit', (code) => reject(new Error(`the lake exited (${code}) before listening`)))
    })
    return {
      url,
      adminToken,
      pid: child.pid!,
      // Node prints the inspector's banner before it runs the lake's code, so it is there by now.
      inspectorUrl: options.inspector ? await inspectorUrl : undefined,
      logs,
      client: (dataset) =>
        createClient({
          projectId: 'bench',
          dataset,
          apiHost: url,
          useProjectHostname: false,
          apiVersion: '2025-02-19',
          useCdn: false,
          token: adminToken,
        }),
      stop,
    }
  } catch (error) {
    await stop()
    throw error
  }
}
