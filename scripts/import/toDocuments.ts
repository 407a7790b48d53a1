import {createHash} from 'node:crypto'

import type {ParsedInterview, ParsedPerson} from './parseInterview.ts'
import type {SourceImage} from './sourceBlocks.ts'
import {deterministicKey} from './portableText.ts'
import {slugify} from './slug.ts'

export type ImportedType = 'person' | 'organization' | 'city' | 'interview' | 'qmFactSheet'

/** A document the import wants to exist, before it is compared with the Content Lake. */
export interface PlannedDocument {
  _id: string
  _type: ImportedType
  /** The fields this import sets; fields not listed here are left as they are. */
  fields: Record<string, unknown>
  /**
   * Fields that belong to the file: when the file no longer gives them they are removed. Only
   * interviews and fact sheets have them; people, organisations and cities are shared.
   */
  ownedFields: string[]
  /** Reuse an existing document of the same type with this name (people, organisations, cities). */
  matchName?: string
}

export interface Reference {
  _type: 'reference'
  _ref: string
  _key?: string
}

/**
 * The association that issues the Quality Mark. Every QM interview is published by it, so it is a
 * constant rather than something guessed from each file; contacts whose e-mail address is on its
 * domain are its people.
 */
export const ASSOCIATION = {
  name: 'Svenska Stadskärnor',
  kind: 'nationalAssociation',
  website: 'https://www.svenskastadskarnor.se',
  emailDomain: 'svenskastadskarnor.se',
} as const

const INTERVIEW_LANGUAGE = 'sv'

/**
 * Generic words that city-centre organisations put after the city's name ("Södertälje City",
 * "Växjö Stadskärna") or before "i <City>" ("Cityföreningen i Borås").
 */
const CITY_SUFFIX =
  /^(\p{Lu}[\p{L}-]*(?:\s\p{Lu}[\p{L}-]*)?)\s+(?:city|centrum|stadskärna|stadskärnan|innerstad|innerstaden|citysamverkan|cityförening|cityföreningen|centrumförening|centrumföreningen|stadskärneförening)$/iu
const CITY_AFTER_I = /^(?:\p{L}+)\s+i\s+(\p{Lu}[\p{L}-]*(?:\s\p{Lu}[\p{L}-]*)?)$/u

/**
 * The city a city-centre organisation is named after: "Södertälje City" → "Södertälje",
 * "Cityföreningen i Borås" → "Borås". Undefined when the name does not follow either pattern.
 */
export function cityFromOrganizationName(organization: string): string | undefined {
  const name = organization.replace(/\s+/g, ' ').trim()
  return CITY_SUFFIX.exec(name)?.[1] ?? CITY_AFTER_I.exec(name)?.[1]
}

/**
 * The `_key` of a reference to `id` in a list: 12 hex digits of the id's sha256, the same rule as
 * the migration that turned `contact` into `contacts` (migrations/2026-12-04-interview-contacts-list),
 * so an interview it migrated and the same interview imported again agree.
 */
export function referenceKey(id: string): string {
  return createHash('sha256').update(id).digest('hex').slice(0, 12)
}

export function reference(id: string, key?: string): Reference {
  return {_type: 'reference', _ref: id, ...(key ? {_key: key} : {})}
}

function slugValue(current: string) {
  return {_type: 'slug', current}
}

export function documentId(type: ImportedType, slug: string): string {
  return `${type}-${slug}`
}

/** The interview's title: the file's own, or "Name, Organisation". */
export function interviewTitle(parsed: ParsedInterview): string {
  if (parsed.title) return parsed.title
  const {name} = parsed.interviewee
  const organization = parsed.organization ?? parsed.interviewee.organization
  return organization ? `${name}, ${organization}` : name
}

export interface ToDocumentsOptions {
  /**
   * Organisations that already exist, by normalised name (lower case, single spaces): a
   * contact's "Role, Organisation" links to one of these when the part after the comma names it.
   */
  knownOrganizations?: Map<string, string>
  /** The asset id of each image of the file that has been (or would be) uploaded. */
  assetIds?: Map<SourceImage, string>
  /** Names of cities that already exist: they settle "Hässleholms Stadskärna" → Hässleholm. */
  knownCities?: string[]
}

