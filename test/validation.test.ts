import {pathToString, type SanityDocument, validateDocument, type Workspace} from 'sanity'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {ALT_TEXT_REQUIRED_MESSAGE} from '../schemas/fields/imageWithAlt.ts'
import {LINK_HREF_MESSAGE} from '../schemas/objects/blockContent.ts'
import {INTERVIEW_MESSAGES} from '../schemas/documents/interview.ts'
import {QM_MESSAGES} from '../schemas/documents/qmCertification.ts'
import {MESSAGES} from '../schemas/validationMessages.ts'
import {startTestLake, type TestLake} from './helpers/lake.ts'
import {createTestWorkspace} from './helpers/studioWorkspace.ts'

let workspace: Workspace
let lake: TestLake

/** A published person whose slug is taken; slug uniqueness is checked against a real lake. */
const TAKEN_PERSON_SLUG = 'upptagen-person'

beforeAll(async () => {
  lake = await startTestLake()
  const client = lake.client({perspective: 'raw'})
  await client.create({
    _id: 'person-taken',
    _type: 'person',
    name: 'Upptagen Person',
    slug: {_type: 'slug', current: TAKEN_PERSON_SLUG},
  })
  // sanity 6.9 types its client as @sanity/client 7's; the project's v8 client is wire-compatible.
  workspace = await createTestWorkspace(client as never)
})

afterAll(async () => {
  await lake.stop()
})

interface Marker {
  level: string
  path: string
  message: string
}

type DocumentFields = {_type: string} & Record<string, unknown>

/**
 * Runs Sanity's own document validation as the Studio does. (The `cli` environment is not used:
 * there Sanity wraps object-typed fields' rules in an unknown-fields check that turns their
 * required errors into warnings with the default message, so it does not match what editors see.)
 */
async function validate(
  fields: DocumentFields,
  environment: 'studio' | 'cli' = 'studio',
): Promise<Marker[]> {
  const document = {
    _id: 'drafts.validation-test',
    _createdAt: '2025-01-01T00:00:00Z',
    _updatedAt: '2025-01-01T00:00:00Z',
    _rev: 'test',
    ...fields,
  } as SanityDocument
  const markers = await validateDocument({
    document,
    workspace,
    environment,
    getDocumentExists: async () => true,
  })
  return markers.map((marker) => ({
    level: marker.level,
    path: pathToString(marker.path),
    message: marker.message,
  }))
}

/** Valid in the Studio, and (as the CLI checks) free of fields the schema does not know. */
async function expectValid(fields: DocumentFields) {
  expect(await validate(fields)).toEqual([])
  expect(await validate(fields, 'cli')).toEqual([])
}

async function expectOnly(fields: DocumentFields, expected: Marker) {
  expect(await validate(fields)).toEqual([expected])
}

const imageRef = (id = 'image-abc123-800x600-jpg') => ({
  _type: 'image',
  asset: {_type: 'reference', _ref: id},
})
const ref = (id: string) => ({_type: 'reference', _ref: id})
const block = (key: string, text: string, markDefs: unknown[] = [], marks: string[] = []) => ({
  _type: 'block',
  _key: key,
  style: 'normal',
  markDefs,
  children: [{_type: 'span', _key: `${key}-span`, text, marks}],
})

