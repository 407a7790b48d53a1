/**
 * A lake in its own process (`node lake/main.ts`) with a temporary data directory and an admin
 * token, for benchmarks whose clients must not share the lake's event loop.
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
  /** The lake process's id (e.g. to read its CPU time from /proc). */
  pid: number
  adminToken: string
  /** The lake's own log lines (`lake: …` on stderr: 404s, 500s, failed listeners). */
  logs: string[]
  client(dataset: string): SanityClient
  stop(): Promise<void>
}

const MAIN = fileURLToPath(new URL('../lake/main.ts', import.meta.url))

/**
 * Starts the lake with `datasets` created; resolves once it listens. `main` is the lake's entry
 * point (another checkout's, to compare).
 */
export async function startLakeProcess(datasets: string[], main = MAIN): Promise<LakeProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'lake-bench-'))
  const adminToken = generateToken()
  const child = spawn(
    process.execPath,
    [main, '--port', '0', '--data', dataDir, '--datasets', datasets.join(',')],
    {env: {...process.env, LAKE_ADMIN_TOKEN: adminToken}, stdio: ['ignore', 'pipe', 'pipe']},
  )
  const logs: string[] = []
  child.stderr.setEncoding('utf8')
  child.stderr.on('data', (chunk: string) => {
    for (const line of chunk.split('\n')) if (line.startsWith('lake:')) logs.push(line)
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
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
    pid: child.pid!,
    adminToken,
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
    async stop() {
      child.kill('SIGTERM')
      await exited
      rmSync(dataDir, {recursive: true, force: true})
    },
  }
}
