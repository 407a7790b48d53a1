/**
 * The project's demo content: three invented QM interviews (imported through the interview
 * importer, as an editor would) plus the cities' facts, the certifications around them (with their
 * application sections, assessor, area and revision chains) and two years of Årets Stadskärna.
 * Dates are relative to the day of seeding, so the demo always shows valid, expiring and expired
 * Quality Marks, and every award finalist held a valid QM on its nomination day.
 */
import {fileURLToPath} from 'node:url'

import type {SanityClient} from '@sanity/client'

import {QM_SECTIONS, type QmSection} from '../../domain/qmSections.ts'
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
  /**
   * Months before the seeding day that each certification was issued, newest first; each but the
   * oldest is a revision of the next one.
   */
  certifiedMonthsAgo: number[]
  focusAreas: string[]
  area: string
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
    certifiedMonthsAgo: [12, 48],
    focusAreas: ['Samverkan', 'Evenemang', 'Trygghet'],
    area: 'Innerstaden mellan stationen, fästningen och Kungsgatan.',
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
    area: 'Halvön mellan Norra och Södra hamnen, från Storgatan till Kulturens hus.',
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
    area: 'Den medeltida stadskärnan innanför ringvägen, med Stortorget i mitten.',
  },
]

/** The evidence the demo applications give for each section (invented, in Swedish). */
const SECTION_EVIDENCE: Readonly<Record<QmSection, string>> = {
  background:
    'Samverkan startade som ett nätverk av handlare och har sedan dess vuxit till en förening med kommun och fastighetsägare.',
  currentSituation:
    'Nulägesanalysen bygger på vakansinventering, besöksräkning och en enkät till medlemmarna.',
  organisation:
    'Styrelsen har en ledamot var från kommunen, fastighetsägarna och näringslivet; kansliet har två anställda.',
  financeAndBudget:
    'Parterna finansierar verksamheten med en tredjedel var, enligt ett avtal som löper i tre år.',
  visionAndBusinessIdea:
    'Visionen är en levande stadskärna där fler vill bo, arbeta och mötas, året runt.',
  goalsAndStrategy:
    'Målen gäller trygghet, färre tomma lokaler och fler besökare, med en strategi per mål.',
  businessAndActionPlan:
    'Handlingsplanen anger vem som gör vad varje kvartal, och verksamhetsplanen följs upp i styrelsen.',
  developmentAndFollowUp: 'Indikatorerna mäts varje kvartal och redovisas öppet för medlemmarna.',
  communicationAndDialogue:
    'Medlemsbrev varje månad, två stormöten om året och en öppen dialog med boende.',
}

/** A revision covers fewer sections: what changed since the certification it renews. */
const REVISION_SECTIONS: readonly QmSection[] = [
  'currentSituation',
  'goalsAndStrategy',
  'developmentAndFollowUp',
]

function paragraph(key: string, text: string) {
  return {
    _type: 'block',
    _key: key,
    style: 'normal',
    markDefs: [],
    children: [{_type: 'span', _key: `${key}s`, text, marks: []}],
  }
}

function criteriaFor(sections: readonly QmSection[], swotAssetId?: string) {
  return sections.map((section, index) => ({
    _type: 'qmCriterion',
    _key: `section${index}`,
    section,
    evidence: [paragraph(`evidence${index}`, SECTION_EVIDENCE[section])],
    ...(section === 'currentSituation' && swotAssetId
      ? {
          attachments: [
            {
              _type: 'qmAttachment',
              _key: 'swot',
              kind: 'swot',
              description: 'SWOT-analys av stadskärnan',
              file: {_type: 'file', asset: {_type: 'reference', _ref: swotAssetId}},
            },
          ],
        }
      : {}),
  }))
}

/** The demo's QM assessor and jury (invented people). */
const DEMO_PEOPLE = [
  {
    _id: 'person-demo-helena-sjoberg',
    name: 'Helena Sjöberg',
    role: 'Granskare för Kvalitetsmärkningen',
  },
  {_id: 'person-demo-anders-nyqvist', name: 'Anders Nyqvist', role: 'Jurymedlem, fastighetsägare'},
  {_id: 'person-demo-sara-lind', name: 'Sara Lind', role: 'Jurymedlem, stadsplanerare'},
] as const

/** A one-page PDF saying "SWOT", so the demo has a real attachment to open. */
function swotPdf(): Buffer {
  const stream = 'BT /F1 24 Tf 72 720 Td (SWOT-analys, demo) Tj ET'
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ]
  let body = '%PDF-1.4\n'
  const offsets: number[] = []
  objects.forEach((object, index) => {
    offsets.push(body.length)
    body += `${index + 1} 0 obj\n${object}\nendobj\n`
  })
  const xref = body.length
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`
  for (const offset of offsets) body += `${String(offset).padStart(10, '0')} 00000 n \n`
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`
  return Buffer.from(body, 'latin1')
}

interface DemoAward {
  /** Months before the seeding day that the winner was announced. */
  winnerMonthsAgo: number
  /** Finalists by organisation id; the first one wins. */
  finalists: string[]
  motivation: string
}

