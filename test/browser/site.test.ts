/**
 * The reference site in headless Chromium (Debian's, never a downloaded browser): a lake with the
 * fixture content and the site on free ports; a reader goes from the home page to an interview
 * and a city, and an edit published through @sanity/client shows after a reload.
 */
import type {Browser, Page} from 'playwright-core'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {createContentClient} from '../../delivery/client.ts'
import {startSite, type RunningSite} from '../../web/server.tsx'
import {FIXTURE_AS_OF, seedContent} from '../fixtures/content/index.ts'
import {launchChromium} from '../helpers/browser.ts'
import {startTestLake, type TestLake} from '../helpers/lake.ts'

const DATASET = 'production'

let lake: TestLake
let site: RunningSite
let browser: Browser
let page: Page
const consoleErrors: string[] = []

beforeAll(async () => {
  lake = await startTestLake()
  await seedContent(lake.client({dataset: DATASET}))
  site = await startSite({
    client: createContentClient({
      env: {SANITY_API_HOST: lake.url, SANITY_PROJECT_ID: 'test', SANITY_DATASET: DATASET},
    }),
    now: () => new Date(`${FIXTURE_AS_OF}T10:00:00Z`),
  })
  browser = await launchChromium()
  page = await browser.newPage({locale: 'sv-SE'})
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text())
  })
  page.on('pageerror', (error) => consoleErrors.push(error.message))
})

afterAll(async () => {
  await browser?.close()
  await site?.close()
  await lake?.stop()
})

describe('reading the site', () => {
  it('goes from the home page to an interview, with its Q&A and links', async () => {
    const response = await page.goto(site.url)
    expect(response?.status()).toBe(200)
    expect(await page.getAttribute('html', 'lang')).toBe('sv')
    expect(await page.title()).toBe('Svenska Stadskärnor – intervjuer och Kvalitetsmärkningen')
    // The stylesheet loaded and applies (the header gets the accent colour).
    const headerBackground = await page.$eval(
      '.site-header',
      (element) => getComputedStyle(element).backgroundColor,
    )
    expect(headerBackground).toBe('rgb(0, 90, 110)')

    await page.getByRole('link', {name: 'Så blev Borås stadskärna tryggare'}).click()
    await page.waitForURL('**/intervjuer/sa-blev-boras-stadskarna-tryggare')
    expect(await page.title()).toBe('Borås: tryggare stadskärna med QM – Svenska Stadskärnor')
    expect(await page.locator('h1').textContent()).toBe('Så blev Borås stadskärna tryggare')

    // Each question is a heading that names its section, in the editor's order.
    const sections = page.locator('section.qa')
    expect(await sections.count()).toBe(3)
    const questions = await page.getByRole('heading', {level: 2}).allTextContents()
    expect(questions.slice(0, 3)).toEqual([
      'Varför sökte ni Kvalitetsmärkningen?',
      'Vad har förändrats?',
      'Vad vill du säga till andra städer?',
    ])
    const region = page.getByRole('region', {name: 'Vad har förändrats?'})
    expect(await region.locator('.qa-answer > ul > li').count()).toBe(3)
    expect(await region.locator('li li').textContent()).toBe('särskilt på torsdagar')
    expect(await region.getByRole('heading', {level: 3}).textContent()).toBe('Siffrorna')

    const external = page.getByRole('link', {name: 'kommunens mätning'})
    expect(await external.getAttribute('href')).toBe('https://boras.example.se/trygghet')
    expect(await external.getAttribute('rel')).toBe('noopener')
    const mail = page.getByRole('link', {name: 'anna.lindqvist@boras.example.se'})
    expect(await mail.getAttribute('href')).toBe('mailto:anna.lindqvist@boras.example.se')
    expect(await page.locator('.pull-quote blockquote').textContent()).toBe(
      '”Det var när vi började mäta som vi kunde börja förändra.”',
    )
    expect(
      await page.getByRole('complementary', {name: 'Fakta om Kvalitetsmärkningen'}).count(),
    ).toBe(1)
  })

  it('follows the interview to its city', async () => {
    await page.locator('header .meta').getByRole('link', {name: 'Borås'}).click()
    await page.waitForURL('**/stader/boras')
    expect(await page.locator('h1').textContent()).toBe('Borås')
    expect(await page.locator('.facts dt').allTextContents()).toEqual([
      'Invånare i kommunen',
      'Planerade bostäder i centrum',
    ])
    expect(await page.locator('.status').first().textContent()).toBe('giltig')
  })

  it('shows a change published through the client after a reload', async () => {
    const admin = lake.client({dataset: DATASET})
    await admin
      .patch('city-boras')
      .set({name: 'Borås stad', 'keyFacts[_key=="kf1"].value': '116 000'})
      .commit()
    await page.reload()
    expect(await page.locator('h1').textContent()).toBe('Borås stad')
    expect(await page.locator('.facts dd').first().textContent()).toBe('116 000')

    await admin.patch('interview-boras').set({title: 'Borås blev tryggare'}).commit()
    await page.goto(site.url)
    expect(await page.getByRole('link', {name: 'Borås blev tryggare'}).count()).toBe(1)
  })

  it('answers an unknown address with the Swedish 404 page', async () => {
    const response = await page.goto(`${site.url}/intervjuer/finns-inte`)
    expect(response?.status()).toBe(404)
    expect(await page.locator('h1').textContent()).toBe('Sidan finns inte')
    expect(consoleErrors.filter((text) => !text.includes('404'))).toEqual([])
  })
})
