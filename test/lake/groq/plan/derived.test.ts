/**
 * lake/groq/plan/derived.ts: a patched copy of a shared array equals the array rebuilt from
 * scratch, and values derived from it (columns, visible positions) patched from the previous
 * array's equal the values recomputed over the copy, while reading only the changed documents.
 */
import {describe, expect, it} from 'vitest'
import {compareIds} from '../../../../lake/core/ids.ts'
import type {LakeDocument} from '../../../../lake/core/types.ts'
import {applyChanges, derived, type Derivation} from '../../../../lake/groq/plan/derived.ts'
import {selection} from '../../../../lake/groq/plan/selection.ts'
import {seededRandom} from '../../../../testkit/seededRandom.ts'

const random = seededRandom(7)
const doc = (id: string, n: number): LakeDocument => ({
  _id: id,
  _type: 't',
  _rev: 'r',
  _createdAt: '2025-01-01T00:00:00Z',
  _updatedAt: '2025-01-01T00:00:00Z',
  n,
})
const sorted = (docs: Iterable<LakeDocument>) => [...docs].sort((a, b) => compareIds(a._id, b._id))

/** Counts the documents it reads, so a test can tell a patch from a recomputation. */
function countingDerivation(reads: {count: number}): Derivation<unknown[]> {
  const valueOf = (d: LakeDocument) => {
    reads.count++
    return d.n
  }
  return {
    compute: (docs) => docs.map(valueOf),
    patch: (previous, {pieces}, docs) => {
      const out = new Array<unknown>(docs.length)
      for (const piece of pieces) {
        if (piece.kind === 'fresh') out[piece.at] = valueOf(docs[piece.at])
        else
          for (let j = piece.from; j < piece.to; j++) out[piece.at + j - piece.from] = previous[j]
      }
      return out
    },
  }
}

describe('applyChanges and derived', () => {
  it('random batches of replacements, insertions and deletions', () => {
    const current = new Map<string, LakeDocument>()
    for (let i = 0; i < 200; i++) current.set(`d${i}`, doc(`d${i}`, i))
    let docs = sorted(current.values())
    const reads = {count: 0}
    const derivation = countingDerivation(reads)
    derived(docs, 'n', derivation)
    for (let round = 0; round < 50; round++) {
      const changes = new Map<string, LakeDocument | null>()
      for (let k = 0; k < 1 + Math.floor(random() * 5); k++) {
        const id = `d${Math.floor(random() * 260)}`
        const next = random() < 0.3 ? null : doc(id, Math.floor(random() * 1000))
        changes.set(id, next)
        if (next) current.set(id, next)
        else current.delete(id)
      }
      const previous = docs
      docs = applyChanges(docs, changes)
      expect(docs).toEqual(sorted(current.values()))
      expect(previous).not.toBe(docs)
      reads.count = 0
      const column = derived(docs, 'n', derivation)
      expect(column).toEqual(docs.map((d) => d.n))
      // Only the changed documents present in the copy were read.
      expect(reads.count).toBe([...changes.values()].filter(Boolean).length)
      expect(derived(docs, 'n', derivation)).toBe(column)
    }
  })

  it('a value never asked of the previous array is computed from scratch', () => {
    const docs = [doc('a', 1), doc('b', 2)]
    const next = applyChanges(docs, new Map([['c', doc('c', 3)]]))
    const reads = {count: 0}
    expect(derived(next, 'fresh', countingDerivation(reads))).toEqual([1, 2, 3])
    expect(reads.count).toBe(3)
  })

  it('selection columns of shared arrays follow the patches', () => {
    const docs = [doc('a', 1), doc('b', 2), doc('c', 3)]
    expect(selection(docs, {shared: true}).column(['n'])).toEqual([1, 2, 3])
    const next = applyChanges(
      docs,
      new Map<string, LakeDocument | null>([
        ['b', null],
        ['d', {...doc('d', 4), nested: {x: 'y'}}],
        ['a', doc('a', 10)],
      ]),
    )
    const sel = selection(next, {shared: true})
    expect(sel.column(['n'])).toEqual([10, 3, 4])
    expect(sel.column(['nested', 'x'])).toEqual([null, null, 'y'])
    expect(sel.idx).toEqual([0, 1, 2])
  })
})
