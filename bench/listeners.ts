/**
 * Listener fan-out benchmark (`npm run bench` → `node bench/listeners.ts`). See bench/README.md.
 *
 * With 1 and with 100 `/data/listen` subscribers (all on
 * `*[_type == "city"]`, lean node:http readers in this process):
 *
 * 1. Mutation → event latency: one patch at a time, timed from the mutate request until EVERY
 *    listener got that transaction's event; p50 and p99 over the commits.
 * 2. Write throughput: writers committing patches back to back for a fixed time (events keep
 *    flowing to every listener); transactions per second.
 *
 * Options (env): BENCH_LISTEN_COMMITS (default 200), BENCH_LISTEN_SECONDS (default 3),
 * BENCH_LISTEN_WRITERS (default 4).
 */
import {get} from 'node:http'

import {startTestLake, type TestLake} from '../testkit/lake.ts'
import {ms, percentile, table} from './measure.ts'

const commits = Math.max(20, Number(process.env.BENCH_LISTEN_COMMITS) || 200)
const seconds = Math.max(1, Number(process.env.BENCH_LISTEN_SECONDS) || 3)
const writers = Math.max(1, Number(process.env.BENCH_LISTEN_WRITERS) || 4)
const DATASET = 'bench'
const QUERY = '*[_type == "city"]'

export interface ListenerFigures {
  listeners: number
  p50: number
  p99: number
  txPerSecond: number
}

/** Latency and throughput with `count` listeners on a running lake. */
export async function measureListeners(lake: TestLake, count: number): Promise<ListenerFigures> {
  const client = lake.client({dataset: DATASET})
  await client.createOrReplace({_id: 'city-bench', _type: 'city', name: 'Borås', population: 0})
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
    Array.from({length: count}, () => openListener(lake, onEvent)),
  )
  try {
    const latencies: number[] = []
    for (let i = 0; i < commits + 20; i++) {
      const transactionId = `bench-${count}-${i}`
      const arrived = new Promise<void>((resolve) => waiting.set(transactionId, resolve))
      const started = performance.now()
      await client
        .patch('city-bench')
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
    const started = performance.now()
    await Promise.all(
      Array.from({length: writers}, async (_, writer) => {
        for (let i = 0; performance.now() < until; i++) {
          await client
            .patch('city-bench')
            .set({[`w${writer}`]: i})
            .commit({returnDocuments: false})
          done++
        }
      }),
    )
    const txPerSecond = done / ((performance.now() - started) / 1000)
    return {
      listeners: count,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      txPerSecond,
    }
  } finally {
    for (const subscription of subscriptions) subscription.unsubscribe()
  }
}

/**
 * A lean `/data/listen` subscriber (node:http, no event parsing beyond the transaction id), so
 * the figures are the lake's cost and not that of 100 client libraries in the same process.
 */
function openListener(
  lake: TestLake,
  onEvent: (transactionId: string) => void,
): Promise<{unsubscribe(): void}> {
  const url = new URL(`${lake.url}/v2025-02-19/data/listen/${DATASET}`)
  url.searchParams.set('query', QUERY)
  url.searchParams.set('includeResult', 'true')
  return new Promise((resolve, reject) => {
    const request = get(url, {headers: {Authorization: `Bearer ${lake.adminToken}`}}, (res) => {
      res.setEncoding('utf8')
      let buffered = ''
      res.on('data', (chunk: string) => {
        buffered += chunk
        let end = buffered.indexOf('\n\n')
        while (end !== -1) {
          const message = buffered.slice(0, end)
          buffered = buffered.slice(end + 2)
          if (message.includes('event: welcome')) resolve({unsubscribe: () => request.destroy()})
          const match = /"transactionId":"([^"]+)"/.exec(message)
          if (message.includes('event: mutation') && match) onEvent(match[1])
          end = buffered.indexOf('\n\n')
        }
      })
    })
    request.on('error', (error) => {
      if (!request.destroyed) reject(error)
    })
  })
}

export function listenerTable(figures: ListenerFigures[]): string {
  return table(
    ['listeners', 'mutation → all events p50 ms', 'p99 ms', 'writes tx/s'],
    figures.map((f) => [f.listeners, ms(f.p50), ms(f.p99), f.txPerSecond.toFixed(0)]),
  )
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const lake = await startTestLake()
  try {
    const figures = [await measureListeners(lake, 1), await measureListeners(lake, 100)]
    console.log(
      `Listener fan-out (${commits} commits for latency, ${writers} writers for ${seconds} s)\n`,
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
