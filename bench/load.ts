/**
 * Load benchmark (`npm run bench` → `node bench/load.ts`; see bench/README.md): many clients at
 * once against one lake, to find stalls rather than to time single queries.
 *
 * Starts the lake as a child process (bench/lakeProcess.ts, so the load generator does not share
 * its event loop) with a temporary data directory, seeds documents, then runs N clients
 * (@sanity/client, loopback) for S seconds:
 * - 70 % query loops (by id, newest slice of a type, count, a slug lookup with `->`);
 * - 20 % mutation loops, each incrementing its own counter document with `inc` and recording
 *   every acknowledged increment;
 * - 10 % open listeners on the counters.
 * A probe pings `/v1/ping` every 100 ms throughout. It reports requests/s, p50/p99/max per kind
 * and the errors, then checks that every counter
 * equals its acknowledged increments. Exits 1 on any error, lost or extra write, or a request
 * that waited longer than --stall-ms (default 10 s).
 *
 * Options: --clients 200 --seconds 60 --docs 2000 --stall-ms 10000, and --lake <path of main.ts>
 * to measure another checkout's lake.
 */
import {resolve} from 'node:path'
import {parseArgs} from 'node:util'
import type {SanityClient} from '@sanity/client'
import {startLakeProcess} from './lakeProcess.ts'
import {ms, percentile, table} from './measure.ts'

const {values: args} = parseArgs({
  options: {
    clients: {type: 'string', default: '200'},
    seconds: {type: 'string', default: '60'},
    docs: {type: 'string', default: '2000'},
    'stall-ms': {type: 'string', default: '10000'},
    lake: {type: 'string', default: 'lake/main.ts'},
  },
})

function positive(name: string, raw: string): number {
  const value = Number(raw)
  if (!Number.isInteger(value) || value < 1) {
    console.error(`bench/load.ts: --${name} must be a positive integer, got "${raw}"`)
    process.exit(2)
  }
  return value
}

const CLIENTS = positive('clients', args.clients)
const SECONDS = positive('seconds', args.seconds)
const DOCS = positive('docs', args.docs)
const STALL_MS = positive('stall-ms', args['stall-ms'])
const DATASET = 'load'
const TYPES = ['person', 'organization', 'interview', 'city']

// ------------------------------------------------------------------ measuring

type Kind = 'query' | 'mutation' | 'listener connect' | 'ping probe'

interface Recorder {
  samples: Record<Kind, number[]>
  errors: Array<{kind: Kind; message: string}>
  slowest: Array<{kind: Kind; ms: number; at: number}>
}

const recorder: Recorder = {
  samples: {query: [], mutation: [], 'listener connect': [], 'ping probe': []},
  errors: [],
  slowest: [],
}
let benchStart = 0

async function timed<T>(kind: Kind, run: () => Promise<T>): Promise<T | undefined> {
  const started = performance.now()
  try {
    const result = await run()
    record(kind, performance.now() - started, started)
    return result
  } catch (error) {
    recorder.errors.push({kind, message: error instanceof Error ? error.message : String(error)})
    return undefined
  }
}

function record(kind: Kind, elapsed: number, started: number) {
  recorder.samples[kind].push(elapsed)
  if (elapsed > 1000) recorder.slowest.push({kind, ms: elapsed, at: (started - benchStart) / 1000})
}

// ------------------------------------------------------------------ clients

function seedDocuments(): Array<Record<string, unknown>> {
  const docs: Array<Record<string, unknown>> = []
  for (let i = 0; i < DOCS; i++) {
    const type = TYPES[i % TYPES.length]
    docs.push({
      _id: `${type}-${i}`,
      _type: type,
      name: `${type} ${i}`,
      rank: i % 97,
      slug: {_type: 'slug', current: `${type}-${i}`},
      ...(type === 'interview' ? {interviewee: {_type: 'reference', _ref: `person-${i - 2}`}} : {}),
    })
  }
  return docs
}

async function queryLoop(client: SanityClient, seed: number, until: number) {
  let n = seed
  while (performance.now() < until) {
    n++
    const i = (n * 7919) % DOCS
    const type = TYPES[n % TYPES.length]
    switch (n % 4) {
      case 0:
        await timed('query', () => client.fetch('*[_id == $id][0]', {id: `${TYPES[i % 4]}-${i}`}))
        break
      case 1:
        await timed('query', () =>
          client.fetch('*[_type == $type] | order(rank desc)[0...10]{_id, name}', {type}),
        )
        break
      case 2:
        await timed('query', () => client.fetch('count(*[_type == $type])', {type}))
        break
      default:
        await timed('query', () =>
          client.fetch('*[_type == "interview" && slug.current == $slug][0]{name, interviewee->}', {
            slug: `interview-${(i - (i % 4) + 2) % DOCS}`,
          }),
        )
    }
  }
}

async function mutationLoop(
  client: SanityClient,
  id: string,
  acked: Map<string, number>,
  until: number,
) {
  while (performance.now() < until) {
    const ok = await timed('mutation', () =>
      client.patch(id).inc({n: 1}).commit({visibility: 'sync'}),
    )
    if (ok) acked.set(id, (acked.get(id) ?? 0) + 1)
  }
}

