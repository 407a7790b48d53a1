import {pathToString, type SanityDocument, validateDocument, type Workspace} from 'sanity'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {ALT_TEXT_REQUIRED_MESSAGE} from '../schemas/fields/imageWithAlt.ts'
import {LINK_HREF_MESSAGE} from '../schemas/objects/blockContent.ts'
import {INTERVIEW_MESSAGES} from '../schemas/documents/interview.ts'
import {QM_SECTION_VALUES, QM_SECTIONS} from '../domain/qmSections.ts'
import {AWARD_MESSAGES} from '../schemas/documents/award.ts'
import {QM_MESSAGES} from '../schemas/documents/qmCertification.ts'
import {AWARD_FINALIST_MESSAGES} from '../schemas/objects/awardFinalist.ts'
import {QM_ATTACHMENT_MESSAGES} from '../schemas/objects/qmAttachment.ts'
import {QM_CRITERION_MESSAGES} from '../schemas/objects/qmCriterion.ts'
import {MESSAGES} from '../schemas/validationMessages.ts'
import {startTestLake, type TestLake} from '../testkit/lake.ts'
import {createTestWorkspace} from './helpers/studioWorkspace.ts'

let workspace: Workspace
let lake: TestLake

type Seeded = {_id: string; _type: string} & Record<string, unknown>

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
  // Organisations, certifications and an award that the revision and award rules look up.
  const organization = (id: string, name: string): Seeded => ({
    _id: id,
    _type: 'organization',
    name,
    kind: 'cityCentreOrganization',
  })
  const certification = (
    id: string,
    org: string,
    certifiedAt: string,
    validUntil?: string,
  ): Seeded => ({
    _id: id,
    _type: 'qmCertification',
    organization: {_type: 'reference', _ref: org},
    applicationType: 'new',
    certifiedAt,
    ...(validUntil ? {validUntil} : {}),
  })
  const seed = client.transaction()
  const seeded: Seeded[] = [
    organization('org-1', 'Exempelstad Centrum'),
    organization('org-2', 'Annanstad Citysamverkan'),
    organization('org-3', 'Utankvalitet Stadskärna'),
    organization('org-4', 'Fjärde Staden City'),
    certification('qm-org1-2017', 'org-1', '2017-03-01'),
    certification('qm-org1-2021', 'org-1', '2021-06-15', '2024-06-14'),
    certification('qm-org2-2021', 'org-2', '2021-03-20', '2024-03-20'),
    certification('qm-org4-2023', 'org-4', '2023-09-01', '2026-09-01'),
    // A draft certification does not count for the award.
    certification('drafts.qm-org3', 'org-3', '2023-01-01', '2026-01-01'),
    {_id: 'award-2023', _type: 'award', kind: 'aretsStadskarna', year: 2023},
  ]
  for (const doc of seeded) seed.createOrReplace(doc)
  await seed.commit({visibility: 'sync'})
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

/** The nine sections as criteria, each with Portable Text evidence. */
const allSections = QM_SECTION_VALUES.map((section, index) => ({
  _type: 'qmCriterion',
  _key: `s${index}`,
  section,
  evidence: [block(`e${index}`, `Underlag för ${section}.`)],
}))

const fileRef = (id = 'file-abc123-pdf') => ({_type: 'file', asset: {_type: 'reference', _ref: id}})

