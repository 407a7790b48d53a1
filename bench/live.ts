/**
 * Live preview benchmark (`npm run bench` → `node bench/live.ts`). See bench/README.md.
 *
 * 1. Content source map overhead: every query in delivery/queries.ts (drafts perspective, fixture
 *    content) with `resultSourceMap: 'withKeyArraySelector'` and without, the two timed in
 *    alternation; the ratio of the p50s. Once in process (evaluation alone: `runQuery` against
 *    `runQuery` + `resultSourceMap`) and once over HTTP with @sanity/client against an
 *    in-process lake.
 * 2. Commit → live event latency: a patch is committed and timed until `client.live.events()`
 *    delivers the `message` carrying that transaction's id; p50 and p99.
 *
 * Options (env): BENCH_LIVE_ITERATIONS (default 200).
 */
import type {LiveEvent} from '@sanity/client'

import * as deliveryQueries from '../delivery/queries.ts'
import {qmStatusQueryParams} from '../domain/qmStatus.ts'
import type {LakeDocument} from '../lake/core/types.ts'
import {arraySource, runQuery, type QueryOptions} from '../lake/groq/query.ts'
import {resultSourceMap} from '../lake/groq/sourceMaps.ts'
import {
  FIXTURE_AS_OF,
  fixtureDocuments,
  seedContent,
  type FixtureDocument,
} from '../test/fixtures/content/index.ts'
import {startTestLake} from '../testkit/lake.ts'
import {ms, percentile, table, type Stats} from './measure.ts'

const iterations = Math.max(10, Number(process.env.BENCH_LIVE_ITERATIONS) || 200)
const DATASET = 'bench'
const SITE_PARAMS: Record<string, unknown> = {
  ...qmStatusQueryParams(FIXTURE_AS_OF),
  start: 0,
  end: 10,
  limit: 5,
}

/**
 * The query's parameters: the site's status and page parameters, and any other `$name` taken from
 * the first published fixture document that has every such field (`slug`: `slug.current`),
 * preferring the types the query filters on.
 */
function paramsOf(query: string): Record<string, unknown> {
  const names = [...new Set([...query.matchAll(/\$(\w+)/g)].map((match) => match[1]))]
  const own = names.filter((name) => !(name in SITE_PARAMS))
  const field = (doc: FixtureDocument, name: string) =>
    name === 'slug' ? (doc.slug as {current?: unknown} | undefined)?.current : doc[name]
  const types = [...query.matchAll(/_type == "(\w+)"/g)].map((match) => match[1])
  const candidates = fixtureDocuments().filter(
    (doc) => !doc._id.includes('.') && own.every((name) => field(doc, name) !== undefined),
  )
  const doc = candidates.find((d) => types.includes(d._type)) ?? candidates[0]
  return Object.fromEntries(
    names.map((name) => [
      name,
      name in SITE_PARAMS ? SITE_PARAMS[name] : ((doc && field(doc, name)) ?? null),
    ]),
  )
}

