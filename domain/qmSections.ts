/**
 * The nine sections a Quality Mark application is assessed in, as Svenska Stadskärnor publishes
 * them, and the kinds of attachment an application carries. Stored values are stable English
 * keys; editors and readers see the Swedish titles.
 *
 * `sectionForArea` maps the free text older certifications carry (`qmCriterion.area`) to a
 * section: case, diacritics, punctuation and spacing are ignored, and common variants are listed.
 */

export const QM_SECTIONS = [
  {value: 'background', title: 'Bakgrund'},
  {value: 'currentSituation', title: 'Nuläget'},
  {value: 'organisation', title: 'Organisation'},
  {value: 'financeAndBudget', title: 'Finansiering och budget'},
  {value: 'visionAndBusinessIdea', title: 'Vision och affärsidé'},
  {value: 'goalsAndStrategy', title: 'Mål och strategi'},
  {value: 'businessAndActionPlan', title: 'Affärs-, handlings- och verksamhetsplan'},
  {
    value: 'developmentAndFollowUp',
    title: 'Utveckling, indikatorer och resultatuppföljning',
  },
  {value: 'communicationAndDialogue', title: 'Kommunikation och dialog'},
] as const

export type QmSection = (typeof QM_SECTIONS)[number]['value']

export const QM_SECTION_VALUES: readonly QmSection[] = QM_SECTIONS.map((section) => section.value)

export function qmSectionTitle(section: unknown): string | undefined {
  return QM_SECTIONS.find((candidate) => candidate.value === section)?.title
}

export const QM_ATTACHMENT_KINDS = [
  {value: 'swot', title: 'SWOT'},
  {value: 'organisationMatrix', title: 'Organisationsmatris'},
  {value: 'map', title: 'Karta'},
  {value: 'fundingAgreement', title: 'Finansieringsavtal'},
  {value: 'other', title: 'Annat'},
] as const

export function qmAttachmentKindTitle(kind: unknown): string | undefined {
  return QM_ATTACHMENT_KINDS.find((candidate) => candidate.value === kind)?.title
}

/** Lower case, without diacritics (å → a, é → e), punctuation as spaces, spacing collapsed. */
export function normalizeAreaText(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/&/g, ' och ')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
}

/**
 * Free-text spellings seen for each section, written as editors write them. They are compared
 * after {@link normalizeAreaText}, so "Nuläge", "NULÄGET" and "nulage" are the same entry.
 */
const AREA_SPELLINGS: Readonly<Record<QmSection, readonly string[]>> = {
  background: ['Bakgrund', 'Bakgrunden', 'Historik', 'Bakgrund och historik', '1. Bakgrund'],
  currentSituation: [
    'Nuläget',
    'Nuläge',
    'Nulägesanalys',
    'Nulägesbeskrivning',
    'Nuläge och analys',
    'Omvärldsanalys',
  ],
  organisation: [
    'Organisation',
    'Organisationen',
    'Organisering',
    'Organisationsform',
    'Organisation och samverkan',
    'Samverkan',
  ],
  financeAndBudget: [
    'Finansiering och budget',
    'Finansiering',
    'Budget',
    'Ekonomi',
    'Budget och finansiering',
    'Ekonomi och finansiering',
    'Finansiering & budget',
  ],
  visionAndBusinessIdea: [
    'Vision och affärsidé',
    'Vision',
    'Affärsidé',
    'Vision och affärside',
    'Vision, affärsidé',
    'Vision & affärsidé',
  ],
  goalsAndStrategy: ['Mål och strategi', 'Mål', 'Strategi', 'Mål och strategier', 'Mål & strategi'],
  businessAndActionPlan: [
    'Affärs-, handlings- och verksamhetsplan',
    'Affärs- handlings- och verksamhetsplan',
    'Affärsplan',
    'Handlingsplan',
    'Verksamhetsplan',
    'Affärs och handlingsplan',
    'Handlings- och verksamhetsplan',
    'Affärs-, handlings-, och verksamhetsplan',
  ],
  developmentAndFollowUp: [
    'Utveckling, indikatorer och resultatuppföljning',
    'Utveckling indikatorer och resultatuppföljning',
    'Resultatuppföljning',
    'Uppföljning',
    'Indikatorer',
    'Indikatorer och uppföljning',
    'Utveckling och uppföljning',
    'Mätning och uppföljning',
  ],
  communicationAndDialogue: [
    'Kommunikation och dialog',
    'Kommunikation',
    'Dialog',
    'Kommunikation & dialog',
    'Kommunikation och marknadsföring',
  ],
}

const SECTION_BY_SPELLING: ReadonlyMap<string, QmSection> = new Map(
  QM_SECTION_VALUES.flatMap((section) =>
    AREA_SPELLINGS[section].map((spelling) => [normalizeAreaText(spelling), section] as const),
  ),
)

/**
 * The section a free-text criteria area names, or undefined when the text is not one of the known
 * spellings (so a person has to decide). A leading section number ("3. Organisation") is ignored.
 */
export function sectionForArea(area: string): QmSection | undefined {
  const normalized = normalizeAreaText(area).replace(/^\d+\s+/, '')
  return SECTION_BY_SPELLING.get(normalized)
}

/** The sections a new application lacks, in the official order. */
export function missingSections(covered: Iterable<unknown>): QmSection[] {
  const present = new Set(covered)
  return QM_SECTION_VALUES.filter((section) => !present.has(section))
}
