import {createSchema} from 'sanity'
import {afterEach, describe, expect, it, vi} from 'vitest'

import {documentTypes, objectTypes, schemaTypes} from '../schemas/index.ts'

const schema = createSchema({name: 'test', types: schemaTypes})

interface CompiledType {
  name: string
  jsonType: string
  type?: CompiledType
  to?: CompiledType[]
  of?: CompiledType[]
  fields?: Array<{name: string; type: CompiledType}>
  options?: Record<string, unknown>
  icon?: unknown
}

function compiled(typeName: string): CompiledType {
  const type = schema.get(typeName) as CompiledType | undefined
  if (!type) throw new Error(`Type ${typeName} is not in the schema`)
  return type
}

/** The names of a type and the types it is derived from, e.g. ['portrait', 'image']. */
function typeChain(type: CompiledType | undefined): string[] {
  const names: string[] = []
  for (let current = type; current; current = current.type) names.push(current.name)
  return names
}

function field(typeName: string, fieldName: string): CompiledType {
  const found = compiled(typeName).fields?.find((candidate) => candidate.name === fieldName)
  if (!found) throw new Error(`${typeName}.${fieldName} does not exist`)
  return found.type
}

describe('schema', () => {
  it('compiles without errors or warnings', () => {
    const problems = schema._validation?.flatMap((group) =>
      group.problems.map((problem) => ({
        path: group.path.map((segment) => segment.name).join('.'),
        ...problem,
      })),
    )
    expect(problems).toEqual([])
  })

  it('has the seven document types', () => {
    expect(documentTypes.map((type) => type.name).sort()).toEqual([
      'award',
      'city',
      'interview',
      'organization',
      'person',
      'qmCertification',
      'qmFactSheet',
    ])
    for (const type of documentTypes) expect(compiled(type.name).jsonType).toBe('object')
  })

  it('has the shared object types', () => {
    expect(objectTypes.map((type) => type.name).sort()).toEqual([
      'awardFinalist',
      'blockContent',
      'keyFact',
      'pullQuote',
      'qaPair',
      'qmAttachment',
      'qmCriterion',
      'seo',
    ])
  })

  it.each(documentTypes.map((type) => [type.name, type] as const))(
    '%s has a Swedish title, an icon and a preview with select and prepare',
    (_name, type) => {
      expect(type.title).toMatch(/\S/)
      expect(type.icon).toBeDefined()
      expect(type.preview?.select).toBeTypeOf('object')
      expect(type.preview?.prepare).toBeTypeOf('function')
    },
  )
})

/** Fixed field names (queries, the importer and migrations rely on them) and their types. */
const FIXED_FIELDS: Record<string, Record<string, string>> = {
  person: {
    name: 'string',
    slug: 'slug',
    role: 'string',
    organization: 'reference',
    email: 'string',
    phone: 'string',
    portrait: 'image',
    bio: 'blockContent',
  },
  organization: {
    name: 'string',
    slug: 'slug',
    kind: 'string',
    city: 'reference',
    website: 'url',
    logo: 'image',
    description: 'text',
    memberSince: 'date',
  },
  city: {
    name: 'string',
    slug: 'slug',
    municipality: 'string',
    county: 'string',
    cityCentreOrganization: 'reference',
    keyFacts: 'array',
    description: 'text',
    image: 'image',
  },
  qmCertification: {
    organization: 'reference',
    city: 'reference',
    applicationType: 'string',
    certifiedAt: 'date',
    validUntil: 'date',
    certificate: 'file',
    focusAreas: 'array',
    criteria: 'array',
    previousCertification: 'reference',
    assessor: 'reference',
    area: 'object',
  },
  award: {
    kind: 'string',
    year: 'number',
    timeline: 'object',
    finalists: 'array',
    winner: 'reference',
    jury: 'array',
    motivation: 'blockContent',
    interviews: 'array',
  },
  awardFinalist: {organization: 'reference', city: 'reference'},
  qmAttachment: {kind: 'string', file: 'file', description: 'string'},
  interview: {
    title: 'string',
    slug: 'slug',
    publishedAt: 'datetime',
    language: 'string',
    interviewee: 'reference',
    organization: 'reference',
    city: 'reference',
    lead: 'text',
    pullQuote: 'pullQuote',
    questions: 'array',
    certification: 'reference',
    factSheet: 'reference',
    contacts: 'array',
    mainImage: 'image',
    tags: 'array',
    seo: 'seo',
  },
  qmFactSheet: {
    title: 'string',
    body: 'blockContent',
    contacts: 'array',
    website: 'url',
    organization: 'reference',
  },
  qaPair: {question: 'text', answer: 'blockContent'},
  keyFact: {label: 'string', value: 'string'},
  pullQuote: {text: 'text', attribution: 'string'},
  seo: {title: 'string', description: 'text', image: 'image'},
  qmCriterion: {
    section: 'string',
    evidence: 'blockContent',
    attachments: 'array',
    area: 'string',
  },
}

