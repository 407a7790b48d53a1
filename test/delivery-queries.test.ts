/**
 * The delivery queries against a real lake seeded with test/fixtures/content: result shapes match
 * the generated types, drafts stay out of the published perspective, pagination and ordering, and
 * the QM status computed in GROQ agrees with domain/qmStatus.ts at boundary dates.
 */
import type {SanityClient} from '@sanity/client'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {createContentClient} from '../delivery/client.ts'
import {
  getAward,
  getCertifiedCounties,
  getCertifiedOrganizations,
  getCity,
  getFactSheet,
  getHomePage,
  getInterview,
  getOrganization,
  getPerson,
  listAwards,
  listInterviews,
  pageRange,
  statusParams,
} from '../delivery/content.ts'
import {certifiedOrganizationsQuery} from '../delivery/queries.ts'
import {
  addDays,
  certificationStatus,
  qmStatusQueryParams,
  type QmStatus,
} from '../domain/qmStatus.ts'
import type {
  AwardListQueryResult,
  AwardQueryResult,
  CertifiedOrganizationsQueryResult,
  CityBySlugQueryResult,
  FactSheetQueryResult,
  HomePageQueryResult,
  InterviewBySlugQueryResult,
  InterviewListQueryResult,
  OrganizationBySlugQueryResult,
  PersonBySlugQueryResult,
} from '../sanity.types.ts'
import {FIXTURE_AS_OF, seedContent} from './fixtures/content/index.ts'
import {startTestLake, type TestLake} from '../testkit/lake.ts'

/**
 * Lists every key of `T`: compiling fails when the generated type gains or loses a key that the
 * list does not, and the runtime check then compares the list with what the lake returned.
 */
function keysOf<T>() {
  return <const K extends readonly (keyof T)[]>(
    ...keys: K &
      ([keyof T] extends [K[number]] ? unknown : ['missing keys', Exclude<keyof T, K[number]>])
  ): string[] => [...(keys as readonly PropertyKey[])].map(String).sort()
}

function sortedKeys(value: object | null | undefined): string[] {
  return Object.keys(value ?? {}).sort()
}

type Item<T> = T extends Array<infer U> ? U : never

let lake: TestLake
let site: SanityClient
const DATASET = 'content'

function envFor(extra: Record<string, string> = {}) {
  return {
    SANITY_API_HOST: lake.url,
    SANITY_PROJECT_ID: 'test',
    SANITY_DATASET: DATASET,
    ...extra,
  }
}

beforeAll(async () => {
  lake = await startTestLake()
  await seedContent(lake.client({dataset: DATASET}))
  site = createContentClient({env: envFor()})
})
afterAll(async () => {
  await lake?.stop()
})

