/**
 * Memory and churn benchmark (`npm run bench` → `node bench/churn.ts`; see bench/README.md).
 *
 * Starts the lake as a child process (`node lake/main.ts`, temporary data directory, free port,
 * an admin token), so the memory it reads is the lake's alone, and loads the bench documents
 * (bench/lake.ts `generateBenchData`) through one `POST /data/import`. It reports the lake's
 * resident memory (/proc/<pid>/status and smaps_rollup), as it is and after a full collection in
 * every isolate (main thread and query workers, through the inspector), with each heap, idle after
 * the import and after a first round of queries, when every query worker holds its own copy.
 *
 * Then it churns for BENCH_CHURN_MINUTES: creates, patches and deletes that keep the document
 * count about constant, drafts written and discarded, queries of the bench's shapes in the
 * published and drafts perspectives, listeners that connect, receive and disconnect, history
 * requests and file uploads. It samples RSS every BENCH_CHURN_SAMPLE_SECONDS and, once a minute,
 * RSS after GC and the heaps, printing one row per minute, then a verdict: least-squares slopes
 * over the last 80 % of the run (the first 20 % is warm-up), in MB per hour. Exit code 1 on any
 * error, or when RSS after GC rises faster than BENCH_CHURN_MAX_MB_PER_HOUR and by more than the
 * noise floor BENCH_CHURN_NOISE_MB inside the window (short runs cannot tell a leak from a
 * collector that has not settled). Plain RSS is shown but does not decide: it holds garbage not
 * yet collected, so its slope follows when the collectors ran. Query timeouts (408) are counted
 * apart and don't fail it.
 *
 * Options (env): BENCH_DOCS (default 100000), BENCH_CHURN_MINUTES (default 1; 60 for the hour),
 * BENCH_CHURN_SAMPLE_SECONDS (default 5), BENCH_CHURN_MAX_MB_PER_HOUR (default 50),
 * BENCH_CHURN_NOISE_MB (default 32), BENCH_CHURN_NODE_FLAGS (extra flags for the lake's node),
 * LAKE_QUERY_WORKERS (passed on to the lake).
 */
import {randomUUID} from 'node:crypto'
import {readFileSync} from 'node:fs'
import {loadavg} from 'node:os'
import type {SanityClient} from '@sanity/client'
import type {LakeDocument} from '../lake/core/types.ts'
import {generateBenchData} from './lake.ts'
import {startLakeProcess} from './lakeProcess.ts'
import {ms, percentile, table} from './measure.ts'

function envNumber(name: string, fallback: number): number {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isFinite(value) || value <= 0) {
    console.error(`bench/churn.ts: ${name} must be a positive number, got "${raw}"`)
    process.exit(2)
  }
  return value
}

const DOCS = envNumber('BENCH_DOCS', 100_000)
const MINUTES = envNumber('BENCH_CHURN_MINUTES', 1)
const SAMPLE_SECONDS = envNumber('BENCH_CHURN_SAMPLE_SECONDS', 5)
const MAX_MB_PER_HOUR = envNumber('BENCH_CHURN_MAX_MB_PER_HOUR', 50)
const NOISE_MB = envNumber('BENCH_CHURN_NOISE_MB', 32)
const WORKERS = envNumber('LAKE_QUERY_WORKERS', 2)
/** Extra Node/V8 flags for the lake process, to compare memory settings (e.g. `--optimize-for-size`). */
const NODE_FLAGS = (process.env.BENCH_CHURN_NODE_FLAGS ?? '').split(' ').filter(Boolean)
const DATASET = 'churn'
const API = 'v2025-02-19'

// ------------------------------------------------------------------ the lake's memory

/** A V8 heap after a full collection: bytes in use, bytes the heap holds (used + free), external. */
interface Heap {
  used: number
  total: number
  /** Memory outside the heap that its objects hold (buffers, SQLite's statement results…). */
  external: number
}

/**
 * A minimal Chrome DevTools Protocol client over the lake's inspector WebSocket: the main thread
 * and, through the NodeWorker domain, each worker thread (the query workers).
 */
class Inspector {
  private nextId = 1
  private readonly pending = new Map<string, (result: unknown) => void>()
  /** Attached workers: session id → the worker's script URL. */
  readonly workers = new Map<string, string>()
  private readonly socket: WebSocket

  private constructor(socket: WebSocket) {
    this.socket = socket
    socket.addEventListener('message', (event) => this.receive(String(event.data), ''))
  }

