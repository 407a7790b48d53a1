import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {documentText, ftsQuery} from '../../../lake/store/textIndex.ts'
import {LakeStorage} from '../../../lake/store/storage.ts'
import type {CommittedTransaction, LakeDocument} from '../../../lake/core/types.ts'

let dir: string
let storage: LakeStorage

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lake-text-'))
  storage = new LakeStorage(dir)
})
afterEach(() => {
  storage.close()
  rmSync(dir, {recursive: true, force: true})
})

const doc = (id: string, fields: Record<string, unknown>): LakeDocument => ({
  _id: id,
  _type: 'city',
  _rev: 'r',
  _createdAt: '2025-01-01T00:00:00Z',
  _updatedAt: '2025-01-01T00:00:00Z',
  ...fields,
})

function write(dataset: string, changes: Array<[LakeDocument | null, LakeDocument | null]>) {
  const tx: CommittedTransaction = {
    dataset,
    transactionId: `t${Math.random()}`,
    timestamp: '2025-01-01T00:00:00.000Z',
    identity: 'p-test',
    mutations: [],
    changes: changes.map(([before, after]) => ({
      id: (after ?? before)!._id,
      before,
      after,
      mutations: [],
    })),
    results: [],
  }
  storage.commit(tx, {createDataset: true})
}

describe('full-text index', () => {
  const sodertalje = doc('c1', {
    name: 'Södertälje',
    body: [{_type: 'block', _key: 'k', children: [{_type: 'span', _key: 's', text: 'Trygg hamn'}]}],
  })
  const sodra = doc('c2', {name: 'Sodertalje hamnby', _secret: 'Södertälje'})

  it('finds å, ä, ö as letters of their own, case-folded, with prefixes and phrases', () => {
    write('ds', [
      [null, sodertalje],
      [null, sodra],
    ])
    expect(storage.searchText('ds', 'södertälje')).toEqual(['c1'])
    expect(storage.searchText('ds', 'SÖDER*')).toEqual(['c1'])
    expect(storage.searchText('ds', 'sodertalje')).toEqual(['c2'])
    expect(storage.searchText('ds', '"trygg hamn"')).toEqual(['c1'])
    expect(storage.searchText('ds', '"hamn trygg"')).toEqual([])
    // Both match; BM25 ranks the shorter text first.
    expect(storage.searchText('ds', 'hamn*')).toEqual(['c2', 'c1'])
    expect(storage.searchText('ds', 'hamn* -trygg')).toEqual(['c2'])
    expect(storage.searchText('ds', '-trygg')).toEqual(['c2'])
    expect(storage.searchText('ds', '   ')).toEqual([])
  })

  it('is kept with every write and delete, per dataset', () => {
    write('ds', [[null, sodertalje]])
    write('other', [[null, sodertalje]])
    const renamed = doc('c1', {name: 'Borås'})
    write('ds', [[sodertalje, renamed]])
    expect(storage.searchText('ds', 'södertälje')).toEqual([])
    expect(storage.searchText('ds', 'borås')).toEqual(['c1'])
    expect(storage.searchText('other', 'södertälje')).toEqual(['c1'])
    write('ds', [[renamed, null]])
    expect(storage.searchText('ds', 'borås')).toEqual([])
    storage.deleteDataset('other')
    expect(storage.db.prepare('SELECT count(*) AS n FROM documents_text').get()).toEqual({n: 0})
  })

  it('indexes content strings only and translates the search syntax', () => {
    expect(documentText(sodra)).toBe('Sodertalje hamnby')
    expect(ftsQuery('söder* "trygg hamn" -borås e-post')).toEqual({
      match: '"söder"* AND "trygg hamn" AND "e" AND "post"',
      excluded: '"borås"',
    })
    // FTS5 operators and quotes in the input are words, not syntax.
    expect(ftsQuery('NEAR( a" OR')).toEqual({match: '"NEAR" AND "a" AND "OR"', excluded: null})
    // One parser for both readers (lake/core/searchSyntax.ts): an excluded "e-post" needs both words.
    expect(ftsQuery('-e-post -"gamla stan" söd*lje')).toEqual({
      match: '"söd lje"',
      excluded: '("e" AND "post") OR "gamla stan"',
    })
  })
})
