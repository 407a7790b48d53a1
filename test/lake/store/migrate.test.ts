import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {DatabaseSync} from 'node:sqlite'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {SCHEMA_VERSION} from '../../../lake/store/schema.ts'
import {LakeStorage} from '../../../lake/store/storage.ts'
import type {CommittedTransaction, LakeDocument} from '../../../lake/core/types.ts'

const LAYOUT_0 = new URL('../../fixtures/lake/layout0.sql', import.meta.url)
const LAYOUT_1 = new URL('../../fixtures/lake/layout1.sql', import.meta.url)

let dir: string

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lake-migrate-'))
})
afterEach(() => {
  rmSync(dir, {recursive: true, force: true})
})

/** A data folder as the lake wrote it in an older storage layout. */
function olderFolder(layout: URL = LAYOUT_0): void {
  const db = new DatabaseSync(join(dir, 'lake.sqlite'))
  db.exec(readFileSync(layout, 'utf8'))
  db.close()
}
const layout0Folder = () => olderFolder(LAYOUT_0)

const column = (db: DatabaseSync, sql: string) => db.prepare(sql).all()

describe('storage layout migration', () => {
  it('opens a layout-0 folder upgraded: documents, history, mutations and every reference kept', () => {
    layout0Folder()
    const storage = new LakeStorage(dir)
    try {
      const db = storage.db
      expect(db.prepare('PRAGMA user_version').get()).toEqual({user_version: SCHEMA_VERSION})
      expect(storage.getDocument('ds', 'a')?.name).toBe('Borås stad')
      expect(storage.idsByTypeSql('ds', ['organization'])).toEqual(['b'])
      // History: the update's before comes from the previous revision now, not a second copy.
      expect(storage.documentStateAt('ds', 'a', {seq: 2})).toMatchObject({
        before: {_rev: 'tx1', name: 'Borås'},
        after: {_rev: 'tx2', name: 'Borås stad'},
      })
      expect(
        column(db, 'SELECT before, before_from_log FROM transaction_documents WHERE seq = 2'),
      ).toEqual([{before: null, before_from_log: 1}])
      const [first, second, third] = storage.transactions('ds', {})
      expect(first.mutations).toEqual([{create: expect.objectContaining({_rev: 'tx1'})}])
      expect(second.documents[0].before?._rev).toBe('tx1')
      expect(third.documentIDs).toEqual(['b'])
      expect(column(db, 'SELECT typeof(mutations) AS t FROM transactions')).toEqual([
        {t: 'blob'},
        {t: 'blob'},
        {t: 'blob'},
      ])
      // The weak reference is indexed now; only the strong one blocks deleting its target.
      expect(storage.idsReferencing('ds', ['c'])).toEqual(['b'])
      expect(storage.referencingIds('ds', 'a')).toEqual(['b'])
      // Layout 3: the index comes from the documents; the old `refs` table is gone.
      expect(column(db, "SELECT name FROM sqlite_master WHERE name LIKE 'refs%'")).toEqual([])
      expect(storage.referencingIds('ds', 'c')).toEqual([])
      expect(
        column(
          db,
          "SELECT 1 FROM sqlite_master WHERE sql LIKE '%WITHOUT ROWID%' AND name IN ('documents', 'transaction_documents')",
        ),
      ).toEqual([])
    } finally {
      storage.close()
    }
    // A second open finds the current layout and changes nothing.
    const again = new LakeStorage(dir)
    expect(again.transactions('ds', {})).toHaveLength(3)
    again.close()
  })

  it('refuses a database from a newer lake with a clear error, and leaves it alone', () => {
    layout0Folder()
    const db = new DatabaseSync(join(dir, 'lake.sqlite'))
    db.exec(`PRAGMA user_version = ${SCHEMA_VERSION + 1}`)
    db.close()
    expect(() => new LakeStorage(dir)).toThrow(
      new RegExp(`storage layout ${SCHEMA_VERSION + 1}, newer than this lake's ${SCHEMA_VERSION}`),
    )
  })

  it('opens a layout-1 folder upgraded: each current revision read from its log row, history and search kept', () => {
    olderFolder(LAYOUT_1)
    const storage = new LakeStorage(dir)
    try {
      const db = storage.db
      expect(db.prepare('PRAGMA user_version').get()).toEqual({user_version: SCHEMA_VERSION})
      // The copies are gone where the log holds the revision; the never-logged one keeps its body.
      expect(
        column(db, 'SELECT id, seq, body IS NULL AS bodyless FROM documents ORDER BY id'),
      ).toEqual([
        {id: 'a', seq: 2, bodyless: 1},
        {id: 'b', seq: 3, bodyless: 1},
        {id: 'legacy', seq: null, bodyless: 0},
      ])
      expect(storage.getDocument('ds', 'a')).toMatchObject({_rev: 'tx2', name: 'Borås stad'})
      expect(storage.getDocument('ds', 'legacy')).toMatchObject({_rev: 'old', name: 'Södertälje'})
      expect(storage.getDocument('ds', 'gone')).toBeNull()
      expect(storage.documentStateAt('ds', 'a', {seq: 2})).toMatchObject({
        before: {_rev: 'tx1'},
        after: {_rev: 'tx2'},
      })
      expect(storage.documentStateAt('ds', 'gone', {})).toMatchObject({
        before: {_rev: 'tx4'},
        after: null,
      })
      expect(storage.transactions('ds', {})).toHaveLength(5)
      // The full-text index still points at the same rows.
      expect(storage.searchText('ds', 'söder*')).toEqual(['legacy'])
      expect(storage.searchText('ds', 'borås')).toEqual(['a'])
      expect(storage.idsReferencing('ds', ['c'])).toEqual(['b'])
      expect(storage.referencingIds('ds', 'a')).toEqual(['b'])
      expect(
        column(
          db,
          "SELECT name FROM sqlite_master WHERE name IN ('refs_from', 'transaction_documents_seq')",
        ),
      ).toEqual([])
      // Writing over the never-logged document moves it to the log as well.
      const next = {...(storage.getDocument('ds', 'legacy') as LakeDocument), _rev: 'tx6'}
      storage.commit({
        dataset: 'ds',
        transactionId: 'tx6',
        timestamp: '2025-01-06T00:00:00.000Z',
        identity: 'p-test',
        mutations: [{createOrReplace: next}],
        changes: [
          {id: 'legacy', before: storage.getDocument('ds', 'legacy'), after: next, mutations: []},
        ],
        results: [],
      })
      expect(column(db, "SELECT seq, body FROM documents WHERE id = 'legacy'")).toEqual([
        {seq: 6, body: null},
      ])
      // Its before was never logged, so the log row keeps it.
      expect(storage.documentStateAt('ds', 'legacy', {})?.before).toMatchObject({_rev: 'old'})
    } finally {
      storage.close()
    }
    const again = new LakeStorage(dir)
    expect(again.getDocument('ds', 'legacy')?._rev).toBe('tx6')
    expect(again.transactions('ds', {})).toHaveLength(6)
    again.close()
  })
})

