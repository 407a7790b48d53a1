/**
 * Listener fan-out benchmark (`npm run bench` → `node bench/listeners.ts`). See bench/README.md.
 *
 * The lake runs in its own process (bench/lakeProcess.ts); the writers and lean node:http
 * `/data/listen` readers run here, so the lake's event loop does only the lake's work. Rows:
 * 1 listener and 100 listeners on `*[_type == "city"]`, and 100 listeners with 100 different
 * filters and options (the shapes a Studio opens: document pairs, type lists, searches with
 * `match`, projections without results; {@link MIXED_LISTENERS}), and 100 document panes on 100
 * different documents, of which only the patched one's gets events ({@link PANE_LISTENERS}: what
 * the hub's index of pinned ids saves). Each row:
 *
 * 1. Mutation → event latency: one patch at a time, timed from the mutate request until EVERY
 *    listener whose filter matches got that transaction's event; p50 and p99 over the commits.
 * 2. Write throughput: writers committing patches back to back for a fixed time (events keep
 *    flowing to every listener); transactions per second, and as a share of the 1-listener row;
 *    and the lake process's CPU time per transaction meanwhile (all its threads, from /proc),
 *    which the machine's load distorts far less than the rates.
 *
 * Options (env): BENCH_LISTEN_COMMITS (default 200), BENCH_LISTEN_SECONDS (default 3),
 * BENCH_LISTEN_WRITERS (default 4), BENCH_LISTEN_ONLY (a regex over the row names),
 * BENCH_LISTEN_LAKE (the lake/main.ts of another checkout, to compare).
 */
import {readFileSync} from 'node:fs'
import {get} from 'node:http'
import {loadavg} from 'node:os'

import {startLakeProcess, type LakeProcess} from './lakeProcess.ts'
import {ms, percentile, table} from './measure.ts'

const commits = Math.max(20, Number(process.env.BENCH_LISTEN_COMMITS) || 200)
const seconds = Math.max(1, Number(process.env.BENCH_LISTEN_SECONDS) || 3)
const writers = Math.max(1, Number(process.env.BENCH_LISTEN_WRITERS) || 4)
const only = process.env.BENCH_LISTEN_ONLY ? new RegExp(process.env.BENCH_LISTEN_ONLY) : null
const DATASET = 'bench'
const BENCH_ID = 'city-bench'

/** One `/data/listen` request: its query, params and the flags that shape its events. */
export interface ListenerRequest {
  query: string
  params?: Record<string, unknown>
  includeResult?: boolean
}

const SAME_QUERY: ListenerRequest = {query: '*[_type == "city"]', params: {}, includeResult: true}

/**
 * 100 listeners, no two alike (each is its own group in the hub), all matching the patched
 * document so that every one of them gets every event.
 */
export const MIXED_LISTENERS: ListenerRequest[] = Array.from({length: 100}, (_, i) => {
  switch (i % 4) {
    case 0:
      // A document pane: the published and draft pair.
      return {
        query: '*[_id in [$id, "drafts." + $id] || _id == $other]',
        params: {id: BENCH_ID, other: `city-${i}`},
      }
    case 1:
      // A list pane of one type, with a comparison.
      return {query: '*[_type == $type && population >= $min]', params: {type: 'city', min: -i}}
    case 2:
      // A search: `match` filters are evaluated under a time limit.
      return {
        query: '*[_type == "city" && (name match $term || _id == $other)]',
        params: {term: ['Bor*', 'borås', 'Bo*', 'b*'][(i % 8) >> 1], other: `city-${i}`},
      }
    default:
      // A projection the listener ignores, and no result in the event.
      return {
        query: '*[_type in ["city", "person"] && defined(name) && !(_id in $skip)]{_id, name}',
        params: {skip: [`person-${i}`]},
        includeResult: false,
      }
  }
})

/**
 * 100 document panes (the published and draft pair), each on its own document; only the first
 * is on the patched one.
 */
export const PANE_LISTENERS: ListenerRequest[] = Array.from({length: 100}, (_, i) => ({
  query: '*[_id in [$id, "drafts." + $id]]',
  params: {id: i === 0 ? BENCH_ID : `city-${i}`},
}))

interface Row {
  name: string
  listeners: ListenerRequest[]
  /** How many of them get each transaction's event (default: all). */
  receivers?: number
}

const ROWS: Row[] = [
  {name: '1 listener', listeners: [SAME_QUERY]},
  {name: '100 listeners, one filter', listeners: Array.from({length: 100}, () => SAME_QUERY)},
  {name: '100 listeners, 100 filters', listeners: MIXED_LISTENERS},
  {name: '100 panes, 1 on the document', listeners: PANE_LISTENERS, receivers: 1},
]

export interface ListenerFigures {
  name: string
  listeners: number
  p50: number
  p99: number
  txPerSecond: number
  /** The lake's CPU milliseconds per transaction in the throughput phase (null: no /proc). */
  cpuMsPerTx: number | null
}

/** User + system CPU time of a process in ms (Linux /proc; null elsewhere). */
function cpuMs(pid: number): number | null {
  try {
    // Fields after the command name (which may contain spaces): utime and stime are 12th, 13th.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND
  } catch {
    return null
  }
}

/** `getconf CLK_TCK` on Linux (it is 100 on every common configuration). */
const CLOCK_TICKS_PER_SECOND = 100

