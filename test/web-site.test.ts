/**
 * The reference site over HTTP against a real lake with the fixture content: pages, status codes,
 * `lang`, titles and meta from SEO fields, heading order, no scripts, drafts never shown, published
 * changes visible without a restart; and `node web/main.ts` as `npm run web` starts it.
 */
import {spawn, type ChildProcess} from 'node:child_process'
import {once} from 'node:events'
import {fileURLToPath} from 'node:url'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {createContentClient} from '../delivery/client.ts'
import {startSite, type RunningSite} from '../web/server.tsx'
import {FIXTURE_AS_OF, seedContent} from './fixtures/content/index.ts'
import {startTestLake, type TestLake} from '../testkit/lake.ts'

let lake: TestLake
let site: RunningSite
const DATASET = 'production'

beforeAll(async () => {
  lake = await startTestLake()
  await seedContent(lake.client({dataset: DATASET}))
  const client = createContentClient({
    env: {SANITY_API_HOST: lake.url, SANITY_PROJECT_ID: 'test', SANITY_DATASET: DATASET},
  })
  site = await startSite({
    client,
    now: () => new Date(`${FIXTURE_AS_OF}T10:00:00Z`),
    siteOrigin: 'https://www.example.se',
    pageSize: 2,
    log: () => undefined,
  })
})
afterAll(async () => {
  await site?.close()
  await lake?.stop()
})

async function get(path: string, init?: RequestInit) {
  const response = await fetch(`${site.url}${path}`, {redirect: 'manual', ...init})
  return {status: response.status, headers: response.headers, html: await response.text()}
}

function headings(html: string): number[] {
  return [...html.matchAll(/<h([1-6])[\s>]/g)].map((match) => Number(match[1]))
}

function title(html: string): string | undefined {
  return /<title>([^<]*)<\/title>/.exec(html)?.[1]
}

function meta(html: string, name: string): string | undefined {
  const pattern = new RegExp(`<meta (?:name|property)="${name}" content="([^"]*)"`)
  return pattern.exec(html)?.[1]
}

const PAGES = [
  '/',
  '/intervjuer',
  '/intervjuer?sida=2',
  '/intervjuer/sa-blev-boras-stadskarna-tryggare',
  '/intervjuer/umea-satsar-pa-handel-och-kultur',
  '/stader/boras',
  '/stader/ystad',
  '/kvalitetsmarkning',
  '/kvalitetsmarkning?lan=Sk%C3%A5ne+l%C3%A4n',
  '/organisationer/boras-stadskarna',
  '/organisationer/ystad-centrumsamverkan',
  '/utmarkelser',
  '/utmarkelser/arets-stadskarna/2025',
  '/utmarkelser/arets-stadskarna/2024',
  '/personer/anna-lindqvist',
  '/personer/karin-berg',
]

describe('every page', () => {
  it.each(PAGES)(
    '%s: 200, Swedish, one h1, no skipped heading levels, no scripts',
    async (path) => {
      const page = await get(path)
      expect(page.status).toBe(200)
      expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8')
      expect(page.headers.get('cache-control')).toBe('no-cache')
      expect(page.html.startsWith('<!DOCTYPE html><html lang="sv">')).toBe(true)
      const levels = headings(page.html)
      expect(levels[0]).toBe(1)
      expect(levels.filter((level) => level === 1)).toHaveLength(1)
      for (let i = 1; i < levels.length; i++)
        expect(levels[i]).toBeLessThanOrEqual(levels[i - 1] + 1)
      expect(page.html).not.toMatch(/<script/i)
      expect(page.html).not.toMatch(/UTKAST|Hemlig|Utkast/)
      expect(page.html).toContain(`<link rel="stylesheet" href="${site.site.stylesheetPath}"/>`)
    },
  )
})

