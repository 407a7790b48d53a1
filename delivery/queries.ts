/**
 * Every GROQ query the sites use, in one place. Each is wrapped in `defineQuery` so
 * `npm run typegen` generates its result type into sanity.types.ts and `client.fetch(query)` is
 * typed automatically.
 *
 * QM status is derived from dates, never stored: queries that show it take the parameters from
 * `qmStatusQueryParams(asOf)` in domain/qmStatus.ts (`$today`, `$expiryHorizon`,
 * `$expiredIfCertifiedBefore`, `$validIfCertifiedFrom`) and compute the status in GROQ with the
 * same rules as `certificationStatus` (test/delivery-queries.test.ts checks that they agree).
 */
import {defineQuery} from 'groq'

/**
 * `"valid" | "expiring" | "expired"` for the qmCertification in scope; null when it has no dates.
 * A missing `validUntil` means certification date + three years, which the date parameters
 * already account for.
 */
const QM_STATUS = /* groq */ `select(
  defined(validUntil) && validUntil < $today => "expired",
  defined(validUntil) && validUntil <= $expiryHorizon => "expiring",
  defined(validUntil) => "valid",
  !defined(certifiedAt) => null,
  certifiedAt < $expiredIfCertifiedBefore => "expired",
  certifiedAt < $validIfCertifiedFrom => "expiring",
  "valid"
)`

/** The fields of a certification that pages show, with its status. */
const CERTIFICATION_FIELDS = /* groq */ `
  _id,
  applicationType,
  certifiedAt,
  validUntil,
  focusAreas,
  "status": ${QM_STATUS}
`

const IMAGE_FIELDS = /* groq */ `asset, hotspot, crop, alt`

const PERSON_CARD_FIELDS = /* groq */ `
  _id,
  name,
  "slug": slug.current,
  role,
  email,
  phone,
  portrait{${IMAGE_FIELDS}}
`

const INTERVIEW_CARD_FIELDS = /* groq */ `
  _id,
  title,
  "slug": slug.current,
  publishedAt,
  lead,
  mainImage{${IMAGE_FIELDS}},
  "interviewee": interviewee->{name, role},
  "city": city->{name, "slug": slug.current}
`

/** Interviews a site can link to: published, with a slug. */
const LISTED_INTERVIEWS = /* groq */ `_type == "interview" && defined(slug.current)`

/** The latest certification of the organisation in scope (`^`), with its status. */
const LATEST_CERTIFICATION_OF_ORGANIZATION = /* groq */ `*[
  _type == "qmCertification" && organization._ref == ^._id && defined(certifiedAt)
] | order(certifiedAt desc)[0]{${CERTIFICATION_FIELDS}}`

/**
 * One interview with everything its page shows: people, organisation, city, certification, fact
 * sheet and contacts dereferenced, questions in the order the editor put them.
 * Params: `$slug`, and the QM status parameters.
 */
export const interviewBySlugQuery =
  defineQuery(`*[_type == "interview" && slug.current == $slug][0]{
  _id,
  _updatedAt,
  title,
  "slug": slug.current,
  publishedAt,
  language,
  lead,
  mainImage{${IMAGE_FIELDS}},
  pullQuote{text, attribution},
  "questions": questions[]{_key, _type, question, answer},
  tags,
  seo{title, description, image{${IMAGE_FIELDS}}},
  "interviewee": interviewee->{
    ${PERSON_CARD_FIELDS},
    "organization": organization->{name, "slug": slug.current}
  },
  "organization": organization->{_id, name, "slug": slug.current, kind, website},
  "city": city->{_id, name, "slug": slug.current, municipality, county},
  "certification": certification->{${CERTIFICATION_FIELDS}},
  "factSheet": factSheet->{
    _id,
    title,
    body,
    website,
    "contacts": contacts[]->{${PERSON_CARD_FIELDS}},
    "organization": organization->{name, website}
  },
  "contacts": coalesce(contacts[]->{${PERSON_CARD_FIELDS}}, [])
}`)

