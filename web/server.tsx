/**
 * The reference site's server: `node:http`, a small router, one delivery query per page, and
 * `react-dom/server` (static markup: nothing is hydrated) rendering every request afresh, so published content shows up on the next
 * request without a restart or a cache to purge. It ships no JavaScript to readers, unless
 * live reload is on (`live`: a few hundred bytes that reload a page when its content changes).
 * Draft mode (web/draftMode.ts) renders drafts with stega and adds the visual-editing overlays.
 */
import {createHash} from 'node:crypto'
import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http'
import type {AddressInfo} from 'node:net'
import type {SanityClient} from '@sanity/client'
import {stegaClean} from '@sanity/client/stega'
import type {ReactNode} from 'react'
import {renderToStaticMarkup} from 'react-dom/server'
import {validatePreviewUrl} from '@sanity/preview-url-secret'
import {withoutSecretSearchParams} from '@sanity/preview-url-secret/without-secret-search-params'

import {
  getAward,
  getCertifiedCounties,
  getCertifiedOrganizations,
  getCity,
  getFactSheet,
  getHomePage,
  getInterview,
  getOrganization,
  getPerson,
  listAwards,
  listInterviews,
} from '../delivery/content.ts'
import {createImageUrls, hasImage, type ImageUrls} from '../delivery/images.ts'
import {ContentRenderProvider} from '../delivery/portableText.tsx'
import {awardKindOf} from '../domain/awards.ts'
import {toIsoDate} from '../domain/qmStatus.ts'
import type {ClientScript, ClientScripts} from './build.ts'
import {
  createDraftModeKey,
  draftClient,
  draftModeCookies,
  DRAFT_SESSION_MS,
  safeRedirectPath,
  withPerspective,
  type DraftSession,
} from './draftMode.ts'
import {
  describePreviewPerspective,
  encodePreviewPerspective,
  parsePreviewPerspective,
  PREVIEW_PERSPECTIVE_PATH,
} from './previewPerspective.ts'
import {FAVICON_ICO, FAVICON_SVG} from './favicon.ts'
import {Document, type PageMeta, type Section} from './layout.tsx'
import {
  AwardPage,
  AwardsPage,
  CityPage,
  ErrorPage,
  HomePage,
  InterviewArticle,
  InterviewListPage,
  NotFoundPage,
  OrganizationPage,
  PersonPage,
  QmPage,
} from './pages.tsx'
import {createLiveRelay, LIVE_PATH, type LiveRelay} from './live.ts'
import {DRAFT_MODE_PATHS, matchRoute, paths, type Route} from './routes.ts'
import {SITE_CSS} from './styles.ts'
import {trackSyncTags} from './syncTags.ts'

export interface SiteOptions {
  /** Reads published content; see `createContentClient()` in delivery/client.ts. */
  client: SanityClient
  /** The site's public origin (e.g. `https://www.example.se`) for canonical URLs and og:url. */
  siteOrigin?: string
  /** The current time, for QM statuses (tests pin it). Default: the real clock. */
  now?: () => Date
  /** Interviews per page on /intervjuer. */
  pageSize?: number
  /** Where errors are reported; default `console.error`. */
  log?: (message: string) => void
  /** The browser scripts (web/build.ts `buildClientScripts`); without them there is no draft mode or live reload. */
  scripts?: ClientScripts
  /**
   * Draft mode for the Studio's Presentation tool: the server-side token that reads preview
   * secrets and drafts (`SANITY_API_READ_TOKEN`). Without it the draft-mode endpoints answer 501.
   */
  draftMode?: {readToken: string; key?: Buffer}
  /** Readers' pages reload when their content is published anew (`--live`). */
  live?: boolean
}

export interface RenderedPage {
  status: number
  html: string
  /** The sync tags of every query the page ran. */
  syncTags: string[]
}

interface Page {
  status: number
  section: Section
  meta: PageMeta
  body: ReactNode
}

const STYLESHEET_PATH = `/assets/site-${createHash('sha256').update(SITE_CSS).digest('hex').slice(0, 10)}.css`

const PERSPECTIVE_BODY_LIMIT = 4096

/** The host (with port) of an Origin header, or null for `null` and garbage. */
function originHost(origin: string): string | null {
  try {
    return new URL(origin).host
  } catch {
    return null
  }
}

/** A path without the Studio's preview parameters (`sanity-preview-perspective` and the like). */
function withoutPreviewParams(path: string): string {
  const url = withoutSecretSearchParams(new URL(path, 'http://site.invalid'))
  return `${url.pathname}${url.search}${url.hash}`
}

