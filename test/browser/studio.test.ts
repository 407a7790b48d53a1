/**
 * End to end: the project's own Studio, built with the lake's TLS host baked in, in headless
 * Chromium against the lake (HTTP/2 over TLS, certificate trusted by SPKI). Logs in through the
 * local provider, creates and publishes a person and an interview, reads them back with
 * @sanity/client, edits the published interview, sees presence and the edit live in a second
 * browser context, unpublishes, checks that a viewer gets a read-only Studio, then uploads an
 * image, searches, runs GROQ in Vision, restores a revision from the history, and creates a
 * certification's revision with the "Skapa revidering" document action.
 *
 * Set STUDIO_E2E_DIST=<dir> to reuse a Studio already built for STUDIO_E2E_TLS_PORT (faster
 * iteration); by default the Studio is built into a temp folder for this run. Set
 * STUDIO_E2E_TRACE=<file> to record the lake's listener events and the pages' requests there.
 */
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import type {SanityClient} from '@sanity/client'
import type {Browser, BrowserContext, Page} from 'playwright-core'
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest'
import type {LakeServer} from '../../lake/http/server.ts'
import {startBrowserStack, type BrowserStack} from '../helpers/browserStack.ts'
import {png} from '../helpers/png.ts'
import type {StaticServer} from '../helpers/studio.ts'
import {StudioTrace} from '../helpers/studioTrace.ts'

const STEP = 120_000

const traceFile = process.env.STUDIO_E2E_TRACE