/**
 * Interviews, newest first (by `publishedAt`, then `_id` so pages are stable), paginated with
 * `$start` (inclusive) and `$end` (exclusive), e.g. 0 and 10 for the first ten.
 */
export const interviewListQuery = defineQuery(`{
  "total": count(*[${LISTED_INTERVIEWS}]),
  "items": *[${LISTED_INTERVIEWS}] | order(publishedAt desc, _id asc) [$start...$end]{
    ${INTERVIEW_CARD_FIELDS}
  }
}`)

/**
 * A city with its facts, city-centre organisation and that organisation's QM status, and the
 * interviews about it. Params: `$slug`, and the QM status parameters.
 */
export const cityBySlugQuery = defineQuery(`*[_type == "city" && slug.current == $slug][0]{
  _id,
  _updatedAt,
  name,
  "slug": slug.current,
  municipality,
  county,
  description,
  image{${IMAGE_FIELDS}},
  "keyFacts": keyFacts[]{_key, label, value},
  "cityCentreOrganization": cityCentreOrganization->{
    _id,
    name,
    "slug": slug.current,
    website,
    description,
    memberSince,
    "certification": ${LATEST_CERTIFICATION_OF_ORGANIZATION}
  },
  "interviews": *[${LISTED_INTERVIEWS} && city._ref == ^._id] | order(publishedAt desc, _id asc){
    ${INTERVIEW_CARD_FIELDS}
  }
}`)

/**
 * Organisations holding a QM certification, each with its latest certification and the status of
 * that certification as of `$today` (valid, expiring or expired). Sorted by name.
 */
export const certifiedOrganizationsQuery = defineQuery(`*[
  _type == "organization" &&
  _id in *[_type == "qmCertification" && defined(certifiedAt)].organization._ref
] | order(name asc, _id asc){
  _id,
  name,
  "slug": slug.current,
  website,
  "city": city->{name, "slug": slug.current},
  "certification": *[
    _type == "qmCertification" && organization._ref == ^._id && defined(certifiedAt)
  ] | order(certifiedAt desc)[0]{
    ${CERTIFICATION_FIELDS},
    "city": city->{name, "slug": slug.current}
  }
}`)

/**
 * The home page: the `$limit` latest interviews, and the cities whose city-centre organisation's
 * latest certification is valid or expiring. Params: `$limit`, and the QM status parameters.
 */
export const homePageQuery = defineQuery(`{
  "latestInterviews": *[${LISTED_INTERVIEWS}] | order(publishedAt desc, _id asc) [0...$limit]{
    ${INTERVIEW_CARD_FIELDS}
  },
  "certifiedCities": *[
    _type == "city" && defined(slug.current) &&
    cityCentreOrganization._ref in *[_type == "qmCertification" && defined(certifiedAt)].organization._ref
  ] | order(name asc){
    _id,
    name,
    "slug": slug.current,
    county,
    "organization": cityCentreOrganization->{
      name,
      "certification": ${LATEST_CERTIFICATION_OF_ORGANIZATION}
    }
  }[organization.certification.status in ["valid", "expiring"]]
}`)

/** The QM fact sheet (the most recently edited one, should there be several). */
export const factSheetQuery = defineQuery(`*[_type == "qmFactSheet"] | order(_updatedAt desc)[0]{
  _id,
  title,
  body,
  website,
  "contacts": contacts[]->{${PERSON_CARD_FIELDS}},
  "organization": organization->{name, "slug": slug.current, website}
}`)

/** A person with their organisation and the interviews with them. Params: `$slug`. */
export const personBySlugQuery = defineQuery(`*[_type == "person" && slug.current == $slug][0]{
  ${PERSON_CARD_FIELDS},
  _updatedAt,
  bio,
  "organization": organization->{
    name,
    "slug": slug.current,
    website,
    "city": city->{name, "slug": slug.current}
  },
  "interviews": *[${LISTED_INTERVIEWS} && interviewee._ref == ^._id] | order(publishedAt desc, _id asc){
    ${INTERVIEW_CARD_FIELDS}
  }
}`)