describe('fixed field names', () => {
  const cases = Object.entries(FIXED_FIELDS).flatMap(([typeName, fields]) =>
    Object.entries(fields).map(([fieldName, fieldType]) => [typeName, fieldName, fieldType]),
  )

  it.each(cases)('%s.%s is a %s', (typeName, fieldName, fieldType) => {
    expect(typeChain(field(typeName, fieldName))).toContain(fieldType)
  })

  it.each([
    ['person', 'organization', ['organization']],
    ['organization', 'city', ['city']],
    ['city', 'cityCentreOrganization', ['organization']],
    ['qmCertification', 'organization', ['organization']],
    ['qmCertification', 'city', ['city']],
    ['interview', 'interviewee', ['person']],
    ['interview', 'organization', ['organization']],
    ['interview', 'city', ['city']],
    ['interview', 'certification', ['qmCertification']],
    ['interview', 'factSheet', ['qmFactSheet']],
    ['qmFactSheet', 'organization', ['organization']],
    ['qmCertification', 'previousCertification', ['qmCertification']],
    ['qmCertification', 'assessor', ['person']],
    ['award', 'winner', ['organization']],
    ['awardFinalist', 'organization', ['organization']],
    ['awardFinalist', 'city', ['city']],
  ])('%s.%s refers to %j', (typeName, fieldName, targets) => {
    expect(field(typeName, fieldName).to?.map((target) => target.name)).toEqual(targets)
  })

  it.each([
    ['city', 'keyFacts', 'keyFact'],
    ['interview', 'questions', 'qaPair'],
    ['interview', 'tags', 'string'],
    ['qmCertification', 'focusAreas', 'string'],
    ['qmCertification', 'criteria', 'qmCriterion'],
    ['qmCriterion', 'attachments', 'qmAttachment'],
    ['award', 'finalists', 'awardFinalist'],
  ])('%s.%s is an array of %s', (typeName, fieldName, memberType) => {
    expect(field(typeName, fieldName).of?.map((member) => member.name)).toEqual([memberType])
  })

  it.each([
    ['qmFactSheet', 'contacts', 'person'],
    ['interview', 'contacts', 'person'],
    ['award', 'jury', 'person'],
    ['award', 'interviews', 'interview'],
  ])('%s.%s is an array of references to %s', (typeName, fieldName, target) => {
    const [member] = field(typeName, fieldName).of ?? []
    expect(typeChain(member)).toContain('reference')
    expect(member?.to?.map((candidate) => candidate.name)).toEqual([target])
  })

  it('the certification area has a description and an optional map file', () => {
    const area = field('qmCertification', 'area')
    expect(area.fields?.map((areaField) => [areaField.name, typeChain(areaField.type)])).toEqual([
      ['description', expect.arrayContaining(['text'])],
      ['map', expect.arrayContaining(['file'])],
    ])
  })

  it('the award timeline has the five dates of an award year', () => {
    const timeline = field('award', 'timeline')
    expect(timeline.fields?.map((step) => [step.name, typeChain(step.type).at(-1)])).toEqual([
      ['interestDeadline', 'date'],
      ['documentsDeadline', 'date'],
      ['juryVisits', 'date'],
      ['finalistsAnnounced', 'date'],
      ['winnerAnnounced', 'date'],
    ])
  })

  it.each([
    ['person', 'portrait'],
    ['organization', 'logo'],
    ['city', 'image'],
    ['interview', 'mainImage'],
    ['seo', 'image'],
  ])('%s.%s has an alt text field', (typeName, fieldName) => {
    const image = field(typeName, fieldName)
    expect(image.fields?.map((imageField) => imageField.name)).toContain('alt')
  })

  it('portrait and main image support hotspots', () => {
    expect(field('person', 'portrait').options).toMatchObject({hotspot: true})
    expect(field('interview', 'mainImage').options).toMatchObject({hotspot: true})
  })
})