  private receive(text: string, session: string) {
    const message = JSON.parse(text) as {
      id?: number
      result?: unknown
      method?: string
      params?: {sessionId: string; message: string; workerInfo: {url: string}}
    }
    if (message.id !== undefined) {
      const key = `${session}:${message.id}`
      this.pending.get(key)?.(message.result)
      this.pending.delete(key)
    } else if (message.method === 'NodeWorker.attachedToWorker' && message.params) {
      this.workers.set(message.params.sessionId, message.params.workerInfo.url)
    } else if (message.method === 'NodeWorker.detachedFromWorker' && message.params) {
      this.workers.delete(message.params.sessionId)
    } else if (message.method === 'NodeWorker.receivedMessageFromWorker' && message.params) {
      this.receive(message.params.message, message.params.sessionId)
    }
  }

  static async connect(url: string): Promise<Inspector> {
    const inspector = await new Promise<Inspector>((resolve, reject) => {
      const socket = new WebSocket(url)
      socket.addEventListener('open', () => resolve(new Inspector(socket)), {once: true})
      socket.addEventListener('error', () => reject(new Error('inspector connect failed')), {
        once: true,
      })
    })
    await inspector.send('NodeWorker.enable', {waitForDebuggerOnStart: false})
    return inspector
  }

  /** A command to the main thread, or (session given) to that worker. */
  send<T>(method: string, params: object = {}, session = ''): Promise<T> {
    const id = this.nextId++
    return new Promise((resolve) => {
      this.pending.set(`${session}:${id}`, resolve as (result: unknown) => void)
      const command = JSON.stringify({id, method, params})
      this.socket.send(
        session === ''
          ? command
          : JSON.stringify({
              id: this.nextId++,
              method: 'NodeWorker.sendMessageToWorker',
              params: {sessionId: session, message: command},
            }),
      )
    })
  }

  private async heap(session: string): Promise<Heap> {
    await this.send('HeapProfiler.collectGarbage', {}, session)
    const {result} = await this.send<{
      result: {value: {heapUsed: number; heapTotal: number; external: number}}
    }>('Runtime.evaluate', {expression: 'process.memoryUsage()', returnByValue: true}, session)
    return {
      used: result.value.heapUsed,
      total: result.value.heapTotal,
      external: result.value.external,
    }
  }

  /** The main thread's heap and each query worker's, after a full collection in each. */
  async heaps(): Promise<{main: Heap; workers: Heap[]}> {
    const sessions = [...this.workers].filter(([, url]) => /queryWorker/.test(url))
    return {
      main: await this.heap(''),
      workers: await Promise.all(sessions.map(([session]) => this.heap(session))),
    }
  }

  close() {
    this.socket.close()
  }
}

interface Memory {
  rss: number
  anon: number
  file: number
  threads: number
}

/** The lake process's resident memory (all its threads, query workers included), in bytes. */
function readMemory(pid: number): Memory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const field = (text: string, name: string) =>
    Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? 0)
  const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8')
  return {
    rss: field(status, 'VmRSS') * 1024,
    anon: field(rollup, 'Anonymous') * 1024,
    file: (field(status, 'RssFile') + field(status, 'RssShmem')) * 1024,
    threads: field(status, 'Threads'),
  }
}

const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(0)
/** "used/total+external" in MB. */
const heapText = (heap: Heap) => `${mb(heap.used)}/${mb(heap.total)}+${mb(heap.external)}`

// ------------------------------------------------------------------ counters

const counts = {
  transactions: 0,
  queries: 0,
  listeners: 0,
  listenerEvents: 0,
  history: 0,
  uploads: 0,
  errors: 0,
  /** Queries answered 408 (over LAKE_QUERY_TIMEOUT_MS): load on the machine, not wrong answers. */
  timeouts: 0,
}
const errorSamples: string[] = []

/** One kind of request in one form (a query shape and perspective, a kind of transaction…). */
interface OperationStats {
  kind: string
  answered: number
  /** Milliseconds of each answered request. */
  msecs: number[]
  timeouts: number
  errors: number
}
/** Keyed by `kind: shape`, so the summary names which requests time out or fail. */
const operations = new Map<string, OperationStats>()

function operation(kind: string, shape: string): OperationStats {
  const key = `${kind}: ${shape}`
  let stats = operations.get(key)
  if (!stats) {
    stats = {kind, answered: 0, msecs: [], timeouts: 0, errors: 0}
    operations.set(key, stats)
  }
  return stats
}

