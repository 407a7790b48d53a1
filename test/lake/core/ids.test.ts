/**
 * The one document id rule (lake/core/ids.ts), and that /data/mutate and /data/import apply the
 * same one: they used to disagree about a trailing `.`.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {isValidDocumentId, publishedId, randomBase62} from '../../../lake/core/ids.ts'
import {rawRequest, startTestLake, type TestLake} from '../../../testkit/lake.ts'

describe('isValidDocumentId', () => {
  it('takes published, draft, version and system ids', () => {
    for (const id of [
      'a',
      'post-1',
      'drafts.post-1',
      'versions.r1.post-1',
      '_.releases.r1',
      'A_b',
    ]) {
      expect(isValidDocumentId(id), id).toBe(true)
    }
    expect(isValidDocumentId('x'.repeat(128))).toBe(true)
  })

  it('refuses empty segments, a leading dash, bad characters, over-long ids and non-strings', () => {
    for (const id of [
      '',
      'abc.',
      'drafts.',
      'a..b',
      '.a',
      '-a',
      'a b',
      'a/b',
      'å',
      'x'.repeat(129),
    ]) {
      expect(isValidDocumentId(id), id).toBe(false)
    }
    expect(isValidDocumentId(42)).toBe(false)
    expect(isValidDocumentId(null)).toBe(false)
  })
})

describe('publishedId and randomBase62', () => {
  it('strips drafts. and versions.<release>.', () => {
    expect(publishedId('drafts.a')).toBe('a')
    expect(publishedId('versions.r1.a')).toBe('a')
    expect(publishedId('versions.r1')).toBe('versions.r1')
    expect(publishedId('a.b')).toBe('a.b')
  })

  it('gives base62 strings of the asked length', () => {
    expect(randomBase62(22)).toMatch(/^[A-Za-z0-9]{22}$/)
    expect(randomBase62(1)).toMatch(/^[A-Za-z0-9]$/)
  })
})

describe('a trailing dot over HTTP', () => {
  let lake: TestLake
  beforeAll(async () => {
    lake = await startTestLake()
  })
  afterAll(async () => {
    await lake?.stop()
  })

  it('is refused by /data/mutate outside create, with invalidDocumentIdError', async () => {
    const res = await rawRequest(lake, '/v2024-01-01/data/mutate/ids', {
      method: 'POST',
      headers: {'content-type': 'application/json'},
      body: JSON.stringify({mutations: [{createOrReplace: {_id: 'abc.', _type: 'thing'}}]}),
    })
    expect(res.status).toBe(400)
    expect(res.body).toMatchObject({
      error: {type: 'mutationError', items: [{index: 0, error: {type: 'invalidDocumentIdError'}}]},
    })
  })

  it('asks create for a random suffix, so the stored id has no trailing dot', async () => {
    const res = await rawRequest(lake, '/v2024-01-01/data/mutate/ids?returnIds=true', {
      method: 'POST',
      headers: {'content-type': 'application/json'},
      body: JSON.stringify({mutations: [{create: {_id: 'test.', _type: 'thing'}}]}),
    })
    expect(res.status).toBe(200)
    const {results} = res.body as {results: Array<{id: string}>}
    expect(results[0].id).toMatch(/^test\.[a-zA-Z0-9]{16,}$/)
  })

  it('is refused by /data/import, which writes nothing', async () => {
    const lines = [
      {_id: 'fine', _type: 'thing'},
      {_id: 'abc.', _type: 'thing'},
    ]
    const res = await rawRequest(lake, '/v2024-01-01/data/import/ids-import', {
      method: 'POST',
      headers: {'content-type': 'application/x-ndjson'},
      body: lines.map((line) => JSON.stringify(line)).join('\n'),
    })
    expect(res.status).toBe(400)
    expect(res.body).toMatchObject({error: {type: 'importError'}})
    expect((res.body as {error: {description: string}}).error.description).toMatch(/^Line 2: /)
    const exported = await rawRequest(lake, '/v2024-01-01/data/export/ids-import')
    expect(exported.text).not.toContain('"fine"')
  })
})
