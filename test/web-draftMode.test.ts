/**
 * Draft mode and live reload over HTTP, against a real lake with the fixture content: the
 * draft-mode endpoints (`@sanity/preview-url-secret` secrets written the way the Studio writes
 * them), their 401s, the cookie's flags, drafts with stega for editors only, no token in any
 * response, and readers' live reload relayed from the lake's Live Content API.
 */
import {request} from 'node:http'
import {createPreviewSecret} from '@sanity/preview-url-secret/create-secret'
import {vercelStegaDecodeAll, VERCEL_STEGA_REGEX} from '@vercel/stega'
import {afterAll, beforeAll, describe, expect, it, vi} from 'vitest'

import {createContentClient} from '../delivery/client.ts'
import {buildClientScripts, type ClientScripts} from '../web/build.ts'
import {DRAFT_MODE_COOKIE} from '../web/draftMode.ts'
import {startSite, type RunningSite} from '../web/server.tsx'
import {FIXTURE_AS_OF, seedContent} from './fixtures/content/index.ts'
import {startTestLake, type TestLake} from '../testkit/lake.ts'

const DATASET = 'production'
const STUDIO = 'http://localhost:3333'
const INTERVIEW = '/intervjuer/sa-blev-boras-stadskarna-tryggare'
const PUBLISHED_TITLE = 'Så blev Borås stadskärna tryggare'
const DRAFT_TITLE = 'UTKAST: ny rubrik som inte är publicerad'

let lake: TestLake
let scripts: ClientScripts
let site: RunningSite
let siteUrl: string
let readToken: string
const sites: RunningSite[] = []

function contentClient(dataset = DATASET) {
  return createContentClient({
    env: {SANITY_API_HOST: lake.url, SANITY_PROJECT_ID: 'test', SANITY_DATASET: dataset},
  })
}

async function start(options: {draftMode?: boolean; live?: boolean} = {}) {
  const running = await startSite({
    client: contentClient(),
    now: () => new Date(`${FIXTURE_AS_OF}T10:00:00Z`),
    log: () => undefined,
    scripts,
    live: options.live,
    ...(options.draftMode === false ? {} : {draftMode: {readToken}}),
  })
  sites.push(running)
  // `localhost`, as a browser sees the site: the cookie's `Secure` flag depends on the host.
  return {running, url: running.url.replace('127.0.0.1', 'localhost')}
}

beforeAll(async () => {
  lake = await startTestLake()
  await seedContent(lake.client({dataset: DATASET}))
  await lake.client({dataset: 'staging'}).datasets.create('staging')
  readToken = lake.createToken('viewer')
  scripts = await buildClientScripts()
  ;({running: site, url: siteUrl} = await start())
}, 60_000)
afterAll(async () => {
  for (const running of sites) await running.close()
  await lake?.stop()
})

async function get(path: string, init: RequestInit = {}, base = siteUrl) {
  const response = await fetch(`${base}${path}`, {redirect: 'manual', ...init})
  return {
    status: response.status,
    headers: response.headers,
    cookie: response.headers.get('set-cookie'),
    body: await response.text(),
  }
}

/** A secret as the Presentation tool creates it (an editor writes it into the dataset). */
async function secret(dataset = DATASET): Promise<string> {
  const editor = lake.client({dataset, token: lake.createToken('editor')})
  return (await createPreviewSecret(editor, 'test', STUDIO, 'user-1')).secret
}

const enablePath = (value: string, pathname = INTERVIEW, perspective = 'drafts') =>
  `/api/draft-mode/enable?${new URLSearchParams({
    'sanity-preview-secret': value,
    'sanity-preview-pathname': pathname,
    'sanity-preview-perspective': perspective,
  })}`

async function enable(perspective = 'drafts'): Promise<string> {
  const response = await get(enablePath(await secret(), INTERVIEW, perspective))
  expect(response.status).toBe(307)
  return response.cookie!.split(';')[0]!
}

function expectNoSecrets(response: {headers: Headers; body: string}) {
  const everything = `${[...response.headers].join('\n')}\n${response.body}`
  expect(everything).not.toContain(readToken)
  expect(everything).not.toContain(lake.adminToken)
}