let churnStartedAt = 0

/** Runs one request, counting it, its time, a timeout or an error under its kind and shape. */
async function measured(kind: string, shape: string, run: () => Promise<unknown>) {
  const stats = operation(kind, shape)
  const started = performance.now()
  try {
    await run()
    stats.answered++
    stats.msecs.push(performance.now() - started)
    return true
  } catch (error) {
    fail(kind, shape, error, performance.now() - started)
    return false
  }
}

function fail(kind: string, shape: string, error: unknown, elapsed?: number) {
  const stats = operation(kind, shape)
  const timeout = kind === 'query' && (error as {statusCode?: number}).statusCode === 408
  if (timeout) {
    counts.timeouts++
    stats.timeouts++
  } else {
    counts.errors++
    stats.errors++
  }
  const cause = (error as {cause?: {code?: string; message?: string}}).cause
  const after = elapsed === undefined ? '' : ` after ${(elapsed / 1000).toFixed(1)} s`
  const message = `${kind} [${shape}]${timeout ? ' (timeout)' : ''}${after}: ${error instanceof Error ? error.message : String(error)}${cause ? ` (${cause.code ?? ''} ${cause.message ?? ''})` : ''}`
  if (errorSamples.length < 10 && !timeout) errorSamples.push(message)
  // The first ones as they happen, with the minute and the load (a long run is judged by when
  // they start and how busy the machine was); the summary counts all of them by shape.
  if (counts.errors + counts.timeouts <= 30) {
    const minute = churnStartedAt ? ((performance.now() - churnStartedAt) / 60_000).toFixed(1) : '-'
    console.error(`  [${minute} min, load ${loadavg()[0].toFixed(1)}] ${message.slice(0, 300)}`)
  }
}

const requestsDone = () =>
  counts.transactions + counts.queries + counts.listeners + counts.history + counts.uploads

// ------------------------------------------------------------------ the load

const FIRST = ['Anna', 'Erik', 'Maria', 'Lars', 'Karin', 'Johan', 'Eva', 'Anders', 'Sara', 'Per']

interface Pools {
  ids: string[]
  interviewSlugs: string[]
  referenced: string[]
  interviews: LakeDocument[]
  persons: string[]
  organizations: string[]
}

interface BenchQuery {
  /** A short name for the summary (the row names of bench/lake.ts). */
  shape: string
  query: string
  params: object
}

/** The bench's query shapes (bench/lake.ts) with parameters picked from the pools. */
function benchQueries(pools: Pools, n: number): BenchQuery[] {
  const stride = <T>(list: T[], i: number) => list[(i * 7919) % list.length]
  return [
    {shape: 'by _id', query: '*[_id == $id][0]', params: {id: stride(pools.ids, n)}},
    {
      shape: 'slug with ->',
      query:
        '*[_type == "interview" && slug.current == $slug][0]{title, "interviewee": interviewee->{name, "org": organization->name}}',
      params: {slug: stride(pools.interviewSlugs, n)},
    },
    {
      shape: 'newest 20 interviews',
      query:
        '*[_type == "interview"] | order(publishedAt desc)[0...20]{_id, title, publishedAt, "slug": slug.current}',
      params: {},
    },
    {shape: 'count of a type', query: 'count(*[_type == "interview"])', params: {}},
    {
      shape: 'references',
      query: '*[references($id)]{_id, _type}',
      params: {id: stride(pools.referenced, n)},
    },
    {
      shape: 'count references',
      query: 'count(*[references($id)])',
      params: {id: stride(pools.referenced, n)},
    },
    {
      shape: 'Studio search shape',
      query:
        '*[_type in ["person", "organization", "interview"] && (title match $q || name match $q)][0...20]{_id, _type}',
      params: {q: `${stride(FIRST, n)}*`},
    },
    {
      shape: 'validUntil < now()',
      query: '*[_type == "qmCertification" && validUntil < now()]._id',
      params: {},
    },
    {
      shape: 'title match',
      query: '*[_type == "interview" && title match $q][0...10]{_id, title}',
      params: {q: `${stride(FIRST, n)}*`},
    },
  ]
}

