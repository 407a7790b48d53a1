/**
 * Content source maps on a table of queries: every query in delivery/queries.ts (read from the
 * module, so queries added there are covered) with each fixture slug, plus queries for the node
 * kinds the interpreter handles. Every mapping must point at a document and path whose value is
 * the result's value at the mapped path (parsed with @sanity/client's own JSONPath parser), the
 * expected fields must be mapped, and computed values must not be.
 */
import {parseJsonPath, type ContentSourceMapParsedPath} from '@sanity/client/csm'
import {describe, expect, it} from 'vitest'

import * as deliveryQueries from '../../../delivery/queries.ts'
import {qmStatusQueryParams} from '../../../domain/qmStatus.ts'
import {arraySource, runQuery, type QueryOptions} from '../../../lake/groq/query.ts'
import {
  resultSourceMap,
  type ContentSourceMap,
  type SourceMapMode,
} from '../../../lake/groq/sourceMaps.ts'
import type {LakeDocument} from '../../../lake/core/types.ts'
import {FIXTURE_AS_OF, fixtureDocuments} from '../../fixtures/content/index.ts'

const documents: LakeDocument[] = fixtureDocuments().map((doc) => ({
  _rev: 'rev',
  _createdAt: '2025-01-01T00:00:00Z',
  _updatedAt: '2025-01-02T00:00:00Z',
  ...doc,
}))
const byId = new Map(documents.map((doc) => [doc._id, doc]))
const source = arraySource(documents)
const PUBLISHED: QueryOptions = {
  perspective: {kind: 'published'},
  access: 'all',
  rawIncludesVersions: true,
}
const DRAFTS: QueryOptions = {
  ...PUBLISHED,
  perspective: {kind: 'stack', releases: [], drafts: true},
}

const BASE_PARAMS: Record<string, unknown> = {
  ...qmStatusQueryParams(FIXTURE_AS_OF),
  start: 0,
  end: 10,
  limit: 5,
}

async function mapped(
  query: string,
  params: Record<string, unknown> = {},
  mode: SourceMapMode = 'key',
  options: QueryOptions = PUBLISHED,
) {
  const result = await runQuery(source, query, params, options)
  const map = resultSourceMap(source, query, params, options, result, mode)
  return {result, map, sources: describeMappings(result, map)}
}

/** Follows a parsed JSONPath through a value (`{_key}` segments by key, as the client does). */
function follow(value: unknown, path: ContentSourceMapParsedPath): unknown {
  let current = value
  for (const segment of path) {
    if (typeof segment === 'object') {
      current = (current as Array<{_key?: string}>).find((item) => item._key === segment._key)
    } else {
      current = (current as Record<string | number, unknown>)[segment]
    }
    if (current === undefined) return undefined
  }
  return current
}

/** `resultPath → "docId:sourcePath"`, after checking that every mapping points at the value. */
function describeMappings(result: unknown, map: ContentSourceMap): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [resultPath, mapping] of Object.entries(map.mappings)) {
    const {document, path} = mapping.source
    const doc = byId.get(map.documents[document]._id)
    expect(doc, `document of ${resultPath}`).toBeDefined()
    expect(map.documents[document]._type).toBe(doc?._type)
    const expected = follow(doc, parseJsonPath(map.paths[path]))
    expect(expected, `source of ${resultPath}`).toBeDefined()
    expect(follow(result, parseJsonPath(resultPath)), resultPath).toEqual(expected)
    out[resultPath] = `${map.documents[document]._id}:${map.paths[path]}`
  }
  return out
}

/**
 * The delivery queries, each with every combination of values for its parameters (at most 64): the
 * status parameters and page bounds as the site passes them, and for any other `$name` null and
 * every value the fixture documents have in a field of that name (`slug`: every `slug.current`).
 */
