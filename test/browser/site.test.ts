/**
 * The reference site in headless Chromium (Debian's, never a downloaded browser): a lake with the
 * fixture content and the site on free ports; a reader filters the QM register by county, follows
 * an organisation's revision chain, goes from the award history to a year and its interview, and
 * from the home page to an interview and a city; an edit published through @sanity/client shows
 * after a reload.
 */
import type {Browser, Page} from 'playwright-core'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {createContentClient} from '../../delivery/client.ts'
import {startSite, type RunningSite} from '../../web/server.tsx'
import {FIXTURE_AS_OF, seedContent} from '../fixtures/content/index.ts'
import {launchChromium} from '../helpers/browser.ts'
import {startTestLake, type TestLake} from '../../testkit/lake.ts'

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

describe('the QM register and the awards', () => {
  it('filters the certified organisations by county, without JavaScript', async () => {
    await page.goto(`${site.url}/kvalitetsmarkning`)
    const rows = page.locator('table tbody tr')
    expect(await rows.count()).toBe(3)
    const filter = page.getByRole('navigation', {name: 'Välj län'})
    await filter.getByRole('link', {name: 'Skåne län'}).click()
    await page.waitForURL(/\/kvalitetsmarkning\?lan=Sk%C3%A5ne\+l%C3%A4n$/)
    expect(await rows.count()).toBe(1)
    expect(await rows.locator('th').textContent()).toBe('Ystad Centrumsamverkan')
    expect(await rows.locator('.status').textContent()).toBe('utgången')
    expect(await filter.locator('[aria-current="page"]').textContent()).toBe('Skåne län')
    await filter.getByRole('link', {name: 'Alla län'}).click()
    await page.waitForURL(/\/kvalitetsmarkning$/)
    expect(await rows.count()).toBe(3)
  })

  it('follows an organisation to its revision chain', async () => {
    await page.getByRole('link', {name: 'Borås Stadskärna'}).click()
    await page.waitForURL('**/organisationer/boras-stadskarna')
    const chain = page.getByRole('list', {name: 'Certifieringar, den senaste först'})
    expect(await chain.getByRole('heading', {level: 3}).allTextContents()).toEqual([
      'Revidering 1 mars 2024',
      'Ny ansökan 1 mars 2021',
    ])
    await chain.getByRole('link', {name: 'certifieringen från 1 mars 2021'}).click()
    await page.waitForURL('**#certifiering-qm-boras-2021')
    expect(await page.locator(':target h3').textContent()).toBe('Ny ansökan 1 mars 2021')
    expect(await page.locator('.eligibility').textContent()).toContain(
      'kan nomineras till Årets Stadskärna',
    )
  })

  it('goes from the award history to a year, its interview and back', async () => {
    await page
      .getByRole('navigation', {name: 'Huvudmeny'})
      .getByRole('link', {name: 'Utmärkelser'})
      .click()
    await page.waitForURL('**/utmarkelser')
    expect(await page.locator('tbody th').allTextContents()).toEqual([
      'Årets Stadskärna 2025',
      'Årets Stadskärna 2024',
    ])
    await page.getByRole('link', {name: 'Årets Stadskärna 2025'}).click()
    await page.waitForURL('**/utmarkelser/arets-stadskarna/2025')
    expect(await page.locator('h1').textContent()).toBe('Årets Stadskärna 2025')
    expect(await page.locator('.lead').textContent()).toBe('Vinnare: Borås Stadskärna, Borås.')
    const motivation = page.getByRole('region', {name: 'Juryns motivering'})
    expect(await motivation.textContent()).toContain('samverkan gör en stadskärna tryggare')
    const finalists = page.getByRole('region', {name: 'Finalister'})
    expect(await finalists.getByRole('listitem').count()).toBe(2)

    await page
      .getByRole('region', {name: 'Intervjuer'})
      .getByRole('link', {name: 'Så blev Borås stadskärna tryggare'})
      .click()
    await page.waitForURL('**/intervjuer/sa-blev-boras-stadskarna-tryggare')
    // The contacts are listed once, in the fact box.
    expect(await page.getByRole('link', {name: 'Karin Berg'}).count()).toBe(1)
    await page.locator('.award-note').getByRole('link', {name: 'Årets Stadskärna 2025'}).click()
    await page.waitForURL('**/utmarkelser/arets-stadskarna/2025')
  })

  it('serves an icon Chromium can decode at /favicon.ico and /favicon.svg', async () => {
    const sizes = await page.evaluate(async () => {
      const decode = async (src: string) => {
        const image = new Image()
        image.src = src
        await image.decode()
        return [image.naturalWidth, image.naturalHeight]
      }
      return {ico: await decode('/favicon.ico'), svg: await decode('/favicon.svg')}
    })
    expect(sizes.ico).toEqual([32, 32])
    expect(sizes.svg[0]).toBeGreaterThan(0)
  })
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
    const mail = page
      .getByRole('region', {name: 'Vad vill du säga till andra städer?'})
      .getByRole('link', {name: 'anna.lindqvist@boras.example.se'})
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