async function queryLoop(client: SanityClient, pools: Pools, seed: number, until: () => boolean) {
  for (let n = seed; !until(); n++) {
    const shapes = benchQueries(pools, n)
    const {shape, query, params} = shapes[n % shapes.length]
    const perspective = n % 2 === 0 ? 'published' : 'drafts'
    if (
      await measured('query', `${shape} (${perspective})`, () =>
        client.fetch(query, params, {perspective}),
      )
    ) {
      counts.queries++
    }
  }
}

/**
 * Creates, patches and deletes persons of its own (so deletes never hit a referenced document),
 * keeping about `target` of them alive; patches existing persons and interviews; writes drafts of
 * interviews and discards them again.
 */
async function writeLoop(
  client: SanityClient,
  pools: Pools,
  seed: number,
  target: number,
  until: () => boolean,
) {
  const own: string[] = []
  const drafts: string[] = []
  for (let n = seed; !until(); n++) {
    const pick = <T>(list: T[]) => list[(n * 7919 + seed) % list.length]
    const transaction = client.transaction()
    const kind = n % 5
    let shape: string
    if (kind === 0 || (kind === 1 && own.length < target)) {
      shape = 'create a person'
      const id = `churn-${randomUUID()}`
      own.push(id)
      transaction.create({
        _id: id,
        _type: 'person',
        name: `${pick(FIRST)} Churn ${n}`,
        role: 'Handlare',
        organization: {_type: 'reference', _ref: pick(pools.organizations)},
        bio: [
          {
            _key: 'b1',
            _type: 'block',
            style: 'normal',
            markDefs: [],
            children: [{_key: 's1', _type: 'span', marks: [], text: `Skapad i omgång ${n}.`}],
          },
        ],
      })
    } else if (kind === 1) {
      shape = 'delete a person'
      transaction.delete(own.shift()!)
    } else if (kind === 2) {
      shape = 'patch two persons'
      transaction.patch(pick(pools.persons), (p) => p.set({role: `Roll ${n % 50}`}))
      if (own.length > 0) transaction.patch(pick(own), (p) => p.inc({churnCount: 1}))
    } else if (kind === 3) {
      shape = 'write a draft (and discard one)'
      const source = pick(pools.interviews)
      transaction.createOrReplace({
        ...source,
        _id: `drafts.${source._id}`,
        title: `${source.title as string} (utkast ${n})`,
      })
      drafts.push(`drafts.${source._id}`)
      if (drafts.length > 20) transaction.delete(drafts.shift()!)
    } else {
      shape = 'patch an interview'
      transaction.patch(pick(pools.interviews)._id, (p) => p.set({lead: `Ingress, version ${n}.`}))
    }
    if (
      await measured('mutation', shape, () =>
        transaction.commit({returnDocuments: false, visibility: 'async'}),
      )
    ) {
      counts.transactions++
    }
  }
}

/** Listeners that connect, wait for one event (or 3 s), then disconnect; over and over. */
async function listenerLoop(client: SanityClient, until: () => boolean) {
  for (let n = 0; !until(); n++) {
    const query = n % 2 === 0 ? '*[_type == "person"]' : '*[_type == "interview"]'
    const includeResult = n % 3 === 0
    const shape = `${query}${includeResult ? ' with result' : ''} (until an event or 3 s)`
    const listened = await measured(
      'listener',
      shape,
      () =>
        new Promise<void>((resolve, reject) => {
          let timer: NodeJS.Timeout | undefined
          const subscription = client
            .listen(query, {}, {events: ['welcome', 'mutation'], includeResult})
            .subscribe({
              next: (event) => {
                if (event.type === 'welcome') {
                  timer = setTimeout(done, 3000)
                } else {
                  counts.listenerEvents++
                  done()
                }
              },
              error: (error: Error) => {
                clearTimeout(timer)
                reject(error)
              },
            })
          function done() {
            clearTimeout(timer)
            subscription.unsubscribe()
            resolve()
          }
        }),
    )
    if (listened) counts.listeners++
  }
}

const STUDIO_HISTORY =
  'effectFormat=mendoza&excludeContent=true&excludeMutations=true&includeIdentifiedDocumentsOnly=true&reverse=true&limit=50'

