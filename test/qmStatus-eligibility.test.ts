/**
 * The QM rules next to qmStatus.ts: Årets Stadskärna eligibility, the revision window and the
 * prefilled revision, the nine sections and the free-text mapping, the award timeline.
 */
import {describe, expect, it} from 'vitest'

import {AWARD_TIMELINE, awardKindBySlug, timelineOutOfOrder} from '../domain/awards.ts'
import {
  isEligibleForAretsStadskarna,
  isValidOn,
  validCertificationOn,
} from '../domain/qmEligibility.ts'
import {checkRevisionGap, revisionDraftOf} from '../domain/qmRevision.ts'
import {
  missingSections,
  normalizeAreaText,
  QM_SECTION_VALUES,
  QM_SECTIONS,
  sectionForArea,
} from '../domain/qmSections.ts'

describe('Årets Stadskärna eligibility', () => {
  const certification = {certifiedAt: '2022-05-10', validUntil: '2025-05-10'}

  it('a certification is valid from its date through its last valid day', () => {
    expect(isValidOn(certification, '2022-05-09')).toBe(false)
    expect(isValidOn(certification, '2022-05-10')).toBe(true)
    expect(isValidOn(certification, '2025-05-10')).toBe(true)
    expect(isValidOn(certification, '2025-05-11')).toBe(false)
  })

  it('without validUntil the certification date + three years counts, Feb 29 → Feb 28', () => {
    expect(isValidOn({certifiedAt: '2024-02-29'}, '2027-02-28')).toBe(true)
    expect(isValidOn({certifiedAt: '2024-02-29'}, '2027-03-01')).toBe(false)
  })

  it('a timestamp counts as the day it is in Sweden', () => {
    // 23:30 UTC on 10 May 2025 is already 11 May in Stockholm.
    expect(isValidOn(certification, new Date('2025-05-10T21:30:00Z'))).toBe(true)
    expect(isValidOn(certification, new Date('2025-05-10T22:30:00Z'))).toBe(false)
  })

  it('a certification without a date, or with a malformed one, is never valid', () => {
    expect(isValidOn({}, '2025-01-01')).toBe(false)
    expect(isValidOn({certifiedAt: '2025-13-01'}, '2025-01-01')).toBe(false)
  })

  it('an organisation is eligible when any of its certifications is valid that day', () => {
    const chain = [certification, {certifiedAt: '2025-05-10', validUntil: '2028-05-10'}]
    expect(isEligibleForAretsStadskarna(chain, '2026-03-20')).toBe(true)
    expect(validCertificationOn(chain, '2026-03-20')).toBe(chain[1])
    expect(isEligibleForAretsStadskarna(chain, '2021-01-01')).toBe(false)
    expect(isEligibleForAretsStadskarna([], '2026-03-20')).toBe(false)
  })
})

describe('revisions', () => {
  it('the renewed certification must end within a year of the revision’s start, both limits included', () => {
    const previous = {certifiedAt: '2021-06-15', validUntil: '2024-06-14'}
    expect(checkRevisionGap(previous, '2024-06-14')).toEqual({ok: true})
    expect(checkRevisionGap(previous, '2025-06-14')).toEqual({ok: true})
    expect(checkRevisionGap(previous, '2025-06-15')).toEqual({
      ok: false,
      problem: 'endedTooEarly',
      previousValidUntil: '2024-06-14',
      earliest: '2024-06-15',
    })
    expect(checkRevisionGap(previous, '2023-06-14')).toEqual({ok: true})
    expect(checkRevisionGap(previous, '2023-06-13')).toEqual({
      ok: false,
      problem: 'endsTooLate',
      previousValidUntil: '2024-06-14',
      latest: '2024-06-13',
    })
  })

  it('the prefilled revision: same organisation and city, a reference back, +3 years from the end', () => {
    expect(
      revisionDraftOf({
        _id: 'drafts.qm-1',
        organization: {_ref: 'org-1'},
        city: {_ref: 'city-1'},
        certifiedAt: '2021-02-28',
        validUntil: '2024-02-29',
      }),
    ).toEqual({
      _type: 'qmCertification',
      applicationType: 'revision',
      organization: {_type: 'reference', _ref: 'org-1'},
      city: {_type: 'reference', _ref: 'city-1'},
      previousCertification: {_type: 'reference', _ref: 'qm-1'},
      certifiedAt: '2024-02-29',
      validUntil: '2027-02-28',
    })
    // Without validUntil or city: certification date + 3 years, and no city.
    expect(revisionDraftOf({_id: 'qm-2', certifiedAt: '2022-01-10'})).toEqual({
      _type: 'qmCertification',
      applicationType: 'revision',
      previousCertification: {_type: 'reference', _ref: 'qm-2'},
      certifiedAt: '2025-01-10',
      validUntil: '2028-01-10',
    })
  })
})