describe('option lists', () => {
  function listValues(typeName: string, fieldName: string) {
    const list = field(typeName, fieldName).options?.list as Array<{value: string; title: string}>
    return list.map(({value, title}) => [value, title])
  }

  it('organization kinds have English values and Swedish titles', () => {
    expect(listValues('organization', 'kind')).toEqual([
      ['cityCentreOrganization', 'Samverkansorganisation'],
      ['nationalAssociation', 'Nationell förening'],
      ['europeanNetwork', 'Europeiskt nätverk'],
      ['municipality', 'Kommun'],
      ['company', 'Företag'],
    ])
  })

  it('application types are new and revision', () => {
    expect(listValues('qmCertification', 'applicationType')).toEqual([
      ['new', 'Ny ansökan'],
      ['revision', 'Revidering'],
    ])
  })

  it('the nine application sections have stable English values and Swedish titles', () => {
    expect(listValues('qmCriterion', 'section')).toEqual([
      ['background', 'Bakgrund'],
      ['currentSituation', 'Nuläget'],
      ['organisation', 'Organisation'],
      ['financeAndBudget', 'Finansiering och budget'],
      ['visionAndBusinessIdea', 'Vision och affärsidé'],
      ['goalsAndStrategy', 'Mål och strategi'],
      ['businessAndActionPlan', 'Affärs-, handlings- och verksamhetsplan'],
      ['developmentAndFollowUp', 'Utveckling, indikatorer och resultatuppföljning'],
      ['communicationAndDialogue', 'Kommunikation och dialog'],
    ])
  })

  it('attachment kinds are SWOT, organisationsmatris, karta, finansieringsavtal and annat', () => {
    expect(listValues('qmAttachment', 'kind')).toEqual([
      ['swot', 'SWOT'],
      ['organisationMatrix', 'Organisationsmatris'],
      ['map', 'Karta'],
      ['fundingAgreement', 'Finansieringsavtal'],
      ['other', 'Annat'],
    ])
  })

  it('award kinds are Årets Stadskärna and Årets Purple Flag', () => {
    expect(listValues('award', 'kind')).toEqual([
      ['aretsStadskarna', 'Årets Stadskärna'],
      ['aretsPurpleFlag', 'Årets Purple Flag'],
    ])
  })

  it('interviews default to Swedish', () => {
    const language = documentTypes
      .find((type) => type.name === 'interview')
      ?.fields.find((candidate) => candidate.name === 'language')
    expect((language as {initialValue?: unknown} | undefined)?.initialValue).toBe('sv')
  })
})

describe('blockContent', () => {
  const block = compiled('blockContent').of?.[0] as CompiledType
  const blockField = (name: string) => {
    const found = block.fields?.find((candidate) => candidate.name === name)
    if (!found) throw new Error(`block.${name} does not exist`)
    return found.type
  }
  const values = (list: unknown) => (list as Array<{value: string}>).map(({value}) => value)

  it('offers paragraphs, h2–h4 and block quotes', () => {
    expect(values(blockField('style').options?.list)).toEqual([
      'normal',
      'h2',
      'h3',
      'h4',
      'blockquote',
    ])
  })

  it('offers bullet and numbered lists', () => {
    expect(values(blockField('listItem').options?.list)).toEqual(['bullet', 'number'])
  })

  it('offers bold and italics', () => {
    const span = blockField('children').of?.find((member) => member.name === 'span') as
      (CompiledType & {decorators?: unknown}) | undefined
    expect(values(span?.decorators)).toEqual(['strong', 'em'])
  })

  it('has a link annotation with a url href', () => {
    const annotations = blockField('markDefs').of ?? []
    expect(annotations.map((annotation) => annotation.name)).toEqual(['link'])
    expect(
      annotations[0]?.fields?.map((linkField) => [linkField.name, typeChain(linkField.type)]),
    ).toEqual([['href', expect.arrayContaining(['url'])]])
  })
})

