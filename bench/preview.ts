/**
 * Live reload benchmark (`npm run bench` → `node bench/preview.ts`). See bench/README.md.
 *
 * Commit → live event → page updated: a reader's page (the reference site with `--live`, in
 * headless Chromium) is open; a patch to the interview it shows is committed with @sanity/client
 * and timed until (1) the lake's `message` event reaches a `client.live.events()` subscriber,
 * (2) the page's script has it (relayed by the site), and (3) the reloaded page shows the new
 * title. p50 and p99 of each. The lake, the site and the browser share this machine.
 *
 * Options (env): BENCH_PREVIEW_ITERATIONS (default 30).
 */
import type {LiveEvent} from '@sanity/client'

import {createContentClient} from '../delivery/client.ts'
import {seedContent} from '../test/fixtures/content/index.ts'
import {launchChromium} from '../test/helpers/browser.ts'
import {startTestLake} from '../testkit/lake.ts'
import {loadSite} from '../web/build.ts'
import {ms, percentile, table} from './measure.ts'

const iterations = Math.max(5, Number(process.env.BENCH_PREVIEW_ITERATIONS) || 30)
const WARMUP = 3
const DATASET = 'bench'
const INTERVIEW = '/intervjuer/sa-blev-boras-stadskarna-tryggare'

const lake = await startTestLake()
// Node cannot import the site's TSX: load it the way `npm run web` does (bundled by esbuild).
const {startSite, scripts} = await loadSite()
const site = await startSite({
  client: createContentClient({
    env: {SANITY_API_HOST: lake.url, SANITY_PROJECT_ID: 'test', SANITY_DATASET: DATASET},
  }),
  scripts,
  live: true,
  log: (line) => console.error(line),
})
const browser = await launchChromium()
let failed = false
try {
  const writer = lake.client({dataset: DATASET})
  await seedContent(writer)
  const page = await browser.newPage()
  await page.goto(`${site.url}${INTERVIEW}`)

  const lakeEvents = new Map<string, number>()
  let welcomed!: () => void
  const welcome = new Promise<void>((resolve) => (welcomed = resolve))
  const subscription = lake
    .client({dataset: DATASET, token: null})
    .live.events()
    .subscribe((event: LiveEvent) => {
      if (event.type === 'welcome') welcomed()
      if (event.type === 'message') lakeEvents.set(event.id, performance.now())
    })
  await welcome

  const toEvent: number[] = []
  const toRelay: number[] = []
  const toPage: number[] = []
  for (let i = 0; i < iterations + WARMUP; i++) {
    // A second listener on the site's stream, like the page's own: its arrival time goes to
    // sessionStorage, which survives the reload the page's script then does.
    await page.evaluate(
      () =>
        new Promise<void>((resolve) => {
          sessionStorage.removeItem('relayedAt')
          const events = new EventSource('/api/live')
          events.addEventListener('welcome', () => resolve())
          events.addEventListener('message', () => {
            if (!sessionStorage.getItem('relayedAt'))
              sessionStorage.setItem(
                'relayedAt',
                String(performance.timeOrigin + performance.now()),
              )
          })
        }),
    )
    const title = `Benchmark ${i}`
    const started = performance.now()
    const startedWall = performance.timeOrigin + started
    const tx = await writer.patch('interview-boras').set({title}).commit()
    await page.locator('h1', {hasText: title}).waitFor({timeout: 30_000})
    const shown = performance.now()
    const relayedAt = Number(await page.evaluate(() => sessionStorage.getItem('relayedAt')))
    if (i < WARMUP) continue
    toEvent.push((lakeEvents.get(tx._rev) ?? NaN) - started)
    toRelay.push(relayedAt - startedWall)
    toPage.push(shown - started)
  }
  subscription.unsubscribe()
  for (const list of [toEvent, toRelay, toPage]) list.sort((a, b) => a - b)
  if (toEvent.some(Number.isNaN)) {
    console.error('A commit never produced a live event.')
    failed = true
  }
  console.log(`Commit → live event → page updated (${iterations} commits, headless Chromium)\n`)
  console.log(
    table(
      ['measure', 'p50 ms', 'p99 ms'],
      [
        ['commit → lake live event', ms(percentile(toEvent, 50)), ms(percentile(toEvent, 99))],
        ['commit → event in the page', ms(percentile(toRelay, 50)), ms(percentile(toRelay, 99))],
        ['commit → page shows change', ms(percentile(toPage, 50)), ms(percentile(toPage, 99))],
      ],
    ),
  )
  if (lake.logs.length > 0) {
    console.error('The lake logged errors:\n' + lake.logs.join('\n'))
    failed = true
  }
} finally {
  await browser.close()
  await site.close()
  await lake.stop()
}
if (failed) process.exitCode = 1