describe('person', () => {
  const valid = {
    _type: 'person',
    name: 'Anna Andersson',
    slug: {_type: 'slug', current: 'anna-andersson'},
    role: 'Centrumchef',
    organization: ref('org-1'),
    email: 'anna@exempel.se',
    phone: '+46 70-123 45 67',
    portrait: {...imageRef(), alt: 'Anna Andersson framför rådhuset'},
    bio: [block('b1', 'Anna har lett stadskärnearbetet sedan 2019.')],
  }

  it('accepts a complete person', () => expectValid(valid))

  it('requires a name', () =>
    expectOnly(
      {...valid, name: undefined},
      {level: 'error', path: 'name', message: 'Ange personens namn.'},
    ))

  it('rejects a malformed e-mail address', () =>
    expectOnly(
      {...valid, email: 'anna@'},
      {level: 'error', path: 'email', message: MESSAGES.emailFormat},
    ))

  it('rejects a phone number that is not a number', () =>
    expectOnly(
      {...valid, phone: 'ring växeln'},
      {level: 'error', path: 'phone', message: MESSAGES.phoneFormat},
    ))

  it('requires alt text once a portrait is set', async () => {
    await expectOnly(
      {...valid, portrait: imageRef()},
      {level: 'error', path: 'portrait.alt', message: ALT_TEXT_REQUIRED_MESSAGE},
    )
    await expectOnly(
      {...valid, portrait: {...imageRef(), alt: '   '}},
      {level: 'error', path: 'portrait.alt', message: ALT_TEXT_REQUIRED_MESSAGE},
    )
  })

  it('does not ask for alt text without a portrait', () =>
    expectValid({...valid, portrait: undefined}))

  it('rejects a slug another person already uses (asked of the lake)', async () => {
    const markers = await validate({...valid, slug: {_type: 'slug', current: TAKEN_PERSON_SLUG}})
    // Sanity's own uniqueness rule, in Swedish through @sanity/locale-sv-se.
    expect(markers).toEqual([{level: 'error', path: 'slug', message: 'Slug används redan'}])
  })
})

describe('organization', () => {
  const valid = {
    _type: 'organization',
    name: 'Exempelstad Centrum',
    slug: {_type: 'slug', current: 'exempelstad-centrum'},
    kind: 'cityCentreOrganization',
    city: ref('city-1'),
    website: 'https://www.exempelstad.se',
    logo: {
      _type: 'image',
      asset: {_type: 'reference', _ref: 'image-logo-200x100-png'},
      alt: 'Logotyp',
    },
    description: 'Samverkan mellan fastighetsägare, handlare och kommun.',
    memberSince: '2012-03-01',
  }

  it('accepts a complete organisation', () => expectValid(valid))

  it('requires a name and a kind', async () => {
    expect(await validate({...valid, name: undefined, kind: undefined})).toEqual(
      expect.arrayContaining([
        {level: 'error', path: 'name', message: 'Ange organisationens namn.'},
        {level: 'error', path: 'kind', message: 'Välj vilken typ av organisation det är.'},
      ]),
    )
  })

  it('accepts every kind of organisation', async () => {
    for (const kind of [
      'cityCentreOrganization',
      'nationalAssociation',
      'europeanNetwork',
      'municipality',
      'company',
    ]) {
      await expectValid({...valid, kind})
    }
  })

  it('rejects a kind outside the list (Sanity’s own list check)', async () => {
    const markers = await validate({...valid, kind: 'club'})
    expect(markers).toHaveLength(1)
    expect(markers[0]).toMatchObject({level: 'error', path: 'kind'})
  })

  it('requires a full web address', async () => {
    for (const website of [
      'www.exempelstad.se',
      'ftp://exempelstad.se',
      'mailto:info@exempelstad.se',
    ]) {
      await expectOnly(
        {...valid, website},
        {level: 'error', path: 'website', message: MESSAGES.urlFormat},
      )
    }
    await expectValid({...valid, website: 'http://exempelstad.se/om-oss'})
  })

  it('requires alt text on a logo', () =>
    expectOnly(
      {...valid, logo: imageRef()},
      {level: 'error', path: 'logo.alt', message: ALT_TEXT_REQUIRED_MESSAGE},
    ))
})

