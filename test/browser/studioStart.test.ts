/**
 * The Studio as `npm start` serves it: built once for the lake (scripts/start/studioBuild.ts),
 * reused while nothing changed, served compressed and cached (scripts/start/studioServer.ts).
 * Measures, in headless Chromium, the first visit (empty cache: login page, log in, document
 * list) and a warm visit (cached assets, logged in: document list), and checks that the warm
 * visit fetches no hashed asset again.
 */
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'

import type {Browser} from 'playwright-core'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {generateToken} from '../../lake/auth/auth.ts'
import {createLakeServer, type LakeServer} from '../../lake/http/server.ts'
import {ensureStudioBuild} from '../../scripts/start/studioBuild.ts'
import {serveStudio, type StudioServer} from '../../scripts/start/studioServer.ts'
import {launchChromium} from '../helpers/browser.ts'

const STEP = 120_000
const ROOT = resolve(import.meta.dirname, '..', '..')

describe('the Studio npm start serves (Chromium)', () => {
  const dirs: string[] = []
  let lake: LakeServer
  let studio: StudioServer
  let browser: Browser
  const served: Array<{path: string; status: number}> = []

  beforeAll(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'lake-start-'))
    const outDir = join(mkdtempSync(join(tmpdir(), 'studio-start-')), 'studio')
    dirs.push(dataDir, join(outDir, '..'))
    lake = createLakeServer({
      dataDir,
      port: 0,
      tlsPort: 0,
      adminToken: generateToken(),
      datasets: ['production'],
      log: () => undefined,
    })
    const listening = await lake.listen()
    const env = {
      SANITY_STUDIO_API_HOST: listening.tlsUrl as string,
      SANITY_STUDIO_DATASET: 'production',
    }
    const build = await ensureStudioBuild({root: ROOT, outDir, env})
    expect(build.built).toBe(true)
    console.log(`studio (npm start): built in ${build.ms} ms`)
    const reused = await ensureStudioBuild({root: ROOT, outDir, env})
    expect(reused.built).toBe(false)
    console.log(`studio (npm start): unchanged build reused in ${reused.ms} ms`)
    studio = await serveStudio({
      dir: outDir,
      port: 0,
      onResponse: (path, status) => served.push({path, status}),
    })
    browser = await launchChromium({spki: [listening.certificate?.spki as string]})
  }, 300_000)

  afterAll(async () => {
    await browser?.close()
    await studio?.close()
    await lake?.close()
    for (const dir of dirs) rmSync(dir, {recursive: true, force: true})
  })

  it(
    'opens the document list fast on the first visit, and faster on a warm one',
    async () => {
      const context = await browser.newContext()
      const page = await context.newPage()
      const started = Date.now()
      await page.goto(`${studio.url}/structure/person`)
      await page.waitForURL(/\/v1\/auth\/login\/local\?/, {timeout: STEP})
      const loginPageMs = Date.now() - started
      await page.fill('#name', 'Anna Andersson')
      await page.check('input[name=role][value=editor]')
      await page.fill('#code', lake.loginCode.code)
      await page.click('button[type=submit]')
      await page.locator('[data-testid="document-list-pane"]').waitFor({timeout: STEP})
      const firstMs = Date.now() - started
      await page.waitForFunction(() => localStorage.getItem('__studio_auth_token_local') !== null)

      const firstVisit = served.length
      expect(served.some((r) => r.path.startsWith('/static/') && r.status === 200)).toBe(true)
      const warm = await context.newPage()
      const warmStarted = Date.now()
      await warm.goto(`${studio.url}/structure/person`)
      await warm.locator('[data-testid="document-list-pane"]').waitFor({timeout: STEP})
      const warmMs = Date.now() - warmStarted
      const warmRequests = served.slice(firstVisit)
      console.log(
        `studio (npm start): first visit → login page ${loginPageMs} ms, → document list ${firstMs} ms; ` +
          `warm visit → document list ${warmMs} ms (${warmRequests.length} requests to the Studio server)`,
      )
      // Hashed assets are immutable: the warm visit only revalidates index.html.
      expect(warmRequests.filter((r) => /\/static\/.+-[\w-]{8,}\.(js|css)$/.test(r.path))).toEqual(
        [],
      )
      expect(warmRequests.map((r) => r.status)).toEqual(expect.arrayContaining([304]))
      await context.close()
    },
    STEP * 2,
  )
})
