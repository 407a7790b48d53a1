/**
 * Acknowledged writes survive `kill -9`: the lake runs as a child process, concurrent writers
 * record every transaction the lake acknowledged, the lake is killed mid-write and restarted on the
 * same data, and every acknowledged transaction is there completely while no transaction is
 * there partially. Each transaction writes two documents and increments its writer's counter, so
 * a partial commit would show as one document without the other or a counter that disagrees.
 */
import {spawn, type ChildProcess} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {createInterface} from 'node:readline'
import {afterAll, describe, expect, it} from 'vitest'
import {generateToken} from '../../../lake/auth/auth.ts'

const ROOT = join(import.meta.dirname, '..', '..', '..')
const NODE = join(ROOT, 'node_modules', '.bin', 'node')
const MAIN = join(ROOT, 'lake', 'main.ts')
const WRITERS = 4
const CYCLES = 3
const DATASET = 'crash'

const dataDir = mkdtempSync(join(tmpdir(), 'lake-crash-'))
const token = generateToken()
afterAll(() => rmSync(dataDir, {recursive: true, force: true}))

interface RunningLake {
  child: ChildProcess
  url: string
  exited: Promise<NodeJS.Signals | null>
}

/** Starts `node lake/main.ts` on a free port; resolves once it prints its URL. */
function startLake(): Promise<RunningLake> {
  const child = spawn(NODE, [MAIN, '--port', '0', '--data', dataDir, '--datasets', DATASET], {
    cwd: ROOT,
    env: {...process.env, LAKE_ADMIN_TOKEN: token, LAKE_LOGIN_CODE: 'test'},
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child.once('exit', (_code, signal) => resolve(signal)),
  )
  return new Promise((resolve, reject) => {
    createInterface({input: child.stdout!}).on('line', (line) => {
      const match = /^Content Lake listening on (http:\/\/\S+)/.exec(line)
      if (match) resolve({child, url: match[1], exited})
    })
    child.once('exit', (code) => reject(new Error(`lake exited with ${code} before listening`)))
  })
}

function idsOf(writer: number, n: number): [string, string] {
  return [`w${writer}-${n}-a`, `w${writer}-${n}-b`]
}

/** One writer: transactions in a loop until the lake dies; returns the acknowledged numbers. */
async function write(url: string, writer: number, from: number, acked: Set<string>): Promise<void> {
  for (let n = from; ; n++) {
    const [a, b] = idsOf(writer, n)
    const mutations = [
      {createOrReplace: {_id: a, _type: 'crash', writer, n}},
      {createOrReplace: {_id: b, _type: 'crash', writer, n, padding: 'x'.repeat(2000)}},
      {createIfNotExists: {_id: `counter-${writer}`, _type: 'counter', count: 0}},
      {patch: {id: `counter-${writer}`, inc: {count: 1}}},
    ]
    let res: Response
    try {
      res = await fetch(`${url}/v2025-02-19/data/mutate/${DATASET}`, {
        method: 'POST',
        headers: {authorization: `Bearer ${token}`, 'content-type': 'application/json'},
        body: JSON.stringify({mutations, transactionId: `tx-${writer}-${n}`}),
      })
    } catch {
      return // the lake was killed: this transaction may or may not have committed
    }
    if (res.status !== 200) throw new Error(`writer ${writer}: ${res.status} ${await res.text()}`)
    await res.body?.cancel()
    acked.add(`${writer}-${n}`)
  }
}

async function readAll(url: string): Promise<Map<string, Record<string, unknown>>> {
  const res = await fetch(
    `${url}/v2025-02-19/data/query/${DATASET}?query=${encodeURIComponent('*[_type in ["crash", "counter"]]')}`,
    {headers: {authorization: `Bearer ${token}`}},
  )
  const body = (await res.json()) as {result: Array<Record<string, unknown> & {_id: string}>}
  return new Map(body.result.map((doc) => [doc._id, doc]))
}

describe('crash safety', () => {
  it('keeps every acknowledged transaction, and none partially, across kill -9', async () => {
    const acked = new Set<string>()
    const next = Array.from({length: WRITERS}, () => 0)
    let totalAcked = 0
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const lake = await startLake()
      const before = acked.size
      const writers = next.map((from, writer) => write(lake.url, writer, from, acked))
      // Kill once the writers are well under way, in the middle of their stream of writes.
      while (acked.size - before < 40) await new Promise((resolve) => setImmediate(resolve))
      lake.child.kill('SIGKILL')
      expect(await lake.exited).toBe('SIGKILL')
      await Promise.all(writers)
      totalAcked = acked.size
      // Resume numbering past anything that may have been in flight.
      for (let writer = 0; writer < WRITERS; writer++) {
        let n = next[writer]
        while (acked.has(`${writer}-${n}`)) n++
        next[writer] = n + 1
      }
    }
    expect(totalAcked).toBeGreaterThanOrEqual(CYCLES * 40)

    const lake = await startLake()
    try {
      const docs = await readAll(lake.url)
      for (let writer = 0; writer < WRITERS; writer++) {
        let committed = 0
        for (let n = 0; n < next[writer]; n++) {
          const [a, b] = idsOf(writer, n)
          const present = [docs.has(a), docs.has(b)]
          // All or nothing, acknowledged or not.
          expect(present[0], `transaction ${writer}-${n}`).toBe(present[1])
          if (acked.has(`${writer}-${n}`)) expect(present[0], `acked ${writer}-${n}`).toBe(true)
          if (present[0]) committed++
        }
        expect(docs.get(`counter-${writer}`)?.count, `counter of writer ${writer}`).toBe(committed)
      }
    } finally {
      lake.child.kill('SIGTERM')
      await lake.exited
    }
  }, 30_000)
})