const DEMO_AWARDS: DemoAward[] = [
  {
    winnerMonthsAgo: 6,
    finalists: [
      'organization-varberg-city',
      'organization-lulea-centrum',
      'organization-ystad-innerstad',
    ],
    motivation:
      'Varberg City har använt ombyggnaden av stationsområdet till att samla kommun, fastighetsägare och handlare kring en gemensam plan. Juryn lyfter särskilt de öppna mätningarna av besöksflöden.',
  },
  {
    winnerMonthsAgo: 18,
    finalists: [
      'organization-ystad-innerstad',
      'organization-lulea-centrum',
      'organization-varberg-city',
    ],
    motivation:
      'Ystad Innerstad visar hur en medeltida stadskärna kan vara levande året runt. Arbetet med tomma lokaler har gett fler verksamheter och fler besökare även utanför sommaren.',
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
  const swot = await client.assets.upload('file', swotPdf(), {
    filename: 'swot-demo.pdf',
    contentType: 'application/pdf',
  })
  const transaction = client.transaction()
  for (const person of DEMO_PEOPLE) {
    transaction.createOrReplace({
      _id: person._id as string,
      name: person.name as string,
      role: person.role as string,
      _type: 'person',
      slug: {_type: 'slug', current: person._id.replace(/^person-demo-/, '')},
    })
  }
  const [assessor, ...jury] = DEMO_PEOPLE
  const interviewByOrganization = new Map<string, string>()
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

    const certificationIdOf = (monthsAgo: number) =>
      `qmCertification-${city.organizationId.replace(/^organization-/, '')}-${addMonths(today, -monthsAgo)}`
    const certificationIds = city.certifiedMonthsAgo.map((monthsAgo, index) => {
      const certifiedAt = addMonths(today, -monthsAgo)
      const id = certificationIdOf(monthsAgo)
      const renews = city.certifiedMonthsAgo[index + 1]
      const isRevision = renews !== undefined
      transaction.createOrReplace({
        _id: id,
        _type: 'qmCertification',
        organization: {_type: 'reference', _ref: city.organizationId},
        city: {_type: 'reference', _ref: city.cityId},
        applicationType: isRevision ? 'revision' : 'new',
        ...(isRevision
          ? {previousCertification: {_type: 'reference', _ref: certificationIdOf(renews)}}
          : {}),
        certifiedAt,
        validUntil: expectedValidUntil(certifiedAt),
        focusAreas: city.focusAreas,
        assessor: {_type: 'reference', _ref: assessor._id},
        area: {description: city.area},
        criteria: criteriaFor(
          isRevision ? REVISION_SECTIONS : QM_SECTIONS.map((section) => section.value),
          index === 0 ? swot._id : undefined,
        ),
      })
      return id
    })

    const interviewIds = await client.fetch<string[]>(
      '*[_type == "interview" && organization._ref == $organizationId]._id',
      {organizationId: city.organizationId},
      {perspective: 'raw'},
    )
    if (interviewIds[0]) interviewByOrganization.set(city.organizationId, interviewIds[0])
    for (const [index, interviewId] of interviewIds.entries()) {
      transaction.patch(interviewId, (patch) =>
        patch.set({
          certification: {_type: 'reference', _ref: certificationIds[0]},
          publishedAt: `${addMonths(today, -index - city.certifiedMonthsAgo[0])}T09:00:00Z`,
        }),
      )
    }
  }

  const cityOf = new Map(DEMO_CITIES.map((city) => [city.organizationId, city.cityId]))
  for (const award of DEMO_AWARDS) {
    const winnerAnnounced = addMonths(today, -award.winnerMonthsAgo)
    const year = Number(winnerAnnounced.slice(0, 4))
    const winner = award.finalists[0]!
    const interview = interviewByOrganization.get(winner)
    transaction.createOrReplace({
      _id: `award-arets-stadskarna-${year}`,
      _type: 'award',
      kind: 'aretsStadskarna',
      year,
      timeline: {
        interestDeadline: addMonths(winnerAnnounced, -5),
        documentsDeadline: addMonths(winnerAnnounced, -3),
        juryVisits: addMonths(winnerAnnounced, -2),
        finalistsAnnounced: addMonths(winnerAnnounced, -1),
        winnerAnnounced,
      },
      finalists: award.finalists.map((organizationId, index) => ({
        _type: 'awardFinalist',
        _key: `finalist${index}`,
        organization: {_type: 'reference', _ref: organizationId},
        city: {_type: 'reference', _ref: cityOf.get(organizationId)},
      })),
      winner: {_type: 'reference', _ref: winner},
      jury: jury.map((person, index) => ({
        _type: 'reference',
        _key: `jury${index}`,
        _ref: person._id,
      })),
      motivation: [paragraph('motivation', award.motivation)],
      ...(interview
        ? {interviews: [{_type: 'reference', _key: 'interview0', _ref: interview}]}
        : {}),
    })
  }
  await transaction.commit()

  const documents = await client.fetch<number>('count(*)', {}, {perspective: 'raw'})
  return {seeded: true, documents}
}
