/**
 * The project's demo content: three invented QM interviews (imported through the interview
 * importer, as an editor would) plus the cities' facts and the certifications around them.
 * Certification dates are relative to the day of seeding, so the demo always shows one valid,
 * one expiring and one expired Quality Mark.
 */
import {fileURLToPath} from 'node:url'

import type {SanityClient} from '@sanity/client'

import {addMonths, expectedValidUntil, toIsoDate} from '../../domain/qmStatus.ts'
import {importFiles} from '../import/index.ts'

export const DEMO_INTERVIEWS_DIR = fileURLToPath(new URL('./interviews/', import.meta.url))

export type SeedOutcome = {seeded: true; documents: number} | {seeded: false; reason: string}

interface DemoCity {
  cityId: string
  organizationId: string
  municipality: string
  county: string
  description: string
  keyFacts: Array<[label: string, value: string]>
  memberSince: string
  /** Months before the seeding day that each certification was issued, newest first. */
  certifiedMonthsAgo: number[]
  focusAreas: string[]
}

const DEMO_CITIES: DemoCity[] = [
  {
    cityId: 'city-varberg',
    organizationId: 'organization-varberg-city',
    municipality: 'Varbergs kommun',
    county: 'Hallands län',
    description: 'Kuststad där stadskärnan förnyas i takt med den nya järnvägstunneln.',
    keyFacts: [
      ['Invånare i kommunen', '66 000'],
      ['Medlemsföretag', '140'],
    ],
    memberSince: '2012-03-01',
    certifiedMonthsAgo: [12],
    focusAreas: ['Samverkan', 'Evenemang', 'Trygghet'],
  },
  {
    cityId: 'city-lulea',
    organizationId: 'organization-lulea-centrum',
    municipality: 'Luleå kommun',
    county: 'Norrbottens län',
    description: 'Nordlig stadskärna som växer med nya bostäder och arbetsplatser.',
    keyFacts: [
      ['Planerade bostäder i centrum', '2 500'],
      ['Medlemsföretag', '210'],
    ],
    memberSince: '2009-09-15',
    certifiedMonthsAgo: [33],
    focusAreas: ['Ljus och trygghet', 'Bostäder', 'Kultur'],
  },
  {
    cityId: 'city-ystad',
    organizationId: 'organization-ystad-innerstad',
    municipality: 'Ystads kommun',
    county: 'Skåne län',
    description: 'Medeltida stadskärna med korsvirkeshus och ett starkt sommarliv.',
    keyFacts: [
      ['Butiker och restauranger', '180'],
      ['Besökare per år', '1,2 miljoner'],
    ],
    memberSince: '2015-01-20',
    certifiedMonthsAgo: [2, 40],
    focusAreas: ['Vakanser', 'Besöksflöden'],
  },
]

/** Seeds the demo content into an empty dataset; leaves a dataset with content untouched. */
export async function seedDemoContent(
  client: SanityClient,
  options: {today?: string | Date; log?: (line: string) => void} = {},
): Promise<SeedOutcome> {
  const dataset = client.config().dataset
  if (!dataset) throw new Error('The client has no dataset configured')
  const datasets = await client.datasets.list()
  if (!datasets.some((candidate) => candidate.name === dataset)) {
    await client.datasets.create(dataset)
  }
  const existing = await client.fetch<number>(
    'count(*[!(_id in path("_.**"))])',
    {},
    {
      perspective: 'raw',
    },
  )
  if (existing > 0) {
    return {seeded: false, reason: `the dataset already holds ${existing} documents`}
  }

  const summary = await importFiles([DEMO_INTERVIEWS_DIR], {client, log: options.log})
  if (!summary.ok) {
    const failures = summary.files.filter((file) => !file.ok).map((file) => file.error)
    throw new Error(`Demo interviews failed to import:\n${failures.join('\n')}`)
  }

  const today = toIsoDate(options.today ?? new Date())
  const transaction = client.transaction()
  for (const city of DEMO_CITIES) {
    transaction.patch(city.cityId, (patch) =>
      patch.set({
        municipality: city.municipality,
        county: city.county,
        description: city.description,
        cityCentreOrganization: {_type: 'reference', _ref: city.organizationId},
        keyFacts: city.keyFacts.map(([label, value], index) => ({
          _key: `fact${index}`,
          _type: 'keyFact',
          label,
          value,
        })),
      }),
    )
    transaction.patch(city.organizationId, (patch) => patch.set({memberSince: city.memberSince}))

    const certificationIds = city.certifiedMonthsAgo.map((monthsAgo, index) => {
      const certifiedAt = addMonths(today, -monthsAgo)
      const id = `qmCertification-${city.organizationId.replace(/^organization-/, '')}-${certifiedAt}`
      transaction.createOrReplace({
        _id: id,
        _type: 'qmCertification',
        organization: {_type: 'reference', _ref: city.organizationId},
        city: {_type: 'reference', _ref: city.cityId},
        applicationType: index < city.certifiedMonthsAgo.length - 1 ? 'revision' : 'new',
        certifiedAt,
        validUntil: expectedValidUntil(certifiedAt),
        focusAreas: city.focusAreas,
      })
      return id
    })

    const interviewIds = await client.fetch<string[]>(
      '*[_type == "interview" && organization._ref == $organizationId]._id',
      {organizationId: city.organizationId},
      {perspective: 'raw'},
    )
    for (const [index, interviewId] of interviewIds.entries()) {
      transaction.patch(interviewId, (patch) =>
        patch.set({
          certification: {_type: 'reference', _ref: certificationIds[0]},
          publishedAt: `${addMonths(today, -index - city.certifiedMonthsAgo[0])}T09:00:00Z`,
        }),
      )
    }
  }
  await transaction.commit()

  const documents = await client.fetch<number>('count(*)', {}, {perspective: 'raw'})
  return {seeded: true, documents}
}