/** `/v1/ping` every 100 ms: how long the lake's main thread takes to answer anything at all. */
async function pingProbe(url: string, until: number) {
  while (performance.now() < until) {
    await timed('ping probe', async () => {
      const res = await fetch(`${url}/v1/ping`)
      await res.arrayBuffer()
      if (!res.ok) throw new Error(`ping answered ${res.status}`)
    })
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

function openListener(client: SanityClient): {events: () => number; close: () => void} {
  let events = 0
  const started = performance.now()
  let welcomed = false
  const subscription = client
    .listen('*[_type == "counter"]', {}, {events: ['welcome', 'mutation'], includeResult: false})
    .subscribe({
      next: (event) => {
        if (event.type === 'welcome' && !welcomed) {
          welcomed = true
          record('listener connect', performance.now() - started, started)
        } else if (event.type === 'mutation') events++
      },
      error: (error: Error) =>
        recorder.errors.push({kind: 'listener connect', message: error.message}),
    })
  return {events: () => events, close: () => subscription.unsubscribe()}
}

// ------------------------------------------------------------------ run

async function main(): Promise<number> {
  const lake = await startLakeProcess([DATASET], resolve(args.lake), {echoStderr: true})
  const {url} = lake
  const client = (options: {anonymous?: boolean} = {}) =>
    lake.client(DATASET).withConfig({token: options.anonymous ? undefined : lake.adminToken})
  try {
    const queryClients = Math.max(1, Math.round(CLIENTS * 0.7))
    const mutationClients = Math.max(1, Math.round(CLIENTS * 0.2))
    const listenerClients = Math.max(0, CLIENTS - queryClients - mutationClients)
    const admin = client()
    const seed = admin.transaction()
    for (const doc of seedDocuments()) seed.createOrReplace(doc as {_id: string; _type: string})
    const counters = Array.from({length: mutationClients}, (_, i) => `counter-${i}`)
    for (const id of counters) seed.createOrReplace({_id: id, _type: 'counter', n: 0})
    await seed.commit()
    console.log(
      `Load benchmark: ${CLIENTS} clients (${queryClients} query loops, ${mutationClients} mutation loops, ${listenerClients} listeners) for ${SECONDS} s against ${DOCS} documents, Node ${process.version}`,
    )

    benchStart = performance.now()
    const until = benchStart + SECONDS * 1000
    const listeners = Array.from({length: listenerClients}, () => openListener(client()))
    const acked = new Map<string, number>()
    await Promise.all([
      ...Array.from({length: queryClients}, (_, i) =>
        queryLoop(client({anonymous: i % 2 === 0}), i, until),
      ),
      ...counters.map((id) => mutationLoop(client(), id, acked, until)),
      pingProbe(url, until),
    ])
    const elapsed = (performance.now() - benchStart) / 1000
    const events = listeners.reduce((sum, listener) => sum + listener.events(), 0)
    for (const listener of listeners) listener.close()

    const stored = await admin.fetch<Array<{_id: string; n: number}>>(
      '*[_type == "counter"]{_id, n}',
      {},
      {perspective: 'raw'},
    )
    const mismatched = stored.filter((doc) => doc.n !== (acked.get(doc._id) ?? 0))
    const totalAcked = [...acked.values()].reduce((a, b) => a + b, 0)

    const rows = (Object.keys(recorder.samples) as Kind[]).map((kind) => {
      const sorted = [...recorder.samples[kind]].sort((a, b) => a - b)
      const errors = recorder.errors.filter((error) => error.kind === kind).length
      if (sorted.length === 0) return [kind, 0, '-', '-', '-', '-', errors]
      return [
        kind,
        sorted.length,
        kind === 'query' || kind === 'mutation' ? (sorted.length / elapsed).toFixed(1) : '-',
        ms(percentile(sorted, 50)),
        ms(percentile(sorted, 99)),
        ms(sorted[sorted.length - 1]),
        errors,
      ]
    })
    console.log()
    console.log(table(['kind', 'count', 'per s', 'p50 ms', 'p99 ms', 'max ms', 'errors'], rows))
    const requests = recorder.samples.query.length + recorder.samples.mutation.length
    // A loop, not Math.max(...samples): a quiet machine records over 100,000 samples, more than
    // a spread's arguments fit on the stack.
    let longest = 0
    for (const sample of [recorder.samples.query, recorder.samples.mutation].flat()) {
      if (sample > longest) longest = sample
    }
    console.log()
    console.log(
      `Requests/s: ${(requests / elapsed).toFixed(1)} over ${elapsed.toFixed(1)} s; longest wait ${ms(longest)} ms; listener events received ${events}`,
    )
    console.log(
      `Counters: ${counters.length}, acknowledged increments ${totalAcked}, lost or extra ${mismatched.length === 0 ? 0 : mismatched.map((d) => `${d._id}: stored ${d.n}, acknowledged ${acked.get(d._id) ?? 0}`).join('; ')}`,
    )
    const stalls = recorder.slowest.filter((entry) => entry.ms > STALL_MS)
    for (const entry of recorder.slowest.sort((a, b) => b.ms - a.ms).slice(0, 10)) {
      console.log(`  slow ${entry.kind}: ${ms(entry.ms)} ms, sent at ${entry.at.toFixed(2)} s`)
    }
    for (const error of recorder.errors.slice(0, 10)) {
      console.log(`  error (${error.kind}): ${error.message}`)
    }
    const failed = recorder.errors.length > 0 || mismatched.length > 0 || stalls.length > 0
    console.log(
      failed ? 'FAILED: errors, lost writes or stalls' : 'OK: 0 errors, 0 lost, no stalls',
    )
    return failed ? 1 : 0
  } finally {
    await lake.stop()
  }
}

process.exitCode = await main()