/** The request body as text, or null when it is longer than `limit` bytes. */
async function readSmallBody(req: IncomingMessage, limit: number): Promise<string | null> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > limit) return null
    chunks.push(chunk)
  }
  return Buffer.concat(chunks).toString('utf8')
}

function notFound(path: string): Page {
  return {
    status: 404,
    section: null,
    meta: {title: 'Sidan finns inte', path, noindex: true},
    body: <NotFoundPage />,
  }
}

export interface Site {
  /** Renders the page for a path (with query string) to a full HTML document. */
  render(pathAndQuery: string): Promise<RenderedPage>
  /** A `node:http` request handler. */
  handler(req: IncomingMessage, res: ServerResponse): void
  stylesheetPath: string
  /** Ends the live relay's streams (the server closes itself). */
  close(): void
}

/** Titles and descriptions go into `<title>` and `<meta>`, where stega characters do harm. */
function cleanMeta(meta: PageMeta): PageMeta {
  return stegaClean(meta)
}

export function createSite(options: SiteOptions): Site {
  const {client, scripts} = options
  const now = options.now ?? (() => new Date())
  const log = options.log ?? ((message: string) => console.error(message))
  const images: ImageUrls = createImageUrls(client)
  const imageOrigin = new URL(images.url({asset: {_ref: 'image-a-1x1-png'}}, 1)).origin
  const imageUrl = (image: Parameters<ImageUrls['url']>[0] | null | undefined) =>
    hasImage(image) ? images.url(image, 1200) : null

  const cookies = draftModeCookies(options.draftMode?.key ?? createDraftModeKey())
  const draftClients = new Map<string | null, SanityClient>()
  const clientFor = (draft: DraftSession | null): SanityClient => {
    if (!draft || !options.draftMode) return client
    let found = draftClients.get(draft.studioOrigin)
    if (!found) {
      found = draftClient(client, options.draftMode.readToken, draft.studioOrigin)
      draftClients.set(draft.studioOrigin, found)
    }
    return withPerspective(found, draft.perspective)
  }
  const live: LiveRelay | null = options.live && scripts ? createLiveRelay(client, log) : null
  const assets = new Map<string, {type: string; code: string}>()
  for (const script of Object.values(scripts ?? {}) as ClientScript[]) {
    assets.set(script.path, {type: 'text/javascript; charset=utf-8', code: script.code})
    if (script.stylesheet)
      assets.set(script.stylesheet.path, {
        type: 'text/css; charset=utf-8',
        code: script.stylesheet.code,
      })
  }

  async function loadPage(route: Route, path: string, client: SanityClient): Promise<Page> {
    const asOf = now()
    switch (route.name) {
      case 'home': {
        const home = await getHomePage(client, {asOf})
        return {
          status: 200,
          section: 'home',
          meta: {
            path,
            description:
              'Intervjuer med människorna som utvecklar Sveriges stadskärnor, och städerna med Kvalitetsmärkningen.',
          },
          body: <HomePage home={home} />,
        }
      }
      case 'interviews': {
        const list = await listInterviews(client, {page: route.page, pageSize: options.pageSize})
        if (route.page > 1 && list.items.length === 0) return notFound(path)
        return {
          status: 200,
          section: 'interviews',
          meta: {
            title: route.page > 1 ? `Intervjuer, sida ${route.page}` : 'Intervjuer',
            path,
            description: 'Alla intervjuer, de senaste först.',
          },
          body: <InterviewListPage list={list} />,
        }
      }
      case 'interview': {
        const interview = await getInterview(client, route.slug, {asOf})
        if (!interview) return notFound(path)
        const shareImage = interview.seo?.image?.asset ? interview.seo.image : interview.mainImage
        return {
          status: 200,
          section: 'interviews',
          meta: {
            title: interview.seo?.title || interview.title,
            description: interview.seo?.description || interview.lead,
            image: imageUrl(shareImage),
            imageAlt: shareImage?.alt,
            path,
            type: 'article',
          },
          body: <InterviewArticle interview={interview} images={images} />,
        }
      }
      case 'city': {
        const city = await getCity(client, route.slug, {asOf})
        if (!city) return notFound(path)
        return {
          status: 200,
          section: null,
          meta: {
            title: city.name,
            description: city.description,
            image: imageUrl(city.image),
            imageAlt: city.image?.alt,
            path,
          },
          body: <CityPage city={city} images={images} />,
        }
      }
      case 'qm': {
        const [factSheet, organizations, counties] = await Promise.all([
          getFactSheet(client),
          getCertifiedOrganizations(client, {asOf, county: route.county}),
          getCertifiedCounties(client),
        ])
        if (route.county !== null && !counties.includes(route.county)) return notFound(path)
        return {
          status: 200,
          section: 'qm',
          meta: {
            title: route.county ? `Kvalitetsmärkningen i ${route.county}` : 'Kvalitetsmärkningen',
            description:
              'Om Kvalitetsmärkningen för stadskärnor, och vilka organisationer som är certifierade.',
            path,
          },
          body: (
            <QmPage
              factSheet={factSheet}
              organizations={organizations}
              counties={counties}
              county={route.county}
              asOf={toIsoDate(asOf)}
            />
          ),
        }
      }
      case 'organization': {
        const organization = await getOrganization(client, route.slug, {asOf})
        if (!organization) return notFound(path)
        return {
          status: 200,
          section: 'qm',
          meta: {
            title: organization.name,
            description: organization.description,
            path,
          },
          body: <OrganizationPage organization={organization} asOf={toIsoDate(asOf)} />,
        }
      }
      case 'awards': {
        const awards = await listAwards(client)
        return {
          status: 200,
          section: 'awards',
          meta: {
            title: 'Utmärkelser',
            description: 'Årets Stadskärna år för år: vinnare och finalister sedan 1995.',
            path,
          },
          body: <AwardsPage awards={awards} />,
        }
      }
      case 'award': {
        const award = await getAward(client, route.kind, route.year)
        if (!award) return notFound(path)
        const title = `${awardKindOf(award.kind)?.title ?? 'Utmärkelse'} ${award.year}`
        return {
          status: 200,
          section: 'awards',
          meta: {
            title,
            description: award.winner
              ? `${award.winner.name} vann ${title}.`
              : `Finalisterna i ${title}.`,
            path,
          },
          body: <AwardPage award={award} />,
        }
      }
      case 'person': {
        const person = await getPerson(client, route.slug)
        if (!person) return notFound(path)
        return {
          status: 200,
          section: null,
          meta: {
            title: person.name,
            description: [person.role, person.organization?.name].filter(Boolean).join(', '),
            image: imageUrl(person.portrait),
            imageAlt: person.portrait?.alt,
            path,
          },
          body: <PersonPage person={person} images={images} />,
        }
      }
      default:
        return notFound(path)
    }
  }

  function pageScripts(draft: DraftSession | null, syncTags: string[], path: string) {
    if (draft && scripts) {
      const {visualEditing} = scripts
      return {
        banner: (
          <p
            className="draft-banner"
            role="status"
            data-perspective={encodePreviewPerspective(draft.perspective)}
          >
            Förhandsvisning: {describePreviewPerspective(draft.perspective)}.{' '}
            <a href={`${DRAFT_MODE_PATHS.disable}?${new URLSearchParams({redirect: path})}`}>
              Visa publicerat
            </a>
          </p>
        ),
        head: visualEditing.stylesheet ? (
          <link rel="stylesheet" href={visualEditing.stylesheet.path} />
        ) : null,
        scripts: <script type="module" src={visualEditing.path} />,
      }
    }
    if (live && scripts && syncTags.length > 0) {
      return {
        scripts: <script defer src={scripts.liveReload.path} data-sync-tags={syncTags.join(' ')} />,
      }
    }
    return {}
  }

  function renderDocument(
    page: Page,
    draft: DraftSession | null = null,
    syncTags: string[] = [],
  ): string {
    const html = renderToStaticMarkup(
      <Document
        meta={draft ? cleanMeta(page.meta) : page.meta}
        stylesheet={STYLESHEET_PATH}
        siteOrigin={options.siteOrigin}
        section={page.section}
        {...pageScripts(draft, syncTags, page.meta.path)}
      >
        <ContentRenderProvider
          options={{siteOrigin: options.siteOrigin, personHref: (slug) => paths.person(slug)}}
        >
          {page.body}
        </ContentRenderProvider>
      </Document>,
    )
    return `<!DOCTYPE html>${html}`
  }

  async function render(
    pathAndQuery: string,
    draft: DraftSession | null = null,
  ): Promise<RenderedPage> {
    const url = new URL(pathAndQuery, 'http://site.invalid')
    const route = matchRoute(url.pathname, url.searchParams, STYLESHEET_PATH)
    const path = url.pathname + url.search
    const tracked = trackSyncTags(clientFor(draft))
    try {
      const page = await loadPage(route, path, tracked.client)
      const syncTags = tracked.tags()
      return {status: page.status, html: renderDocument(page, draft, syncTags), syncTags}
    } catch (error) {
      log(
        `web: ${path} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      )
      return {
        status: 500,
        html: renderDocument({
          status: 500,
          section: null,
          meta: {title: 'Något gick fel', path, noindex: true},
          body: <ErrorPage />,
        }),
        syncTags: [],
      }
    }
  }

  /**
   * Readers' pages allow no scripts (only the site's own live-reload file when it is on). Draft
   * pages may be framed by the Studio that enabled draft mode, run the overlay script and its
   * inline styles, and talk to nothing but the site.
   */
  function contentSecurityPolicy(draft: DraftSession | null): string {
    const scriptSrc = draft || live ? ["script-src 'self'", "connect-src 'self'"] : []
    return [
      "default-src 'none'",
      `img-src 'self' ${imageOrigin}${draft ? ' data:' : ''}`,
      draft ? "style-src 'self' 'unsafe-inline'" : "style-src 'self'",
      ...scriptSrc,
      "base-uri 'none'",
      "form-action 'none'",
      draft ? `frame-ancestors ${draft.studioOrigin ?? "'self'"}` : "frame-ancestors 'none'",
    ].join('; ')
  }
  const securityHeaders = {
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'strict-origin-when-cross-origin',
    'Content-Security-Policy': contentSecurityPolicy(null),
  }

  function plain(
    res: ServerResponse,
    status: number,
    text: string,
    headers: Record<string, string> = {},
  ) {
    res.writeHead(status, {
      'Content-Type': 'text/plain; charset=utf-8',
      'Cache-Control': 'no-store',
      ...securityHeaders,
      ...headers,
    })
    res.end(`${text}\n`)
  }

  async function enableDraftMode(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!options.draftMode || !scripts) {
      plain(
        res,
        501,
        'Förhandsvisning är inte påslagen på den här webbplatsen (SANITY_API_READ_TOKEN saknas).',
      )
      return
    }
    const previewClient = client.withConfig({token: options.draftMode.readToken})
    const result = await validatePreviewUrl(previewClient, req.url ?? '/')
    if (!result.isValid) {
      plain(
        res,
        401,
        'Länken till förhandsvisningen är ogiltig eller för gammal. Öppna förhandsvisningen i Studio igen.',
      )
      return
    }
    const session: DraftSession = {
      studioOrigin: result.studioOrigin ?? null,
      perspective: parsePreviewPerspective(result.studioPreviewPerspective),
      expires: now().getTime() + DRAFT_SESSION_MS,
    }
    res.writeHead(307, {
      // The perspective lives in the cookie from now on: a stale one on the URL would only mislead.
      Location: withoutPreviewParams(safeRedirectPath(result.redirectTo)),
      'Set-Cookie': cookies.issue(session, req),
      'Cache-Control': 'no-store',
      ...securityHeaders,
    })
    res.end()
  }

  /**
   * The overlay script reports the Studio's new perspective: the session's cookie is issued anew
   * with it (same Studio, same expiry). Only from the site's own pages (Origin, and a JSON body,
   * which a cross-site form cannot send without a preflight the site never answers), only within
   * a valid session.
   */
  async function changePerspective(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!options.draftMode || !scripts) {
      plain(res, 501, 'Förhandsvisning är inte påslagen på den här webbplatsen.')
      return
    }
    const origin = req.headers.origin
    if (origin !== undefined && originHost(origin) !== req.headers.host) {
      plain(res, 403, 'Perspektivet kan bara ändras från webbplatsens egna sidor.')
      return
    }
    if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
      plain(res, 415, 'Skicka perspektivet som JSON: {"perspective": "drafts"}.')
      return
    }
    const session = cookies.read(req, now().getTime())
    if (!session) {
      plain(res, 401, 'Förhandsvisningen har gått ut. Öppna förhandsvisningen i Studio igen.')
      return
    }
    const body = await readSmallBody(req, PERSPECTIVE_BODY_LIMIT)
    if (body === null) {
      plain(res, 413, `Högst ${PERSPECTIVE_BODY_LIMIT} byte.`)
      return
    }
    let perspective: unknown
    try {
      perspective = (JSON.parse(body) as {perspective?: unknown} | null)?.perspective
    } catch {
      plain(res, 400, 'Ogiltig JSON: skicka {"perspective": "drafts"}.')
      return
    }
    const next: DraftSession = {...session, perspective: parsePreviewPerspective(perspective)}
    res.writeHead(204, {
      'Set-Cookie': cookies.issue(next, req),
      'Cache-Control': 'no-store',
      ...securityHeaders,
    })
    res.end()
  }

  function disableDraftMode(req: IncomingMessage, res: ServerResponse, search: URLSearchParams) {
    res.writeHead(307, {
      Location: safeRedirectPath(search.get('redirect')),
      'Set-Cookie': cookies.clear(req),
      'Cache-Control': 'no-store',
      ...securityHeaders,
    })
    res.end()
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET'
    if (method === 'POST' && req.url?.split('?')[0] === PREVIEW_PERSPECTIVE_PATH)
      return changePerspective(req, res)
    if (method !== 'GET' && method !== 'HEAD') {
      res.writeHead(405, {Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8'})
      res.end('Metoden stöds inte.\n')
      return
    }
    const url = new URL(req.url ?? '/', 'http://site.invalid')
    if (url.pathname === DRAFT_MODE_PATHS.enable) return enableDraftMode(req, res)
    if (url.pathname === DRAFT_MODE_PATHS.disable)
      return disableDraftMode(req, res, url.searchParams)
    if (url.pathname === LIVE_PATH && live) return live.handle(req, res)
    const asset = assets.get(url.pathname)
    if (asset) {
      res.writeHead(200, {
        'Content-Type': asset.type,
        'Cache-Control': 'public, max-age=31536000, immutable',
        ...securityHeaders,
      })
      res.end(method === 'HEAD' ? undefined : asset.code)
      return
    }
    const route = matchRoute(url.pathname, url.searchParams, STYLESHEET_PATH)
    if (route.name === 'redirect') {
      res.writeHead(308, {Location: route.location})
      res.end()
      return
    }
    if (route.name === 'favicon') {
      const body = route.format === 'ico' ? FAVICON_ICO : Buffer.from(FAVICON_SVG)
      res.writeHead(200, {
        'Content-Type': route.format === 'ico' ? 'image/x-icon' : 'image/svg+xml',
        'Content-Length': body.length,
        'Cache-Control': 'public, max-age=86400',
        ...securityHeaders,
      })
      res.end(method === 'HEAD' ? undefined : body)
      return
    }
    if (route.name === 'stylesheet') {
      res.writeHead(200, {
        'Content-Type': 'text/css; charset=utf-8',
        'Cache-Control': 'public, max-age=31536000, immutable',
        ...securityHeaders,
      })
      res.end(method === 'HEAD' ? undefined : SITE_CSS)
      return
    }
    const draft = options.draftMode && scripts ? cookies.read(req, now().getTime()) : null
    const page = await render(url.pathname + url.search, draft)
    const body = Buffer.from(page.html)
    res.writeHead(page.status, {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Length': body.length,
      'Content-Language': 'sv',
      // Rendered per request from the Content Lake: never serve a stored copy without asking;
      // never store a draft at all. The same URL is a draft or not depending on the cookie.
      'Cache-Control': draft ? 'private, no-store' : 'no-cache',
      Vary: 'Cookie',
      ...securityHeaders,
      'Content-Security-Policy': contentSecurityPolicy(draft),
    })
    res.end(method === 'HEAD' ? undefined : body)
  }

  return {
    render,
    stylesheetPath: STYLESHEET_PATH,
    close: () => live?.close(),
    handler(req, res) {
      handle(req, res).catch((error: unknown) => {
        log(`web: ${req.url} failed: ${String(error)}`)
        if (!res.headersSent) res.writeHead(500, {'Content-Type': 'text/plain; charset=utf-8'})
        res.end('Något gick fel.\n')
      })
    },
  }
}

export interface RunningSite {
  url: string
  port: number
  site: Site
  close(): Promise<void>
}

/** Creates the site and listens; port 0 picks a free port. */
export async function startSite(
  options: SiteOptions & {port?: number; host?: string},
): Promise<RunningSite> {
  const site = createSite(options)
  const server: Server = createServer(site.handler)
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  const {port, address} = server.address() as AddressInfo
  const host = address.includes(':') ? `[${address}]` : address
  return {
    url: `http://${host}:${port}`,
    port,
    site,
    close: () =>
      new Promise<void>((resolve) => {
        site.close()
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