describe('the nine sections', () => {
  it('are the nine Svenska Stadskärnor assesses, in order', () => {
    expect(QM_SECTIONS.map((section) => section.title)).toEqual([
      'Bakgrund',
      'Nuläget',
      'Organisation',
      'Finansiering och budget',
      'Vision och affärsidé',
      'Mål och strategi',
      'Affärs-, handlings- och verksamhetsplan',
      'Utveckling, indikatorer och resultatuppföljning',
      'Kommunikation och dialog',
    ])
    expect(new Set(QM_SECTION_VALUES).size).toBe(9)
  })

  it('every title maps to its own section', () => {
    for (const {value, title} of QM_SECTIONS) expect(sectionForArea(title)).toBe(value)
  })

  it.each([
    ['nuläge', 'currentSituation'],
    ['NULÄGET', 'currentSituation'],
    ['Nulage', 'currentSituation'],
    ['  Finansiering  &  budget ', 'financeAndBudget'],
    ['Ekonomi', 'financeAndBudget'],
    ['Vision och affarside', 'visionAndBusinessIdea'],
    ['Affärs- handlings- och verksamhetsplan', 'businessAndActionPlan'],
    ['Handlingsplan', 'businessAndActionPlan'],
    ['Resultatuppföljning', 'developmentAndFollowUp'],
    ['3. Organisation', 'organisation'],
    ['Kommunikation & dialog', 'communicationAndDialogue'],
  ])('maps the free text "%s" to %s', (text, section) => {
    expect(sectionForArea(text)).toBe(section)
  })

  it.each(['Trygghet', 'Övrigt', '', 'Organisationens historia och nuläge'])(
    'leaves "%s" unmapped',
    (text) => {
      expect(sectionForArea(text)).toBeUndefined()
    },
  )

  it('normalises case, diacritics, punctuation and spacing', () => {
    expect(normalizeAreaText(' Affärs-, HANDLINGS- och  Verksamhetsplan ')).toBe(
      'affars handlings och verksamhetsplan',
    )
  })

  it('lists the sections a new application lacks, in order', () => {
    expect(missingSections(['organisation', 'background', 'unknown'])).toEqual(
      QM_SECTION_VALUES.filter((value) => value !== 'organisation' && value !== 'background'),
    )
    expect(missingSections(QM_SECTION_VALUES)).toEqual([])
  })
})

describe('award timeline', () => {
  it('finds the first step dated before an earlier one; gaps are fine', () => {
    expect(
      timelineOutOfOrder({interestDeadline: '2024-12-31', winnerAnnounced: '2025-05-20'}),
    ).toBe(undefined)
    expect(
      timelineOutOfOrder({
        interestDeadline: '2024-12-31',
        documentsDeadline: '2025-02-15',
        finalistsAnnounced: '2025-02-01',
      })?.map((step) => step.name),
    ).toEqual(['documentsDeadline', 'finalistsAnnounced'])
    expect(timelineOutOfOrder(undefined)).toBeUndefined()
    expect(AWARD_TIMELINE).toHaveLength(5)
  })

  it('award kinds have URL slugs', () => {
    expect(awardKindBySlug('arets-stadskarna')?.title).toBe('Årets Stadskärna')
    expect(awardKindBySlug('okand')).toBeUndefined()
  })
})
