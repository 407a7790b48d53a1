/**
 * lake/groq/documentIndexes.ts: after any sequence of changes the indexes equal indexes built from
 * scratch over the same documents, untouched per-type arrays keep their identity (so the planner's
 * memos survive), and a touched array is merged once for all the writes queued since it was read.
 */
import {describe, expect, it} from 'vitest'
import {compareIds} from '../../../lake/core/ids.ts'
import type {LakeDocument} from '../../../lake/core/types.ts'
import {DocumentIndexes} from '../../../lake/groq/documentIndexes.ts'
import {seededRandom} from '../../../testkit/seededRandom.ts'

const random = seededRandom(99)
const TYPES = ['a', 'b', 'c']

function makeDoc(id: string): LakeDocument {
  const doc: LakeDocument = {
    _id: id,
    _type: TYPES[Math.floor(random() * TYPES.length)],
    _rev: 'r',
    _createdAt: '2025-01-01T00:00:00Z',
    _updatedAt: '2025-01-01T00:00:00Z',
  }
  if (random() < 0.5) doc.slug = {_type: 'slug', current: `s${Math.floor(random() * 10)}`}
  if (random() < 0.5) doc.ref = {_type: 'reference', _ref: `d${Math.floor(random() * 20)}`}
  return doc
}

function snapshot(indexes: DocumentIndexes) {
  return {
    all: indexes.all().map((d) => d._id),
    types: TYPES.map((type) => indexes.ofType(type).map((d) => d._id)),
    slugs: Array.from({length: 10}, (_, i) => indexes.idsBySlug([`s${i}`]).sort(compareIds)),
    refs: Array.from({length: 20}, (_, i) => indexes.idsReferencing([`d${i}`])),
  }
}

describe('DocumentIndexes', () => {
  it('equal a fresh build after random changes, read at random moments', () => {
    const docs = new Map<string, LakeDocument>()
    for (let i = 0; i < 60; i++) docs.set(`d${i}`, makeDoc(`d${i}`))
    const indexes = new DocumentIndexes(docs)
    snapshot(indexes)
    for (let round = 0; round < 300; round++) {
      const id = `d${Math.floor(random() * 80)}`
      const before = docs.get(id) ?? null
      const after = random() < 0.25 ? null : makeDoc(id)
      if (after) docs.set(id, after)
      else docs.delete(id)
      indexes.change(id, before, after)
      if (random() < 0.2) expect(snapshot(indexes)).toEqual(snapshot(new DocumentIndexes(docs)))
    }
    expect(snapshot(indexes)).toEqual(snapshot(new DocumentIndexes(docs)))
  })

  it('a write replaces only the arrays it touches, and only when they are read', () => {
    const docs = new Map<string, LakeDocument>()
    for (const [id, type] of [
      ['x1', 'a'],
      ['x2', 'b'],
      ['x3', 'b'],
    ]) {
      docs.set(id, {...makeDoc(id), _type: type})
    }
    const indexes = new DocumentIndexes(docs)
    const all = indexes.all()
    const a = indexes.ofType('a')
    const b = indexes.ofType('b')
    for (const n of [1, 2, 3]) {
      const before = docs.get('x2') ?? null
      const after = {...(before as LakeDocument), n}
      docs.set('x2', after)
      indexes.change('x2', before, after)
    }
    expect(indexes.ofType('a')).toBe(a)
    const merged = indexes.ofType('b')
    expect(merged).not.toBe(b)
    expect(merged.map((d) => d.n)).toEqual([3, undefined])
    expect(indexes.ofType('b')).toBe(merged)
    expect(indexes.all()).not.toBe(all)
    expect(indexes.all().find((d) => d._id === 'x2')?.n).toBe(3)
  })

  it('hold nothing for documents created and deleted again, even when no query reads them (churn)', () => {
    const docs = new Map<string, LakeDocument>()
    const indexes = new DocumentIndexes(docs)
    // Every index built, then only the slug and reference lookups read.
    indexes.all()
    indexes.ofType('churn')
    indexes.idsBySlug([])
    indexes.idsReferencing([])
    const internals = indexes as unknown as {
      bySlug: Map<string, Set<string>>
      byRef: Map<string, Set<string>>
      sortedChanges: Map<string, unknown>
      typeChanges: Map<string, Map<string, unknown>>
    }
    for (let i = 0; i < 10_000; i++) {
      const doc: LakeDocument = {
        ...makeDoc(`churn-${i}`),
        _type: 'churn',
        slug: {_type: 'slug', current: `unique-${i}`},
        target: {_type: 'reference', _ref: `gone-${i}`},
      }
      docs.set(doc._id, doc)
      indexes.change(doc._id, null, doc)
      docs.delete(doc._id)
      indexes.change(doc._id, doc, null)
    }
    expect(internals.bySlug.size).toBe(0)
    expect(internals.byRef.size).toBe(0)
    expect(internals.sortedChanges.size).toBeLessThanOrEqual(4096)
    expect(internals.typeChanges.get('churn')?.size ?? 0).toBeLessThanOrEqual(4096)
    expect(indexes.all()).toEqual([])
    expect(indexes.ofType('churn')).toEqual([])
  })
})