describe('GET /api/draft-mode/enable', () => {
  it('with a valid secret: HttpOnly cookie, redirect to the pathname, no token', async () => {
    const response = await get(enablePath(await secret()))
    expect(response.status).toBe(307)
    // The perspective goes into the cookie, not the frame's URL.
    expect(response.headers.get('location')).toBe(INTERVIEW)
    const cookie = response.cookie!
    expect(cookie.startsWith(`${DRAFT_MODE_COOKIE}=`)).toBe(true)
    expect(cookie).toMatch(/; HttpOnly/)
    expect(cookie).toMatch(/; Path=\//)
    // A Studio on another site frames the site: only SameSite=None; Secure cookies are sent.
    expect(cookie).toMatch(/; SameSite=None; Secure/)
    expect(response.headers.get('cache-control')).toBe('no-store')
    expectNoSecrets(response)
  })

  it('on plain HTTP to another host, the cookie is SameSite=Lax (browsers drop Secure there)', async () => {
    const path = enablePath(await secret())
    // fetch() may not set Host; node:http may.
    const cookie = await new Promise<string | undefined>((resolve, reject) => {
      request(`${site.url}${path}`, {headers: {Host: 'site.example'}}, (res) => {
        res.resume()
        resolve(res.headers['set-cookie']?.[0])
      })
        .once('error', reject)
        .end()
    })
    expect(cookie).toMatch(/; HttpOnly; SameSite=Lax$/)
  })

  it.each([
    ['no secret', () => Promise.resolve('/api/draft-mode/enable')],
    ['a wrong secret', () => Promise.resolve(enablePath('not-the-secret'))],
    ['an empty secret', () => Promise.resolve(enablePath(''))],
    ["another dataset's secret", async () => enablePath(await secret('staging'))],
  ])('with %s: 401 and no cookie', async (_, path) => {
    const response = await get(await path())
    expect(response.status).toBe(401)
    expect(response.cookie).toBeNull()
    expect(response.body).toMatch(/ogiltig eller för gammal/)
    expectNoSecrets(response)
  })

  it('with an expired secret (written over an hour ago): 401 and no cookie', async () => {
    vi.useFakeTimers({toFake: ['Date']})
    vi.setSystemTime(Date.now() - 61 * 60 * 1000)
    let expired: string
    try {
      expired = await secret()
    } finally {
      vi.useRealTimers()
    }
    const response = await get(enablePath(expired))
    expect(response.status).toBe(401)
    expect(response.cookie).toBeNull()
  })

  it('never redirects off the site', async () => {
    for (const pathname of ['//evil.example/x', 'https://evil.example/x', '/\\evil.example']) {
      const response = await get(enablePath(await secret(), pathname))
      expect(response.status).toBe(307)
      const location = response.headers.get('location')!
      expect(new URL(location, siteUrl).origin).toBe(new URL(siteUrl).origin)
    }
  })

  it('answers 501 when the site has no read token', async () => {
    const {url} = await start({draftMode: false})
    const response = await get(enablePath(await secret()), {}, url)
    expect(response.status).toBe(501)
    expect(response.body).toMatch(/SANITY_API_READ_TOKEN/)
    expect(response.cookie).toBeNull()
  })
})

describe('pages in draft mode', () => {
  it('show the draft with stega edit intents, framed only by the Studio, never stored', async () => {
    const cookie = await enable()
    const response = await get(INTERVIEW, {headers: {cookie}})
    expect(response.status).toBe(200)
    expect(response.body).toContain(DRAFT_TITLE)
    const intents = vercelStegaDecodeAll(response.body) as Array<{origin: string; href: string}>
    expect(intents.length).toBeGreaterThan(5)
    expect(intents.every((intent) => intent.origin === 'sanity.io')).toBe(true)
    const hrefs = intents.map((intent) => decodeURIComponent(intent.href))
    expect(
      hrefs.some(
        (href) => href.includes('id=interview-boras') && href.includes('path=pullQuote.text'),
      ),
    ).toBe(true)
    expect(hrefs.some((href) => /path=questions\[_key=="q1"\]\.question/.test(href))).toBe(true)
    expect(hrefs.every((href) => href.startsWith(STUDIO))).toBe(true)
    // The <title> and meta tags are clean, and so are values the site compares or links with.
    const head = response.body.slice(0, response.body.indexOf('</head>'))
    expect(VERCEL_STEGA_REGEX.test(head.replace(/<link[^>]+>/g, ''))).toBe(false)
    expect(response.body).toContain('href="/stader/boras"')
    expect(response.headers.get('cache-control')).toBe('private, no-store')
    expect(response.headers.get('vary')).toBe('Cookie')
    const csp = response.headers.get('content-security-policy')!
    expect(csp).toContain(`frame-ancestors ${STUDIO}`)
    expect(csp).toContain("script-src 'self'")
    expect(response.body).toContain(`<script type="module" src="${scripts.visualEditing.path}">`)
    expect(response.body).toContain('Förhandsvisning: du ser utkast.')
    expectNoSecrets(response)
  })

  it('serves the overlay script and its styles as immutable assets', async () => {
    const js = await get(scripts.visualEditing.path)
    expect(js.status).toBe(200)
    expect(js.headers.get('content-type')).toMatch(/javascript/)
    expect(js.headers.get('cache-control')).toContain('immutable')
    expectNoSecrets(js)
    const css = await get(scripts.visualEditing.stylesheet!.path)
    expect(css.headers.get('content-type')).toMatch(/text\/css/)
  })

  it('ignore a forged or tampered cookie: readers get the published page, no stega', async () => {
    const cookie = await enable()
    const [name, value] = cookie.split('=') as [string, string]
    const [payload] = value.split('.')
    const forged = Buffer.from(JSON.stringify({studioOrigin: STUDIO, expires: 9e15})).toString(
      'base64url',
    )
    for (const attempt of [
      `${name}=${payload}.AAAA`,
      `${name}=${forged}.${value.split('.')[1]}`,
      `${name}=garbage`,
    ]) {
      const response = await get(INTERVIEW, {headers: {cookie: attempt}})
      expect(response.body).toContain(PUBLISHED_TITLE)
      expect(response.body).not.toContain(DRAFT_TITLE)
      expect(VERCEL_STEGA_REGEX.test(response.body)).toBe(false)
    }
  })

  it('a session from another site instance (another key) is not accepted', async () => {
    const cookie = await enable()
    const {url} = await start()
    const response = await get(INTERVIEW, {headers: {cookie}}, url)
    expect(response.body).not.toContain(DRAFT_TITLE)
  })
})

describe('the preview perspective', () => {
  const RELEASE = 'rSommar'
  const RELEASE_TITLE = 'RELEASE: rubriken i sommarens release'

  beforeAll(async () => {
    const admin = lake.client({dataset: DATASET})
    const published = await admin.getDocument('interview-boras')
    await admin.action([
      {
        actionType: 'sanity.action.release.create',
        releaseId: RELEASE,
        metadata: {title: 'Sommar', releaseType: 'undecided'},
      },
      {
        actionType: 'sanity.action.document.version.create',
        publishedId: 'interview-boras',
        document: {...published!, _id: `versions.${RELEASE}.interview-boras`, title: RELEASE_TITLE},
      },
    ])
  })

  const perspectiveOf = (page: {body: string}) => /data-perspective="([^"]*)"/.exec(page.body)?.[1]

  it.each([
    ['published', PUBLISHED_TITLE, 'Förhandsvisning: du ser publicerat innehåll.'],
    ['drafts', DRAFT_TITLE, 'Förhandsvisning: du ser utkast.'],
    [`${RELEASE},drafts`, RELEASE_TITLE, 'Förhandsvisning: du ser innehållet i en release.'],
    // Anything the site does not understand is the default preview, never an error.
    ['raw', DRAFT_TITLE, 'Förhandsvisning: du ser utkast.'],
    [RELEASE, DRAFT_TITLE, 'Förhandsvisning: du ser utkast.'],
    ['drafts,rX', DRAFT_TITLE, 'Förhandsvisning: du ser utkast.'],
  ])(
    'the preview URL says %s: the page shows it, with stega',
    async (perspective, title, banner) => {
      const cookie = await enable(perspective)
      const response = await get(INTERVIEW, {headers: {cookie}})
      expect(response.status).toBe(200)
      expect(response.body).toContain(title)
      expect(response.body).toContain(banner)
      expect(vercelStegaDecodeAll(response.body).length).toBeGreaterThan(5)
      expect(response.headers.get('cache-control')).toBe('private, no-store')
    },
  )

  async function change(cookie: string, body: unknown, headers: Record<string, string> = {}) {
    return get('/api/draft-mode/perspective', {
      method: 'POST',
      headers: {
        cookie,
        'Content-Type': 'application/json',
        Origin: siteUrl,
        ...headers,
      },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    })
  }

  it('POST /api/draft-mode/perspective re-issues the session with the new perspective', async () => {
    const drafts = await enable()
    const published = await change(drafts, {perspective: 'published'})
    expect(published.status).toBe(204)
    expect(published.headers.get('cache-control')).toBe('no-store')
    const cookie = published.cookie!.split(';')[0]!
    expect(published.cookie).toMatch(/; HttpOnly; SameSite=None; Secure$/)
    const page = await get(INTERVIEW, {headers: {cookie}})
    expect(page.body).toContain(PUBLISHED_TITLE)
    expect(perspectiveOf(page)).toBe('published')
    // The same Studio may still frame the page, and the overlays still point at it.
    expect(page.headers.get('content-security-policy')).toContain(`frame-ancestors ${STUDIO}`)

    const release = await change(cookie, {perspective: [RELEASE, 'drafts']})
    const inRelease = await get(INTERVIEW, {headers: {cookie: release.cookie!.split(';')[0]!}})
    expect(inRelease.body).toContain(RELEASE_TITLE)
    expect(perspectiveOf(inRelease)).toBe(`${RELEASE},drafts`)

    const bogus = await change(cookie, {perspective: ['drafts', '../../etc']})
    expect(bogus.status).toBe(204)
    const back = await get(INTERVIEW, {headers: {cookie: bogus.cookie!.split(';')[0]!}})
    expect(back.body).toContain(DRAFT_TITLE)
    expect(perspectiveOf(back)).toBe('drafts')
  })

  it.each([
    ['without a session', async () => '', {}, {perspective: 'published'}, 401],
    [
      'from another origin',
      enable,
      {Origin: 'https://evil.example'},
      {perspective: 'published'},
      403,
    ],
    [
      'as a form',
      enable,
      {'Content-Type': 'application/x-www-form-urlencoded'},
      'perspective=published',
      415,
    ],
    ['with broken JSON', enable, {}, '{"perspective":', 400],
    ['with a huge body', enable, {}, {perspective: 'x'.repeat(10_000)}, 413],
  ])('refuses a change %s, and sets no cookie', async (_, session, headers, body, status) => {
    const response = await change(await session(), body, headers)
    expect(response.status).toBe(status)
    expect(response.cookie).toBeNull()
  })

  it('readers are unaffected: a reader posting a perspective gets 401, pages stay published', async () => {
    const response = await change('', {perspective: 'drafts'})
    expect(response.status).toBe(401)
    const page = await get(INTERVIEW)
    expect(page.body).toContain(PUBLISHED_TITLE)
    expect(page.body).not.toContain(RELEASE_TITLE)
    expect(page.body).not.toContain('data-perspective')
  })
})

