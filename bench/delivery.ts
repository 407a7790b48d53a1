/**
 * Delivery benchmark: server render time of the interview page (p50, p95) and the bytes each
 * page ships (HTML, CSS, JavaScript), against an in-process lake seeded with the fixture content.
 *
 *   node bench/delivery.ts [--iterations 200]
 *
 * Everything runs on one machine and one event loop (lake included), so the times are an upper
 * bound for the site's own work; they are for spotting regressions, not for capacity planning.
 */
import {gzipSync} from 'node:zlib'
import {parseArgs} from 'node:util'

import {createContentClient} from '../delivery/client.ts'
import {getInterview} from '../delivery/content.ts'
import {FIXTURE_AS_OF, seedContent} from '../test/fixtures/content/index.ts'
import {startTestLake} from '../test/helpers/lake.ts'
import {loadSite} from '../web/build.ts'

const {values} = parseArgs({options: {iterations: {type: 'string', default: '200'}}})
const iterations = Math.max(10, Number(values.iterations) || 200)

const INTERVIEW = '/intervjuer/sa-blev-boras-stadskarna-tryggare'
const PAGES = [
  '/',
  '/intervjuer',
  INTERVIEW,
  '/stader/boras',
  '/kvalitetsmarkning',
  '/personer/anna-lindqvist',
]

function percentile(sorted: number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[index]
}

async function time(run: () => Promise<unknown>): Promise<{p50: number; p95: number}> {
  for (let i = 0; i < 20; i++) await run()
  const samples: number[] = []
  for (let i = 0; i < iterations; i++) {
    const started = performance.now()
    await run()
    samples.push(performance.now() - started)
  }
  samples.sort((a, b) => a - b)
  return {p50: percentile(samples, 50), p95: percentile(samples, 95)}
}

function table(headers: string[], rows: (string | number)[][]): string {
  const cells = [headers, ...rows.map((row) => row.map(String))]
  const widths = headers.map((_, column) => Math.max(...cells.map((row) => row[column].length)))
  const line = (row: string[]) =>
    row
      .map((cell, column) =>
        column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]),
      )
      .join('  ')
  return [
    line(headers),
    widths.map((width) => '-'.repeat(width)).join('  '),
    ...cells.slice(1).map(line),
  ].join('\n')
}

const ms = (value: number) => value.toFixed(2)

const lake = await startTestLake()
const running: {close(): Promise<void>}[] = []
try {
  await seedContent(lake.client({dataset: 'production'}))
  const client = createContentClient({env: {SANITY_API_HOST: lake.url, SANITY_PROJECT_ID: 'bench'}})
  const {createSite, startSite, build} = await loadSite()
  const now = () => new Date(`${FIXTURE_AS_OF}T10:00:00Z`)
  const site = createSite({client, now})
  const server = await startSite({client, now})
  running.push(server)

  const query = await time(() => getInterview(client, 'sa-blev-boras-stadskarna-tryggare'))
  const render = await time(() => site.render(INTERVIEW))
  // The same page with the query answered from memory: React rendering and routing alone.
  const data = await getInterview(client, 'sa-blev-boras-stadskarna-tryggare')
  const memoryClient = {
    fetch: async () => data,
    config: () => client.config(),
  } as unknown as typeof client
  const memorySite = createSite({client: memoryClient, now})
  const renderOnly = await time(() => memorySite.render(INTERVIEW))
  const http = await time(async () => (await fetch(`${server.url}${INTERVIEW}`)).text())

  console.log(
    `Interview page, ${iterations} iterations (site bundle built in ${Math.round(build.milliseconds)} ms)\n`,
  )
  console.log(
    table(
      ['step', 'p50 ms', 'p95 ms'],
      [
        ['GROQ query (lake round trip)', ms(query.p50), ms(query.p95)],
        ['query + React render', ms(render.p50), ms(render.p95)],
        ['React render alone (data in memory)', ms(renderOnly.p50), ms(renderOnly.p95)],
        ['HTTP GET end to end', ms(http.p50), ms(http.p95)],
      ],
    ),
  )

  const cssResponse = await fetch(`${server.url}${site.stylesheetPath}`)
  const css = Buffer.from(await cssResponse.arrayBuffer())
  const rows: (string | number)[][] = []
  for (const path of PAGES) {
    const response = await fetch(`${server.url}${path}`)
    const html = Buffer.from(await response.arrayBuffer())
    const text = html.toString()
    const scripts = (text.match(/<script\b/gi) ?? []).length
    rows.push([
      path,
      response.status,
      html.length,
      gzipSync(html).length,
      css.length,
      scripts === 0 ? 0 : `${scripts} tags`,
    ])
  }
  console.log('\nBytes shipped per page (CSS is one cached file shared by all pages)\n')
  console.log(table(['page', 'status', 'HTML B', 'HTML gzip B', 'CSS B', 'JS B'], rows))
} finally {
  for (const server of running) await server.close()
  await lake.stop()
}