describe('result shapes', () => {
  it('interview page: everything dereferenced, questions in order', async () => {
    const interview = await getInterview(site, 'sa-blev-boras-stadskarna-tryggare', {
      asOf: FIXTURE_AS_OF,
    })
    expect(interview).not.toBeNull()
    if (!interview) return
    expect(sortedKeys(interview)).toEqual(
      keysOf<NonNullable<InterviewBySlugQueryResult>>()(
        '_id',
        '_updatedAt',
        'title',
        'slug',
        'publishedAt',
        'language',
        'lead',
        'mainImage',
        'pullQuote',
        'questions',
        'tags',
        'seo',
        'interviewee',
        'organization',
        'city',
        'certification',
        'factSheet',
        'contacts',
        'cityAwards',
      ),
    )
    expect(interview.title).toBe('Så blev Borås stadskärna tryggare')
    expect(interview.questions.map((pair) => pair._key)).toEqual(['q1', 'q2', 'q3'])
    expect(interview.questions[0]).toMatchObject({
      _type: 'qaPair',
      question: 'Varför sökte ni Kvalitetsmärkningen?',
    })
    expect(interview.questions[0].answer[0]._type).toBe('block')
    expect(interview.interviewee).toMatchObject({
      _id: 'person-anna',
      name: 'Anna Lindqvist',
      slug: 'anna-lindqvist',
      organization: {name: 'Borås Stadskärna', slug: 'boras-stadskarna'},
    })
    expect(interview.organization).toMatchObject({
      name: 'Borås Stadskärna',
      kind: 'cityCentreOrganization',
    })
    expect(interview.city).toMatchObject({name: 'Borås', slug: 'boras'})
    expect(interview.certification).toMatchObject({certifiedAt: '2024-03-01', status: 'valid'})
    expect(interview.factSheet?.title).toBe('Fakta om Kvalitetsmärkningen')
    expect(interview.factSheet?.contacts?.map((person) => person.name)).toEqual(['Karin Berg'])
    expect(interview.factSheet?.organization?.name).toBe('Svenska Stadskärnor')
    expect(interview.contacts).toMatchObject([
      {name: 'Karin Berg', email: expect.stringContaining('@')},
      {name: 'Anna Lindqvist'},
    ])
    expect(interview.seo?.title).toBe('Borås: tryggare stadskärna med QM')
    // Borås won Årets Stadskärna 2025 (Ystad won 2024, the draft 2026 award is not published).
    expect(interview.cityAwards).toEqual([{_id: 'award-2025', kind: 'aretsStadskarna', year: 2025}])
    // Unset optional fields come back as null, never as missing keys.
    expect(interview.mainImage).toBeNull()
  })

  it('interview page: null for an unknown slug', async () => {
    expect(await getInterview(site, 'finns-inte')).toBeNull()
  })

  it('interview list: newest first, paginated', async () => {
    const first = await listInterviews(site, {page: 1, pageSize: 2})
    expect(first.total).toBe(3)
    expect(first.pageCount).toBe(2)
    expect(first.items.map((item) => item.slug)).toEqual([
      'sa-blev-boras-stadskarna-tryggare',
      'umea-satsar-pa-handel-och-kultur',
    ])
    expect(sortedKeys(first.items[0])).toEqual(
      keysOf<Item<InterviewListQueryResult['items']>>()(
        '_id',
        'title',
        'slug',
        'publishedAt',
        'lead',
        'mainImage',
        'interviewee',
        'city',
      ),
    )
    expect(first.items[0].interviewee).toEqual({name: 'Anna Lindqvist', role: 'Centrumchef'})
    const second = await listInterviews(site, {page: 2, pageSize: 2})
    expect(second.page).toBe(2)
    expect(second.items.map((item) => item.slug)).toEqual(['sma-steg-i-ystad'])
    const beyond = await listInterviews(site, {page: 5, pageSize: 2})
    expect(beyond.items).toEqual([])
  })

  it('pageRange falls back to page 1 and caps the page size', () => {
    expect(pageRange(3, 10)).toEqual({start: 20, end: 30})
    expect(pageRange(0, 10)).toEqual({start: 0, end: 10})
    expect(pageRange(Number.NaN, 1000)).toEqual({start: 0, end: 100})
  })

  it('city page: facts, organisation with QM status, interviews', async () => {
    const city = await getCity(site, 'boras', {asOf: FIXTURE_AS_OF})
    expect(city).not.toBeNull()
    if (!city) return
    expect(sortedKeys(city)).toEqual(
      keysOf<NonNullable<CityBySlugQueryResult>>()(
        '_id',
        '_updatedAt',
        'name',
        'slug',
        'municipality',
        'county',
        'description',
        'image',
        'keyFacts',
        'cityCentreOrganization',
        'interviews',
        'certifications',
        'awards',
      ),
    )
    expect(city.keyFacts?.map((fact) => [fact.label, fact.value])).toEqual([
      ['Invånare i kommunen', '115 000'],
      ['Planerade bostäder i centrum', '3 000'],
    ])
    // The latest certification (2024), not the superseded one (2021).
    expect(city.cityCentreOrganization).toMatchObject({
      name: 'Borås Stadskärna',
      certification: {_id: 'qm-boras-2024', status: 'valid'},
    })
    expect(city.interviews.map((item) => item.slug)).toEqual(['sa-blev-boras-stadskarna-tryggare'])

    // Every certification of the city, newest first, and the award years it took part in.
    expect(city.certifications.map((c) => [c._id, c.status, c.organization?.name])).toEqual([
      ['qm-boras-2024', 'valid', 'Borås Stadskärna'],
      ['qm-boras-2021', 'expired', 'Borås Stadskärna'],
    ])
    expect(city.awards).toEqual([
      {_id: 'award-2025', kind: 'aretsStadskarna', year: 2025, won: true},
      {_id: 'award-2024', kind: 'aretsStadskarna', year: 2024, won: false},
    ])

    const umea = await getCity(site, 'umea', {asOf: FIXTURE_AS_OF})
    expect(umea?.cityCentreOrganization?.certification?.status).toBe('expiring')
    expect(umea?.awards.map((award) => [award.year, award.won])).toEqual([
      [2025, false],
      [2024, false],
    ])
    const ystad = await getCity(site, 'ystad', {asOf: FIXTURE_AS_OF})
    expect(ystad?.cityCentreOrganization?.certification?.status).toBe('expired')
    expect(ystad?.awards.map((award) => [award.year, award.won])).toEqual([[2024, true]])
  })

  it('certified organisations: latest certification with status as of a date', async () => {
    const organizations = await getCertifiedOrganizations(site, {asOf: FIXTURE_AS_OF})
    expect(organizations.map((org) => [org.name, org.certification?.status])).toEqual([
      ['Borås Stadskärna', 'valid'],
      ['Umeå Centrum', 'expiring'],
      ['Ystad Centrumsamverkan', 'expired'],
    ])
    expect(sortedKeys(organizations[0])).toEqual(
      keysOf<Item<CertifiedOrganizationsQueryResult>>()(
        '_id',
        'name',
        'slug',
        'website',
        'city',
        'certificationCount',
        'certification',
      ),
    )
    expect(organizations[0]).toMatchObject({
      city: {name: 'Borås', county: 'Västra Götalands län'},
      certificationCount: 2,
    })
    expect(sortedKeys(organizations[0].certification)).toEqual(
      keysOf<NonNullable<Item<CertifiedOrganizationsQueryResult>['certification']>>()(
        '_id',
        'applicationType',
        'certifiedAt',
        'validUntil',
        'focusAreas',
        'status',
        'city',
      ),
    )
    // Three years later every one of them has expired.
    const later = await getCertifiedOrganizations(site, {asOf: '2028-06-15'})
    expect(later.map((org) => org.certification?.status)).toEqual(['expired', 'expired', 'expired'])
  })

  it('certified organisations by county, and the counties to filter by', async () => {
    const skane = await getCertifiedOrganizations(site, {asOf: FIXTURE_AS_OF, county: 'Skåne län'})
    expect(skane.map((org) => org.name)).toEqual(['Ystad Centrumsamverkan'])
    expect(await getCertifiedOrganizations(site, {county: 'Gotlands län'})).toEqual([])
    expect(await getCertifiedCounties(site)).toEqual([
      'Skåne län',
      'Västerbottens län',
      'Västra Götalands län',
    ])
  })

  it('organisation page: the revision chain, sections, assessor, area and awards', async () => {
    const organization = await getOrganization(site, 'boras-stadskarna', {asOf: FIXTURE_AS_OF})
    expect(organization).not.toBeNull()
    if (!organization) return
    expect(sortedKeys(organization)).toEqual(
      keysOf<NonNullable<OrganizationBySlugQueryResult>>()(
        '_id',
        '_updatedAt',
        'name',
        'slug',
        'kind',
        'website',
        'description',
        'memberSince',
        'city',
        'certifications',
        'awards',
      ),
    )
    expect(
      organization.certifications.map((c) => [
        c._id,
        c.applicationType,
        c.status,
        c.previousCertification?._id ?? null,
      ]),
    ).toEqual([
      ['qm-boras-2024', 'revision', 'valid', 'qm-boras-2021'],
      ['qm-boras-2021', 'new', 'expired', null],
    ])
    expect(organization.certifications[0]).toMatchObject({
      sections: ['currentSituation', 'developmentAndFollowUp'],
      assessor: {name: 'Karin Berg', role: 'Senior Advisor'},
      area: 'Gatorna mellan Viskan, stationen och Stora torget.',
    })
    expect(organization.certifications[1]!.sections).toEqual([])
    expect(organization.awards).toEqual([
      {_id: 'award-2025', kind: 'aretsStadskarna', year: 2025, won: true},
      {_id: 'award-2024', kind: 'aretsStadskarna', year: 2024, won: false},
    ])
    expect(await getOrganization(site, 'finns-inte')).toBeNull()
  })

  it('award history: published award years newest first, winner and its city, finalists', async () => {
    const awards = await listAwards(site)
    expect(awards.map((award) => [award.year, award.winner?.name, award.winnerCity?.name])).toEqual(
      [
        [2025, 'Borås Stadskärna', 'Borås'],
        [2024, 'Ystad Centrumsamverkan', 'Ystad'],
      ],
    )
    expect(sortedKeys(awards[0])).toEqual(
      keysOf<Item<AwardListQueryResult>>()(
        '_id',
        'kind',
        'year',
        'winner',
        'winnerCity',
        'finalists',
      ),
    )
    expect(awards[1]!.finalists.map((finalist) => finalist.city?.name)).toEqual([
      'Borås',
      'Umeå',
      'Ystad',
    ])
  })

  it('award year: timeline, finalists, winner, motivation, jury, interviews', async () => {
    const award = await getAward(site, 'aretsStadskarna', 2025)
    expect(award).not.toBeNull()
    if (!award) return
    expect(sortedKeys(award)).toEqual(
      keysOf<NonNullable<AwardQueryResult>>()(
        '_id',
        '_updatedAt',
        'kind',
        'year',
        'timeline',
        'winner',
        'finalists',
        'motivation',
        'jury',
        'interviews',
      ),
    )
    expect(award.timeline).toEqual({
      interestDeadline: '2024-12-31',
      documentsDeadline: '2025-02-14',
      juryVisits: '2025-03-10',
      finalistsAnnounced: '2025-03-25',
      winnerAnnounced: '2025-05-20',
    })
    expect(award.winner?.slug).toBe('boras-stadskarna')
    expect(award.finalists.map((finalist) => finalist.organization.name)).toEqual([
      'Borås Stadskärna',
      'Umeå Centrum',
    ])
    expect(award.motivation?.[0]?._type).toBe('block')
    expect(award.jury.map((juror) => juror.name)).toEqual(['Karin Berg'])
    expect(award.interviews.map((interview) => interview.slug)).toEqual([
      'sa-blev-boras-stadskarna-tryggare',
    ])
    // Drafts never reach the site, and an unknown year or kind is null.
    expect(await getAward(site, 'aretsStadskarna', 2026)).toBeNull()
    expect(await getAward(site, 'aretsPurpleFlag', 2025)).toBeNull()
  })

  it('home page: latest interviews and the cities with a valid or expiring QM', async () => {
    const home = await getHomePage(site, {asOf: FIXTURE_AS_OF, limit: 2})
    expect(sortedKeys(home)).toEqual(
      keysOf<HomePageQueryResult>()('latestInterviews', 'certifiedCities'),
    )
    expect(home.latestInterviews.map((item) => item.slug)).toEqual([
      'sa-blev-boras-stadskarna-tryggare',
      'umea-satsar-pa-handel-och-kultur',
    ])
    expect(
      home.certifiedCities.map((city) => [city.name, city.organization?.certification?.status]),
    ).toEqual([
      ['Borås', 'valid'],
      ['Umeå', 'expiring'],
    ])
    expect(sortedKeys(home.certifiedCities[0])).toEqual(
      keysOf<Item<HomePageQueryResult['certifiedCities']>>()(
        '_id',
        'name',
        'slug',
        'county',
        'organization',
      ),
    )
  })

  it('fact sheet', async () => {
    const factSheet = await getFactSheet(site)
    expect(sortedKeys(factSheet)).toEqual(
      keysOf<NonNullable<FactSheetQueryResult>>()(
        '_id',
        'title',
        'body',
        'website',
        'contacts',
        'organization',
      ),
    )
    expect(factSheet).toMatchObject({
      title: 'Fakta om Kvalitetsmärkningen',
      website: 'https://www.svenskastadskarnor.se/kvalitetsmarkning',
      contacts: [{name: 'Karin Berg', slug: 'karin-berg', role: 'Senior Advisor'}],
      organization: {name: 'Svenska Stadskärnor'},
    })
  })

  it('person, with their organisation and interviews', async () => {
    const person = await getPerson(site, 'anna-lindqvist')
    expect(sortedKeys(person)).toEqual(
      keysOf<NonNullable<PersonBySlugQueryResult>>()(
        '_id',
        'name',
        'slug',
        'role',
        'email',
        'phone',
        'portrait',
        '_updatedAt',
        'bio',
        'organization',
        'interviews',
      ),
    )
    expect(person).toMatchObject({
      name: 'Anna Lindqvist',
      organization: {name: 'Borås Stadskärna', city: {name: 'Borås', slug: 'boras'}},
      interviews: [{slug: 'sa-blev-boras-stadskarna-tryggare'}],
    })
    expect(await getPerson(site, 'ingen-alls')).toBeNull()
  })
})