/**
 * The names the city in the interviewee's organisation name may have: as written, and without a
 * final "s", which may be a genitive ("Östersunds Centrumförening") or part of the name ("Borås").
 */
export function cityNameCandidates(parsed: ParsedInterview): string[] {
  if (parsed.city) return []
  const organization = parsed.organization ?? parsed.interviewee.organization
  const city = organization && cityFromOrganizationName(organization)
  if (!city) return []
  // "Borås City", "Östersund Centrum": no genitive before the English-style suffixes.
  const genitivePossible = !/\s(?:city|centrum)$/i.test(organization.trim())
  return genitivePossible && /[^sxz]s$/i.test(city) ? [city, city.slice(0, -1)] : [city]
}

/** The interview's city: front matter, else from the organisation's name, settled by the lake. */
function cityNameOf(parsed: ParsedInterview, knownCities: string[]): string | undefined {
  if (parsed.city) return parsed.city
  const candidates = cityNameCandidates(parsed)
  if (candidates.length === 0) return undefined
  const known = new Set(knownCities.map(normalizeName))
  const existing = [...candidates].reverse().find((name) => known.has(normalizeName(name)))
  if (existing) return existing
  if (candidates.length > 1) {
    const organization = parsed.organization ?? parsed.interviewee.organization
    parsed.warnings.push({
      line: parsed.interviewee.line,
      message: `the city is read as "${candidates[0]}" from "${organization}"; if the "s" is a genitive, the city is "${candidates[1]}": create that city in the Studio (or give "city:" in the front matter) and import again`,
    })
  }
  return candidates[0]
}

/** Lower case with single spaces: how names are compared. */
export function normalizeName(name: string): string {
  return name.replace(/\s+/g, ' ').trim().toLowerCase()
}

/**
 * Turns a parsed interview into the documents it consists of, with ids derived from their slugs
 * (`person-pia-sandin`, `interview-<slug>` …). Documents that are referenced come before the
 * documents referencing them. Notes about contacts' organisations are added to `parsed.warnings`.
 */