function deliveryTable(): Array<[string, string, Record<string, unknown>]> {
  const valuesOf = (name: string): unknown[] => {
    if (name in BASE_PARAMS) return [BASE_PARAMS[name]]
    const field = (doc: LakeDocument) =>
      name === 'slug' ? (doc.slug as {current?: unknown} | undefined)?.current : doc[name]
    const values = documents
      .map(field)
      .filter((v) => typeof v === 'string' || typeof v === 'number')
    return [...new Set([...(name === 'slug' ? [] : [null]), ...values])]
  }
  const rows: Array<[string, string, Record<string, unknown>]> = []
  for (const [name, query] of Object.entries(deliveryQueries)) {
    if (typeof query !== 'string') continue
    const names = [...new Set([...query.matchAll(/\$(\w+)/g)].map((match) => match[1]))]
    let combinations: Array<Record<string, unknown>> = [{}]
    for (const param of names) {
      combinations = combinations.flatMap((combination) =>
        valuesOf(param).map((value) => ({...combination, [param]: value})),
      )
    }
    const varying = names.filter((param) => !(param in BASE_PARAMS))
    for (const params of combinations.slice(0, 64)) {
      const label = varying.map((param) => `${param}=${String(params[param])}`).join(', ')
      rows.push([label ? `${name} (${label})` : name, query, params])
    }
  }
  return rows
}

/** Whether a result holds any string (document text that should then be mapped). */
function hasString(value: unknown): boolean {
  if (typeof value === 'string') return true
  if (Array.isArray(value)) return value.some(hasString)
  return value !== null && typeof value === 'object' && Object.values(value).some(hasString)
}