describe('drafts', () => {
  it('never reach the published perspective, with or without a token', async () => {
    const withToken = createContentClient({env: envFor({SANITY_API_TOKEN: lake.adminToken})})
    for (const client of [site, withToken]) {
      const interview = await getInterview(client, 'sa-blev-boras-stadskarna-tryggare')
      expect(interview?.title).toBe('Så blev Borås stadskärna tryggare')
      expect(interview?.interviewee.name).toBe('Anna Lindqvist')
      expect(await getInterview(client, 'hemlig-intervju')).toBeNull()
      const list = await listInterviews(client, {pageSize: 100})
      expect(list.total).toBe(3)
      expect(JSON.stringify(list)).not.toMatch(/UTKAST|Hemlig|Utkast/)
      const city = await getCity(client, 'boras')
      expect(city?.name).toBe('Borås')
      expect(city?.interviews).toHaveLength(1)
      const person = await getPerson(client, 'anna-lindqvist')
      expect(person?.name).toBe('Anna Lindqvist')
      expect(await client.fetch('count(*[_id in path("drafts.**")])')).toBe(0)
    }
  })

  it('are shown in preview, which needs a token', async () => {
    expect(() => createContentClient({env: envFor(), preview: true})).toThrow(/SANITY_API_TOKEN/)
    const preview = createContentClient({
      env: envFor({SANITY_API_TOKEN: lake.adminToken}),
      preview: true,
    })
    const interview = await getInterview(preview, 'sa-blev-boras-stadskarna-tryggare')
    expect(interview?.title).toBe('UTKAST: ny rubrik som inte är publicerad')
    expect((await getInterview(preview, 'hemlig-intervju'))?.title).toBe('Hemlig intervju')
  })

  it('a published change is visible on the next read', async () => {
    const admin = lake.client({dataset: DATASET})
    await admin.patch('interview-ystad').set({title: 'Nya steg i Ystad'}).commit()
    expect((await getInterview(site, 'sma-steg-i-ystad'))?.title).toBe('Nya steg i Ystad')
    await admin.patch('interview-ystad').set({title: 'Små steg som gör skillnad i Ystad'}).commit()
  })
})