const lake = await startTestLake()
let failed = false
try {
  const client = lake.client({dataset: DATASET, perspective: 'drafts'})
  await seedContent(client)

  const queries: Array<[string, string]> = Object.entries(deliveryQueries).flatMap(
    ([name, query]: [string, unknown]) => (typeof query === 'string' ? [[name, query]] : []),
  )

  // In process: the evaluation alone, over the fixture documents in memory.
  const source = arraySource(
    fixtureDocuments().map(
      (doc) =>
        ({_rev: 'r', _createdAt: FIXTURE_AS_OF, _updatedAt: FIXTURE_AS_OF, ...doc}) as LakeDocument,
    ),
  )
  const options: QueryOptions = {
    perspective: {kind: 'stack', releases: [], drafts: true},
    access: 'all',
    rawIncludesVersions: true,
  }
  const inProcess = await overheadTable(queries, (query, withMap) => async () => {
    const params = paramsOf(query)
    const result = await runQuery(source, query, params, options)
    if (withMap) resultSourceMap(source, query, params, options, result, 'key')
  })
  console.log(`Content source maps, in process (evaluation only), ${iterations} iterations\n`)
  console.log(inProcess)

  const overHttp = await overheadTable(
    queries,
    (query, withMap) => () =>
      client.fetch(
        query,
        paramsOf(query),
        withMap ? {resultSourceMap: 'withKeyArraySelector'} : {},
      ),
  )
  console.log(`\nContent source maps, over HTTP with @sanity/client, ${iterations} iterations\n`)
  console.log(overHttp)
  console.log()

  const latencies = await commitToEventLatency(iterations)
  console.log(`Commit → live event (${iterations} commits, client and lake in one process)\n`)
  console.log(
    table(
      ['measure', 'p50 ms', 'p99 ms'],
      [['mutate request → message', ms(percentile(latencies, 50)), ms(percentile(latencies, 99))]],
    ),
  )
  if (lake.logs.length > 0) {
    console.error('The lake logged errors:\n' + lake.logs.join('\n'))
    failed = true
  }
} finally {
  await lake.stop()
}
if (failed) process.exitCode = 1

/** One row per query: p50 without and with the source map, and their ratio; the median ratio. */
async function overheadTable(
  queries: Array<[string, string]>,
  run: (query: string, withMap: boolean) => () => Promise<unknown>,
): Promise<string> {
  const rows: string[][] = []
  const ratios: number[] = []
  for (const [name, query] of queries) {
    const [plain, mapped] = await alternate(run(query, false), run(query, true))
    const ratio = mapped.p50 / plain.p50
    ratios.push(ratio)
    rows.push([name, ms(plain.p50), ms(mapped.p50), `${ratio.toFixed(2)}×`])
  }
  ratios.sort((a, b) => a - b)
  rows.push(['median', '', '', `${percentile(ratios, 50).toFixed(2)}×`])
  return table(['query', 'without p50 ms', 'with map p50 ms', 'overhead'], rows)
}

/** Times two runs in alternation (20 warm-up rounds), so machine load hits both alike. */
async function alternate(
  a: () => Promise<unknown>,
  b: () => Promise<unknown>,
): Promise<[Stats, Stats]> {
  const samples: [number[], number[]] = [[], []]
  for (let i = 0; i < iterations + 20; i++) {
    for (const [index, run] of [a, b].entries()) {
      const started = performance.now()
      await run()
      if (i >= 20) samples[index].push(performance.now() - started)
    }
  }
  return samples.map((list) => {
    list.sort((x, y) => x - y)
    return {p50: percentile(list, 50), p95: percentile(list, 95)}
  }) as [Stats, Stats]
}

/** Commits one patch at a time and measures until its `message` arrives. */
async function commitToEventLatency(count: number): Promise<number[]> {
  const client = lake.client({dataset: DATASET})
  const waiting = new Map<string, (at: number) => void>()
  const early = new Map<string, number>()
  let welcomed!: () => void
  const welcome = new Promise<void>((resolve) => (welcomed = resolve))
  const subscription = lake
    .client({dataset: DATASET, token: null})
    .live.events()
    .subscribe((event: LiveEvent) => {
      const at = performance.now()
      if (event.type === 'welcome') welcomed()
      if (event.type !== 'message') return
      const resolve = waiting.get(event.id)
      if (resolve) resolve(at)
      else early.set(event.id, at)
    })
  await welcome
  const samples: number[] = []
  try {
    for (let i = 0; i < count + 20; i++) {
      const started = performance.now()
      const tx = await client.patch('city-boras').set({population: i}).commit()
      const arrived =
        early.get(tx._rev) ??
        (await new Promise<number>((resolve) => waiting.set(tx._rev, resolve)))
      waiting.delete(tx._rev)
      early.delete(tx._rev)
      if (i >= 20) samples.push(arrived - started)
    }
  } finally {
    subscription.unsubscribe()
  }
  return samples.sort((a, b) => a - b)
}
