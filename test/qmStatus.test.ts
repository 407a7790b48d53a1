import {evaluate, parse} from 'groq-js'
import {describe, expect, it} from 'vitest'

import {
  addMonths,
  certificationStatus,
  expectedValidUntil,
  QM_STATUS_GROQ_FILTERS,
  QM_STATUS_LABELS,
  QM_STATUSES,
  type QmStatus,
  qmStatusQueryParams,
  toIsoDate,
} from '../domain/qmStatus.ts'

describe('expectedValidUntil', () => {
  it('adds three years', () => {
    expect(expectedValidUntil('2024-05-15')).toBe('2027-05-15')
    expect(expectedValidUntil('2023-12-31')).toBe('2026-12-31')
  })

  it('turns a leap day into the last day of February three years later', () => {
    expect(expectedValidUntil('2024-02-29')).toBe('2027-02-28')
  })

  it('rejects values that are not calendar dates', () => {
    expect(() => expectedValidUntil('2023-02-29')).toThrow(RangeError)
    expect(() => expectedValidUntil('15/5/2024')).toThrow(RangeError)
  })
})

describe('addMonths', () => {
  it('clamps to the end of shorter months', () => {
    expect(addMonths('2025-08-31', 6)).toBe('2026-02-28')
    expect(addMonths('2027-08-31', 6)).toBe('2028-02-29')
    expect(addMonths('2025-03-31', -1)).toBe('2025-02-28')
  })
})

describe('certificationStatus', () => {
  const certification = {certifiedAt: '2024-06-15', validUntil: '2027-06-15'}

  it('is valid long before expiry', () => {
    expect(certificationStatus(certification, '2025-01-01')).toBe('valid')
  })

  it('is valid the day before the six-month window opens', () => {
    expect(certificationStatus(certification, '2026-12-14')).toBe('valid')
  })

  it('is expiring exactly six months before validUntil', () => {
    expect(certificationStatus(certification, '2026-12-15')).toBe('expiring')
  })

  it('is still expiring (not expired) on the day of expiry', () => {
    expect(certificationStatus(certification, '2027-06-15')).toBe('expiring')
  })

  it('is expired the day after validUntil', () => {
    expect(certificationStatus(certification, '2027-06-16')).toBe('expired')
  })

  it('falls back to certifiedAt + 3 years when validUntil is missing', () => {
    const withoutValidUntil = {certifiedAt: '2024-06-15'}
    expect(certificationStatus(withoutValidUntil, '2027-06-15')).toBe('expiring')
    expect(certificationStatus(withoutValidUntil, '2027-06-16')).toBe('expired')
    expect(certificationStatus({...withoutValidUntil, validUntil: null}, '2026-12-14')).toBe(
      'valid',
    )
  })

  it('handles a leap-day certification', () => {
    const leap = {certifiedAt: '2024-02-29'}
    expect(certificationStatus(leap, '2026-08-27')).toBe('valid')
    expect(certificationStatus(leap, '2026-08-28')).toBe('expiring')
    expect(certificationStatus(leap, '2027-02-28')).toBe('expiring')
    expect(certificationStatus(leap, '2027-03-01')).toBe('expired')
  })

  it('treats a validUntil on a leap day correctly', () => {
    const leap = {certifiedAt: '2025-02-28', validUntil: '2028-02-29'}
    expect(certificationStatus(leap, '2027-08-28')).toBe('valid')
    expect(certificationStatus(leap, '2027-08-29')).toBe('expiring')
    expect(certificationStatus(leap, '2028-02-29')).toBe('expiring')
    expect(certificationStatus(leap, '2028-03-01')).toBe('expired')
  })

  it('takes "today" for a Date in Swedish time', () => {
    // 23:30 UTC on June 15 is already June 16 in Stockholm (summer time, UTC+2).
    const lateEvening = new Date('2027-06-15T23:30:00Z')
    expect(toIsoDate(lateEvening)).toBe('2027-06-16')
    expect(certificationStatus(certification, lateEvening)).toBe('expired')
    expect(certificationStatus(certification, new Date('2027-06-15T21:59:00Z'))).toBe('expiring')
  })
})

describe('labels', () => {
  it('are Swedish', () => {
    expect(QM_STATUS_LABELS).toEqual({
      valid: 'giltig',
      expiring: 'löper snart ut',
      expired: 'utgången',
    })
  })
})

describe('qmStatusQueryParams', () => {
  it('gives today and today + six months', () => {
    expect(qmStatusQueryParams('2026-08-31')).toMatchObject({
      today: '2026-08-31',
      expiryHorizon: '2027-02-28',
    })
  })

  it('gives certification-date bounds for documents without validUntil', () => {
    expect(qmStatusQueryParams('2027-06-16')).toMatchObject({
      expiredIfCertifiedBefore: '2024-06-16',
      validIfCertifiedFrom: '2024-12-17',
    })
    // A certification from 2025-02-28 is valid through 2028-02-28, so on the leap day it has
    // expired; the bound must be 2025-03-01, not 2025-02-28.
    expect(qmStatusQueryParams('2028-02-29').expiredIfCertifiedBefore).toBe('2025-03-01')
  })
})

describe('QM_STATUS_GROQ_FILTERS', () => {
  const certifications = [
    {certifiedAt: '2024-06-15', validUntil: '2027-06-15'},
    {certifiedAt: '2024-06-15'},
    {certifiedAt: '2024-02-29'},
    {certifiedAt: '2025-02-28'},
    {certifiedAt: '2025-02-28', validUntil: '2028-02-29'},
    {certifiedAt: '2024-08-31'},
    {certifiedAt: '2023-01-10', validUntil: '2026-03-31'},
  ].map((dates, index) => ({_id: `qm-${index}`, _type: 'qmCertification', ...dates}))

  const days = [
    '2026-08-27',
    '2026-08-28',
    '2026-12-14',
    '2026-12-15',
    '2027-02-28',
    '2027-03-01',
    '2027-06-15',
    '2027-06-16',
    '2027-08-28',
    '2027-08-29',
    '2028-02-28',
    '2028-02-29',
    '2028-03-01',
  ]

  async function idsMatching(status: QmStatus, asOf: string): Promise<string[]> {
    const query = `*[_type == "qmCertification" && ${QM_STATUS_GROQ_FILTERS[status]}]._id`
    const result = await evaluate(parse(query), {
      dataset: certifications,
      params: qmStatusQueryParams(asOf),
    })
    return (await result.get()) as string[]
  }

  it.each(days)('agree with certificationStatus on %s', async (asOf) => {
    for (const status of QM_STATUSES) {
      const expected = certifications
        .filter((doc) => certificationStatus(doc, asOf) === status)
        .map((doc) => doc._id)
      expect(await idsMatching(status, asOf), status).toEqual(expected)
    }
  })
})
