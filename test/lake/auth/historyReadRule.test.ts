/**
 * History applies the read rule to every part of a transaction: an anonymous caller must not see
 * a draft written in the same transaction as a published document, by id, mutation or effect.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {startTestLake, type TestLake} from '../../../testkit/lake.ts'

let lake: TestLake
let transactionId: string

beforeAll(async () => {
  lake = await startTestLake()
  const result = await lake
    .client()
    .mutate([
      {createOrReplace: {_id: 'pub2', _type: 'note', title: 'Publicerad'}},
      {createOrReplace: {_id: 'drafts.mixed', _type: 'note', title: 'Hemligt utkast'}},
    ])
  transactionId = result.transactionId
})
afterAll(async () => {
  await lake.stop()
})

async function transactions(query: string, token?: string) {
  const res = await fetch(`${lake.url}/v2025-02-19/data/history/test/transactions/pub2?${query}`, {
    headers: token ? {Authorization: `Bearer ${token}`} : {},
  })
  expect(res.status).toBe(200)
  const text = await res.text()
  return {
    text,
    lines: text
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line)),
  }
}

describe('history transactions and the read rule', () => {
  for (const query of [
    '',
    'effectFormat=mendoza',
    'excludeMutations=true',
    'includeIdentifiedDocumentsOnly=true',
    'effectFormat=mendoza&includeIdentifiedDocumentsOnly=true',
  ]) {
    it(`hides the draft from anonymous callers (${query || 'no options'})`, async () => {
      const {text, lines} = await transactions(query)
      expect(lines).toHaveLength(1)
      expect(lines[0].id).toBe(transactionId)
      expect(lines[0].documentIDs).toEqual(['pub2'])
      expect(text).not.toContain('mixed')
      expect(text).not.toContain('Hemligt')
      if (!query.includes('excludeMutations')) {
        expect(lines[0].mutations).toEqual([
          {createOrReplace: {_id: 'pub2', _type: 'note', title: 'Publicerad'}},
        ])
      }
      if (query.includes('mendoza')) expect(Object.keys(lines[0].effects)).toEqual(['pub2'])
    })
  }

  it('shows the whole transaction to a viewer', async () => {
    const {lines} = await transactions('effectFormat=mendoza', lake.createToken('viewer'))
    expect(lines[0].documentIDs).toEqual(['pub2', 'drafts.mixed'])
    expect(lines[0].mutations).toHaveLength(2)
    expect(Object.keys(lines[0].effects).sort()).toEqual(['drafts.mixed', 'pub2'])
  })

  it('limits mutations to the requested ids with includeIdentifiedDocumentsOnly', async () => {
    const {lines} = await transactions('includeIdentifiedDocumentsOnly=true', lake.adminToken)
    expect(lines[0].documentIDs).toEqual(['pub2'])
    expect(lines[0].mutations).toEqual([
      {createOrReplace: {_id: 'pub2', _type: 'note', title: 'Publicerad'}},
    ])
  })
})