describe('previews', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  function prepare(typeName: string, selection: Record<string, unknown>) {
    const type = schemaTypes.find((candidate) => candidate.name === typeName)
    const preview = (type as {preview?: {prepare?: (value: Record<string, unknown>) => unknown}})
      .preview
    return preview?.prepare?.(selection)
  }

  it('describe a person by role and organisation', () => {
    expect(
      prepare('person', {
        name: 'Anna Andersson',
        role: 'Centrumchef',
        organizationName: 'Exempelstad Centrum',
      }),
    ).toMatchObject({title: 'Anna Andersson', subtitle: 'Centrumchef, Exempelstad Centrum'})
    expect(prepare('person', {})).toMatchObject({title: 'Namnlös person'})
  })

  it('name the kind of organisation in Swedish', () => {
    expect(
      prepare('organization', {
        name: 'Exempelstad Centrum',
        kind: 'cityCentreOrganization',
        cityName: 'Exempelstad',
      }),
    ).toMatchObject({subtitle: 'Samverkansorganisation · Exempelstad'})
  })

  it('show a certification’s derived status', () => {
    vi.useFakeTimers({toFake: ['Date'], now: new Date('2027-06-15T10:00:00Z')})
    const selection = {
      organizationName: 'Exempelstad Centrum',
      cityName: 'Exempelstad',
      certifiedAt: '2024-06-15',
    }
    expect(prepare('qmCertification', selection)).toEqual({
      title: 'Exempelstad Centrum, Exempelstad',
      subtitle: 'Giltig t.o.m. 2027-06-15 (löper snart ut; kan nomineras till Årets Stadskärna)',
    })
    expect(prepare('qmCertification', {...selection, validUntil: '2027-06-14'})).toMatchObject({
      subtitle: 'Giltig t.o.m. 2027-06-14 (utgången)',
    })
    expect(prepare('qmCertification', {})).toEqual({
      title: 'Certifiering utan organisation',
      subtitle: 'Certifieringsdatum saknas',
    })
  })

  it('name an award by kind and year, with its winner', () => {
    expect(
      prepare('award', {
        kind: 'aretsStadskarna',
        year: 2026,
        winnerName: 'Exempelstad Centrum',
        finalists: [{}, {}, {}],
      }),
    ).toEqual({title: 'Årets Stadskärna 2026', subtitle: 'Vinnare: Exempelstad Centrum'})
    expect(prepare('award', {kind: 'aretsPurpleFlag', year: 2027, finalists: [{}, {}]})).toEqual({
      title: 'Årets Purple Flag 2027',
      subtitle: '2 finalister, ingen vinnare ännu',
    })
  })

  it('show a criteria section by its Swedish title, or the legacy free text', () => {
    expect(prepare('qmCriterion', {section: 'financeAndBudget'})).toMatchObject({
      title: 'Finansiering och budget',
    })
    expect(prepare('qmCriterion', {area: 'Ekonomi (gammal text)'})).toMatchObject({
      title: 'Ekonomi (gammal text)',
    })
  })

  it('show an interview’s interviewee, city and date', () => {
    expect(
      prepare('interview', {
        title: 'Så lyfte Exempelstad sin stadskärna',
        intervieweeName: 'Anna Andersson',
        cityName: 'Exempelstad',
        publishedAt: '2025-03-01T09:00:00.000Z',
      }),
    ).toMatchObject({subtitle: 'Anna Andersson · Exempelstad · 2025-03-01'})
  })

  it('show the first line of an answer under its question', () => {
    expect(
      prepare('qaPair', {
        question: 'Hur började ni?',
        answer: [{_type: 'block', children: [{_type: 'span', text: 'Med ett möte.'}]}],
      }),
    ).toEqual({title: 'Hur började ni?', subtitle: 'Med ett möte.'})
  })
})