describe('city', () => {
  const valid = {
    _type: 'city',
    name: 'Exempelstad',
    slug: {_type: 'slug', current: 'exempelstad'},
    municipality: 'Exempelstads kommun',
    county: 'Västra Götalands län',
    cityCentreOrganization: ref('org-1'),
    keyFacts: [{_type: 'keyFact', _key: 'k1', label: 'Planerade bostäder', value: '3 000'}],
    description: 'En stad med en levande stadskärna.',
    image: {...imageRef(), alt: 'Torget en sommardag'},
  }

  it('accepts a complete city', () => expectValid(valid))

  it('requires a name', () =>
    expectOnly({...valid, name: ''}, {level: 'error', path: 'name', message: 'Ange stadens namn.'}))

  it('requires both label and value of a key fact', async () => {
    expect(
      await validate({...valid, keyFacts: [{_type: 'keyFact', _key: 'k1', value: '3 000'}]}),
    ).toEqual([
      {level: 'error', path: 'keyFacts[_key=="k1"].label', message: 'Ange vad nyckeltalet gäller.'},
    ])
    expect(
      await validate({...valid, keyFacts: [{_type: 'keyFact', _key: 'k1', label: 'Invånare'}]}),
    ).toEqual([
      {
        level: 'error',
        path: 'keyFacts[_key=="k1"].value',
        message: 'Ange ett värde för nyckeltalet.',
      },
    ])
  })

  it('requires alt text on the image', () =>
    expectOnly(
      {...valid, image: imageRef()},
      {level: 'error', path: 'image.alt', message: ALT_TEXT_REQUIRED_MESSAGE},
    ))
})

describe('qmCertification', () => {
  const valid = {
    _type: 'qmCertification',
    organization: ref('org-1'),
    city: ref('city-1'),
    applicationType: 'new',
    certifiedAt: '2024-06-15',
    validUntil: '2027-06-15',
    focusAreas: ['Trygghet', 'Handel'],
    criteria: [
      {
        _type: 'qmCriterion',
        _key: 'c1',
        area: 'Organisation',
        evidence: 'Styrelse med alla parter.',
      },
    ],
  }

  it('accepts a certification valid for three years', () => expectValid(valid))

  it('accepts a revision', () => expectValid({...valid, applicationType: 'revision'}))

  it('requires organisation, certification date and application type', async () => {
    expect(
      await validate({
        ...valid,
        organization: undefined,
        certifiedAt: undefined,
        applicationType: undefined,
      }),
    ).toEqual(
      expect.arrayContaining([
        {level: 'error', path: 'organization', message: QM_MESSAGES.organizationRequired},
        {level: 'error', path: 'certifiedAt', message: QM_MESSAGES.certifiedAtRequired},
        {level: 'error', path: 'applicationType', message: QM_MESSAGES.applicationTypeRequired},
      ]),
    )
  })

  it('rejects validUntil on or before the certification date', async () => {
    for (const validUntil of ['2024-06-15', '2024-01-01']) {
      await expectOnly(
        {...valid, validUntil},
        {level: 'error', path: 'validUntil', message: QM_MESSAGES.validUntilNotAfterCertifiedAt},
      )
    }
  })

  it('warns when validUntil is not three years after the certification date', () =>
    expectOnly(
      {...valid, validUntil: '2027-12-31'},
      {level: 'warning', path: 'validUntil', message: QM_MESSAGES.validUntilDiffers('2027-06-15')},
    ))

  it('expects Feb 28 three years after a leap-day certification', async () => {
    await expectValid({...valid, certifiedAt: '2024-02-29', validUntil: '2027-02-28'})
    await expectOnly(
      {...valid, certifiedAt: '2024-02-29', validUntil: '2027-03-01'},
      {level: 'warning', path: 'validUntil', message: QM_MESSAGES.validUntilDiffers('2027-02-28')},
    )
  })

  it('accepts a missing validUntil (three years is then assumed)', () =>
    expectValid({...valid, validUntil: undefined}))

  it('rejects the same focus area twice', async () => {
    const markers = await validate({...valid, focusAreas: ['Trygghet', 'Trygghet']})
    expect(markers).toEqual([
      {level: 'error', path: 'focusAreas[0]', message: 'Samma fokusområde finns redan.'},
      {level: 'error', path: 'focusAreas[1]', message: 'Samma fokusområde finns redan.'},
    ])
  })

  it('requires a criteria area', () =>
    expectOnly(
      {...valid, criteria: [{_type: 'qmCriterion', _key: 'c1', evidence: 'Underlag'}]},
      {level: 'error', path: 'criteria[_key=="c1"].area', message: 'Ange kriterieområdet.'},
    ))
})

