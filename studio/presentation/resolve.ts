/**
 * What the Presentation tool knows about the reference site: which pages show a document
 * ("Används på", the locations banner on a document) and which document a page is about (its main
 * document, selected when an editor navigates the site in the preview). The paths come from the
 * site's own route table (web/routes.ts), so the Studio and the site never disagree on a URL.
 */
import {defineDocuments, defineLocations, type DocumentLocation} from 'sanity/presentation'

import {awardKindBySlug, awardKindOf} from '../../domain/awards.ts'
import {paths} from '../../web/routes.ts'

type Slug = string | null | undefined

/** Locations for the values that are set, with a message when none is. */
function locations(list: Array<DocumentLocation | null>) {
  const found = list.filter((location): location is DocumentLocation => location !== null)
  return found.length > 0
    ? {locations: found}
    : {
        message: 'Visas inte på webbplatsen än: dokumentet saknar en slug.',
        tone: 'caution' as const,
      }
}

const at = (title: string | null | undefined, href: string | null): DocumentLocation | null =>
  href ? {title: title || 'Namnlös', href} : null

const ifSlug = (slug: Slug, toPath: (slug: string) => string) => (slug ? toPath(slug) : null)

export const locationResolvers = {
  interview: defineLocations({
    select: {
      title: 'title',
      slug: 'slug.current',
      city: 'city.name',
      citySlug: 'city.slug.current',
    },
    resolve: (doc) =>
      locations([
        at(doc?.title, ifSlug(doc?.slug, paths.interview)),
        doc?.slug ? at('Alla intervjuer', paths.interviews()) : null,
        doc?.slug ? at('Startsidan', paths.home()) : null,
        at(doc?.city, ifSlug(doc?.citySlug, paths.city)),
      ]),
  }),
  person: defineLocations({
    select: {name: 'name', slug: 'slug.current'},
    resolve: (doc) => locations([at(doc?.name, ifSlug(doc?.slug, paths.person))]),
  }),
  organization: defineLocations({
    select: {name: 'name', slug: 'slug.current'},
    resolve: (doc) =>
      locations([
        at(doc?.name, ifSlug(doc?.slug, paths.organization)),
        doc?.slug ? at('Kvalitetsmärkningen', paths.qm()) : null,
      ]),
  }),
  city: defineLocations({
    select: {name: 'name', slug: 'slug.current'},
    resolve: (doc) => locations([at(doc?.name, ifSlug(doc?.slug, paths.city))]),
  }),
  qmFactSheet: defineLocations({
    select: {title: 'title'},
    resolve: (doc) => locations([at(doc?.title || 'Kvalitetsmärkningen', paths.qm())]),
  }),
  qmCertification: defineLocations({
    select: {organization: 'organization.name', slug: 'organization.slug.current'},
    resolve: (doc) =>
      locations([
        at(doc?.organization, ifSlug(doc?.slug, paths.organization)),
        at('Kvalitetsmärkningen', paths.qm()),
      ]),
  }),
  award: defineLocations({
    select: {kind: 'kind', year: 'year'},
    resolve: (doc) =>
      locations([
        doc?.kind && doc.year
          ? at(
              `${awardKindOf(doc.kind)?.title ?? 'Utmärkelse'} ${doc.year}`,
              paths.award(doc.kind, doc.year),
            )
          : null,
        at('Utmärkelser', paths.awards()),
      ]),
  }),
}

/** The document each page is about, by route (the site's paths, `:slug` from the URL). */
export const mainDocuments = defineDocuments([
  {route: '/intervjuer/:slug', filter: `_type == "interview" && slug.current == $slug`},
  {route: '/personer/:slug', filter: `_type == "person" && slug.current == $slug`},
  {route: '/organisationer/:slug', filter: `_type == "organization" && slug.current == $slug`},
  {route: '/stader/:slug', filter: `_type == "city" && slug.current == $slug`},
  {
    route: '/utmarkelser/:kind/:year',
    filter: `_type == "award" && kind == $kind && string(year) == $year`,
    params: ({params}) => ({
      kind: awardKindBySlug(params.kind ?? '')?.value ?? '',
      year: params.year ?? '',
    }),
  },
  // The page shows the newest fact sheet (delivery/queries.ts, factSheetQuery).
  {route: '/kvalitetsmarkning', filter: `_type == "qmFactSheet"`},
])
