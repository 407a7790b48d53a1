/**
 * Content releases end to end: the project's own Studio (built with the lake's TLS host baked in)
 * in headless Chromium against a lake whose release scheduler runs on a test clock. An editor
 * creates the release "Årets Stadskärna 2027", writes a new interview in it, edits a city in it
 * and schedules it; when the test clock reaches the scheduled time both are published and the
 * reference site shows them.
 *
 * Run it alone: `npx vitest run test/browser/releases.test.ts`. STUDIO_E2E_DIST=<dir> with
 * STUDIO_E2E_TLS_PORT=<port> reuses a Studio built for that port, as in test/browser/studio.test.ts.
 */
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import type {SanityClient} from '@sanity/client'
import type {Browser, Page} from 'playwright-core'
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest'

import type {LakeServer} from '../../lake/http/server.ts'
import type {RunningSite} from '../../web/server.tsx'
import {startBrowserStack, type BrowserStack} from '../helpers/browserStack.ts'
import type {StaticServer} from '../helpers/studio.ts'
import {TestClock} from '../helpers/testClock.ts'

const STEP = 120_000
const RELEASE_TITLE = 'Årets Stadskärna 2027'
const INTERVIEW_TITLE = 'Så vann Borås Årets Stadskärna 2027'
const CITY_NAME = 'Borås, Årets Stadskärna 2027'