describe('storage layout writes', () => {
  const doc = (id: string, rev: string, extra: Record<string, unknown> = {}): LakeDocument => ({
    _id: id,
    _type: 'post',
    _rev: rev,
    _createdAt: '2025-01-01T00:00:00Z',
    _updatedAt: '2025-01-01T00:00:00Z',
    ...extra,
  })
  const tx = (id: string, changes: CommittedTransaction['changes']): CommittedTransaction => ({
    dataset: 'ds',
    transactionId: id,
    timestamp: '2025-01-01T00:00:00.000Z',
    identity: 'p-test',
    mutations: changes.map((c) => (c.after ? {createOrReplace: c.after} : {delete: {id: c.id}})),
    changes,
    results: [],
  })

  it('stores each revision once and reads every before back', () => {
    const storage = new LakeStorage(dir)
    try {
      const v1 = doc('a', 't1', {ref: {_ref: 'x', _weak: true}})
      const v2 = doc('a', 't2', {ref: {_ref: 'y', _dataset: 'other'}})
      storage.commit(tx('t1', [{id: 'a', before: null, after: v1, mutations: []}]), {
        createDataset: true,
      })
      storage.commit(tx('t2', [{id: 'a', before: v1, after: v2, mutations: []}]))
      storage.commit(tx('t3', [{id: 'a', before: v2, after: null, mutations: []}]))
      const bodies = column(
        storage.db,
        'SELECT before, before_from_log FROM transaction_documents ORDER BY seq',
      )
      expect(bodies).toEqual([
        {before: null, before_from_log: 0},
        {before: null, before_from_log: 1},
        {before: null, before_from_log: 1},
      ])
      const log = storage.transactions('ds', {})
      expect(
        log.map((t) => [t.documents[0].before?._rev ?? null, t.documents[0].after?._rev ?? null]),
      ).toEqual([
        [null, 't1'],
        ['t1', 't2'],
        ['t2', null],
      ])
      expect(log[1].mutations).toEqual([{createOrReplace: v2}])
      expect(storage.documentStateAt('ds', 'a', {seq: 3})).toEqual({before: v2, after: null})
      expect(storage.idsReferencing('ds', ['x', 'y'])).toEqual([])
      expect(column(storage.db, "SELECT name FROM sqlite_master WHERE name = 'refs'")).toEqual([])
    } finally {
      storage.close()
    }
  })

  it('keeps no copy in documents, re-indexes only changed text, and keeps references current', () => {
    const storage = new LakeStorage(dir)
    try {
      const v1 = doc('a', 't1', {title: 'Borås', one: {_ref: 'x'}, two: {_ref: 'y', _weak: true}})
      const v2 = doc('a', 't2', {title: 'Borås', two: {_ref: 'y'}, three: {_ref: 'z'}})
      const v3 = doc('a', 't3', {title: 'Ystad', two: {_ref: 'y'}, three: {_ref: 'z'}})
      storage.commit(tx('t1', [{id: 'a', before: null, after: v1, mutations: []}]), {
        createDataset: true,
      })
      expect(storage.referencingIds('ds', 'x')).toEqual(['a'])
      expect(storage.referencingIds('ds', 'y')).toEqual([])
      expect(storage.idsReferencing('ds', ['y'])).toEqual(['a'])
      storage.commit(tx('t2', [{id: 'a', before: v1, after: v2, mutations: []}]))
      expect(column(storage.db, 'SELECT seq, body FROM documents')).toEqual([{seq: 2, body: null}])
      // The reference index follows the commit (it lives with the memory copy, not in `refs`).
      expect(storage.referencingIds('ds', 'x')).toEqual([])
      expect(storage.referencingIds('ds', 'y')).toEqual(['a'])
      expect(storage.idsReferencing('ds', ['x', 'z'])).toEqual(['a'])
      expect(column(storage.db, "SELECT name FROM sqlite_master WHERE name = 'refs'")).toEqual([])
      expect(storage.searchText('ds', 'borås')).toEqual(['a'])
      storage.commit(tx('t3', [{id: 'a', before: v2, after: v3, mutations: []}]))
      expect(storage.searchText('ds', 'borås')).toEqual([])
      expect(storage.searchText('ds', 'ystad')).toEqual(['a'])
      expect(storage.referencingIds('ds', 'y')).toEqual(['a'])
    } finally {
      storage.close()
    }
    const again = new LakeStorage(dir)
    expect(again.getDocument('ds', 'a')).toEqual(
      doc('a', 't3', {title: 'Ystad', two: {_ref: 'y'}, three: {_ref: 'z'}}),
    )
    expect(again.referencingIds('ds', 'z')).toEqual(['a'])
    again.close()
  })

  it("stores an import's mutations (createOrReplace of each document) without repeating them", () => {
    const storage = new LakeStorage(dir)
    try {
      const a = doc('a', 'i1')
      const b = doc('b', 'i1')
      const changes = [a, b].map((after) => ({
        id: after._id,
        before: null,
        after,
        mutations: [{createOrReplace: after}],
      }))
      storage.commit(
        {...tx('i1', changes), mutations: changes.map((c) => ({createOrReplace: c.after}))},
        {createDataset: true},
      )
      expect(column(storage.db, 'SELECT length(mutations) AS n FROM transactions')).toEqual([
        {n: JSON.stringify({createOrReplaceAfters: true}).length},
      ])
      expect(storage.transactions('ds', {})[0].mutations).toEqual([
        {createOrReplace: a},
        {createOrReplace: b},
      ])
    } finally {
      storage.close()
    }
  })

  it('indexes weak, cross-dataset and strong references; only strong local ones block deletes', () => {
    const storage = new LakeStorage(dir)
    try {
      const refs = doc('r', 't1', {
        strong: {_ref: 's'},
        weak: [{_key: 'k', _ref: 'w', _weak: true}],
        both: [{_ref: 's', _weak: true}],
        other: {_ref: 'o', _dataset: 'elsewhere'},
      })
      storage.commit(tx('t1', [{id: 'r', before: null, after: refs, mutations: []}]), {
        createDataset: true,
      })
      expect(storage.idsReferencing('ds', ['s'])).toEqual(['r'])
      expect(storage.idsReferencing('ds', ['w', 'o'])).toEqual(['r'])
      expect(storage.referencingIds('ds', 's')).toEqual(['r'])
      expect(storage.referencingIds('ds', 'w')).toEqual([])
      expect(storage.referencingIds('ds', 'o')).toEqual([])
    } finally {
      storage.close()
    }
  })
})
