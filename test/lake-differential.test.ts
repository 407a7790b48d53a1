/**
 * Differential test: the lake's index-narrowed evaluation (lake/query.ts) must equal plain groq-js
 * over the whole overlaid dataset, for generated documents and generated queries, in every
 * perspective and for anonymous and token callers; a sample is also checked over HTTP.
 */
import {evaluate, parse} from 'groq-js'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {arraySource, prepareQuery, runQuery, type Perspective} from '../lake/query.ts'
import type {LakeDocument} from '../lake/types.ts'
import {startTestLake, type TestLake} from './helpers/lake.ts'

function rng(seed: number) {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const random = rng(20260219)
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]
const TYPES = ['post', 'author', 'category', 'page'] as const
const SLUGS = Array.from({length: 40}, (_, i) => `slug-${i}`)

function generateDocuments(): LakeDocument[] {
  const docs: LakeDocument[] = []
  const base = Date.parse('2025-01-01T00:00:00Z')
  for (let i = 0; i < 320; i++) {
    const type = TYPES[i % TYPES.length]
    const id = `${type}-${i}`
    const created = new Date(base + Math.floor(random() * 1e10)).toISOString()
    const doc: LakeDocument = {
      _id: id,
      _type: type,
      _rev: `rev${i}`,
      _createdAt: created,
      _updatedAt: created,
      title: `${type} ${i}`,
      n: Math.floor(random() * 10),
    }
    if (random() < 0.7) doc.slug = {_type: 'slug', current: pick(SLUGS)}
    if (type === 'post' || type === 'author') {
      const target = `${type === 'post' ? 'author' : 'category'}-${Math.floor(random() * 80) * 4 + (type === 'post' ? 1 : 2)}`
      doc[type === 'post' ? 'author' : 'category'] = {
        _type: 'reference',
        _ref: random() < 0.1 ? `drafts.${target}` : target,
        _weak: true,
      }
    }
    const onlyDraft = random() < 0.1
    if (!onlyDraft) docs.push(doc)
    if (onlyDraft || random() < 0.3) {
      docs.push({
        ...doc,
        _id: `drafts.${id}`,
        title: `${doc.title} (draft)`,
        _type: random() < 0.05 ? 'page' : type,
        slug: random() < 0.3 ? {_type: 'slug', current: pick(SLUGS)} : doc.slug,
        n: Math.floor(random() * 10),
      })
    }
    if (random() < 0.05) docs.push({...doc, _id: `versions.r1.${id}`, title: `${doc.title} (r1)`})
  }
  docs.push({
    _id: 'foo.bar',
    _type: 'post',
    _rev: 'x',
    _createdAt: '2025-01-01T00:00:00Z',
    _updatedAt: '2025-01-01T00:00:00Z',
    title: 'dotted',
  })
  return docs
}

const TEMPLATES: Array<(p: () => Record<string, unknown>) => [string, Record<string, unknown>]> = [
  (p) => ['*[_id == $id]', p()],
  (p) => ['*[_id == $id][0]{_id, title, "a": author->name, "c": author->category->title}', p()],
  (p) => ['*[_id in $ids]{_id, _originalId, title}', p()],
  (p) => ['*[_id in [$id, "drafts." + $id]]._id', p()],
  (p) => ['*[_type == $type]._id', p()],
  (p) => ['count(*[_type == $type])', p()],
  (p) => [
    '*[_type == $type] | order(_createdAt desc)[0...20]{_id, title, "author": author->{_id, title}}',
    p(),
  ],
  (p) => [
    '*[_type == $type && slug.current == $slug][0]{title, "a": author->title, "c": author->category->title}',
    p(),
  ],
  (p) => ['*[slug.current == $slug]{_id, _type}', p()],
  (p) => ['*[slug.current in [$slug, "slug-1"] && n > $n] | order(n asc, _id desc)._id', p()],
  (p) => ['*[_type in [$type, "author"] && n >= $n][0...$limit]._id', p()],
  (p) => ['*[$type == _type && defined(slug)][-1]', p()],
  (p) => ['*[(_type == $type) && (n < $n)]{_id, n}', p()],
  (p) => ['*[@._type == $type && references($id)]._id', p()],
  (p) => ['*[_type == $type]{_id, "backrefs": *[_type == "post" && references(^._id)]._id}', p()],
  (p) => [
    '{"one": *[_id == $id][0].title, "count": count(*[_type == $type]), "slugged": *[slug.current == $slug]._id}',
    p(),
  ],
  // Not narrowable: must fall back to the whole dataset.
  (p) => ['*[n > $n]._id', p()],
  (p) => ['*[_type == $type || _id == $id]._id', p()],
  (p) => ['*[!(_type == $type)] | order(_id desc)[0...10]._id', p()],
  (p) => ['count(*)', p()],
  (p) => ['*[_type == $type]{_id, "all": count(*)}[0...3]', p()],
  (p) => ['*[_id == $id]{"refs": *[references(^._id)]._id}', p()],
  (p) => ['*[_type == $type && n == $n] | order(_updatedAt desc) {title}', p()],
  (p) => ['*[_type == "nope"]', p()],
]