describe('qmCertification', () => {
  const valid = {
    _type: 'qmCertification',
    organization: ref('org-1'),
    city: ref('city-1'),
    applicationType: 'new',
    certifiedAt: '2024-06-15',
    validUntil: '2027-06-15',
    assessor: ref('person-assessor'),
    area: {description: 'Gatorna innanför vallgraven.', map: fileRef('file-map-pdf')},
    focusAreas: ['Trygghet', 'Handel'],
    criteria: allSections.map((criterion, index) =>
      index === 0
        ? {
            ...criterion,
            attachments: [
              {_type: 'qmAttachment', _key: 'a1', kind: 'swot', file: fileRef()},
              {
                _type: 'qmAttachment',
                _key: 'a2',
                kind: 'organisationMatrix',
                file: fileRef('file-matrix-pdf'),
                description: 'Parternas andelar, mandat och beslutsvägar',
              },
            ],
          }
        : criterion,
    ),
  }
  /** A revision of `qm-org1-2021` (seeded: Exempelstad Centrum, valid until 2024-06-14). */
  const revision = {
    ...valid,
    applicationType: 'revision',
    previousCertification: ref('qm-org1-2021'),
    criteria: allSections.slice(0, 2),
  }

  it('accepts a new application covering all nine sections', () => expectValid(valid))

  it('accepts a revision of the same organisation’s certification, covering fewer sections', () =>
    expectValid(revision))

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

  it('requires a section on each criterion', () =>
    expectOnly(
      {
        ...revision,
        criteria: [{_type: 'qmCriterion', _key: 'c1', evidence: [block('e1', 'Underlag')]}],
      },
      {
        level: 'error',
        path: 'criteria[_key=="c1"].section',
        message: QM_CRITERION_MESSAGES.sectionRequired,
      },
    ))

  it('allows each section once, naming the repeated one', async () => {
    const repeated = {...allSections[2]!, _key: 'again'}
    await expectOnly(
      {...valid, criteria: [...allSections, repeated]},
      {
        level: 'error',
        path: 'criteria[_key=="again"].section',
        message:
          'Avsnittet ”Organisation” finns redan i ansökan; varje avsnitt får bara finnas en gång.',
      },
    )
    expect(QM_CRITERION_MESSAGES.sectionRepeated('Organisation')).toContain('”Organisation”')
  })

  it('warns when a new application lacks sections, naming them; a revision may cover fewer', async () => {
    await expectOnly(
      {...valid, criteria: allSections.slice(2)},
      {
        level: 'warning',
        path: 'criteria',
        message: 'En ny ansökan ska ta upp alla nio avsnitt. Saknas: Bakgrund, Nuläget.',
      },
    )
    await expectOnly(
      {...valid, criteria: undefined},
      {
        level: 'warning',
        path: 'criteria',
        message: QM_MESSAGES.sectionsMissing(QM_SECTIONS.map((section) => section.title)),
      },
    )
    await expectValid({...revision, criteria: allSections.slice(2)})
    await expectValid({...revision, criteria: undefined})
  })

  it('requires kind and file on an attachment', async () => {
    const criteria = [
      {...allSections[0]!, attachments: [{_type: 'qmAttachment', _key: 'a1'}]},
      ...allSections.slice(1),
    ]
    expect(await validate({...valid, criteria})).toEqual([
      {
        level: 'error',
        path: 'criteria[_key=="s0"].attachments[_key=="a1"].kind',
        message: QM_ATTACHMENT_MESSAGES.kindRequired,
      },
      {
        level: 'error',
        path: 'criteria[_key=="s0"].attachments[_key=="a1"].file',
        message: QM_ATTACHMENT_MESSAGES.fileRequired,
      },
    ])
    expect(QM_ATTACHMENT_MESSAGES).toEqual({
      kindRequired: 'Välj vilken sorts bilaga det är.',
      fileRequired: 'Ladda upp bilagans fil.',
    })
  })

  describe('previousCertification', () => {
    it('is required for a revision', () =>
      expectOnly(
        {...revision, previousCertification: undefined},
        {
          level: 'error',
          path: 'previousCertification',
          message: 'En revidering måste hänvisa till certifieringen som den förnyar.',
        },
      ))

    it('must belong to the same organisation, naming both', () =>
      expectOnly(
        {...revision, previousCertification: ref('qm-org2-2021')},
        {
          level: 'error',
          path: 'previousCertification',
          message:
            'Den tidigare certifieringen gäller Annanstad Citysamverkan, inte Exempelstad ' +
            'Centrum. En revidering förnyar samma organisations certifiering.',
        },
      ))

    it('cannot be the certification itself', () =>
      expectOnly(
        {...revision, _id: 'drafts.qm-org1-2021', previousCertification: ref('qm-org1-2021')},
        {level: 'error', path: 'previousCertification', message: QM_MESSAGES.previousIsSelf},
      ))

    it('must have ended at most a year before the revision starts', async () => {
      // qm-org1-2017 was valid until 2020-03-01 (certifiedAt + 3 years, no validUntil stored).
      await expectOnly(
        {...revision, previousCertification: ref('qm-org1-2017')},
        {
          level: 'error',
          path: 'previousCertification',
          message:
            'Den tidigare certifieringen gällde till 2020-03-01, mer än ett år innan ' +
            'revideringen börjar (2024-06-15). Den får ha gått ut tidigast 2023-06-15.',
        },
      )
      // Exactly a year is still fine.
      await expectValid({
        ...revision,
        previousCertification: ref('qm-org1-2017'),
        certifiedAt: '2021-03-01',
        validUntil: '2024-03-01',
      })
    })

    it('must end at most a year after the revision starts', () =>
      expectOnly(
        {...revision, certifiedAt: '2023-01-10', validUntil: '2026-01-10'},
        {
          level: 'error',
          path: 'previousCertification',
          message:
            'Den tidigare certifieringen gäller till 2024-06-14, mer än ett år efter att ' +
            'revideringen börjar (2023-01-10). Den får gälla längst till 2024-01-10.',
        },
      ))
  })
})

