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
import {startTestLake} from '../testkit/lake.ts'
import {loadSite} from '../web/build.ts'
import {ms, sample, table} from './measure.ts'

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

const time = (run: () => Promise<unknown>) => sample(run, {iterations})

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
