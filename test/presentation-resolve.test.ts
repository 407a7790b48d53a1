/**
 * The Presentation tool's knowledge of the site (studio/presentation/): every location it lists
 * for a document is a page the site's route table serves, for the right document; every main
 * document route is one of the site's routes; the preview URL comes from configuration.
 */
import type {DocumentLocation, DocumentLocationsState} from 'sanity/presentation'
import {describe, expect, it} from 'vitest'

import {resolvePreviewOrigin} from '../studio/presentation/plugin.ts'
import {locationResolvers, mainDocuments} from '../studio/presentation/resolve.ts'
import {matchRoute} from '../web/routes.ts'

const route = (href: string) => {
  const url = new URL(href, 'http://site.invalid')
  return matchRoute(url.pathname, url.searchParams, '/assets/site.css')
}

/** The resolver for a type (`defineLocations` types it as resolver or fixed state). */
const resolverOf = (type: keyof typeof locationResolvers) =>
  locationResolvers[type] as {resolve: (doc: object) => DocumentLocationsState}

const hrefs = (state: DocumentLocationsState | null | undefined | void) =>
  (state?.locations ?? []).map((location: DocumentLocation) => location.href)

describe('locations ("Används på")', () => {
  it('an interview: its page, the lists that show it and its city', () => {
    const state = resolverOf('interview').resolve({
      title: 'Ett levande centrum',
      slug: 'ett-levande-centrum',
      city: 'Borås',
      citySlug: 'boras',
    })
    expect(hrefs(state)).toEqual([
      '/intervjuer/ett-levande-centrum',
      '/intervjuer',
      '/',
      '/stader/boras',
    ])
    expect(route(hrefs(state)[0]!)).toEqual({name: 'interview', slug: 'ett-levande-centrum'})
    expect(state?.locations?.[0]?.title).toBe('Ett levande centrum')
  })

  it.each([
    ['person', {name: 'Anna', slug: 'anna-lindqvist'}, {name: 'person', slug: 'anna-lindqvist'}],
    [
      'organization',
      {name: 'Borås Stadskärna', slug: 'boras-stadskarna'},
      {name: 'organization', slug: 'boras-stadskarna'},
    ],
    ['city', {name: 'Borås', slug: 'boras'}, {name: 'city', slug: 'boras'}],
    ['qmFactSheet', {title: 'Om QM'}, {name: 'qm', county: null}],
    [
      'qmCertification',
      {organization: 'Borås Stadskärna', slug: 'boras-stadskarna'},
      {name: 'organization', slug: 'boras-stadskarna'},
    ],
    [
      'award',
      {kind: 'aretsStadskarna', year: 2025},
      {name: 'award', kind: 'aretsStadskarna', year: 2025},
    ],
  ] as const)('%s: its first location is its page on the site', (type, doc, expected) => {
    const [first] = hrefs(resolverOf(type).resolve(doc))
    expect(route(first!)).toEqual(expected)
  })

  it('a document without a slug says, in Swedish, that it is not on the site', () => {
    const state = resolverOf('person').resolve({name: 'Utan slug', slug: null})
    expect(state?.locations).toBeUndefined()
    expect(state?.message).toMatch(/Visas inte på webbplatsen/)
  })
})

describe('main documents', () => {
  it('every route is a page of the site', () => {
    for (const resolver of mainDocuments) {
      const path = String(resolver.route)
        .replace(':slug', 'x')
        .replace(':kind', 'arets-stadskarna')
        .replace(':year', '2025')
      expect(route(path).name).not.toBe('notFound')
    }
  })

  it('an award page maps the URL slug to the stored kind', () => {
    const award = mainDocuments.find((resolver) => resolver.route === '/utmarkelser/:kind/:year')!
    const params = award.params as (context: {
      origin: string
      params: Record<string, string>
      path: string
    }) => Record<string, string>
    expect(
      params({origin: '', path: '', params: {kind: 'arets-stadskarna', year: '2025'}}),
    ).toEqual({
      kind: 'aretsStadskarna',
      year: '2025',
    })
  })
})

describe('preview URL', () => {
  it('defaults to the site npm start serves and names the variable when invalid', () => {
    expect(resolvePreviewOrigin(undefined)).toBe('http://localhost:3000')
    expect(resolvePreviewOrigin('https://www.example.se/some/path')).toBe('https://www.example.se')
    expect(() => resolvePreviewOrigin('not a url')).toThrow(/SANITY_STUDIO_PREVIEW_URL/)
  })
})