describe('award', () => {
  const finalist = (key: string, organization: string, city: string) => ({
    _type: 'awardFinalist',
    _key: key,
    organization: ref(organization),
    city: ref(city),
  })
  const valid = {
    _type: 'award',
    kind: 'aretsStadskarna',
    year: 2024,
    timeline: {
      interestDeadline: '2023-12-31',
      documentsDeadline: '2024-02-15',
      juryVisits: '2024-03-10',
      finalistsAnnounced: '2024-03-20',
      winnerAnnounced: '2024-05-15',
    },
    finalists: [
      finalist('f1', 'org-1', 'city-1'),
      finalist('f2', 'org-2', 'city-2'),
      finalist('f3', 'org-4', 'city-4'),
    ],
    winner: ref('org-1'),
    jury: [
      {_type: 'reference', _key: 'j1', _ref: 'person-assessor'},
      {_type: 'reference', _key: 'j2', _ref: 'person-2'},
    ],
    motivation: [block('m1', 'Samverkan i världsklass.')],
    interviews: [{_type: 'reference', _key: 'i1', _ref: 'interview-1'}],
  }

  it('accepts an award year whose finalists all held a valid QM when they were named', () =>
    expectValid(valid))

  it('requires kind and year, from 1995', async () => {
    expect(await validate({...valid, kind: undefined, year: undefined})).toEqual([
      {level: 'error', path: 'kind', message: AWARD_MESSAGES.kindRequired},
      {level: 'error', path: 'year', message: AWARD_MESSAGES.yearRequired},
    ])
    await expectOnly(
      {...valid, year: 1994},
      {
        level: 'error',
        path: 'year',
        message: 'Ange ett årtal från 1995, då Årets Stadskärna delades ut första gången.',
      },
    )
  })

  it('allows one award of a kind per year', async () => {
    await expectOnly(
      {...valid, year: 2023},
      {
        level: 'error',
        path: 'year',
        message: 'Det finns redan en utmärkelse Årets Stadskärna 2023.',
      },
    )
    // The seeded award itself, and another kind the same year, are fine.
    await expectValid({...valid, _id: 'drafts.award-2023', year: 2023})
    await expectValid({...valid, kind: 'aretsPurpleFlag', year: 2023})
  })

  it('names a finalist without a valid QM on the nomination date', async () => {
    await expectOnly(
      {...valid, finalists: [...valid.finalists, finalist('f4', 'org-3', 'city-3')]},
      {
        level: 'error',
        path: 'finalists[_key=="f4"].organization',
        message:
          'Utankvalitet Stadskärna hade ingen giltig kvalitetsmärkning den 2024-03-20, när ' +
          'finalisterna utsågs. En giltig QM krävs för Årets Stadskärna.',
      },
    )
    // org-2's certification (2021-03-20 → 2024-03-20) is valid through its last day…
    await expectValid(valid)
    // …but not the day after.
    await expectOnly(
      {...valid, timeline: {...valid.timeline, finalistsAnnounced: '2024-03-21'}},
      {
        level: 'error',
        path: 'finalists[_key=="f2"].organization',
        message: AWARD_FINALIST_MESSAGES.noValidQm('Annanstad Citysamverkan', '2024-03-21'),
      },
    )
    // Årets Purple Flag does not require a QM.
    await expectValid({
      ...valid,
      kind: 'aretsPurpleFlag',
      finalists: [...valid.finalists, finalist('f4', 'org-3', 'city-3')],
    })
  })

  it('lists an organisation once among the finalists', () =>
    expectOnly(
      {...valid, finalists: [...valid.finalists, finalist('f4', 'org-1', 'city-1')]},
      {
        level: 'error',
        path: 'finalists[_key=="f4"].organization',
        message: AWARD_FINALIST_MESSAGES.organizationRepeated,
      },
    ))

  it('requires the winner to be one of the finalists', () =>
    expectOnly(
      {...valid, winner: ref('org-3')},
      {level: 'error', path: 'winner', message: 'Vinnaren måste vara en av finalisterna.'},
    ))

  it('warns when the timeline is out of order', () =>
    expectOnly(
      {...valid, timeline: {...valid.timeline, winnerAnnounced: '2024-03-01'}},
      {
        level: 'warning',
        path: 'timeline',
        message:
          '”Vinnaren utses” ligger före ”Finalisterna offentliggörs”; datumen ska följa ' +
          'varandra i tur och ordning.',
      },
    ))

  it('rejects the same juror twice', async () => {
    const jury = [
      {_type: 'reference', _key: 'j1', _ref: 'person-2'},
      {_type: 'reference', _key: 'j2', _ref: 'person-2'},
    ]
    expect(await validate({...valid, jury})).toEqual([
      {level: 'error', path: 'jury[_key=="j1"]', message: AWARD_MESSAGES.juryRepeated},
      {level: 'error', path: 'jury[_key=="j2"]', message: AWARD_MESSAGES.juryRepeated},
    ])
  })
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
