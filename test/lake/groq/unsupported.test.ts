/**
 * GROQ functions groq-js parses but does not implement (`text::query`, `geo::*`, …) are a 400
 * `queryExecutionError` with a clear description from /data/query, not a 500, and the lake keeps
 * serving.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {arraySource, runQuery} from '../../../lake/groq/query.ts'
import {LakeError} from '../../../lake/core/errors.ts'
import {startTestLake, type TestLake} from '../../../testkit/lake.ts'

const UNSUPPORTED: Array<[string, string]> = [
  ['*[_type == "interview" && text::query("stad")]', 'text::query()'],
  ['*[_type == "x"] | score(text::query("a"))', 'text::query()'],
  ['*[geo::distance(location, geo::latLng(59.3, 18.1)) < 1000]', 'geo::'],
  ['geo::contains(geo::latLng(1, 2), geo::latLng(1, 2))', 'geo::'],
  ['*[_type == "x"]{"s": text::semanticSimilarity("a")}', 'text::semanticSimilarity()'],
  ['documents::incomingRefCount()', 'documents::incomingRefCount()'],
]

describe('unsupported GROQ functions', () => {
  let lake: TestLake
  beforeAll(async () => {
    lake = await startTestLake()
    await lake
      .client()
      .create({_id: 'interview-1', _type: 'interview', title: 'Stadskärnan', slug: {current: 'a'}})
  })
  afterAll(async () => {
    await lake?.stop()
  })

  it('are a 400 queryExecutionError over HTTP, not a 500', async () => {
    for (const [query, name] of UNSUPPORTED) {
      const res = await fetch(
        `${lake.url}/v2025-02-19/data/query/test?query=${encodeURIComponent(query)}`,
        {headers: {Authorization: `Bearer ${lake.adminToken}`}},
      )
      expect(res.status, query).toBe(400)
      const body = (await res.json()) as {error: {type: string; description: string; query: string}}
      expect(body.error.type).toBe('queryExecutionError')
      expect(body.error.description).toContain(name)
      expect(body.error.description).toContain('not supported')
      expect(body.error.query).toBe(query)
    }
    expect(lake.logs.filter((line) => line.includes('500'))).toEqual([])
  })

  it('surface as a client error with the description, and the lake keeps serving', async () => {
    const client = lake.client()
    const error = await client.fetch('*[text::query("stad")]').catch((e: unknown) => e)
    expect(error).toMatchObject({statusCode: 400})
    expect(String((error as Error).message)).toContain('text::query() is not supported')
    expect(await client.fetch('*[_type == "interview"][0].title')).toBe('Stadskärnan')
  })

  it('are rejected in-process too, even where no document would reach them', async () => {
    const source = arraySource([])
    const options = {
      perspective: {kind: 'published'},
      access: 'all',
      rawIncludesVersions: true,
    } as const
    const error = await runQuery(
      source,
      '*[_type == "none" && text::query("x")]',
      {},
      options,
    ).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(LakeError)
    expect((error as LakeError).status).toBe(400)
    // Supported neighbours still work.
    expect(await runQuery(source, 'string::startsWith("abc", "a")', {}, options)).toBe(true)
    expect(await runQuery(source, 'count(*[_type == "none"])', {}, options)).toBe(0)
  })
})