/** Latency and throughput with the given listeners on a running lake. */
export async function measureListeners(lake: LakeProcess, row: Row): Promise<ListenerFigures> {
  const count = row.receivers ?? row.listeners.length
  const client = lake.client(DATASET)
  await client.createOrReplace({_id: BENCH_ID, _type: 'city', name: 'Borås', population: 0})
  // Per transaction id: how many listeners have seen it, and who waits for all of them.
  const seen = new Map<string, number>()
  const waiting = new Map<string, () => void>()
  const onEvent = (transactionId: string) => {
    const n = (seen.get(transactionId) ?? 0) + 1
    seen.set(transactionId, n)
    if (n === count) {
      seen.delete(transactionId)
      waiting.get(transactionId)?.()
    }
  }
  const subscriptions = await Promise.all(
    row.listeners.map((request) => openListener(lake, request, onEvent)),
  )
  try {
    const latencies: number[] = []
    const tag = row.name.replace(/\W+/g, '-')
    for (let i = 0; i < commits + 20; i++) {
      const transactionId = `bench-${tag}-${i}`
      const arrived = new Promise<void>((resolve) => waiting.set(transactionId, resolve))
      const started = performance.now()
      await client
        .patch(BENCH_ID)
        .set({population: i})
        .commit({transactionId, returnDocuments: false})
      await arrived
      waiting.delete(transactionId)
      if (i >= 20) latencies.push(performance.now() - started)
    }
    latencies.sort((a, b) => a - b)

    // Throughput: events still flow to every listener, nobody waits for them.
    const until = performance.now() + seconds * 1000
    let done = 0
    const cpuAtStart = cpuMs(lake.pid)
    const started = performance.now()
    await Promise.all(
      Array.from({length: writers}, async (_, writer) => {
        for (let i = 0; performance.now() < until; i++) {
          await client
            .patch(BENCH_ID)
            .set({[`w${writer}`]: i})
            .commit({returnDocuments: false})
          done++
        }
      }),
    )
    const txPerSecond = done / ((performance.now() - started) / 1000)
    const cpuAtEnd = cpuMs(lake.pid)
    seen.clear()
    return {
      name: row.name,
      listeners: row.listeners.length,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      txPerSecond,
      cpuMsPerTx: cpuAtStart === null || cpuAtEnd === null ? null : (cpuAtEnd - cpuAtStart) / done,
    }
  } finally {
    for (const subscription of subscriptions) subscription.unsubscribe()
  }
}

/**
 * A lean `/data/listen` subscriber (node:http, no event parsing beyond the transaction id), so
 * the readers cost this process little next to the lake's work.
 */
function openListener(
  lake: LakeProcess,
  request: ListenerRequest,
  onEvent: (transactionId: string) => void,
): Promise<{unsubscribe(): void}> {
  const url = new URL(`${lake.url}/v2025-02-19/data/listen/${DATASET}`)
  url.searchParams.set('query', request.query)
  for (const [name, value] of Object.entries(request.params ?? {})) {
    url.searchParams.set(`$${name}`, JSON.stringify(value))
  }
  url.searchParams.set('includeResult', String(request.includeResult ?? true))
  return new Promise((resolve, reject) => {
    const req = get(url, {headers: {Authorization: `Bearer ${lake.adminToken}`}}, (res) => {
      res.setEncoding('utf8')
      let buffered = ''
      res.on('data', (chunk: string) => {
        buffered += chunk
        let end = buffered.indexOf('\n\n')
        while (end !== -1) {
          const message = buffered.slice(0, end)
          buffered = buffered.slice(end + 2)
          if (message.includes('event: welcome')) resolve({unsubscribe: () => req.destroy()})
          if (message.includes('event: channelError')) reject(new Error(message))
          const match = /"transactionId":"([^"]+)"/.exec(message)
          if (message.includes('event: mutation') && match) onEvent(match[1])
          end = buffered.indexOf('\n\n')
        }
      })
    })
    req.on('error', (error) => {
      if (!req.destroyed) reject(error)
    })
  })
}

export function listenerTable(figures: ListenerFigures[]): string {
  const single = figures.find((f) => f.listeners === 1)?.txPerSecond
  return table(
    [
      'listeners',
      'mutation → all events p50 ms',
      'p99 ms',
      'writes tx/s',
      'of 1 listener',
      'lake CPU ms/tx',
    ],
    figures.map((f) => [
      f.name,
      ms(f.p50),
      ms(f.p99),
      f.txPerSecond.toFixed(0),
      single === undefined ? '' : `${Math.round((100 * f.txPerSecond) / single)} %`,
      f.cpuMsPerTx === null ? '' : f.cpuMsPerTx.toFixed(2),
    ]),
  )
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const lake = await startLakeProcess([DATASET], process.env.BENCH_LISTEN_LAKE || undefined)
  // The machine is shared: the figures mean little without the load they were measured at.
  const loadAtStart = loadavg()[0].toFixed(1)
  try {
    const figures: ListenerFigures[] = []
    for (const row of ROWS) {
      if (only === null || only.test(row.name)) figures.push(await measureListeners(lake, row))
    }
    console.log(
      `Listener fan-out (lake in its own process; ${commits} commits for latency, ${writers} writers for ${seconds} s; load average ${loadAtStart} → ${loadavg()[0].toFixed(1)})\n`,
    )
    console.log(listenerTable(figures))
    if (lake.logs.length > 0) {
      console.error('The lake logged errors:\n' + lake.logs.join('\n'))
      process.exitCode = 1
    }
  } finally {
    await lake.stop()
  }
}