describe('readers', () => {
  it.each([INTERVIEW, '/', '/intervjuer', '/personer/anna-lindqvist', '/stader/boras'])(
    '%s: published content, no stega characters, no scripts',
    async (path) => {
      const response = await get(path)
      expect(response.status).toBe(200)
      expect(response.body).not.toMatch(/UTKAST|Anna Utkast|Borås \(utkast\)/)
      VERCEL_STEGA_REGEX.lastIndex = 0
      expect(VERCEL_STEGA_REGEX.test(response.body)).toBe(false)
      expect(response.body).not.toContain('<script')
      expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'")
    },
  )
})

describe('GET /api/draft-mode/disable', () => {
  it('clears the cookie and redirects on the site', async () => {
    const cookie = await enable()
    const response = await get(
      `/api/draft-mode/disable?redirect=${encodeURIComponent(INTERVIEW)}`,
      {
        headers: {cookie},
      },
    )
    expect(response.status).toBe(307)
    expect(response.headers.get('location')).toBe(INTERVIEW)
    expect(response.cookie).toMatch(
      new RegExp(`^${DRAFT_MODE_COOKIE}=; Max-Age=0; Path=/; HttpOnly`),
    )
    const offSite = await get('/api/draft-mode/disable?redirect=//evil.example')
    expect(offSite.headers.get('location')).toBe('/')
  })
})

