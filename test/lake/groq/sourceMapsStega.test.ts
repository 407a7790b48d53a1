/**
 * Stega round trip through the real @sanity/client against a real lake: with
 * `stega: {enabled: true, studioUrl}` the client asks for `resultSourceMap=withKeyArraySelector`,
 * encodes every mapped string with an edit intent pointing at the right document and field, and
 * `stegaClean` gives back exactly the plain result. The HTTP response carries the source map and
 * its result is byte-for-byte the one without it.
 */
import {createClient, stegaClean, type SanityClient} from '@sanity/client/stega'
import {vercelStegaDecode} from '@vercel/stega'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {interviewBySlugQuery, interviewListQuery} from '../../../delivery/queries.ts'
import {qmStatusQueryParams} from '../../../domain/qmStatus.ts'
import {FIXTURE_AS_OF, seedContent} from '../../fixtures/content/index.ts'
import {startTestLake, type TestLake} from '../../../testkit/lake.ts'

const DATASET = 'stega'
const STUDIO_URL = 'http://localhost:3333/studio'
const PARAMS = {
  ...qmStatusQueryParams(FIXTURE_AS_OF),
  slug: 'sa-blev-boras-stadskarna-tryggare',
  start: 0,
  end: 10,
}
let lake: TestLake
let plain: SanityClient
let stega: SanityClient

beforeAll(async () => {
  lake = await startTestLake()
  await seedContent(lake.client({dataset: DATASET}))
  const config = {
    projectId: 'test',
    dataset: DATASET,
    apiHost: lake.url,
    useProjectHostname: false,
    apiVersion: '2025-02-19',
    useCdn: false,
    token: lake.adminToken,
    perspective: 'drafts' as const,
    ignoreBrowserTokenWarning: true,
  }
  plain = createClient(config)
  stega = createClient({...config, stega: {enabled: true, studioUrl: STUDIO_URL}})
})
afterAll(async () => {
  await lake?.stop()
})

/** The edit intent hidden in a stega-encoded string. */
function intent(value: unknown): URL {
  const decoded = vercelStegaDecode(value as string) as {origin: string; href: string}
  expect(decoded.origin).toBe('sanity.io')
  return new URL(decoded.href)
}

describe('stega', () => {
  it('encodes document strings with edit intents and stegaClean recovers the plain result', async () => {
    const expected = await plain.fetch(interviewBySlugQuery, PARAMS)
    const encoded = await stega.fetch(interviewBySlugQuery, PARAMS)
    expect(encoded).not.toEqual(expected)
    expect(stegaClean(encoded)).toEqual(expected)

    expect(encoded?.title).not.toBe(expected?.title)
    const title = intent(encoded?.title)
    expect(title.searchParams.get('id')).toBe('interview-boras')
    expect(title.searchParams.get('type')).toBe('interview')
    expect(title.searchParams.get('path')).toBe('title')
    // The draft's value, and an intent that opens the draft (no published perspective).
    expect(stegaClean(encoded?.title)).toBe('UTKAST: ny rubrik som inte är publicerad')
    expect(title.searchParams.get('perspective')).toBeNull()

    const question = intent(encoded?.questions?.[1]?.question)
    expect(question.searchParams.get('path')).toBe('questions[_key=="q2"].question')
    const name = intent(encoded?.interviewee?.name)
    expect(name.searchParams.get('id')).toBe('person-anna')
    expect(name.searchParams.get('path')).toBe('name')
    // Slugs and computed values stay plain.
    expect(encoded?.slug).toBe(expected?.slug)
    expect(encoded?.certification?.status).toBe(expected?.certification?.status)
  })

  it('answers resultSourceMap over HTTP without changing the result', async () => {
    const {query, result, resultSourceMap} = await plain.fetch(interviewListQuery, PARAMS, {
      filterResponse: false,
      resultSourceMap: true,
    })
    const without = await plain.fetch(interviewListQuery, PARAMS, {filterResponse: false})
    expect(query).toBe(interviewListQuery)
    expect(JSON.stringify(result)).toBe(JSON.stringify(without.result))
    expect(without).not.toHaveProperty('resultSourceMap')
    expect(resultSourceMap?.mappings["$['items'][0]['title']"]).toEqual({
      type: 'value',
      source: {type: 'documentValue', document: expect.any(Number), path: expect.any(Number)},
    })
    expect(resultSourceMap?.mappings).not.toHaveProperty("$['total']")
  })
})
