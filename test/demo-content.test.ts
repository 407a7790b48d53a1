import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {certificationStatus} from '../domain/qmStatus.ts'
import {seedDemoContent} from '../scripts/demo/seedDemoContent.ts'
import {startTestLake, type TestLake} from './helpers/lake.ts'

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
    expect(statuses).toEqual(['expired', 'expiring', 'valid', 'valid'])

    const facts = await published.fetch<Array<{label: string; value: string}>>(
      '*[_id == "city-lulea"][0].keyFacts[]{label, value}',
    )
    expect(facts).toContainEqual({label: 'Planerade bostäder i centrum', value: '2 500'})
  })

  it('leaves a dataset that already has content untouched', async () => {
    const client = lake.client({dataset: 'kept'})
    await client.create({_id: 'person-own', _type: 'person', name: 'Egen Person'})
    const outcome = await seedDemoContent(client)
    expect(outcome).toEqual({seeded: false, reason: 'the dataset already holds 1 documents'})
    expect(await client.fetch('count(*)')).toBe(1)
  })
})