async function historyLoop(url: string, token: string, pools: Pools, until: () => boolean) {
  const headers = {Authorization: `Bearer ${token}`}
  for (let n = 0; !until(); n++) {
    const id = pools.interviews[(n * 7919) % pools.interviews.length]._id
    const [shape, path] =
      n % 2 === 0
        ? ['last revision', `/data/history/${DATASET}/documents/${id}?lastRevision=true`]
        : [
            // What the Studio's history panel asks (sanity 6.9.2's timeline).
            'transactions (Studio)',
            `/data/history/${DATASET}/transactions/${id},drafts.${id}?${STUDIO_HISTORY}`,
          ]
    const answered = await measured('history', shape, async () => {
      const res = await fetch(`${url}/${API}${path}`, {headers})
      await res.arrayBuffer()
      if (!res.ok) throw new Error(`${path} answered ${res.status}`)
    })
    if (answered) counts.history++
    await sleep(200)
  }
}

/** A small file upload every 2 s; its asset document is deleted again. */
async function uploadLoop(client: SanityClient, until: () => boolean) {
  for (let n = 0; !until(); n++) {
    const uploaded = await measured('upload', 'a file, then delete its asset', async () => {
      const asset = await client.assets.upload(
        'file',
        Buffer.from(`Bilaga ${n} ${randomUUID()}\n`.repeat(200)),
        {filename: `bilaga-${n}.txt`, contentType: 'text/plain'},
      )
      await client.delete(asset._id)
    })
    if (uploaded) counts.uploads++
    await sleep(2000)
  }
}

const sleep = (msecs: number) => new Promise((resolve) => setTimeout(resolve, msecs))

// ------------------------------------------------------------------ verdict

/**
 * Every kind and shape of request with its times, timeouts and errors: which queries the lake
 * cannot answer under churn. A listener's time is its whole subscription (until an event or 3 s).
 */
function operationTable(): string {
  const rows = [...operations]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, stats]) => {
      const sorted = [...stats.msecs].sort((a, b) => a - b)
      const at = (p: number) => (sorted.length === 0 ? '-' : ms(percentile(sorted, p)))
      return [key, stats.answered, at(50), at(99), at(100), stats.timeouts, stats.errors]
    })
  return table(['request', 'answered', 'p50 ms', 'p99 ms', 'max ms', 'timeouts', 'errors'], rows)
}

/** Least-squares slope of y over x. */
function slope(points: Array<[number, number]>): number {
  const n = points.length
  const meanX = points.reduce((s, [x]) => s + x, 0) / n
  const meanY = points.reduce((s, [, y]) => s + y, 0) / n
  let num = 0
  let den = 0
  for (const [x, y] of points) {
    num += (x - meanX) * (y - meanY)
    den += (x - meanX) ** 2
  }
  return den === 0 ? 0 : num / den
}

interface Trend {
  name: string
  mbPerHour: number
  growthMb: number
  minutes: number
  samples: number
  grows: boolean
}

/** The slope of a series of [seconds, bytes] samples and the growth it fits over their span. */
function trend(name: string, points: Array<[number, number]>): Trend {
  const minutes = points.length >= 2 ? (points.at(-1)![0] - points[0][0]) / 60 : 0
  const mbPerHour =
    points.length >= 2 ? slope(points.map(([at, bytes]) => [at / 3600, bytes / 1024 / 1024])) : 0
  const growthMb = (mbPerHour * minutes) / 60
  return {
    name,
    mbPerHour,
    growthMb,
    minutes,
    samples: points.length,
    grows: mbPerHour > MAX_MB_PER_HOUR && growthMb > NOISE_MB,
  }
}

// ------------------------------------------------------------------ run