describe('interview', () => {
  const valid = {
    _type: 'interview',
    title: 'Så lyfte Exempelstad sin stadskärna',
    slug: {_type: 'slug', current: 'sa-lyfte-exempelstad-sin-stadskarna'},
    publishedAt: '2025-03-01T09:00:00.000Z',
    language: 'sv',
    interviewee: ref('person-1'),
    organization: ref('org-1'),
    city: ref('city-1'),
    lead: 'Centrumchefen berättar om vägen till kvalitetsmärkningen.',
    pullQuote: {_type: 'pullQuote', text: 'Samverkan är allt.', attribution: 'Anna Andersson'},
    questions: [
      {
        _type: 'qaPair',
        _key: 'q1',
        question: 'Hur började ni?',
        answer: [
          block(
            'a1',
            'Läs mer hos oss.',
            [
              {_type: 'link', _key: 'l1', href: 'https://www.svenskastadskarnor.se'},
              {_type: 'link', _key: 'l2', href: 'mailto:info@exempel.se'},
            ],
            ['l1'],
          ),
        ],
      },
    ],
    certification: ref('qm-1'),
    factSheet: ref('factsheet-1'),
    contacts: [
      {_type: 'reference', _key: 'c1', _ref: 'person-2'},
      {_type: 'reference', _key: 'c2', _ref: 'person-3'},
    ],
    mainImage: {...imageRef(), alt: 'Gågatan en lördag'},
    tags: ['Kvalitetsmärkning', 'Samverkan'],
    seo: {_type: 'seo', title: 'Exempelstads stadskärna', description: 'En intervju.'},
  }

  it('accepts a complete interview', () => expectValid(valid))

  it('requires title, slug, language, interviewee and at least one question', async () => {
    const markers = await validate({
      ...valid,
      title: undefined,
      slug: undefined,
      language: undefined,
      interviewee: undefined,
      questions: [],
    })
    expect(markers).toEqual(
      expect.arrayContaining([
        {level: 'error', path: 'title', message: INTERVIEW_MESSAGES.titleRequired},
        {level: 'error', path: 'slug', message: MESSAGES.slugRequired},
        // Sanity's own rule on slug.current, in Swedish through @sanity/locale-sv-se.
        {level: 'error', path: 'slug.current', message: 'Krävs'},
        {level: 'error', path: 'language', message: 'Välj intervjuns språk.'},
        {level: 'error', path: 'interviewee', message: INTERVIEW_MESSAGES.intervieweeRequired},
        {level: 'error', path: 'questions', message: INTERVIEW_MESSAGES.questionsRequired},
      ]),
    )
    expect(markers).toHaveLength(6)
  })

  it('rejects the same contact twice', async () => {
    const contacts = [
      {_type: 'reference', _key: 'c1', _ref: 'person-2'},
      {_type: 'reference', _key: 'c2', _ref: 'person-2'},
    ]
    const message = INTERVIEW_MESSAGES.contactsUnique
    expect(message).toBe('Samma person finns redan bland kontakterna.')
    expect(await validate({...valid, contacts})).toEqual([
      {level: 'error', path: 'contacts[_key=="c1"]', message},
      {level: 'error', path: 'contacts[_key=="c2"]', message},
    ])
  })

  it('requires both question and answer', async () => {
    expect(
      await validate({...valid, questions: [{_type: 'qaPair', _key: 'q1', question: 'Varför?'}]}),
    ).toEqual([
      {level: 'error', path: 'questions[_key=="q1"].answer', message: 'Skriv svaret på frågan.'},
    ])
    expect(
      await validate({
        ...valid,
        questions: [{_type: 'qaPair', _key: 'q1', answer: [block('a1', 'Därför.')]}],
      }),
    ).toEqual([{level: 'error', path: 'questions[_key=="q1"].question', message: 'Skriv frågan.'}])
  })

  it('only allows http, https and mailto links in rich text', async () => {
    for (const href of ['ftp://exempel.se/fil', 'javascript:alert(1)', 'www.exempel.se']) {
      const questions = [
        {
          _type: 'qaPair',
          _key: 'q1',
          question: 'Länk?',
          answer: [block('a1', 'Här.', [{_type: 'link', _key: 'l1', href}], ['l1'])],
        },
      ]
      expect(await validate({...valid, questions}), href).toEqual([
        {
          level: 'error',
          path: 'questions[_key=="q1"].answer[_key=="a1"].markDefs[_key=="l1"].href',
          message: LINK_HREF_MESSAGE,
        },
      ])
    }
  })

  it('warns about a long lead', () =>
    expectOnly(
      {...valid, lead: 'x'.repeat(301)},
      {level: 'warning', path: 'lead', message: INTERVIEW_MESSAGES.leadTooLong},
    ))

  it('requires the text of a pull quote', () =>
    expectOnly(
      {...valid, pullQuote: {_type: 'pullQuote', attribution: 'Anna'}},
      {
        level: 'error',
        path: 'pullQuote.text',
        message: 'Skriv citatet, eller ta bort citatet helt.',
      },
    ))

  it('requires alt text on the main image and the sharing image', async () => {
    expect(
      await validate({
        ...valid,
        mainImage: imageRef(),
        seo: {_type: 'seo', image: imageRef('image-share-1200x630-jpg')},
      }),
    ).toEqual([
      {level: 'error', path: 'mainImage.alt', message: ALT_TEXT_REQUIRED_MESSAGE},
      {level: 'error', path: 'seo.image.alt', message: ALT_TEXT_REQUIRED_MESSAGE},
    ])
  })

  it('warns about SEO texts that search engines cut off', async () => {
    expect(
      await validate({
        ...valid,
        seo: {_type: 'seo', title: 't'.repeat(61), description: 'd'.repeat(161)},
      }),
    ).toEqual([
      {
        level: 'warning',
        path: 'seo.title',
        message: 'Längre titlar än 60 tecken kortas ofta av i sökresultaten.',
      },
      {
        level: 'warning',
        path: 'seo.description',
        message: 'Längre beskrivningar än 160 tecken kortas ofta av i sökresultaten.',
      },
    ])
  })

  it('rejects the same tag twice', async () => {
    expect(await validate({...valid, tags: ['Samverkan', 'Samverkan']})).toEqual([
      {level: 'error', path: 'tags[0]', message: 'Samma tagg finns redan.'},
      {level: 'error', path: 'tags[1]', message: 'Samma tagg finns redan.'},
    ])
  })
})