describe('pages', () => {
  it('home: latest interviews and certified cities with their status', async () => {
    const {html} = await get('/')
    expect(title(html)).toBe('Svenska Stadskärnor – intervjuer och Kvalitetsmärkningen')
    expect(html).toContain('<a href="/intervjuer/sa-blev-boras-stadskarna-tryggare">')
    expect(html).toMatch(/<a href="\/stader\/boras">Borås<\/a>.*status-valid">giltig</s)
    expect(html).toMatch(/<a href="\/stader\/umea">Umeå<\/a>.*status-expiring">löper snart ut</s)
    expect(html).not.toContain('href="/stader/ystad"')
  })

  it('interview: title and meta from the SEO fields, Q&A, fact sheet, contact', async () => {
    const {html} = await get('/intervjuer/sa-blev-boras-stadskarna-tryggare')
    expect(title(html)).toBe('Borås: tryggare stadskärna med QM – Svenska Stadskärnor')
    expect(meta(html, 'description')).toBe(
      'Centrumchefen Anna Lindqvist om samverkan, trygghet och Kvalitetsmärkningen.',
    )
    expect(meta(html, 'og:type')).toBe('article')
    expect(meta(html, 'og:url')).toBe(
      'https://www.example.se/intervjuer/sa-blev-boras-stadskarna-tryggare',
    )
    expect(html).toContain('<h1>Så blev Borås stadskärna tryggare</h1>')
    const questions = [...html.matchAll(/<h2 id="fraga-[^"]+" class="qa-question">([^<]+)<\/h2>/g)]
    expect(questions.map((match) => match[1])).toEqual([
      'Varför sökte ni Kvalitetsmärkningen?',
      'Vad har förändrats?',
      'Vad vill du säga till andra städer?',
    ])
    expect(html).toContain('<p>”Det var när vi började mäta som vi kunde börja förändra.”</p>')
    expect(html).toContain('<a href="https://boras.example.se/trygghet" rel="noopener">')
    expect(html).toContain('<a href="mailto:anna.lindqvist@boras.example.se">')
    expect(html).toContain('<aside class="fact-sheet"')
    // Karin is both the interview's contact and the fact sheet's: she is listed once, in the fact
    // box, together with the interview's other contact; there is no second "Kontakt" section.
    expect(html.match(/>Karin Berg<\/a>/g)).toHaveLength(1)
    expect(html).toMatch(
      /<h3>Kontaktpersoner<\/h3><ul class="contacts"><li>.*Karin Berg.*<\/li><li>.*Anna Lindqvist.*<\/li><\/ul>/s,
    )
    expect(html).not.toContain('id="kontakt"')
    expect(html).toContain('status-valid">giltig</span>')
    expect(html).toContain('<time dateTime="2025-05-20T08:00:00Z">20 maj 2025</time>')
  })

  it('interview without SEO fields falls back to its title and lead', async () => {
    const {html} = await get('/intervjuer/umea-satsar-pa-handel-och-kultur')
    expect(title(html)).toBe('Umeå satsar på handel och kultur – Svenska Stadskärnor')
    expect(meta(html, 'description')).toBe('Erik Holm om ett centrum där kulturen drar besökare.')
  })

  it('city: key facts, organisation and its QM status, interviews', async () => {
    const {html} = await get('/stader/boras')
    expect(title(html)).toBe('Borås – Svenska Stadskärnor')
    expect(html).toContain('<dt>Planerade bostäder i centrum</dt><dd>3 000</dd>')
    expect(html).toContain('giltig till och med 1 mars 2027')
    expect(html).toContain('href="/intervjuer/sa-blev-boras-stadskarna-tryggare"')
    expect((await get('/stader/ystad')).html).toContain('status-expired">utgången</span>')
  })

  it('QM page: fact sheet and organisations by status', async () => {
    const {html} = await get('/kvalitetsmarkning')
    expect(html).toContain('<h2 id="faktablad-factsheet-qm">Fakta om Kvalitetsmärkningen</h2>')
    const rows = [...html.matchAll(/<th scope="row"><a [^>]+>([^<]+)<\/a><\/th>.*?status-(\w+)/gs)]
    expect(rows.map((row) => [row[1], row[2]])).toEqual([
      ['Borås Stadskärna', 'valid'],
      ['Umeå Centrum', 'expiring'],
      ['Ystad Centrumsamverkan', 'expired'],
    ])
    expect(html).toContain('Status per 15 juni 2025')
  })

  it('QM page: organisations link to their pages, with their county; filter by county', async () => {
    const all = await get('/kvalitetsmarkning')
    expect(all.html).toContain(
      '<th scope="row"><a href="/organisationer/boras-stadskarna">Borås Stadskärna</a></th>',
    )
    expect(all.html).toContain('<td>Västra Götalands län</td>')
    expect(all.html).toContain('<a href="/kvalitetsmarkning" aria-current="page">Alla län</a>')
    expect(all.html).toContain('<a href="/kvalitetsmarkning?lan=Sk%C3%A5ne+l%C3%A4n">Skåne län</a>')

    const skane = await get('/kvalitetsmarkning?lan=Sk%C3%A5ne+l%C3%A4n')
    expect(skane.status).toBe(200)
    expect(title(skane.html)).toBe('Kvalitetsmärkningen i Skåne län – Svenska Stadskärnor')
    const rows = [...skane.html.matchAll(/<th scope="row"><a [^>]+>([^<]+)<\/a>/g)]
    expect(rows.map((row) => row[1])).toEqual(['Ystad Centrumsamverkan'])
    expect(skane.html).toContain('aria-current="page">Skåne län</a>')
    expect((await get('/kvalitetsmarkning?lan=Atlantis')).status).toBe(404)
  })

  it('organisation: the revision chain with sections, assessor and area; eligibility; awards', async () => {
    const {html} = await get('/organisationer/boras-stadskarna')
    expect(title(html)).toBe('Borås Stadskärna – Svenska Stadskärnor')
    const chain = [...html.matchAll(/<li id="(certifiering-[^"]+)"><h3>([^<]+)<\/h3>/g)]
    expect(chain.map((match) => [match[1], match[2]])).toEqual([
      ['certifiering-qm-boras-2024', 'Revidering 1 mars 2024'],
      ['certifiering-qm-boras-2021', 'Ny ansökan 1 mars 2021'],
    ])
    expect(html).toContain(
      'Förnyar <a href="#certifiering-qm-boras-2021">certifieringen från 1 mars 2021</a>.',
    )
    expect(html).toContain(
      'Avsnitt i ansökan: Nuläget, Utveckling, indikatorer och resultatuppföljning.',
    )
    expect(html).toContain('Granskare: Karin Berg, Senior Advisor.')
    expect(html).toContain('Område: Gatorna mellan Viskan, stationen och Stora torget.')
    expect(html).toContain('kan nomineras till Årets Stadskärna')
    expect(html).toContain(
      '<a href="/utmarkelser/arets-stadskarna/2025">Årets Stadskärna 2025</a> – vinnare',
    )
    expect(html).toContain(
      '<a href="/utmarkelser/arets-stadskarna/2024">Årets Stadskärna 2024</a> – finalist',
    )

    const ystad = await get('/organisationer/ystad-centrumsamverkan')
    expect(ystad.html).toContain('kan därför inte nomineras till Årets Stadskärna')
    expect(ystad.html).toContain('status-expired">utgången</span>')
  })

  it('award history: each year with winner, its city and the finalists', async () => {
    const {html} = await get('/utmarkelser')
    expect(html).toContain('<h1>Utmärkelser</h1>')
    expect(html).toContain('aria-current="page">Utmärkelser</a>')
    const rows = [
      ...html.matchAll(
        /<th scope="row"><a href="([^"]+)">([^<]+)<\/a><\/th><td>(.*?)<\/td><td>(.*?)<\/td>/g,
      ),
    ]
    expect(rows.map((row) => [row[1], row[2], row[4]])).toEqual([
      ['/utmarkelser/arets-stadskarna/2025', 'Årets Stadskärna 2025', 'Borås, Umeå'],
      ['/utmarkelser/arets-stadskarna/2024', 'Årets Stadskärna 2024', 'Borås, Umeå, Ystad'],
    ])
    expect(rows[0]![3]).toBe(
      '<a href="/organisationer/boras-stadskarna">Borås Stadskärna</a>, <a href="/stader/boras">Borås</a>',
    )
    expect(html).not.toContain('2026')
  })

  it('award year: winner, motivation, finalists, timeline, jury and interviews', async () => {
    const {html} = await get('/utmarkelser/arets-stadskarna/2025')
    expect(title(html)).toBe('Årets Stadskärna 2025 – Svenska Stadskärnor')
    expect(meta(html, 'description')).toBe('Borås Stadskärna vann Årets Stadskärna 2025.')
    expect(html).toContain('<h1>Årets Stadskärna 2025</h1>')
    expect(html).toContain(
      'Vinnare: <a href="/organisationer/boras-stadskarna">Borås Stadskärna</a>, <a href="/stader/boras">Borås</a>.',
    )
    expect(html).toContain('<h2 id="motivering">Juryns motivering</h2>')
    expect(html).toContain('<strong>mätning</strong>')
    const finalists = [...html.matchAll(/<li><a href="\/organisationer\/[^"]+">([^<]+)<\/a>/g)]
    expect(finalists.map((match) => match[1])).toEqual(['Borås Stadskärna', 'Umeå Centrum'])
    expect(html).toContain('<span class="status status-valid">vinnare</span>')
    expect(html).toContain(
      '<dt>Finalisterna offentliggörs</dt><dd><time dateTime="2025-03-25">25 mars 2025</time></dd>',
    )
    expect(html).toContain('<a href="/personer/karin-berg">Karin Berg</a>, Senior Advisor')
    expect(html).toContain('href="/intervjuer/sa-blev-boras-stadskarna-tryggare"')
  })

  it('city: its certifications and awards', async () => {
    const boras = await get('/stader/boras')
    expect(boras.html).toContain('<h2 id="certifieringar">Kvalitetsmärkningar</h2>')
    expect(boras.html).toMatch(
      /Reviderad 1 mars 2024, giltig till och med 1 mars 2027.*status-valid/s,
    )
    expect(boras.html).toMatch(
      /Certifierad 1 mars 2021, giltig till och med 1 mars 2024.*status-expired/s,
    )
    expect(boras.html).toContain(
      '<a href="/utmarkelser/arets-stadskarna/2025">Årets Stadskärna 2025</a> – vinnare',
    )
    const ystad = await get('/stader/ystad')
    expect(ystad.html).toContain(
      '<a href="/utmarkelser/arets-stadskarna/2024">Årets Stadskärna 2024</a> – vinnare',
    )
  })

  it('interview: links to the award its city won', async () => {
    const boras = await get('/intervjuer/sa-blev-boras-stadskarna-tryggare')
    expect(boras.html).toContain(
      '<p class="award-note">Borås vann <span><a href="/utmarkelser/arets-stadskarna/2025">Årets Stadskärna 2025</a></span>.</p>',
    )
    const ystad = await get('/intervjuer/sma-steg-i-ystad')
    expect(ystad.html).toContain('href="/utmarkelser/arets-stadskarna/2024"')
    const umea = await get('/intervjuer/umea-satsar-pa-handel-och-kultur')
    expect(umea.html).not.toContain('award-note')
  })

  it('person: role, organisation, contact links, interviews', async () => {
    const {html} = await get('/personer/anna-lindqvist')
    expect(html).toContain('<h1>Anna Lindqvist</h1>')
    expect(html).toContain('<a href="mailto:anna.lindqvist@boras.example.se">')
    expect(html).toContain('<a href="tel:+4633123456">033-12 34 56</a>')
    expect(html).toContain('href="/intervjuer/sa-blev-boras-stadskarna-tryggare"')
  })

  it('interview list: paginated, newest first', async () => {
    const first = await get('/intervjuer')
    expect(first.html).toContain('3 intervjuer, sida 1 av 2')
    expect(first.html).toContain('<a href="/intervjuer?sida=2" rel="next">')
    const second = await get('/intervjuer?sida=2')
    expect(second.html).toContain('href="/intervjuer/sma-steg-i-ystad"')
    expect(second.html).toContain('<a href="/intervjuer" rel="prev">')
  })
})

describe('errors and HTTP', () => {
  it.each([
    '/finns-inte',
    '/intervjuer/finns-inte',
    '/intervjuer/hemlig-intervju',
    '/stader/finns-inte',
    '/personer/finns-inte',
    '/intervjuer?sida=9',
    '/intervjuer?sida=abc',
    '/intervjuer/%E0%A4%A',
    '/organisationer/finns-inte',
    '/utmarkelser/arets-stadskarna/2026',
    '/utmarkelser/arets-stadskarna/1066',
    '/utmarkelser/okand/2025',
    '/utmarkelser/arets-purple-flag/2025',
  ])('%s is a Swedish 404 page', async (path) => {
    const page = await get(path)
    expect(page.status).toBe(404)
    expect(page.html).toContain('<html lang="sv">')
    expect(page.html).toContain('<h1>Sidan finns inte</h1>')
    expect(meta(page.html, 'robots')).toBe('noindex')
  })

  it('redirects a trailing slash, refuses other methods, serves the stylesheet', async () => {
    const redirect = await get('/stader/boras/')
    expect(redirect.status).toBe(308)
    expect(redirect.headers.get('location')).toBe('/stader/boras')
    expect((await get('/', {method: 'POST'})).status).toBe(405)
    const css = await get(site.site.stylesheetPath)
    expect(css.status).toBe(200)
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8')
    expect(css.headers.get('cache-control')).toContain('immutable')
    expect(css.html).toContain('.qa-question')
  })

  it('serves the site’s own icon as /favicon.ico and /favicon.svg, linked from every page', async () => {
    const ico = await fetch(`${site.url}/favicon.ico`)
    expect(ico.status).toBe(200)
    expect(ico.headers.get('content-type')).toBe('image/x-icon')
    const bytes = Buffer.from(await ico.arrayBuffer())
    // ICONDIR: reserved 0, type 1 (icon), one image of 32×32 at 32 bits per pixel.
    expect([...bytes.subarray(0, 8)]).toEqual([0, 0, 1, 0, 1, 0, 32, 32])
    expect(bytes.readUInt16LE(12)).toBe(32)
    expect(bytes.readUInt32LE(14) + bytes.readUInt32LE(18)).toBe(bytes.length)
    const svg = await get('/favicon.svg')
    expect(svg.status).toBe(200)
    expect(svg.headers.get('content-type')).toBe('image/svg+xml')
    expect(svg.html).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/)
    const head = await fetch(`${site.url}/favicon.ico`, {method: 'HEAD'})
    expect(head.status).toBe(200)
    const {html} = await get('/')
    expect(html).toContain('<link rel="icon" href="/favicon.svg" type="image/svg+xml"/>')
    expect(html).toContain('<link rel="icon" href="/favicon.ico" sizes="32x32"/>')
  })

  it('sends a content security policy that allows no scripts', async () => {
    const {headers} = await get('/')
    const csp = headers.get('content-security-policy') ?? ''
    expect(csp).toContain("default-src 'none'")
    expect(csp).not.toContain('script-src')
    expect(csp).toContain(`img-src 'self' ${lake.url}`)
  })

  it('shows a Swedish error page when the Content Lake fails', async () => {
    const broken = await startSite({
      client: createContentClient({env: {SANITY_API_HOST: 'http://127.0.0.1:1'}}).withConfig({
        maxRetries: 0,
      }),
      log: () => undefined,
    })
    try {
      const response = await fetch(`${broken.url}/`)
      expect(response.status).toBe(500)
      expect(await response.text()).toContain('<h1>Något gick fel</h1>')
    } finally {
      await broken.close()
    }
  })
})

describe('publishing', () => {
  it('a published change shows on the next request; a draft does not', async () => {
    const admin = lake.client({dataset: DATASET})
    await admin.patch('city-umea').set({description: 'Nu med ny beskrivning.'}).commit()
    expect((await get('/stader/umea')).html).toContain('Nu med ny beskrivning.')
    await admin.createOrReplace({
      _id: 'drafts.city-umea',
      _type: 'city',
      name: 'Umeå',
      slug: {_type: 'slug', current: 'umea'},
      description: 'Opublicerat utkast.',
    })
    const page = await get('/stader/umea')
    expect(page.html).toContain('Nu med ny beskrivning.')
    expect(page.html).not.toContain('Opublicerat utkast.')
  })
})

describe('npm run web', () => {
  let child: ChildProcess | undefined
  afterAll(() => {
    if (child?.exitCode === null) child.kill('SIGTERM')
  })

  it('builds and serves the site from the configured lake', async () => {
    const main = fileURLToPath(new URL('../web/main.ts', import.meta.url))
    child = spawn(process.execPath, [main, '--port', '0'], {
      env: {
        ...process.env,
        SANITY_API_HOST: lake.url,
        SANITY_PROJECT_ID: 'test',
        SANITY_DATASET: DATASET,
        SANITY_API_TOKEN: '',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    const url = await new Promise<string>((resolve, reject) => {
      child?.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString()
        const match = /listening on (http:\/\/\S+)/.exec(output)
        if (match) resolve(match[1])
      })
      child?.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()))
      child?.once('exit', (code) => reject(new Error(`web exited with ${code}: ${output}`)))
    })
    const response = await fetch(`${url}/intervjuer/sa-blev-boras-stadskarna-tryggare`)
    expect(response.status).toBe(200)
    expect(await response.text()).toContain('<h1>Så blev Borås stadskärna tryggare</h1>')
    child.kill('SIGTERM')
    const [code] = await once(child, 'exit')
    expect(code).toBe(0)
  })

  it('reports a configuration error naming the variable', async () => {
    const main = fileURLToPath(new URL('../web/main.ts', import.meta.url))
    const failing = spawn(process.execPath, [main, '--port', '0'], {
      env: {...process.env, SANITY_DATASET: 'Inte OK'},
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stderr = ''
    failing.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const [code] = await once(failing, 'exit')
    expect(code).toBe(2)
    expect(stderr).toContain('SANITY_DATASET')
  })
})