describe('content source maps', () => {
  const table = deliveryTable()

  it('covers every query in delivery/queries.ts', () => {
    const names = new Set(table.map(([label]) => label.split(' ')[0]))
    const exported = Object.entries(deliveryQueries).filter(([, q]) => typeof q === 'string')
    expect(names.size).toBe(exported.length)
    expect(names.size).toBeGreaterThan(0)
  })

  it.each(table)('%s: every mapping points at the value it maps', async (_name, query, params) => {
    for (const mode of ['key', 'index'] as const) {
      for (const options of [PUBLISHED, DRAFTS]) {
        const {result, map} = await mapped(query, params, mode, options)
        // A result with text must have mappings (`mapped` checks each one).
        if (hasString(result)) expect(Object.keys(map.mappings).length).toBeGreaterThan(0)
      }
    }
  })

  it('maps an interview page: fields, questions by _key, dereferences and arrays of them', async () => {
    const {sources} = await mapped(deliveryQueries.interviewBySlugQuery, {
      ...BASE_PARAMS,
      slug: 'sa-blev-boras-stadskarna-tryggare',
    })
    expect(sources).toMatchObject({
      "$['title']": "interview-boras:$['title']",
      "$['slug']": "interview-boras:$['slug']['current']",
      "$['pullQuote']['text']": "interview-boras:$['pullQuote']['text']",
      "$['questions'][1]['question']":
        "interview-boras:$['questions'][?(@._key=='q2')]['question']",
      "$['questions'][1]['answer']": "interview-boras:$['questions'][?(@._key=='q2')]['answer']",
      "$['tags']": "interview-boras:$['tags']",
      "$['interviewee']['name']": "person-anna:$['name']",
      "$['interviewee']['organization']['name']": "org-boras:$['name']",
      "$['factSheet']['contacts'][0]['name']": "person-karin:$['name']",
      "$['certification']['certifiedAt']": "qm-boras-2024:$['certifiedAt']",
    })
    // Computed in GROQ: no mapping.
    expect(sources).not.toHaveProperty("$['certification']['status']")
  })

  it('addresses array items by index without withKeyArraySelector', async () => {
    const {sources} = await mapped(
      deliveryQueries.interviewBySlugQuery,
      {...BASE_PARAMS, slug: 'sa-blev-boras-stadskarna-tryggare'},
      'index',
    )
    expect(sources["$['questions'][1]['question']"]).toBe(
      "interview-boras:$['questions'][1]['question']",
    )
  })

  it('maps list items picked by a filter, order and slice, and leaves counts unmapped', async () => {
    const {result, sources} = await mapped(deliveryQueries.interviewListQuery, BASE_PARAMS)
    const items = (result as {items: Array<{_id: string}>}).items
    expect(items.length).toBeGreaterThan(1)
    items.forEach((item, index) => {
      expect(sources[`$['items'][${index}]['title']`]).toBe(`${item._id}:$['title']`)
    })
    expect(sources).not.toHaveProperty("$['total']")
  })

  it('follows coalesce, splats, ^ in subqueries, and gives select and literals no mapping', async () => {
    const {sources} = await mapped(
      `*[_type == "interview" && _id == "interview-boras"][0]{
        "heading": coalesce(seo.missing, seo.title, title),
        "fallback": coalesce(nothing, title),
        "kind": select(defined(seo) => "seo", "plain"),
        "constant": "x",
        "upper": upper(title),
        "city": city->{..., "interviews": *[_type == "interview" && city._ref == ^._id]{title}},
        "firstQuestion": questions[0].question,
        "lastTwo": questions[-2..-1]{question},
        "picked": questions[_key == "q3"][0].question,
        "people": [interviewee->name, "literal", ...tags],
      }`,
    )
    expect(sources).toMatchObject({
      "$['heading']": "interview-boras:$['seo']['title']",
      "$['fallback']": "interview-boras:$['title']",
      "$['city']['name']": "city-boras:$['name']",
      "$['city']['keyFacts']": "city-boras:$['keyFacts']",
      "$['city']['interviews'][0]['title']": "interview-boras:$['title']",
      "$['firstQuestion']": "interview-boras:$['questions'][?(@._key=='q1')]['question']",
      "$['lastTwo'][0]['question']": "interview-boras:$['questions'][?(@._key=='q2')]['question']",
      "$['picked']": "interview-boras:$['questions'][?(@._key=='q3')]['question']",
      "$['people'][0]": "person-anna:$['name']",
      "$['people'][2]": "interview-boras:$['tags'][0]",
    })
    for (const computed of ["$['kind']", "$['constant']", "$['upper']", "$['people'][1]"]) {
      expect(sources).not.toHaveProperty(computed)
    }
  })

  it('loses mappings, never results, where the interpreter stops (score, pt::text, ^.^)', async () => {
    const {result, sources} = await mapped(
      `*[_type == "city"]{
        name,
        "scored": *[_type == "interview"] | score(title match "Borås") | order(_score desc)[0]{title},
        "text": pt::text(*[_type == "interview" && city._ref == ^._id][0].questions[0].answer),
        "deep": *[_type == "interview" && city._ref == ^._id]{"org": *[_id == ^.^.cityCentreOrganization._ref][0].name},
      }`,
    )
    const [boras] = result as Array<{scored: {title: string}; text: string}>
    expect(boras.scored.title).toMatch(/Borås/)
    expect(boras.text).toMatch(/kvitto/)
    expect(sources["$[0]['name']"]).toBe("city-boras:$['name']")
    expect(sources["$[0]['deep'][0]['org']"]).toBe("org-boras:$['name']")
    expect(sources).not.toHaveProperty("$[0]['text']")
  })

  it('maps values kept by array::unique and order to their first source', async () => {
    const {result, sources} = await mapped(deliveryQueries.certifiedCountiesQuery)
    expect(result).toEqual(['Skåne län', 'Västerbottens län', 'Västra Götalands län'])
    expect(sources).toEqual({
      '$[0]': "city-ystad:$['county']",
      '$[1]': "city-umea:$['county']",
      '$[2]': "city-boras:$['county']",
    })
  })

  it('names the draft a value came from in the drafts perspective', async () => {
    const {sources} = await mapped(
      '*[_type == "interview" && _id == "interview-boras"][0]{title, "person": interviewee->name}',
      {},
      'key',
      DRAFTS,
    )
    expect(sources).toEqual({
      "$['title']": "drafts.interview-boras:$['title']",
      "$['person']": "drafts.person-anna:$['name']",
    })
  })

  it('maps whole documents once, at their root', async () => {
    const {sources} = await mapped('*[_type == "city"] | order(name asc)[0...2]')
    expect(sources).toEqual({'$[0]': 'city-boras:$', '$[1]': 'city-umea:$'})
  })
})
