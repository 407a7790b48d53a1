/**
 * The reference site's server: `node:http`, a small router, one delivery query per page, and
 * `react-dom/server` (static markup: nothing is hydrated) rendering every request afresh, so published content shows up on the next
 * request without a restart or a cache to purge. It ships no JavaScript to the browser.
 */
import {createHash} from 'node:crypto'
import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http'
import type {AddressInfo} from 'node:net'
import type {SanityClient} from '@sanity/client'
import type {ReactNode} from 'react'
import {renderToStaticMarkup} from 'react-dom/server'

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
import {matchRoute, paths, type Route} from './routes.ts'
import {SITE_CSS} from './styles.ts'

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
}

export interface RenderedPage {
  status: number
  html: string
}

interface Page {
  status: number
  section: Section
  meta: PageMeta
  body: ReactNode
}

const STYLESHEET_PATH = `/assets/site-${createHash('sha256').update(SITE_CSS).digest('hex').slice(0, 10)}.css`

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
}

export function createSite(options: SiteOptions): Site {
  const {client} = options
  const now = options.now ?? (() => new Date())
  const log = options.log ?? ((message: string) => console.error(message))
  const images: ImageUrls = createImageUrls(client)
  const imageOrigin = new URL(images.url({asset: {_ref: 'image-a-1x1-png'}}, 1)).origin
  const imageUrl = (image: Parameters<ImageUrls['url']>[0] | null | undefined) =>
    hasImage(image) ? images.url(image, 1200) : null

  async function loadPage(route: Route, path: string): Promise<Page> {
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

  function renderDocument(page: Page): string {
    const html = renderToStaticMarkup(
      <Document
        meta={page.meta}
        stylesheet={STYLESHEET_PATH}
        siteOrigin={options.siteOrigin}
        section={page.section}
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

  async function render(pathAndQuery: string): Promise<RenderedPage> {
    const url = new URL(pathAndQuery, 'http://site.invalid')
    const route = matchRoute(url.pathname, url.searchParams, STYLESHEET_PATH)
    const path = url.pathname + url.search
    try {
      const page = await loadPage(route, path)
      return {status: page.status, html: renderDocument(page)}
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
      }
    }
  }

  const securityHeaders = {
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'strict-origin-when-cross-origin',
    'Content-Security-Policy': [
      "default-src 'none'",
      `img-src 'self' ${imageOrigin}`,
      "style-src 'self'",
      "base-uri 'none'",
      "form-action 'none'",
      "frame-ancestors 'none'",
    ].join('; '),
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET'
    if (method !== 'GET' && method !== 'HEAD') {
      res.writeHead(405, {Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8'})
      res.end('Metoden stöds inte.\n')
      return
    }
    const url = new URL(req.url ?? '/', 'http://site.invalid')
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
    const page = await render(url.pathname + url.search)
    const body = Buffer.from(page.html)
    res.writeHead(page.status, {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Length': body.length,
      'Content-Language': 'sv',
      // Rendered per request from the Content Lake: never serve a stored copy without asking.
      'Cache-Control': 'no-cache',
      ...securityHeaders,
    })
    res.end(method === 'HEAD' ? undefined : body)
  }

  return {
    render,
    stylesheetPath: STYLESHEET_PATH,
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
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
