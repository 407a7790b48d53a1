/**
 * The native listener matcher against groq-js: for many generated filters (the shapes Studio and
 * @sanity/client listeners use, combined at random) and documents (published, drafts, versions,
 * fields of every JSON type, references), both must agree on every pair, and a filter's pins
 * must hold for every document it matches.
 */
import {evaluateSync, parse, toJS} from 'groq-js'
import {describe, expect, it} from 'vitest'

import {nativeFilter} from '../../../lake/realtime/filterMatcher.ts'
import type {LakeDocument} from '../../../lake/core/types.ts'

/** What `now()` returns in both evaluations. */
const NOW = new Date('2026-06-01T00:00:00.000Z')

function groqJsMatches(query: string, params: Record<string, unknown>, doc: LakeDocument) {
  const tree = parse(query, {params})
  const value = toJS(evaluateSync(tree, {dataset: [doc], params, timestamp: NOW}))
  return Array.isArray(value) ? value.length > 0 : Boolean(value)
}

function compile(query: string, params: Record<string, unknown> = {}) {
  return nativeFilter(parse(query, {params}), params)
}

/** A small deterministic PRNG (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const IDS = ['a', 'drafts.a', 'versions.r1.a', 'b', 'drafts.b', 'versions.r2.b', 'c.d', '']
const TYPES = ['city', 'person', 'post', '']
/** Values for fields and constants: every JSON type, strings that look like ids and types. */
const VALUES: unknown[] = [
  'a',
  'drafts.a',
  'city',
  'Borås',
  '',
  0,
  1,
  -1.5,
  true,
  false,
  null,
  ['a', 1, null, true],
  ['city', 'drafts.a'],
  [],
  {current: 'a'},
  {_ref: 'a'},
  {nested: [{_ref: 'b', _type: 'reference'}]},
  {_ref: 1, other: {_ref: 'a'}},
]

function documents(): LakeDocument[] {
  const next = random(7)
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]
  const docs: LakeDocument[] = []
  for (const id of IDS) {
    for (const type of TYPES) {
      for (let variant = 0; variant < 6; variant++) {
        const doc: LakeDocument = {
          _id: id,
          _type: type,
          _rev: 'r',
          _createdAt: '2026-01-01T00:00:00.000Z',
          _updatedAt: '2026-01-01T00:00:00.000Z',
        }
        for (const field of ['name', 'slug', 'tags', 'flag', 'population', 'author', 'body']) {
          if (next() < 0.7) doc[field] = pick(VALUES)
        }
        if (variant === 0) doc.slug = {current: pick(['a', 'b', 1, null])}
        docs.push(doc)
      }
    }
  }
  // Documents whose system fields are not strings: pins must not assume they are.
  docs.push({...docs[0], _type: 1 as unknown as string}, {...docs[1], _type: null as never})
  const withoutType = {...docs[2]} as Partial<LakeDocument>
  delete withoutType._type
  docs.push(withoutType as LakeDocument)
  return docs
}

const PARAMS = {
  id: 'a',
  draft: 'drafts.a',
  type: 'city',
  ids: ['a', 'drafts.a', 'b'],
  types: ['city', 'post'],
  mixed: ['a', 1, null],
  num: 1,
  none: null,
  flag: true,
}

/** Leaf conditions of the covered shapes. */
const ATOMS = [
  '_id == $id',
  '_id == "drafts." + $id',
  '_id != $draft',
  '$id == _id',
  '_type == $type',
  '_type == "post"',
  '_type != "city"',
  '_id in [$id, "drafts." + $id]',
  '_id in $ids',
  '_id in $mixed',
  '_type in $types',
  '_type in ["city", "person"]',
  '_type in []',
  '_id in path("drafts.**")',
  '_id in path("versions.*.a")',
  '_id in path("*")',
  'name in path("*")',
  'name == $none',
  'name == null',
  'name != null',
  'name == "Borås"',
  'population == $num',
  'population == 1',
  'population != 0',
  'flag',
  'flag == true',
  'flag == $flag',
  '$id in tags',
  '"city" in tags',
  'null in tags',
  'tags == $ids',
  'name in $mixed',
  'name in name',
  'slug.current == $id',
  'slug.current == 1',
  'defined(name)',
  'defined(slug.current)',
  'defined(author._ref)',
  'references($id)',
  'references([$id, "b"])',
  'references("x", $ids)',
  'references($num)',
  'true',
  'false',
  'null',
  '$flag',
  '$none',
  '1 == 1',
  'population > 0',
  'population >= $num',
  'population < -1',
  'name <= "B"',
  'name > $id',
  'flag > false',
  'tags < $ids',
  // Conditions groq-js evaluates on its own, the document as `@`.
  'name match "bor*"',
  'name match $ids',
  'count(tags) > 1',
  'lower(name) == "borås"',
  'author->_type == "city"',
  '@._id == $id',
  '_id in *[_type == "city"]._id',
  '_updatedAt < now()',
  '_createdAt > now()',
  'dateTime(_createdAt) < dateTime("2027-01-01T00:00:00Z")',
  'select(flag => true, false)',
  'population in 0..2',
]

