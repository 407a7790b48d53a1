/**
 * End to end: the Studio's Presentation tool with the reference site in draft mode, in headless
 * Chromium against a lake with the fixture content. Opens an interview in the Presentation tool
 * (the frame shows the draft), types in the pull quote field (the frame shows the new text without
 * reloading), clicks the overlay on a question in the frame (the Studio focuses that field),
 * switches the Studio's perspective menu to published, to a release and back to drafts (the
 * frame follows, in place), leaves draft mode (the published text shows), and sees a published change appear on a public
 * page open in a second browser context (live reload).
 *
 * STUDIO_E2E_DIST=<dir> with STUDIO_E2E_TLS_PORT and PREVIEW_E2E_SITE_PORT reuses a Studio
 * already built for those ports (faster iteration); by default it is built for this run.
 */
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import type {SanityClient} from '@sanity/client'
import type {Browser, BrowserContext, Frame, Page} from 'playwright-core'
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest'

import {registerToken} from '../../lake/auth/auth.ts'
import type {LakeServer} from '../../lake/http/server.ts'
import {buildClientScripts} from '../../web/build.ts'
import {startBrowserStack, type BrowserStack} from '../helpers/browserStack.ts'
import type {StaticServer} from '../helpers/studio.ts'

const STEP = 120_000
const INTERVIEW_ID = 'interview-boras'
const INTERVIEW = '/intervjuer/sa-blev-boras-stadskarna-tryggare'
const DRAFT_TITLE = 'UTKAST: ny rubrik som inte är publicerad'
const PUBLISHED_TITLE = 'Så blev Borås stadskärna tryggare'
const QUESTION = 'Varför sökte ni Kvalitetsmärkningen?'
const RELEASE = 'rSommar'
const RELEASE_TITLE = 'RELEASE: rubriken i sommarens release'

const fixedSitePort = process.env.PREVIEW_E2E_SITE_PORT
  ? Number(process.env.PREVIEW_E2E_SITE_PORT)
  : 0