function generateQueries(
  docs: LakeDocument[],
): Array<{query: string; params: Record<string, unknown>}> {
  const ids = docs.map((d) => d._id)
  const params = () => {
    const id = pick(ids).replace(/^drafts\.|^versions\.r1\./, random() < 0.8 ? '' : 'drafts.')
    return {
      id,
      ids: [pick(ids), pick(ids), `${pick(TYPES)}-9999`],
      type: pick(TYPES),
      slug: pick(SLUGS),
      n: Math.floor(random() * 10),
      limit: 1 + Math.floor(random() * 5),
    }
  }
  const out: Array<{query: string; params: Record<string, unknown>}> = []
  for (let round = 0; round < 10; round++) {
    for (const template of TEMPLATES) {
      const [query, p] = template(params)
      const used = Object.fromEntries(Object.entries(p).filter(([k]) => query.includes(`$${k}`)))
      out.push({query, params: used})
    }
  }
  return out
}

/** The plain reference: perspective overlay built naively, groq-js over the whole array. */
function referenceView(
  docs: LakeDocument[],
  perspective: Perspective,
  anonymous: boolean,
): LakeDocument[] {
  const readable = docs.filter((d) => !anonymous || !d._id.includes('.'))
  let view: LakeDocument[]
  if (perspective.kind === 'raw') view = readable
  else if (perspective.kind === 'published') {
    view = readable.filter((d) => !d._id.startsWith('drafts.') && !d._id.startsWith('versions.'))
  } else {
    const groups = new Map<string, {published?: LakeDocument; draft?: LakeDocument}>()
    for (const d of readable) {
      if (d._id.startsWith('versions.')) continue
      const isDraft = d._id.startsWith('drafts.')
      const pid = isDraft ? d._id.slice(7) : d._id
      const group = groups.get(pid) ?? {}
      if (isDraft) group.draft = d
      else group.published = d
      groups.set(pid, group)
    }
    view = [...groups].map(([pid, g]) => {
      const source = (g.draft ?? g.published) as LakeDocument
      return {...source, _id: pid, _originalId: source._id}
    })
  }
  return [...view].sort((a, b) => (a._id < b._id ? -1 : a._id > b._id ? 1 : 0))
}

async function reference(
  docs: LakeDocument[],
  query: string,
  params: Record<string, unknown>,
  perspective: Perspective,
  anonymous: boolean,
) {
  const tree = parse(query, {params})
  const value = await evaluate(tree, {
    dataset: referenceView(docs, perspective, anonymous),
    params,
    identity: '',
  })
  const result = await value.get()
  return result === undefined ? null : result
}

const PERSPECTIVES: Array<[string, Perspective]> = [
  ['raw', {kind: 'raw'}],
  ['published', {kind: 'published'}],
  ['drafts', {kind: 'stack', releases: [], drafts: true}],
]

const docs = generateDocuments()
const queries = generateQueries(docs)

describe('differential: index-narrowed evaluation equals plain groq-js', () => {
  it('generates a meaningful corpus', () => {
    expect(docs.length).toBeGreaterThan(300)
    expect(queries.length).toBeGreaterThanOrEqual(200)
    const narrowed = queries.filter((q) => prepareQuery(q.query, q.params).constraints !== null)
    expect(narrowed.length).toBeGreaterThan(queries.length / 2)
    expect(queries.length - narrowed.length).toBeGreaterThan(30)
  })

  it('in-process, every perspective, token and anonymous', async () => {
    const source = arraySource(docs)
    let compared = 0
    for (const {query, params} of queries) {
      for (const [, perspective] of PERSPECTIVES) {
        for (const anonymous of [false, true]) {
          const expected = await reference(docs, query, params, perspective, anonymous)
          const actual = await runQuery(source, query, params, {
            perspective,
            access: anonymous ? 'root' : 'all',
            rawIncludesVersions: true,
          })
          expect(
            actual,
            `${query} ${JSON.stringify(params)} ${perspective.kind} anon=${anonymous}`,
          ).toEqual(expected)
          compared++
        }
      }
    }
    expect(compared).toBe(queries.length * 6)
  }, 120_000)

  describe('over HTTP', () => {
    let lake: TestLake
    beforeAll(async () => {
      lake = await startTestLake()
      const body = docs.map((d) => JSON.stringify(d)).join('\n')
      const res = await fetch(`${lake.url}/v1/data/import/diff`, {
        method: 'POST',
        headers: {Authorization: `Bearer ${lake.adminToken}`},
        body,
      })
      expect(res.status).toBe(200)
    })
    afterAll(async () => {
      await lake?.stop()
    })

    it('a sample of queries gives the same results through @sanity/client', async () => {
      let i = 0
      for (const {query, params} of queries.filter((_, index) => index % 4 === 0)) {
        const [name, perspective] = PERSPECTIVES[i % 3]
        const anonymous = i % 5 === 0
        i++
        const client = lake.client({dataset: 'diff', token: anonymous ? null : undefined})
        const actual = await client.fetch(query, params, {perspective: name as 'raw'})
        const expected = await reference(docs, query, params, perspective, anonymous)
        expect(actual, `${query} ${JSON.stringify(params)} ${name} anon=${anonymous}`).toEqual(
          expected,
        )
      }
      expect(i).toBeGreaterThan(50)
    })
  })
})