describe('QM status in GROQ agrees with domain/qmStatus.ts', () => {
  const dataset = 'qm-boundaries'
  const certifications: {id: string; certifiedAt: string; validUntil?: string}[] = []

  /** Certifications on and around every boundary that matters on `asOf`. */
  function boundaryCertifications(asOf: string) {
    const params = qmStatusQueryParams(asOf)
    const around = (date: string) => [addDays(date, -1), date, addDays(date, 1)]
    const dated = [...around(params.today), ...around(params.expiryHorizon)].map((validUntil) => ({
      certifiedAt: addDays(validUntil, -1000),
      validUntil,
    }))
    const undated = [
      ...around(params.expiredIfCertifiedBefore),
      ...around(params.validIfCertifiedFrom),
    ].map((certifiedAt) => ({certifiedAt}))
    return [...dated, ...undated]
  }

  const AS_OF_DATES = [
    FIXTURE_AS_OF,
    '2025-12-31',
    '2025-08-31', // + 6 months = Feb 28 (clamped)
    '2027-08-29', // + 6 months = Feb 29 (leap)
    '2028-02-29', // leap day itself
    '2027-02-28', // three years after a leap day
    '2028-03-01',
  ]

  beforeAll(async () => {
    const seen = new Set<string>()
    const fixed = [
      {certifiedAt: '2024-02-29'},
      {certifiedAt: '2025-02-28'},
      {certifiedAt: '2025-03-01'},
      {certifiedAt: '2024-08-31'},
      {certifiedAt: '2024-01-01', validUntil: '2028-02-29'},
    ]
    for (const dates of [...fixed, ...AS_OF_DATES.flatMap(boundaryCertifications)]) {
      const key = `${dates.certifiedAt}/${'validUntil' in dates ? dates.validUntil : ''}`
      if (seen.has(key)) continue
      seen.add(key)
      certifications.push({id: `c${certifications.length}`, ...dates})
    }
    const transaction = lake.client({dataset}).transaction()
    for (const certification of certifications) {
      transaction.create({
        _id: `org-${certification.id}`,
        _type: 'organization',
        name: certification.id,
        kind: 'cityCentreOrganization',
      })
      transaction.create({
        _id: `qm-${certification.id}`,
        _type: 'qmCertification',
        organization: {_type: 'reference', _ref: `org-${certification.id}`},
        applicationType: 'new',
        certifiedAt: certification.certifiedAt,
        ...(certification.validUntil ? {validUntil: certification.validUntil} : {}),
      })
    }
    await transaction.commit()
  })

  it.each(AS_OF_DATES)('as of %s', async (asOf) => {
    const client = createContentClient({
      env: {SANITY_API_HOST: lake.url, SANITY_PROJECT_ID: 'test', SANITY_DATASET: dataset},
    })
    const rows = await client.fetch(certifiedOrganizationsQuery, {
      county: null,
      ...statusParams(asOf),
    })
    expect(rows).toHaveLength(certifications.length)
    const fromGroq = new Map(rows.map((row) => [row.name, row.certification?.status]))
    const mismatches: string[] = []
    const seen = new Set<QmStatus>()
    for (const certification of certifications) {
      const expected = certificationStatus(certification, asOf)
      seen.add(expected)
      const actual = fromGroq.get(certification.id)
      if (actual !== expected) {
        mismatches.push(
          `${certification.certifiedAt}..${certification.validUntil ?? '(+3 år)'}: GROQ ${actual}, domain ${expected}`,
        )
      }
    }
    expect(mismatches).toEqual([])
    // The boundaries put certifications on every side of both limits.
    expect([...seen].sort()).toEqual(['expired', 'expiring', 'valid'])
  })
})