describe('Presentation tool with the site in draft mode (Chromium)', () => {
  const browserErrors: string[] = []
  let stack: BrowserStack
  let lake: LakeServer
  let siteUrl: string
  let studio: StaticServer
  let browser: Browser
  let client: SanityClient
  let editor: {context: BrowserContext; page: Page}

  afterEach(async ({task}) => {
    if (task.result?.state !== 'fail') return
    const shot = join(tmpdir(), `preview-failure-${task.name.replace(/\W+/g, '-')}.png`)
    await editor?.page.screenshot({path: shot}).catch(() => undefined)
    console.log(
      `preview: screenshot ${shot}\nbrowser errors:\n${browserErrors.slice(-30).join('\n')}`,
    )
  })

  beforeAll(async () => {
    const scripts = await buildClientScripts()
    stack = await startBrowserStack({
      name: 'preview',
      seed: true,
      site: (server, logs) => ({
        port: fixedSitePort,
        scripts,
        // A viewer is enough: it reads the Studio's preview secrets and drafts, never writes.
        draftMode: {readToken: registerToken(server.storage, 'viewer').token},
        live: true,
        log: (line) => logs.push(line),
      }),
      studioEnv: (url) => ({SANITY_STUDIO_PREVIEW_URL: url as string}),
    })
    ;({lake, studio, browser, client} = stack)
    siteUrl = stack.siteUrl as string
    // A release with its own version of the interview, for the perspective menu.
    const published = await client.getDocument(INTERVIEW_ID)
    await client.action([
      {
        actionType: 'sanity.action.release.create',
        releaseId: RELEASE,
        metadata: {title: 'Sommar', releaseType: 'undecided'},
      },
      {
        actionType: 'sanity.action.document.version.create',
        publishedId: INTERVIEW_ID,
        document: {...published!, _id: `versions.${RELEASE}.${INTERVIEW_ID}`, title: RELEASE_TITLE},
      },
    ])
  }, 300_000)

  afterAll(async () => {
    await stack?.close()
  })

  async function login(name: string): Promise<{context: BrowserContext; page: Page}> {
    const context = await browser.newContext()
    const page = await context.newPage()
    page.on('pageerror', (error) => browserErrors.push(`pageerror: ${error.message}`))
    page.on('console', (message) => {
      if (message.type() === 'error') browserErrors.push(`console: ${message.text()}`)
    })
    await page.goto(`${studio.url}/`)
    await page.waitForURL(/\/v1\/auth\/login\/local\?/, {timeout: STEP})
    await page.fill('#name', name)
    await page.fill('#code', lake.loginCode.code)
    await page.check('input[name=role][value=editor]')
    await page.click('button[type=submit]')
    await page.waitForURL(new RegExp(`^${studio.url}/`), {timeout: STEP})
    await page.waitForFunction(
      () => localStorage.getItem('__studio_auth_token_local') !== null,
      null,
      {
        timeout: STEP,
      },
    )
    return {context, page}
  }

  /** The site's frame inside the Presentation tool. */
  async function previewFrame(page: Page): Promise<Frame> {
    let frame: Frame | undefined
    await expect
      .poll(
        () => {
          frame = page.frames().find((candidate) => candidate.url().startsWith(siteUrl))
          return frame !== undefined
        },
        {timeout: STEP},
      )
      .toBe(true)
    return frame!
  }

  let frame: Frame

  it(
    'opens an interview in the Presentation tool: the frame shows the draft',
    async () => {
      editor = await login('Anna Andersson')
      const {page} = editor
      await page.goto(
        `${studio.url}/presentation/interview/${INTERVIEW_ID}?${new URLSearchParams({preview: INTERVIEW})}`,
      )
      frame = await previewFrame(page)
      await frame.locator('h1', {hasText: DRAFT_TITLE}).waitFor({timeout: STEP})
      // Draft mode: the banner, and the document pane beside the frame.
      await frame.getByText('Förhandsvisning: du ser utkast.').waitFor({timeout: STEP})
      await page.locator('input#title').waitFor({timeout: STEP})
      // The locations banner, in Swedish: the pages that show this interview.
      await page.getByText(/^Används på \d+ sidor$/).waitFor({timeout: STEP})
      expect(await page.locator('input#title').inputValue()).toBe(DRAFT_TITLE)
    },
    STEP * 3,
  )

  it(
    'typing in the pull quote field shows the new text in the frame without a reload',
    async () => {
      const {page} = editor
      // Marks this document: a reload would lose it.
      await frame.evaluate(() => ((window as unknown as {previewMarker: number}).previewMarker = 1))
      const field = page
        .locator('textarea[id="pullQuote.text"], textarea[id$="pullQuote.text"]')
        .first()
      await field.waitFor({timeout: STEP})
      await field.click()
      await page.keyboard.press('End')
      await page.keyboard.type(' Och nu vet vi mer.')
      const typed = Date.now()
      await frame.locator('main figure', {hasText: 'Och nu vet vi mer.'}).waitFor({timeout: STEP})
      console.log(`preview: last keystroke → frame shows the text: ${Date.now() - typed} ms`)
      expect(
        await frame.evaluate(() => (window as unknown as {previewMarker?: number}).previewMarker),
      ).toBe(1)
    },
    STEP * 2,
  )

  it(
    'clicking the overlay on a question in the frame focuses that field in the Studio',
    async () => {
      const {page} = editor
      const question = frame.locator('main h2', {hasText: QUESTION}).first()
      await question.hover()
      await question.click()
      await expect
        .poll(() => decodeURIComponent(page.url()), {timeout: STEP})
        // Presentation puts the focused path in the URL: /presentation/<type>/<id>/<path>.
        .toMatch(/\/interview-boras\/questions\[_key=="q1"\]\.question/)
      await expect
        .poll(
          () =>
            page.evaluate(
              () => (document.activeElement as HTMLTextAreaElement | null)?.value ?? '',
            ),
          {timeout: STEP},
        )
        .toBe(QUESTION)
    },
    STEP * 2,
  )

  /** Picks a perspective in the Studio's global perspective menu (the navbar's release menu). */
  async function choosePerspective(page: Page, perspective: string) {
    await page.locator('[data-testid="global-perspective-menu-button"]').click()
    await page.locator(`[data-testid="release-${perspective}"]`).click()
  }

  it(
    "the Studio's perspective menu decides what the frame shows: published, a release, drafts again",
    async () => {
      const {page} = editor
      await frame.evaluate(() => ((window as unknown as {previewMarker: number}).previewMarker = 2))
      await choosePerspective(page, 'published')
      await frame.locator('h1', {hasText: PUBLISHED_TITLE}).waitFor({timeout: STEP})
      await frame.getByText('Förhandsvisning: du ser publicerat innehåll.').waitFor({timeout: STEP})
      // The pull quote typed above is only in the draft.
      expect(await frame.locator('main').textContent()).not.toContain('Och nu vet vi mer.')

      // A release: its version over the drafts, as the Studio stacks it.
      await choosePerspective(page, RELEASE)
      await frame.locator('h1', {hasText: RELEASE_TITLE}).waitFor({timeout: STEP})
      await frame
        .getByText('Förhandsvisning: du ser innehållet i en release.')
        .waitFor({timeout: STEP})

      await choosePerspective(page, 'drafts')
      await frame.locator('h1', {hasText: DRAFT_TITLE}).waitFor({timeout: STEP})
      await frame.getByText('Förhandsvisning: du ser utkast.').waitFor({timeout: STEP})
      await frame.locator('main figure', {hasText: 'Och nu vet vi mer.'}).waitFor({timeout: STEP})
      // Refreshed in place both times: the frame never reloaded.
      expect(
        await frame.evaluate(() => (window as unknown as {previewMarker?: number}).previewMarker),
      ).toBe(2)
    },
    STEP * 3,
  )

  it(
    'leaving draft mode shows the published text',
    async () => {
      const tab = await editor.context.newPage()
      await tab.goto(`${siteUrl}${INTERVIEW}`)
      await tab.locator('h1', {hasText: DRAFT_TITLE}).waitFor({timeout: STEP})
      await tab.getByRole('link', {name: 'Visa publicerat'}).click()
      await tab.locator('h1', {hasText: PUBLISHED_TITLE}).waitFor({timeout: STEP})
      expect(await tab.content()).not.toContain('Och nu vet vi mer.')
      expect(await tab.locator('.draft-banner').count()).toBe(0)
      await tab.close()
    },
    STEP,
  )

  it(
    'a published change appears on a public page open in a second context',
    async () => {
      const reader = await browser.newContext()
      const page = await reader.newPage()
      await page.goto(`${siteUrl}${INTERVIEW}`)
      await page.locator('h1', {hasText: PUBLISHED_TITLE}).waitFor({timeout: STEP})
      const title = 'Borås stadskärna blev tryggare – live'
      // The page's stream (and the site's stream from the lake) open while the page loads: a
      // commit made before they are open is not seen, so publish again until the page shows it.
      let edits = 0
      await expect
        .poll(
          async () => {
            const shown =
              (await page
                .locator('h1')
                .textContent()
                .catch(() => '')) ?? ''
            if (!shown.includes(title))
              await client
                .patch(INTERVIEW_ID)
                .set({title, lead: `Ny ingress ${++edits}`})
                .commit()
            return shown
          },
          {timeout: STEP, interval: 2000},
        )
        .toContain(title)
      await reader.close()
    },
    STEP,
  )
})