describe('Studio on the lake (Chromium)', () => {
  let stack: BrowserStack
  let lake: LakeServer
  let studio: StaticServer
  let browser: Browser
  let client: SanityClient
  const trace = new StudioTrace()
  let failed = false

  afterEach(async ({task}) => {
    if (task.result?.state !== 'fail') return
    failed = true
    const shot = join(tmpdir(), `studio-failure-${task.name.replace(/\W+/g, '-')}.png`)
    await editor?.page.screenshot({path: shot}).catch(() => undefined)
    console.log(`studio: screenshot of the failed step: ${shot}`)
  })

  beforeAll(async () => {
    stack = await startBrowserStack({name: 'studio'})
    ;({lake, studio, browser} = stack)
    trace.watchLake(lake)
    client = stack.client.withConfig({perspective: 'published'})
  }, 300_000)

  afterAll(async () => {
    if (traceFile) await trace.save(traceFile, editor?.page)
    if (failed)
      console.log(`studio: last writes, events and errors before the failure:\n${trace.tail(120)}`)
    const drift = stack?.drift() ?? []
    await stack?.close()
    if (drift.length) console.log(`lake: unknown endpoints (drift):\n${drift.join('\n')}`)
  })

  /** Opens the Studio in a fresh context and logs in through the local provider. */
  async function login(
    name: string,
    role: 'editor' | 'viewer',
  ): Promise<{
    context: BrowserContext
    page: Page
  }> {
    const context = await browser.newContext()
    const page = await context.newPage()
    trace.watchPage(page, name)
    await page.goto(`${studio.url}/`)
    await page.waitForURL(/\/v1\/auth\/login\/local\?/, {timeout: STEP})
    await page.fill('#name', name)
    await page.fill('#code', lake.loginCode.code)
    await page.check(`input[name=role][value=${role}]`)
    await page.click('button[type=submit]')
    await page.waitForURL(new RegExp(`^${studio.url}/`), {timeout: STEP})
    // The Studio moves the token from the URL fragment to localStorage; navigating on before
    // that would drop it.
    await page.waitForFunction(
      () => localStorage.getItem('__studio_auth_token_local') !== null,
      null,
      {
        timeout: STEP,
      },
    )
    return {context, page}
  }

  const publishButton = (page: Page) => page.locator('[data-testid="action-publicera"]')

  /** Waits until the footer no longer says "Sparar..." (saving). */
  async function waitForSaved(page: Page) {
    await expect.poll(() => page.getByText('Sparar...').count(), {timeout: STEP}).toBe(0)
  }

  /** The Studio auto-commits edits at most once a second (`throttleTime(1000)` in its document store). */
  const AUTO_COMMIT_WINDOW_MS = 1000

  /**
   * Waits until the Studio has saved everything and the draft's revision in the lake has stayed
   * the same for longer than the auto-commit window. The Studio runs a document's operations
   * through one `switchMap`: an auto-commit that arrives while a publish waits for the draft to
   * be in sync cancels the publish, and the click is silently lost (seen in CI: no publish
   * request at all, the button back to enabled after 4 s). A real editor clicks again; the test
   * clicks once the document is quiet.
   */
  async function waitForIdle(page: Page, publishedDocumentId: string) {
    const raw = client.withConfig({perspective: 'raw'})
    let lastRevision: string | undefined
    let quietSince = Date.now()
    await expect
      .poll(
        async () => {
          const revision = (await raw.getDocument(`drafts.${publishedDocumentId}`))?._rev
          const saving = (await page.getByText('Sparar...').count()) > 0
          if (saving || revision !== lastRevision) quietSince = Date.now()
          lastRevision = revision
          return Date.now() - quietSince
        },
        {timeout: STEP, interval: 250},
      )
      .toBeGreaterThan(AUTO_COMMIT_WINDOW_MS * 2)
  }

  async function waitForPublished(page: Page) {
    await expect.poll(async () => publishButton(page).isDisabled(), {timeout: STEP}).toBe(true)
  }

  /** Adds a question-and-answer item to the interview's questions. */
  async function addQuestion(page: Page, question: string, answer: string) {
    await page.locator('[data-testid="add-single-object-button"]').last().click()
    const dialog = page.locator('[role=dialog]').last()
    const questionInput = dialog.locator('textarea[id$=".question"]')
    await questionInput.waitFor({timeout: STEP})
    await questionInput.fill(question)
    const answerEditor = dialog.locator('[contenteditable="true"]').first()
    await answerEditor.click()
    await page.keyboard.type(answer)
    await expect.poll(() => answerEditor.textContent(), {timeout: STEP}).toContain(answer)
    await dialog.getByRole('button', {name: 'Close dialog'}).click()
    await dialog.waitFor({state: 'detached', timeout: STEP})
  }

  let editor: {context: BrowserContext; page: Page}
  let personId = ''
  let interviewId = ''

  it(
    'logs in through the local provider and shows the document list',
    async () => {
      editor = await login('Anna Andersson', 'editor')
      const {page} = editor
      const started = Date.now()
      await page.goto(`${studio.url}/structure/person`)
      await page.locator('[data-testid="document-list-pane"]').waitFor({timeout: STEP})
      console.log(`studio: page load → document list: ${Date.now() - started} ms`)
    },
    STEP * 2,
  )

  it(
    'creates and publishes a person',
    async () => {
      const {page} = editor
      await page.goto(`${studio.url}/intent/create/type=person/`)
      const name = page.locator('input#name')
      await name.waitFor({timeout: STEP})
      await name.fill('Eva Exempel')
      await page.locator('input#role').fill('Centrumchef')
      await page.waitForURL(/\/structure\/person;[\w-]+/, {timeout: STEP})
      personId = /person;([\w-]+)/.exec(page.url())?.[1] ?? ''
      expect(personId).not.toBe('')
      await waitForIdle(page, personId)
      await expect.poll(() => publishButton(page).isEnabled(), {timeout: STEP}).toBe(true)
      trace.mark('click Publicera')
      await publishButton(page).click()
      await waitForPublished(page)
      await expect
        .poll(() => client.getDocument(personId), {timeout: STEP})
        .toMatchObject({name: 'Eva Exempel', role: 'Centrumchef'})
    },
    STEP * 3,
  )

  it(
    'creates an interview with two questions and answers, and publishes it',
    async () => {
      const {page} = editor
      await page.goto(`${studio.url}/intent/create/type=interview/`)
      const title = page.locator('input#title')
      await title.waitFor({timeout: STEP})
      await title.fill('Ett levande centrum')
      await page.waitForURL(/\/structure\/interview;[\w-]+/, {timeout: STEP})
      interviewId = /interview;([\w-]+)/.exec(page.url())?.[1] ?? ''
      await page.getByRole('button', {name: 'Generera'}).click()
      await expect
        .poll(() => page.locator('input#slug').inputValue(), {timeout: STEP})
        .toBe('ett-levande-centrum')
      // Reference search (the default groq2024 strategy: text::query()) for the interviewee.
      await page.locator('input#interviewee').fill('Eva')
      await page.getByRole('option').filter({hasText: 'Eva Exempel'}).first().click({timeout: STEP})
      await addQuestion(page, 'Vad gör ett centrum levande?', 'Människor som möts.')
      await addQuestion(page, 'Vem driver arbetet?', 'Fastighetsägare och handlare tillsammans.')
      await waitForIdle(page, interviewId)
      await expect.poll(() => publishButton(page).isEnabled(), {timeout: STEP}).toBe(true)
      trace.mark('click Publicera')
      await publishButton(page).click()
      await waitForPublished(page)
      const published = () =>
        client.fetch(
          `*[_id == $id][0]{title, "slug": slug.current, "interviewee": interviewee->name,
            "questions": questions[]{question, "answer": pt::text(answer)}}`,
          {id: interviewId},
        )
      await expect.poll(published, {timeout: STEP}).toEqual({
        title: 'Ett levande centrum',
        slug: 'ett-levande-centrum',
        interviewee: 'Eva Exempel',
        questions: [
          {question: 'Vad gör ett centrum levande?', answer: 'Människor som möts.'},
          {question: 'Vem driver arbetet?', answer: 'Fastighetsägare och handlare tillsammans.'},
        ],
      })
      expect(await client.getDocument(personId)).toMatchObject({name: 'Eva Exempel'})
    },
    STEP * 3,
  )

  it(
    'edits the published interview into a draft; a second tab shows presence and sees the edit live',
    async () => {
      const {page} = editor
      const second = await login('Bo Berg', 'editor')
      await second.page.goto(`${studio.url}/structure/interview;${interviewId}`)
      const otherTitle = second.page.locator('input#title')
      await expect.poll(() => otherTitle.inputValue(), {timeout: STEP}).toBe('Ett levande centrum')
      // Presence over the lake's bifur socket: the first tab shows Bo Berg's avatar ("BB").
      await expect
        .poll(() => page.getByText('BB', {exact: true}).count(), {timeout: STEP})
        .toBeGreaterThan(0)

      await page.locator('input#title').fill('Ett levande centrum i Visby')
      await expect.poll(() => otherTitle.isEditable(), {timeout: STEP}).toBe(true)
      const drafts = client.withConfig({perspective: 'raw'})
      await expect
        .poll(() => drafts.getDocument(`drafts.${interviewId}`), {timeout: STEP})
        .toMatchObject({title: 'Ett levande centrum i Visby'})
      expect(await client.getDocument(interviewId)).toMatchObject({title: 'Ett levande centrum'})
      // The second context shows the edit without a reload.
      await expect
        .poll(() => otherTitle.inputValue(), {timeout: STEP})
        .toBe('Ett levande centrum i Visby')
      await second.context.close()
    },
    STEP * 3,
  )

  it(
    'unpublishes the interview',
    async () => {
      const {page} = editor
      // Sanity 6.9 offers "Avpublicera" only outside the drafts perspective: open the published
      // version from the document header's version chips, where it is the footer's primary action.
      await page.goto(`${studio.url}/structure/interview;${interviewId}`)
      await page
        .getByRole('button', {name: /^Publicerad/})
        .first()
        .click({timeout: STEP})
      const unpublish = page.locator('[data-testid="action-avpublicera"]')
      await expect.poll(() => unpublish.isEnabled(), {timeout: STEP}).toBe(true)
      await unpublish.click()
      const confirm = page.locator('[role=dialog]').getByRole('button', {name: /Avpublicera/})
      await confirm.click({timeout: STEP})
      await expect.poll(() => client.getDocument(interviewId), {timeout: STEP}).toBeUndefined()
      expect(
        await client.withConfig({perspective: 'raw'}).getDocument(`drafts.${interviewId}`),
      ).toMatchObject({title: 'Ett levande centrum i Visby'})
    },
    STEP * 2,
  )

  it(
    'gives a viewer a read-only Studio',
    async () => {
      const viewer = await login('Vera Läsare', 'viewer')
      const {page} = viewer
      await page.goto(`${studio.url}/structure/person;${personId}`)
      const name = page.locator('input#name')
      await expect.poll(() => name.inputValue(), {timeout: STEP}).toBe('Eva Exempel')
      await expect.poll(() => name.getAttribute('readonly'), {timeout: STEP}).not.toBeNull()
      await viewer.context.close()
    },
    STEP * 2,
  )

  it(
    'uploads a portrait for the person, and the Studio shows the stored image',
    async () => {
      const {page} = editor
      await page.goto(`${studio.url}/structure/person;${personId}`)
      await page.locator('input#name').waitFor({timeout: STEP})
      await page
        .locator('input[type=file]')
        .first()
        .setInputFiles({name: 'eva.png', mimeType: 'image/png', buffer: png(40, 30)})
      const raw = client.withConfig({perspective: 'raw'})
      const portraitRef = async () =>
        ((await raw.getDocument(`drafts.${personId}`)) as {portrait?: {asset?: {_ref?: string}}})
          ?.portrait?.asset?._ref
      await expect.poll(portraitRef, {timeout: STEP}).toMatch(/^image-[0-9a-f]{40}-40x30-png$/)
      const sha1 = /^image-([0-9a-f]{40})/.exec((await portraitRef()) ?? '')?.[1] ?? ''
      // The list preview loads the image from the lake's asset host.
      const preview = page.locator(`img[src*="${sha1}"]`).first()
      await expect
        .poll(() => preview.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), {
          timeout: STEP,
        })
        .toBe(40)
      await waitForSaved(page)
    },
    STEP * 2,
  )

  it(
    'finds the person through the search box',
    async () => {
      const {page} = editor
      // Open search once the Studio has rendered a pane, so the popover's input is live.
      await page.goto(`${studio.url}/structure/person`)
      await page.locator('[data-testid="document-list-pane"]').waitFor({timeout: STEP})
      await page.locator('[data-testid="studio-search"]').click({timeout: STEP})
      const searchInput = page.getByPlaceholder('Sök', {exact: true})
      await searchInput.waitFor({timeout: STEP})
      await searchInput.pressSequentially('Eva Exempel', {delay: 30})
      // groq2024 ranks the person herself first, above the interview that references her.
      await page
        .locator('[data-testid="search-results"] [role=option]')
        .first()
        .filter({hasText: 'Eva Exempel'})
        .click({timeout: STEP})
      await page.waitForURL(new RegExp(`person;${personId}`), {timeout: STEP})
    },
    STEP * 2,
  )

  it(
    'runs a GROQ query in Vision',
    async () => {
      const {page} = editor
      await page.goto(`${studio.url}/vision`)
      const editorInput = page.locator('[data-testid="vision-query-editor"] .cm-content')
      await editorInput.click({timeout: STEP})
      await page.keyboard.type('*[_type == "person"]{name, role}')
      await page.getByRole('button', {name: 'Hämta'}).click()
      const result = page.locator('[data-testid="vision-result"]')
      await expect.poll(() => result.textContent(), {timeout: STEP}).toContain('Eva Exempel')
    },
    STEP * 2,
  )

  it(
    'restores an earlier revision from the history into a draft',
    async () => {
      const {page} = editor
      // Two more published revisions, so the history has an older one to restore.
      await client.withConfig({perspective: 'raw'}).delete(`drafts.${personId}`)
      await client.patch(personId).set({role: 'Verksamhetsledare'}).commit()
      await client.patch(personId).set({role: 'Senior Advisor'}).commit()
      await page.goto(`${studio.url}/structure/person;${personId}`)
      await expect
        .poll(() => page.locator('input#role').inputValue(), {timeout: STEP})
        .toBe('Senior Advisor')
      await page.locator('[data-testid="pane-context-menu-button"]').last().click()
      await page.locator('[data-testid="action-granskaändringar"]').click({timeout: STEP})
      // Newest first: the entry before the newest is the "Verksamhetsledare" revision.
      await page.getByText('Redigerad live', {exact: true}).nth(1).click({timeout: STEP})
      await expect
        .poll(() => page.locator('input#role').inputValue(), {timeout: STEP})
        .toBe('Verksamhetsledare')
      await page.locator('[data-testid="action-återställ"]').click({timeout: STEP})
      await page.getByRole('button', {name: 'Bekräfta'}).click({timeout: STEP})
      await expect
        .poll(() => client.withConfig({perspective: 'raw'}).getDocument(`drafts.${personId}`), {
          timeout: STEP,
        })
        .toMatchObject({role: 'Verksamhetsledare'})
      expect(await client.getDocument(personId)).toMatchObject({role: 'Senior Advisor'})
    },
    STEP * 2,
  )

  it(
    'creates the revision of a certification with "Skapa revidering", prefilled, and opens it',
    async () => {
      const {page} = editor
      const ref = (id: string) => ({_type: 'reference', _ref: id})
      await client
        .transaction()
        .createOrReplace({
          _id: 'organization-visby-centrum',
          _type: 'organization',
          name: 'Visby Centrum',
          kind: 'cityCentreOrganization',
        })
        .createOrReplace({_id: 'city-visby', _type: 'city', name: 'Visby'})
        .createOrReplace({
          _id: 'qm-visby-2023',
          _type: 'qmCertification',
          organization: ref('organization-visby-centrum'),
          city: ref('city-visby'),
          applicationType: 'new',
          certifiedAt: '2023-05-01',
          validUntil: '2026-05-01',
        })
        .commit({visibility: 'sync'})
      await page.goto(`${studio.url}/intent/edit/id=qm-visby-2023;type=qmCertification/`)
      await expect
        .poll(() => page.locator('input#certifiedAt').inputValue(), {timeout: STEP})
        .toContain('2023-05-01')
      await page.locator('[data-testid="action-menu-button"]').last().click({timeout: STEP})
      trace.mark('click Skapa revidering')
      await page.getByRole('menuitem', {name: 'Skapa revidering'}).click({timeout: STEP})

      const raw = client.withConfig({perspective: 'raw'})
      const revision = () =>
        raw.fetch<Record<string, unknown> | null>(
          '*[_type == "qmCertification" && previousCertification._ref == "qm-visby-2023"][0]',
        )
      await expect.poll(revision, {timeout: STEP}).toMatchObject({
        _id: expect.stringMatching(/^drafts\./),
        applicationType: 'revision',
        organization: ref('organization-visby-centrum'),
        city: ref('city-visby'),
        previousCertification: ref('qm-visby-2023'),
        certifiedAt: '2026-05-01',
        validUntil: '2029-05-01',
      })
      const revisionId = String((await revision())?._id).replace(/^drafts\./, '')
      // The Studio opens the new draft: its form shows the prefilled dates and the renewed one.
      await page.waitForURL(new RegExp(revisionId), {timeout: STEP})
      await expect
        .poll(() => page.locator('input#certifiedAt').inputValue(), {timeout: STEP})
        .toContain('2026-05-01')
      await expect
        .poll(() => page.locator('input#validUntil').inputValue(), {timeout: STEP})
        .toContain('2029-05-01')
      expect(await client.getDocument(revisionId)).toBeUndefined()
    },
    STEP * 2,
  )
})