async function main(): Promise<number> {
  const data = generateBenchData(DOCS)
  // The inspector (loopback, a free port) lets the bench force a collection and read each heap.
  const lake = await startLakeProcess([DATASET], undefined, {
    inspector: true,
    nodeFlags: NODE_FLAGS,
    echoStderr: true,
  })
  const inspector = await Inspector.connect(lake.inspectorUrl!).catch(async (error: unknown) => {
    await lake.stop()
    throw error
  })
  const {pid, adminToken: token} = lake
  const client = lake.client(DATASET)
  try {
    console.log(
      `Churn benchmark: lake pid ${pid}, ${WORKERS} query worker(s), ${MINUTES} min of churn, Node ${process.version}${NODE_FLAGS.length > 0 ? `, lake flags ${NODE_FLAGS.join(' ')}` : ''}; load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
    )
    /** RSS as it is, then every heap collected and RSS again once V8 has released the pages. */
    const snapshot = async () => {
      const before = readMemory(pid)
      const heaps = await inspector.heaps()
      await sleep(1000)
      return {before, heaps, after: readMemory(pid)}
    }
    const started = await snapshot()

    const documents = [...data.published, ...data.drafts]
    const body = documents.map((doc) => JSON.stringify(doc)).join('\n')
    const jsonBytes = Buffer.byteLength(body)
    const importStarted = performance.now()
    const res = await fetch(`${lake.url}/${API}/data/import/${DATASET}`, {
      method: 'POST',
      headers: {Authorization: `Bearer ${token}`, 'Content-Type': 'application/x-ndjson'},
      body,
    })
    if (!res.ok) throw new Error(`import failed: ${res.status} ${await res.text()}`)
    const importSeconds = (performance.now() - importStarted) / 1000
    await sleep(2000)
    const afterImport = await snapshot()

    const pools: Pools = {
      ids: data.ids,
      interviewSlugs: data.interviewSlugs,
      referenced: data.published
        .filter((doc) => doc._type === 'city' || doc._type === 'organization')
        .map((doc) => doc._id),
      interviews: data.published.filter((doc) => doc._type === 'interview'),
      persons: data.published.filter((doc) => doc._type === 'person').map((doc) => doc._id),
      organizations: data.published
        .filter((doc) => doc._type === 'organization')
        .map((doc) => doc._id),
    }
    // A first round: every shape in both perspectives, as many at once as there are workers,
    // so each worker loads its copy of the documents.
    const firstRound = benchQueries(pools, 0).flatMap((q) =>
      ['published', 'drafts'].map((perspective) => ({...q, perspective})),
    )
    for (let w = 0; w < 2; w++) {
      await Promise.all(
        Array.from({length: WORKERS}, (_, k) =>
          Promise.all(
            firstRound
              .filter((_, i) => i % WORKERS === k)
              .map((q) =>
                client.fetch(q.query, q.params, {
                  perspective: q.perspective as 'published' | 'drafts',
                }),
              ),
          ),
        ),
      )
    }
    await sleep(2000)
    const afterQueries = await snapshot()

    const perWorker = (afterQueries.after.rss - afterImport.after.rss) / WORKERS
    console.log(
      `Imported ${data.published.length + data.drafts.length} documents (${mb(jsonBytes)} MB of JSON) in ${importSeconds.toFixed(1)} s`,
    )
    console.log()
    console.log(
      table(
        [
          'lake memory',
          'RSS MB',
          'after GC MB',
          'anonymous MB',
          'file+shmem MB',
          'main heap MB',
          'worker heaps MB',
          'threads',
        ],
        [
          ['started, empty', started] as const,
          ['idle after import', afterImport] as const,
          ['after first queries', afterQueries] as const,
        ].map(([label, {before, heaps, after}]) => [
          label,
          mb(before.rss),
          mb(after.rss),
          mb(after.anon),
          mb(after.file),
          heapText(heaps.main),
          heaps.workers.map(heapText).join(', '),
          after.threads,
        ]),
      ),
    )
    console.log(
      `Query workers: ${WORKERS}; their copies add ${mb(afterQueries.after.rss - afterImport.after.rss)} MB (after GC), about ${mb(perWorker)} MB per worker (${((perWorker / jsonBytes) * 100).toFixed(0)} % of the JSON)`,
    )
    console.log()

    // ---------------------------------------------------------------- churn
    const runMs = MINUTES * 60_000
    const churnStarted = performance.now()
    churnStartedAt = churnStarted
    const over = () => performance.now() - churnStarted >= runMs
    const samples: Array<{at: number; rss: number}> = []
    const heapSamples: Array<{at: number; used: number; rss: number}> = []
    const minuteRows: Array<Array<string | number>> = []
    let nextMinute = 1
    const countDocuments = () =>
      client.fetch<number>('count(*)', {}, {perspective: 'raw'}).catch((error: unknown) => {
        fail('count', 'count(*) raw', error)
        return -1
      })
    const documentsAtStart = await countDocuments()
    const sampler = (async () => {
      while (!over()) {
        await sleep(SAMPLE_SECONDS * 1000)
        const at = (performance.now() - churnStarted) / 1000
        const memory = readMemory(pid)
        samples.push({at, rss: memory.rss})
        if (at >= nextMinute * 60 || over()) {
          nextMinute = Math.floor(at / 60) + 1
          const {heaps: heap, after} = await snapshot()
          const workersUsed = heap.workers.reduce((sum, h) => sum + h.used, 0)
          heapSamples.push({at, used: heap.main.used + workersUsed, rss: after.rss})
          minuteRows.push([
            (at / 60).toFixed(1),
            mb(memory.rss),
            mb(after.rss),
            mb(after.anon),
            heapText(heap.main),
            heap.workers.map(heapText).join(', '),
            await countDocuments(),
            counts.transactions,
            requestsDone(),
            counts.errors,
            counts.timeouts,
          ])
          console.log(
            `  ${(at / 60).toFixed(1)} min: RSS ${mb(memory.rss)} MB (${mb(after.rss)} after GC), heaps ${heapText(heap.main)} + ${heap.workers.map(heapText).join(', ')} MB, ${counts.transactions} transactions, ${requestsDone()} requests, ${counts.errors} errors, ${counts.timeouts} query timeouts`,
          )
        }
      }
    })()
    const target = 200
    await Promise.all([
      writeLoop(client, pools, 1, target, over),
      writeLoop(client, pools, 2, target, over),
      queryLoop(client, pools, 0, over),
      queryLoop(client, pools, 1, over),
      listenerLoop(client, over),
      historyLoop(lake.url, token, pools, over),
      uploadLoop(client, over),
      sampler,
    ])
    const elapsed = (performance.now() - churnStarted) / 1000
    const documentsAtEnd = await countDocuments()

    console.log()
    console.log(
      table(
        [
          'minute',
          'RSS MB',
          'after GC MB',
          'anonymous MB',
          'main heap MB',
          'worker heaps MB',
          'documents',
          'transactions',
          'requests',
          'errors',
          'timeouts',
        ],
        minuteRows,
      ),
    )
    const window = <T extends {at: number}>(list: T[]) => list.filter((s) => s.at >= elapsed * 0.2)
    const trends = [
      trend(
        'RSS',
        window(samples).map((s) => [s.at, s.rss]),
      ),
      trend(
        'RSS after GC',
        window(heapSamples).map((s) => [s.at, s.rss]),
      ),
      trend(
        'heaps in use after GC',
        window(heapSamples).map((s) => [s.at, s.used]),
      ),
    ]
    console.log()
    console.log(
      `Churn: ${elapsed.toFixed(0)} s, ${counts.transactions} transactions (${(counts.transactions / elapsed).toFixed(1)}/s), ${counts.queries} queries (${(counts.queries / elapsed).toFixed(1)}/s), ${counts.listeners} listeners (${counts.listenerEvents} with an event), ${counts.history} history requests, ${counts.uploads} uploads, ${counts.errors} errors, ${counts.timeouts} query timeouts (408); documents ${documentsAtStart} → ${documentsAtEnd}`,
    )
    console.log(
      `RSS: ${mb(afterQueries.before.rss)} MB after the first queries (${mb(afterQueries.after.rss)} after GC), ${mb(samples.at(-1)?.rss ?? 0)} MB at the end, peak ${mb(Math.max(...samples.map((s) => s.rss)))} MB`,
    )
    console.log(
      `Load average at the end: ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
    )
    console.log()
    console.log(operationTable())
    console.log()
    for (const sample of errorSamples) console.log(`  error ${sample}`)
    console.log(
      `Growth over the last 80 % of the run (least-squares slope; bound ${MAX_MB_PER_HOUR} MB/h beyond a ${NOISE_MB} MB noise floor):`,
    )
    for (const t of trends) {
      console.log(
        `  ${t.name}: ${t.mbPerHour.toFixed(1)} MB/h, fitted growth ${t.growthMb.toFixed(1)} MB over ${t.minutes.toFixed(1)} min (${t.samples} samples)${t.grows ? ' GROWS' : ''}`,
      )
    }
    // The verdict is on the memory the process keeps (RSS after a collection in every thread);
    // plain RSS also counts garbage not yet collected, and the heaps say where memory went.
    const grows = trends[1].grows
    console.log(
      `Verdict: ${grows ? 'GROWS' : 'no growth'}; ${counts.errors === 0 ? 'no errors' : `${counts.errors} errors`}; ${counts.timeouts} query timeouts (reported, not failed: they measure the machine's load)`,
    )
    const failed = grows || counts.errors > 0
    console.log(failed ? 'FAILED' : 'OK')
    return failed ? 1 : 0
  } finally {
    inspector.close()
    await lake.stop()
  }
}

process.exitCode = await main()
