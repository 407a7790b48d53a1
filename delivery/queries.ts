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

/** Awards a site can show: with a kind and a year. */
const AWARDS = /* groq */ `_type == "award" && defined(kind) && defined(year)`

const AWARD_CARD_FIELDS = /* groq */ `_id, kind, year`

/**
 * Awards whose winner's city (as the finalists record it) is the city `^.^.city` of the interview
 * in scope; used inside a filter over awards, where `^` is the award.
 */
const WON_BY_INTERVIEW_CITY = /* groq */ `count(finalists[
  organization._ref == ^.winner._ref && city._ref == ^.^.city._ref
]) > 0`

/** Interviews a site can link to: published, with a slug. */
const LISTED_INTERVIEWS = /* groq */ `_type == "interview" && defined(slug.current)`

/** The latest certification of the organisation in scope (`^`), with its status. */
const LATEST_CERTIFICATION_OF_ORGANIZATION = /* groq */ `*[
  _type == "qmCertification" && organization._ref == ^._id && defined(certifiedAt)
] | order(certifiedAt desc)[0]{${CERTIFICATION_FIELDS}}`

/**
 * One interview with everything its page shows: people, organisation, city, certification, fact
 * sheet and contacts dereferenced, questions in the order the editor put them, and the awards its
 * city won.
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
  "contacts": coalesce(contacts[]->{${PERSON_CARD_FIELDS}}, []),
  "cityAwards": *[${AWARDS} && defined(winner) && ${WON_BY_INTERVIEW_CITY}] | order(year desc){
    ${AWARD_CARD_FIELDS}
  }
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
 * A city with its facts, city-centre organisation and that organisation's QM status, the
 * interviews about it, its certifications (the city's or its organisation's, newest first) and the
 * awards it was a finalist in. Params: `$slug`, and the QM status parameters.
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
  },
  "certifications": *[
    _type == "qmCertification" && defined(certifiedAt) &&
    (city._ref == ^._id || organization._ref == ^.cityCentreOrganization._ref)
  ] | order(certifiedAt desc, _id asc){
    ${CERTIFICATION_FIELDS},
    "organization": organization->{name, "slug": slug.current}
  },
  "awards": *[${AWARDS} && ^._id in finalists[].city._ref] | order(year desc, kind asc){
    ${AWARD_CARD_FIELDS},
    "won": finalists[organization._ref == ^.winner._ref][0].city._ref == ^._id
  }
}`)

/**
 * Organisations holding a QM certification, each with its county, its latest certification and
 * the status of that certification as of `$today` (valid, expiring or expired), and how many
 * certifications its revision chain has. Sorted by name. `$county` (a county's name, or null for
 * all) narrows the list to organisations whose city is in that county.
 */
export const certifiedOrganizationsQuery = defineQuery(`*[
  _type == "organization" &&
  _id in *[_type == "qmCertification" && defined(certifiedAt)].organization._ref &&
  ($county == null || city->county == $county)
] | order(name asc, _id asc){
  _id,
  name,
  "slug": slug.current,
  website,
  "city": city->{name, "slug": slug.current, county},
  "certificationCount": count(*[
    _type == "qmCertification" && organization._ref == ^._id && defined(certifiedAt)
  ]),
  "certification": *[
    _type == "qmCertification" && organization._ref == ^._id && defined(certifiedAt)
  ] | order(certifiedAt desc)[0]{
    ${CERTIFICATION_FIELDS},
    "city": city->{name, "slug": slug.current}
  }
}`)

/** The counties of the certified organisations' cities, for the county filter. Sorted. */
export const certifiedCountiesQuery = defineQuery(`array::unique(*[
  _type == "organization" && defined(city->county) &&
  _id in *[_type == "qmCertification" && defined(certifiedAt)].organization._ref
].city->county) | order(@ asc)`)

/**
 * An organisation with its revision chain (every certification, newest first, each with the one
 * it renews, its sections, assessor and area) and the award years it was a finalist in.
 * Params: `$slug`, and the QM status parameters.
 */
export const organizationBySlugQuery = defineQuery(`*[
  _type == "organization" && slug.current == $slug
][0]{
  _id,
  _updatedAt,
  name,
  "slug": slug.current,
  kind,
  website,
  description,
  memberSince,
  "city": city->{name, "slug": slug.current, county},
  "certifications": *[
    _type == "qmCertification" && organization._ref == ^._id && defined(certifiedAt)
  ] | order(certifiedAt desc, _id asc){
    ${CERTIFICATION_FIELDS},
    "previousCertification": previousCertification->{_id, certifiedAt, validUntil},
    "sections": coalesce(criteria[defined(section)].section, []),
    "assessor": assessor->{name, role},
    "area": area.description,
    "city": city->{name, "slug": slug.current}
  },
  "awards": *[${AWARDS} && ^._id in finalists[].organization._ref] | order(year desc, kind asc){
    ${AWARD_CARD_FIELDS},
    "won": winner._ref == ^._id
  }
}`)

/**
 * Every award year, newest first, with its winner (and the winner's city, from the finalists)
 * and the finalists: the award history.
 */
export const awardListQuery = defineQuery(`*[${AWARDS}] | order(year desc, kind asc){
  ${AWARD_CARD_FIELDS},
  "winner": winner->{_id, name, "slug": slug.current},
  "winnerCity": finalists[organization._ref == ^.winner._ref][0].city->{name, "slug": slug.current},
  "finalists": coalesce(finalists[]{
    _key,
    "organization": organization->{_id, name, "slug": slug.current},
    "city": city->{name, "slug": slug.current}
  }, [])
}`)

/**
 * One award year: timeline, finalists with their cities, the winner, the jury's motivation, the
 * jury and the linked interviews. Params: `$kind` (e.g. "aretsStadskarna"), `$year` (a number).
 */
export const awardQuery = defineQuery(`*[${AWARDS} && kind == $kind && year == $year][0]{
  ${AWARD_CARD_FIELDS},
  _updatedAt,
  timeline{interestDeadline, documentsDeadline, juryVisits, finalistsAnnounced, winnerAnnounced},
  "winner": winner->{_id, name, "slug": slug.current},
  "finalists": coalesce(finalists[]{
    _key,
    "organization": organization->{_id, name, "slug": slug.current},
    "city": city->{name, "slug": slug.current}
  }, []),
  motivation,
  "jury": coalesce(jury[]->{_id, name, "slug": slug.current, role}, []),
  "interviews": coalesce(interviews[]->{${INTERVIEW_CARD_FIELDS}}, [])
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