describe('qmFactSheet', () => {
  const valid = {
    _type: 'qmFactSheet',
    title: 'Fakta om kvalitetsmärkningen',
    body: [block('b1', 'Kvalitetsmärkningen gäller i tre år.')],
    contacts: [
      {_type: 'reference', _key: 'c1', _ref: 'person-1'},
      {_type: 'reference', _key: 'c2', _ref: 'person-2'},
    ],
    website: 'https://www.svenskastadskarnor.se',
    organization: ref('org-ss'),
  }

  it('accepts a complete fact sheet', () => expectValid(valid))

  it('requires a title', () =>
    expectOnly(
      {...valid, title: undefined},
      {level: 'error', path: 'title', message: 'Ange en rubrik för faktabladet.'},
    ))

  it('requires a full web address', () =>
    expectOnly(
      {...valid, website: 'svenskastadskarnor.se'},
      {level: 'error', path: 'website', message: MESSAGES.urlFormat},
    ))

  it('rejects the same contact twice', async () => {
    const contacts = [
      {_type: 'reference', _key: 'c1', _ref: 'person-1'},
      {_type: 'reference', _key: 'c2', _ref: 'person-1'},
    ]
    const message = 'Samma person finns redan bland kontaktpersonerna.'
    expect(await validate({...valid, contacts})).toEqual([
      {level: 'error', path: 'contacts[_key=="c1"]', message},
      {level: 'error', path: 'contacts[_key=="c2"]', message},
    ])
  })
})