function randomFilter(next: () => number, depth: number): string {
  const roll = next()
  if (depth === 0 || roll < 0.35) return ATOMS[Math.floor(next() * ATOMS.length)]
  const left = randomFilter(next, depth - 1)
  if (roll < 0.5) return `!(${left})`
  const right = randomFilter(next, depth - 1)
  return roll < 0.75 ? `(${left}) && (${right})` : `(${left}) || (${right})`
}

describe('the native listener matcher', () => {
  const docs = documents()

  it('agrees with groq-js on every generated filter and document, and its pins hold', () => {
    const next = random(42)
    const queries = ATOMS.map((atom) => `*[${atom}]`)
    for (let i = 0; i < 600; i++) queries.push(`*[${randomFilter(next, 4)}]`)
    queries.push('*[_type == $type && !(_id in path("drafts.**"))]{_id, name, ...}')
    // A projection or attribute that comes out null still keeps the document's element.
    queries.push('*[_type == "post"].name', '*[defined(slug)]{"s": slug.current}')
    let pinned = 0
    let comparisons = 0
    for (const query of queries) {
      const native = compile(query, PARAMS)
      expect(native, query).not.toBeNull()
      if (native!.pins !== null) pinned++
      for (const doc of docs) {
        const expected = groqJsMatches(query, PARAMS, doc)
        comparisons++
        if (native!.matches(doc, NOW) !== expected) {
          throw new Error(`${query} on ${JSON.stringify(doc)}: groq-js says ${expected}`)
        }
        if (expected && native!.pins !== null) {
          const {ids, types} = native!.pins
          expect(ids.has(doc._id) || types.has(doc._type), `pins of ${query}`).toBe(true)
        }
      }
    }
    expect(comparisons).toBeGreaterThan(100_000)
    // Pins come from the common shapes often enough to matter.
    expect(pinned).toBeGreaterThan(queries.length / 8)
  })

  it('pins the shapes Studio and @sanity/client open', () => {
    const pinsOf = (query: string, params: Record<string, unknown> = {}) => {
      const pins = compile(query, params)?.pins
      return pins ? {ids: [...pins.ids].sort(), types: [...pins.types].sort()} : null
    }
    expect(pinsOf('*[_id in [$id, "drafts." + $id]]', {id: 'a'})).toEqual({
      ids: ['a', 'drafts.a'],
      types: [],
    })
    expect(pinsOf('*[_type == "post" && _id == "x"]')).toEqual({ids: ['x'], types: []})
    expect(pinsOf('*[_type in ["a", "b"] && !(_id in path("drafts.**"))]')).toEqual({
      ids: [],
      types: ['a', 'b'],
    })
    expect(pinsOf('*[_id == "x" || _type == "post"]')).toEqual({ids: ['x'], types: ['post']})
    // Either side unpinned, a negation, a non-string value: any document may match.
    expect(pinsOf('*[_id == "x" || defined(name)]')).toBeNull()
    expect(pinsOf('*[!(_id == "x")]')).toBeNull()
    expect(pinsOf('*[_id in ["x", 1]]')).toBeNull()
    expect(pinsOf('*[references("x")]')).toBeNull()
    expect(compile('*[_type == "a" && name match "x*"]')?.usesGroqJs).toBe(true)
    expect(compile('*[_type == "a" && !(name == "x")]')?.usesGroqJs).toBe(false)
    // Never true: nothing to evaluate (and growing other pins leaves that empty set alone).
    expect(pinsOf('*[(false || _id == "x") || _id == "y"]')?.ids).toEqual(['x', 'y'])
    expect(pinsOf('*[false && _id == "x"]')).toEqual({ids: [], types: []})
    // A long chain (as a pane over many documents) keeps every id.
    const many = Array.from({length: 2000}, (_, i) => `_id == "d${i}"`).join(' || ')
    const long = compile(`*[${many} || _type in ["post"]]`)!
    expect(long.pins?.ids.size).toBe(2000)
    expect([...long.pins!.types]).toEqual(['post'])
  })

  it('leaves other query shapes, and conditions with ^, to groq-js', () => {
    for (const query of [
      '*[_type == "post"] | order(_id)',
      '*[_type == "post"][0]',
      '*[_type == "post"]{"author": author->name}',
      '*[_type == "post" && count(*[references(^._id)]) > 0]',
      '*',
    ]) {
      expect(compile(query), query).toBeNull()
    }
  })
})
