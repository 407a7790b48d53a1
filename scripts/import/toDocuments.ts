import type {ParsedInterview, ParsedPerson} from './parseInterview.ts'
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
  /^(\p{Lu}[\p{L}-]*(?:\s\p{Lu}[\p{L}-]*)?)\s+(?:city|centrum|stadskärna|stadskärnan|innerstad|innerstaden|citysamverkan|cityförening|cityföreningen|stadskärneförening)$/iu
const CITY_AFTER_I = /^(?:\p{L}+)\s+i\s+(\p{Lu}[\p{L}-]*(?:\s\p{Lu}[\p{L}-]*)?)$/u

/**
 * The city a city-centre organisation is named after: "Södertälje City" → "Södertälje",
 * "Cityföreningen i Borås" → "Borås". Undefined when the name does not follow either pattern.
 */
export function cityFromOrganizationName(organization: string): string | undefined {
  const name = organization.replace(/\s+/g, ' ').trim()
  return CITY_SUFFIX.exec(name)?.[1] ?? CITY_AFTER_I.exec(name)?.[1]
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
  const {name, organization} = parsed.interviewee
  return organization ? `${name}, ${organization}` : name
}

/**
 * Turns a parsed interview into the documents it consists of, with ids derived from their slugs
 * (`person-pia-sandin`, `interview-<slug>` …). Documents that are referenced come before the
 * documents referencing them.
 */
export function toDocuments(parsed: ParsedInterview): PlannedDocument[] {
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
  let associationId: string | undefined
  const association = () =>
    (associationId ??= named('organization', ASSOCIATION.name, {
      kind: ASSOCIATION.kind,
      website: ASSOCIATION.website,
    }))

  const {interviewee} = parsed
  const cityName = interviewee.organization && cityFromOrganizationName(interviewee.organization)
  const cityId = cityName ? named('city', cityName) : undefined
  const organizationId = interviewee.organization
    ? named('organization', interviewee.organization, {
        kind: 'cityCentreOrganization',
        ...(cityId ? {city: reference(cityId)} : {}),
      })
    : undefined
  const intervieweeId = named('person', interviewee.name, {
    ...(interviewee.role ? {role: interviewee.role} : {}),
    ...(organizationId ? {organization: reference(organizationId)} : {}),
  })

  const contactIds = (parsed.contact?.people ?? []).map((person) =>
    named('person', person.name, contactFields(person, association)),
  )

  const title = interviewTitle(parsed)
  const slug = slugify(parsed.slug ?? title) || slugify(interviewee.name)
  const interviewId = documentId('interview', slug)

  let factSheetId: string | undefined
  if (parsed.factSheet) {
    factSheetId = documentId('qmFactSheet', slug)
    add({
      _id: factSheetId,
      _type: 'qmFactSheet',
      fields: {
        title: parsed.factSheet.title,
        body: parsed.factSheet.body,
        ...(contactIds.length > 0
          ? {contacts: contactIds.map((id) => reference(id, deterministicKey('contact', id)))}
          : {}),
        ...(parsed.contact?.website ? {website: parsed.contact.website} : {}),
        organization: reference(association()),
      },
      ownedFields: ['title', 'body', 'contacts', 'website', 'organization'],
    })
  }

  add({
    _id: interviewId,
    _type: 'interview',
    fields: {
      title,
      slug: slugValue(slug),
      language: INTERVIEW_LANGUAGE,
      interviewee: reference(intervieweeId),
      ...(organizationId ? {organization: reference(organizationId)} : {}),
      ...(cityId ? {city: reference(cityId)} : {}),
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
      ...(contactIds.length > 0 ? {contact: reference(contactIds[0])} : {}),
    },
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
      'contact',
    ],
  })

  return [...documents.values()]
}

function contactFields(person: ParsedPerson, association: () => string) {
  const domain = person.email?.split('@')[1]?.toLowerCase()
  return {
    ...(person.role ? {role: person.role} : {}),
    ...(person.email ? {email: person.email} : {}),
    ...(person.phone ? {phone: person.phone} : {}),
    ...(domain === ASSOCIATION.emailDomain ? {organization: reference(association())} : {}),
  }
}