describe('createContentClient', () => {
  it('targets the local lake with the published perspective by default', () => {
    const config = createContentClient({env: {}}).config()
    expect(config.apiHost).toBe('http://127.0.0.1:3400')
    expect(config.projectId).toBe('local')
    expect(config.dataset).toBe('production')
    expect(config.perspective).toBe('published')
    expect(config.useCdn).toBe(false)
    expect(config.token).toBeUndefined()
  })

  it('targets a hosted project by environment variables', () => {
    const config = createContentClient({
      env: {
        SANITY_PROJECT_ID: 'abc123',
        SANITY_DATASET: 'staging',
        SANITY_API_VERSION: '2025-03-01',
      },
      useCdn: true,
    }).config()
    expect(config.apiHost).toBe('https://api.sanity.io')
    expect(config.useProjectHostname).toBe(true)
    expect(config.projectId).toBe('abc123')
    expect(config.dataset).toBe('staging')
    expect(config.apiVersion).toBe('2025-03-01')
    expect(config.useCdn).toBe(true)
  })

  it.each([
    ['SANITY_DATASET', {SANITY_DATASET: 'Bad Name'}],
    ['SANITY_PROJECT_ID', {SANITY_PROJECT_ID: 'Not_Valid'}],
    ['SANITY_API_HOST', {SANITY_API_HOST: 'localhost:3400'}],
    ['SANITY_API_VERSION', {SANITY_API_VERSION: 'yesterday'}],
  ])('reports an invalid %s at creation', (variable, env) => {
    expect(() => createContentClient({env})).toThrow(variable)
  })

  it('preview uses the drafts perspective and the token', () => {
    const config = createContentClient({env: {SANITY_API_TOKEN: 'sk-test'}, preview: true}).config()
    expect(config.perspective).toBe('drafts')
    expect(config.token).toBe('sk-test')
    expect(config.useCdn).toBe(false)
  })
})