export function toDocuments(
  parsed: ParsedInterview,
  options: ToDocumentsOptions = {},
): PlannedDocument[] {
  const documents = new Map<string, PlannedDocument>()
  const add = (document: PlannedDocument): string => {
    const existing = documents.get(document._id)
    if (existing) existing.fields = {...document.fields, ...existing.fields}
    else documents.set(document._id, document)
    return document._id
  }
  const named = (type: 'person' | 'organization' | 'city', name: string, fields = {}) => {
    const slug = slugify(name)
    return add({
      _id: documentId(type, slug),
      _type: type,
      fields: {name, slug: slugValue(slug), ...fields},
      ownedFields: [],
      matchName: name,
    })
  }
  const image = (source: SourceImage | undefined, alt: string | undefined) => {
    const assetId = source && options.assetIds?.get(source)
    if (!assetId) return undefined
    return {
      _type: 'image',
      asset: reference(assetId),
      ...(source.alt || alt ? {alt: source.alt || alt} : {}),
    }
  }
  let associationId: string | undefined
  const association = () =>
    (associationId ??= named('organization', ASSOCIATION.name, {
      kind: ASSOCIATION.kind,
      website: ASSOCIATION.website,
    }))

  const {interviewee} = parsed
  const organizationName = parsed.organization ?? interviewee.organization
  const cityName = cityNameOf(parsed, options.knownCities ?? [])
  const cityId = cityName ? named('city', cityName) : undefined
  const organizationId = organizationName
    ? named('organization', organizationName, {
        kind: 'cityCentreOrganization',
        ...(cityId ? {city: reference(cityId)} : {}),
      })
    : undefined
  const portrait = image(interviewee.portrait, `Porträtt av ${interviewee.name}`)
  const intervieweeId = named('person', interviewee.name, {
    ...(interviewee.role ? {role: interviewee.role} : {}),
    ...(organizationId ? {organization: reference(organizationId)} : {}),
    ...(portrait ? {portrait} : {}),
  })

  // Organisations a contact's role line may name: those of this file, and those that exist.
  const organizations = new Map(options.knownOrganizations)
  organizations.set(
    normalizeName(ASSOCIATION.name),
    documentId('organization', slugify(ASSOCIATION.name)),
  )
  if (organizationName && organizationId)
    organizations.set(normalizeName(organizationName), organizationId)

  const contactIds: string[] = []
  for (const person of parsed.contact?.people ?? []) {
    const id = named(
      'person',
      person.name,
      contactFields(person, organizations, association, parsed.warnings),
    )
    if (!contactIds.includes(id)) contactIds.push(id)
    else {
      parsed.warnings.push({
        line: person.line ?? 1,
        message: `${person.name} is listed twice among the contacts; one person is stored`,
      })
    }
  }

  const title = interviewTitle(parsed)
  const slug = slugify(parsed.slug ?? title) || slugify(interviewee.name)
  const interviewId = documentId('interview', slug)
  const contactRefs = contactIds.map((id) => reference(id, referenceKey(id)))

  let factSheetId: string | undefined
  if (parsed.factSheet) {
    factSheetId = documentId('qmFactSheet', slug)
    add({
      _id: factSheetId,
      _type: 'qmFactSheet',
      fields: {
        title: parsed.factSheet.title,
        body: parsed.factSheet.body,
        ...(contactRefs.length > 0 ? {contacts: contactRefs} : {}),
        ...(parsed.contact?.website ? {website: parsed.contact.website} : {}),
        organization: reference(association()),
      },
      ownedFields: ['title', 'body', 'contacts', 'website', 'organization'],
    })
  }

  const mainImage = image(parsed.mainImage?.image, undefined)
  if (parsed.mainImage && mainImage && !mainImage.alt) {
    parsed.warnings.push({
      line: parsed.mainImage.line,
      message: 'the main image has no alternative text; write one in the Studio before publishing',
    })
  }
  add({
    _id: interviewId,
    _type: 'interview',
    fields: {
      title,
      slug: slugValue(slug),
      language: parsed.language ?? INTERVIEW_LANGUAGE,
      ...(parsed.publishedAt ? {publishedAt: parsed.publishedAt} : {}),
      interviewee: reference(intervieweeId),
      ...(organizationId ? {organization: reference(organizationId)} : {}),
      ...(cityId ? {city: reference(cityId)} : {}),
      ...(parsed.lead ? {lead: parsed.lead} : {}),
      ...(mainImage ? {mainImage} : {}),
      ...(parsed.pullQuote
        ? {
            pullQuote: {
              _type: 'pullQuote',
              text: parsed.pullQuote.text,
              attribution: `${interviewee.name}, ${interviewee.roleLine}`,
            },
          }
        : {}),
      questions: parsed.questions.map((question, index) => ({
        _key: deterministicKey('question', index),
        _type: 'qaPair',
        question: question.question,
        answer: question.answer,
      })),
      ...(factSheetId ? {factSheet: reference(factSheetId)} : {}),
      ...(contactRefs.length > 0 ? {contacts: contactRefs} : {}),
      ...(parsed.tags && parsed.tags.length > 0 ? {tags: parsed.tags} : {}),
    },
    // `contact` (a single reference) is the old field: the import replaces it by `contacts`.
    ownedFields: [
      'title',
      'slug',
      'language',
      'interviewee',
      'organization',
      'city',
      'pullQuote',
      'questions',
      'factSheet',
      'contacts',
      'contact',
    ],
  })

  parsed.warnings.sort((a, b) => a.line - b.line)
  return [...documents.values()]
}

function contactFields(
  person: ParsedPerson,
  organizations: Map<string, string>,
  association: () => string,
  warnings: ParsedInterview['warnings'],
) {
  const domain = person.email?.split('@')[1]?.toLowerCase()
  let role = person.role
  let organizationId: string | undefined
  if (person.organization) {
    organizationId = organizations.get(normalizeName(person.organization))
    if (organizationId === documentId('organization', slugify(ASSOCIATION.name))) {
      organizationId = association()
    }
    if (!organizationId) {
      role = person.roleLine
      warnings.push({
        line: person.line ?? 1,
        message: `"${person.organization}" (after the comma in ${person.name}'s role) is not a known organisation; it is kept in the role. Create the organisation in the Studio and import again to link it`,
      })
    }
  }
  if (!organizationId && domain === ASSOCIATION.emailDomain) organizationId = association()
  return {
    ...(role ? {role} : {}),
    ...(person.email ? {email: person.email} : {}),
    ...(person.phone ? {phone: person.phone} : {}),
    ...(organizationId ? {organization: reference(organizationId)} : {}),
  }
}
