/**
 * The reference site's URLs, in Swedish: one table from path patterns to routes, and the path
 * builders pages link with. A new page adds a `Route` variant, a row in `ROUTE_TABLE` and a
 * builder in `paths`.
 */
import {AWARD_KINDS, awardKindBySlug, awardKindOf, type AwardKind} from '../domain/awards.ts'

export type Route =
  | {name: 'home'}
  | {name: 'interviews'; page: number}
  | {name: 'interview'; slug: string}
  | {name: 'city'; slug: string}
  | {name: 'person'; slug: string}
  | {name: 'organization'; slug: string}
  | {name: 'qm'; county: string | null}
  | {name: 'awards'}
  | {name: 'award'; kind: AwardKind; year: number}
  | {name: 'favicon'; format: 'ico' | 'svg'}
  | {name: 'stylesheet'}
  | {name: 'redirect'; location: string}
  | {name: 'notFound'}

const segment = (slug: string) => encodeURIComponent(slug)

/** Draft mode's endpoints (web/draftMode.ts), which the Studio's Presentation tool calls: the paths Sanity's templates use. */
export const DRAFT_MODE_PATHS = {
  enable: '/api/draft-mode/enable',
  disable: '/api/draft-mode/disable',
} as const

export const paths = {
  home: () => '/',
  interviews: (page = 1) => (page > 1 ? `/intervjuer?sida=${page}` : '/intervjuer'),
  interview: (slug: string) => `/intervjuer/${segment(slug)}`,
  city: (slug: string) => `/stader/${segment(slug)}`,
  person: (slug: string) => `/personer/${segment(slug)}`,
  organization: (slug: string) => `/organisationer/${segment(slug)}`,
  qm: (county?: string | null) =>
    county ? `/kvalitetsmarkning?${new URLSearchParams({lan: county})}` : '/kvalitetsmarkning',
  awards: () => '/utmarkelser',
  award: (kind: string, year: number) =>
    `/utmarkelser/${awardKindOf(kind)?.slug ?? segment(kind)}/${year}`,
  favicon: (format: 'ico' | 'svg') => `/favicon.${format}`,
}

/** Slugs are whatever editors typed (Sanity slugifies, but they can be edited): anything but `/`. */
const SLUG = /^[^/]{1,200}$/

function decode(value: string): string | null {
  try {
    return decodeURIComponent(value)
  } catch {
    return null
  }
}

function slugRoute(name: 'interview' | 'city' | 'person' | 'organization') {
  return ([raw]: string[]): Route | null => {
    const slug = decode(raw!)
    return slug !== null && SLUG.test(slug) ? {name, slug} : null
  }
}

interface RouteRow {
  pattern: RegExp
  /** The route for the pattern's groups and the query string; null means 404. */
  route: (groups: string[], search: URLSearchParams) => Route | null
}

const AWARD_KIND_SLUGS = AWARD_KINDS.map((kind) => kind.slug).join('|')

/** Every page and file the site serves, by path. The first matching pattern wins. */
const ROUTE_TABLE: readonly RouteRow[] = [
  {pattern: /^\/$/, route: () => ({name: 'home'})},
  {
    pattern: /^\/intervjuer$/,
    route: (_, search) => {
      const raw = search.get('sida')
      if (raw === null) return {name: 'interviews', page: 1}
      return /^[1-9]\d{0,5}$/.test(raw) ? {name: 'interviews', page: Number(raw)} : null
    },
  },
  {pattern: /^\/intervjuer\/([^/]+)$/, route: slugRoute('interview')},
  {pattern: /^\/stader\/([^/]+)$/, route: slugRoute('city')},
  {pattern: /^\/personer\/([^/]+)$/, route: slugRoute('person')},
  {pattern: /^\/organisationer\/([^/]+)$/, route: slugRoute('organization')},
  {
    pattern: /^\/kvalitetsmarkning$/,
    route: (_, search) => {
      const county = search.get('lan')?.trim() || null
      return county === null || county.length <= 100 ? {name: 'qm', county} : null
    },
  },
  {pattern: /^\/utmarkelser$/, route: () => ({name: 'awards'})},
  {
    pattern: new RegExp(`^/utmarkelser/(${AWARD_KIND_SLUGS})/((?:19|20)\\d\\d)$`),
    route: ([kindSlug, year]) => ({
      name: 'award',
      kind: awardKindBySlug(kindSlug!)!.value,
      year: Number(year),
    }),
  },
  {pattern: /^\/favicon\.(ico|svg)$/, route: ([format]) => ({name: 'favicon', format}) as Route},
]

/** The route for a path and query string; `stylesheetPath` is where the CSS is served. */
export function matchRoute(
  pathname: string,
  search: URLSearchParams,
  stylesheetPath: string,
): Route {
  if (pathname === stylesheetPath) return {name: 'stylesheet'}
  if (pathname.length > 1 && pathname.endsWith('/')) {
    const query = search.toString()
    return {name: 'redirect', location: pathname.replace(/\/+$/, '') + (query ? `?${query}` : '')}
  }
  for (const row of ROUTE_TABLE) {
    const match = row.pattern.exec(pathname)
    if (match) return row.route(match.slice(1), search) ?? {name: 'notFound'}
  }
  return {name: 'notFound'}
}