describe('live reload for readers (--live)', () => {
  it("a page carries its sync tags; a publish that touches them is relayed to the page's stream", async () => {
    const {url} = await start({live: true})
    const page = await get(INTERVIEW, {}, url)
    const tags = /data-sync-tags="([^"]+)"/.exec(page.body)?.[1]?.split(' ') ?? []
    expect(tags.length).toBeGreaterThan(0)
    expect(page.body).toContain(`src="${scripts.liveReload.path}"`)
    expect(scripts.liveReload.code.length).toBeLessThan(2000)
    expect(page.headers.get('content-security-policy')).toContain("connect-src 'self'")

    const controller = new AbortController()
    const stream = await fetch(`${url}/api/live`, {signal: controller.signal})
    expect(stream.headers.get('content-type')).toMatch(/text\/event-stream/)
    const reader = stream.body!.pipeThrough(new TextDecoderStream()).getReader()
    // `welcome` comes once the site's own stream from the lake is open: a commit from then on
    // reaches the page.
    let received = ''
    while (!received.includes('event: welcome')) received += (await reader.read()).value ?? ''
    await lake
      .client({dataset: DATASET})
      .patch('interview-boras')
      .set({lead: 'Ny ingress'})
      .commit()
    while (!received.includes('event: message')) received += (await reader.read()).value ?? ''
    controller.abort()
    const data = /event: message\ndata: (.*)\n/.exec(received)?.[1]
    expect(data).toBeDefined()
    const message = JSON.parse(data!) as {tags: string[]}
    expect(message.tags.some((tag) => tags.includes(tag))).toBe(true)
  })
})
