import {pathToString, type SanityDocument, validateDocument} from 'sanity'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {isValidOn} from '../domain/qmEligibility.ts'
import {certificationStatus} from '../domain/qmStatus.ts'
import {seedDemoContent} from '../scripts/demo/seedDemoContent.ts'
import {startTestLake, type TestLake} from '../testkit/lake.ts'
import {createTestWorkspace} from './helpers/studioWorkspace.ts'

let lake: TestLake

beforeAll(async () => {
  lake = await startTestLake()
})
afterAll(async () => {
  await lake.stop()
})

describe('demo content', () => {
  it('seeds an empty dataset with interviews, cities and one certification of each status', async () => {
    const client = lake.client({dataset: 'demo'})
    const today = '2026-11-26'
    const outcome = await seedDemoContent(client, {today})
    expect(outcome.seeded).toBe(true)

    const published = lake.client({dataset: 'demo', token: null})
    const interviews = await published.fetch<
      Array<{title: string; questions: number; city: string; certifiedAt: string}>
    >(
      `*[_type == "interview"] | order(title asc){
        title, "questions": count(questions), "city": city->name,
        "certifiedAt": certification->certifiedAt
      }`,
    )
    expect(interviews).toHaveLength(3)
    expect(interviews.map((interview) => interview.city).sort()).toEqual([
      'Luleå',
      'Varberg',
      'Ystad',
    ])
    for (const interview of interviews) {
      expect(interview.questions).toBeGreaterThanOrEqual(3)
      expect(interview.certifiedAt).toMatch(/^\d{4}-\d{2}-\d{2}$/)
    }

    const certifications = await published.fetch<Array<{certifiedAt: string; validUntil: string}>>(
      '*[_type == "qmCertification"]{certifiedAt, validUntil}',
    )
    const statuses = certifications.map((dates) => certificationStatus(dates, today)).sort()
    expect(statuses).toEqual(['expired', 'expired', 'expiring', 'valid', 'valid'])

    const facts = await published.fetch<Array<{label: string; value: string}>>(
      '*[_id == "city-lulea"][0].keyFacts[]{label, value}',
    )
    expect(facts).toContainEqual({label: 'Planerade bostäder i centrum', value: '2 500'})

    // Revision chains: every revision renews the organisation's previous certification.
    const revisions = await published.fetch<
      Array<{organization: string; previous: string | null; sections: number}>
    >(
      `*[_type == "qmCertification" && applicationType == "revision"]{
        "organization": organization._ref,
        "previous": previousCertification->organization._ref,
        "sections": count(criteria)
      }`,
    )
    expect(revisions).toHaveLength(2)
    for (const revision of revisions) {
      expect(revision.previous).toBe(revision.organization)
      expect(revision.sections).toBeLessThan(9)
    }
    expect(
      await published.fetch(
        'count(*[_type == "qmCertification" && applicationType == "new" && count(criteria) == 9])',
      ),
    ).toBe(3)
    expect(
      await published.fetch(
        'count(*[_type == "qmCertification"].criteria[].attachments[kind == "swot"])',
      ),
    ).toBeGreaterThan(0)

    // Two award years, each with three finalists who all held a valid QM when they were named.
    const awards = await published.fetch<
      Array<{
        year: number
        nominated: string
        winner: string
        finalists: Array<{
          organization: string
          certifications: {certifiedAt: string; validUntil: string}[]
        }>
        motivation: number
        interviews: number
      }>
    >(
      `*[_type == "award"] | order(year desc){
        year, "nominated": timeline.finalistsAnnounced, "winner": winner._ref,
        "finalists": finalists[]{
          "organization": organization._ref,
          "certifications": *[_type == "qmCertification" && organization._ref == ^.organization._ref]{certifiedAt, validUntil}
        },
        "motivation": count(motivation), "interviews": count(interviews)
      }`,
    )
    expect(awards.map((award) => award.year)).toEqual([2026, 2025])
    for (const award of awards) {
      expect(award.finalists).toHaveLength(3)
      expect(award.finalists.map((finalist) => finalist.organization)).toContain(award.winner)
      for (const finalist of award.finalists) {
        expect(finalist.certifications.some((c) => isValidOn(c, award.nominated))).toBe(true)
      }
      expect(award.motivation).toBeGreaterThan(0)
      expect(award.interviews).toBe(1)
    }
  })

  it('passes the Studio’s own validation: no errors in any demo document', async () => {
    const client = lake.client({dataset: 'demo-valid'})
    await seedDemoContent(client, {today: '2026-11-26'})
    const documents = await client.fetch<SanityDocument[]>(
      '*[!(_id in path("_.**")) && !(_type match "sanity.*")]',
    )
    // sanity 6.9 types its client as @sanity/client 7's; the project's v8 client is wire-compatible.
    const workspace = await createTestWorkspace(client as never)
    const errors: string[] = []
    for (const document of documents) {
      const markers = await validateDocument({
        document,
        workspace,
        environment: 'studio',
        getDocumentExists: async () => true,
      })
      for (const marker of markers.filter((candidate) => candidate.level === 'error')) {
        errors.push(`${document._id} ${pathToString(marker.path)}: ${marker.message}`)
      }
    }
    expect(errors).toEqual([])
    expect(documents.filter((document) => document._type === 'award')).toHaveLength(2)
  })

  it('leaves a dataset that already has content untouched', async () => {
    const client = lake.client({dataset: 'kept'})
    await client.create({_id: 'person-own', _type: 'person', name: 'Egen Person'})
    const outcome = await seedDemoContent(client)
    expect(outcome).toEqual({seeded: false, reason: 'the dataset already holds 1 documents'})
    expect(await client.fetch('count(*)')).toBe(1)
  })
})
