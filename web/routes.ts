/**
 * The reference site's URLs, in Swedish, and a matcher from a request path to a route.
 */

export type Route =
  | {name: 'home'}
  | {name: 'interviews'; page: number}
  | {name: 'interview'; slug: string}
  | {name: 'city'; slug: string}
  | {name: 'person'; slug: string}
  | {name: 'qm'}
  | {name: 'stylesheet'}
  | {name: 'redirect'; location: string}
  | {name: 'notFound'}

const segment = (slug: string) => encodeURIComponent(slug)

export const paths = {
  home: () => '/',
  interviews: (page = 1) => (page > 1 ? `/intervjuer?sida=${page}` : '/intervjuer'),
  interview: (slug: string) => `/intervjuer/${segment(slug)}`,
  city: (slug: string) => `/stader/${segment(slug)}`,
  person: (slug: string) => `/personer/${segment(slug)}`,
  qm: () => '/kvalitetsmarkning',
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
  if (pathname === '/') return {name: 'home'}
  if (pathname === '/kvalitetsmarkning') return {name: 'qm'}
  if (pathname === '/intervjuer') {
    const raw = search.get('sida')
    if (raw === null) return {name: 'interviews', page: 1}
    const page = /^[1-9]\d{0,5}$/.test(raw) ? Number(raw) : NaN
    return Number.isNaN(page) ? {name: 'notFound'} : {name: 'interviews', page}
  }
  const match = /^\/(intervjuer|stader|personer)\/([^/]+)$/.exec(pathname)
  if (!match) return {name: 'notFound'}
  const slug = decode(match[2])
  if (slug === null || !SLUG.test(slug)) return {name: 'notFound'}
  const name = ({intervjuer: 'interview', stader: 'city', personer: 'person'} as const)[
    match[1] as 'intervjuer' | 'stader' | 'personer'
  ]
  return {name, slug}
}