describe('content releases in the Studio on the lake (Chromium)', () => {
  const clock = new TestClock(new Date().toISOString())
  let stack: BrowserStack
  let lake: LakeServer
  let studio: StaticServer
  let site: RunningSite
  let browser: Browser
  let page: Page
  let raw: SanityClient
  let releaseId = ''
  let interviewVersionId = ''

  beforeAll(async () => {
    stack = await startBrowserStack({
      name: 'releases',
      clock,
      seed: true,
      site: () => ({now: () => new Date(clock.now())}),
    })
    ;({lake, studio, browser, client: raw} = stack)
    site = stack.site as RunningSite
    const context = await browser.newContext({locale: 'sv-SE', timezoneId: 'UTC'})
    page = await context.newPage()
  }, 300_000)

  afterEach(async ({task}) => {
    if (task.result?.state !== 'fail') return
    const shot = join(tmpdir(), `releases-failure-${task.name.replace(/\W+/g, '-')}.png`)
    await page?.screenshot({path: shot}).catch(() => undefined)
    console.log(`releases: screenshot of the failed step: ${shot}`)
  })

  afterAll(async () => {
    const drift = stack?.drift() ?? []
    await stack?.close()
    if (drift.length) console.log(`lake: unknown endpoints (drift):\n${drift.join('\n')}`)
  })

  it(
    'logs in and creates the release from the perspective menu',
    async () => {
      await page.goto(`${studio.url}/`)
      await page.waitForURL(/\/v1\/auth\/login\/local\?/, {timeout: STEP})
      await page.fill('#name', 'Rut Redaktör')
      await page.fill('#code', lake.loginCode.code)
      await page.check('input[name=role][value=editor]')
      await page.click('button[type=submit]')
      await page.waitForURL(new RegExp(`^${studio.url}/`), {timeout: STEP})
      await page.waitForFunction(() => localStorage.getItem('__studio_auth_token_local') !== null)

      await page.click('[data-testid="global-perspective-menu-button"]', {timeout: STEP})
      await page.click('[data-testid="create-new-release-button"]')
      await page.fill('[data-testid="release-form-title"]', RELEASE_TITLE)
      await page.click('[data-testid="submit-release-button"]')
      await expect
        .poll(
          async () =>
            raw.fetch<string | null>(
              '*[_type == "system.release" && metadata.title == $title][0].name',
              {title: RELEASE_TITLE},
            ),
          {timeout: STEP},
        )
        .toBeTruthy()
      releaseId = (await raw.fetch<string>(
        '*[_type == "system.release" && metadata.title == $title][0].name',
        {title: RELEASE_TITLE},
      )) as string
      expect((await raw.releases.get({releaseId}))?.state).toBe('active')
    },
    STEP * 2,
  )

  it(
    'writes a new interview in the release',
    async () => {
      await page.goto(
        `${studio.url}/intent/create/template=interview;type=interview/?perspective=${releaseId}`,
      )
      const title = page.locator(
        '[data-testid="field-title"] input, [data-testid="field-title"] textarea',
      )
      await title.first().fill(INTERVIEW_TITLE, {timeout: STEP})
      await expect
        .poll(
          async () =>
            raw.fetch<string | null>(
              '*[sanity::partOfRelease($releaseId) && _type == "interview"][0]._id',
              {releaseId},
            ),
          {timeout: STEP},
        )
        .toMatch(new RegExp(`^versions\\.${releaseId}\\.`))
      interviewVersionId = (await raw.fetch<string>(
        '*[sanity::partOfRelease($releaseId) && _type == "interview"][0]._id',
        {releaseId},
      )) as string
      await expect
        .poll(async () => (await raw.getDocument(interviewVersionId))?.title, {timeout: STEP})
        .toBe(INTERVIEW_TITLE)
      // The rest of what the interview needs to be valid, written into the same version the way
      // the Studio writes it (a document edit action on the version id).
      await raw.action({
        actionType: 'sanity.action.document.edit',
        draftId: interviewVersionId,
        publishedId: interviewVersionId.slice(`versions.${releaseId}.`.length),
        patch: {
          set: {
            slug: {_type: 'slug', current: 'sa-vann-boras-arets-stadskarna-2027'},
            language: 'sv',
            publishedAt: '2027-03-01T10:00:00Z',
            interviewee: {_type: 'reference', _ref: 'person-anna'},
            city: {_type: 'reference', _ref: 'city-boras'},
            lead: 'Juryn om vinnaren.',
            questions: [
              {
                _type: 'qaPair',
                _key: 'q1',
                question: 'Hur kändes det?',
                answer: [
                  {
                    _type: 'block',
                    _key: 'b1',
                    style: 'normal',
                    markDefs: [],
                    children: [{_type: 'span', _key: 's1', text: 'Fantastiskt.', marks: []}],
                  },
                ],
              },
            ],
          },
        },
      })
    },
    STEP * 2,
  )

  it(
    'edits a published city in the release',
    async () => {
      await page.goto(`${studio.url}/intent/edit/id=city-boras;type=city/?perspective=${releaseId}`)
      // A published document outside the release is read-only until it is added to the release.
      await page.getByRole('button', {name: 'Lägg till i release'}).click({timeout: STEP})
      await expect
        .poll(async () => raw.getDocument(`versions.${releaseId}.city-boras`), {timeout: STEP})
        .toBeDefined()
      const name = page.locator('[data-testid="field-name"] input')
      await name.fill(CITY_NAME, {timeout: STEP})
      await expect
        .poll(async () => (await raw.getDocument(`versions.${releaseId}.city-boras`))?.name, {
          timeout: STEP,
        })
        .toBe(CITY_NAME)
      // Only the release changed: the published city is as it was.
      expect((await raw.getDocument('city-boras'))?.name).toBe('Borås')
    },
    STEP * 2,
  )

  it(
    'schedules the release, which publishes both at the scheduled time and not before',
    async () => {
      await page.goto(`${studio.url}/releases/${releaseId}`)
      // "As soon as possible" → "at a time": the footer then offers scheduling.
      await page.click('[data-testid="release-type-picker"]', {timeout: STEP})
      await page.click('#release-timing-at-time-tab')
      const when = new Date(clock.now() + 2 * 24 * 3_600_000)
      when.setUTCHours(10, 0, 0, 0)
      const intended = page.locator('[data-ui="Popover"] input').first()
      // Under load the popover renders again while it opens: allow a step's time, as elsewhere.
      await intended.fill(formatForStudio(when), {timeout: STEP})
      await intended.press('Tab', {timeout: STEP})
      // Closing the picker (a click outside it) saves the release type and date.
      await page.mouse.click(900, 250)
      await expect
        .poll(async () => (await raw.releases.get({releaseId}))?.metadata, {timeout: STEP})
        .toMatchObject({releaseType: 'scheduled', intendedPublishAt: when.toISOString()})
      const scheduleButton = page.locator('[data-testid="schedule-button"]')
      await expect.poll(() => scheduleButton.isEnabled(), {timeout: STEP}).toBe(true)
      await scheduleButton.click()
      const dialog = page.locator('[data-testid="confirm-schedule-dialog"]')
      const input = dialog.locator('input').first()
      await input.fill(formatForStudio(when), {timeout: STEP})
      await input.press('Tab')
      await dialog.locator('[data-testid="confirm-button"]').click()
      await expect
        .poll(async () => (await raw.releases.get({releaseId}))?.state, {timeout: STEP})
        .toBe('scheduled')
      const release = await raw.releases.get({releaseId})
      expect(release?.publishAt).toBe(when.toISOString())
      // The release's activity comes from the lake's release events (the Releases namespace has
      // no Swedish strings, so these are the Studio's English ones).
      await page.getByRole('button', {name: 'Activity'}).click()
      await expect
        .poll(() => page.getByText('Marked as scheduled').count(), {timeout: STEP})
        .toBeGreaterThan(0)
      expect(await page.getByText('Added a document version').count()).toBe(2)

      clock.advanceTo(new Date(when.getTime() - 60_000).toISOString())
      expect((await raw.releases.get({releaseId}))?.state).toBe('scheduled')
      expect((await raw.getDocument('city-boras'))?.name).toBe('Borås')

      clock.advanceTo(when.toISOString())
      expect(await raw.releases.get({releaseId})).toMatchObject({
        state: 'published',
        publishedAt: when.toISOString(),
      })
      const publishedId = interviewVersionId.slice(`versions.${releaseId}.`.length)
      expect(await raw.getDocument(publishedId)).toMatchObject({title: INTERVIEW_TITLE})
      expect((await raw.getDocument('city-boras'))?.name).toBe(CITY_NAME)
      // The Studio shows the release as published.
      await expect
        .poll(() => page.getByText(RELEASE_TITLE).count(), {timeout: STEP})
        .toBeGreaterThan(0)
    },
    STEP * 2,
  )

  it('shows the published interview and city on the site', async () => {
    const interview = await page.goto(`${site.url}/intervjuer/sa-vann-boras-arets-stadskarna-2027`)
    expect(interview?.status()).toBe(200)
    expect(await page.locator('h1').textContent()).toBe(INTERVIEW_TITLE)
    const city = await page.goto(`${site.url}/stader/boras`)
    expect(city?.status()).toBe(200)
    expect(await page.locator('h1').textContent()).toBe(CITY_NAME)
  })
})

/** The Studio's schedule input format (`PP HH:mm`, date-fns' default English locale). */
function formatForStudio(date: Date): string {
  const months = [
    'Jan',
    'Feb',
    'Mar',
    'Apr',
    'May',
    'Jun',
    'Jul',
    'Aug',
    'Sep',
    'Oct',
    'Nov',
    'Dec',
  ]
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${months[date.getUTCMonth()]} ${date.getUTCDate()}, ${date.getUTCFullYear()} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}`
}
