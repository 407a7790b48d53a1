import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {hashToken, registerToken, resolveCaller} from '../../../lake/auth/auth.ts'
import {LakeStorage} from '../../../lake/store/storage.ts'
import type {CommittedTransaction, LakeDocument} from '../../../lake/core/types.ts'

let dir: string
let storage: LakeStorage

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lake-storage-'))
  storage = new LakeStorage(dir)
})
afterEach(() => {
  storage.close()
  rmSync(dir, {recursive: true, force: true})
})

const doc = (id: string, type: string, extra: Record<string, unknown> = {}): LakeDocument => ({
  _id: id,
  _type: type,
  _rev: 'r',
  _createdAt: '2025-01-01T00:00:00Z',
  _updatedAt: '2025-01-01T00:00:00Z',
  ...extra,
})

function tx(id: string, docs: LakeDocument[]): CommittedTransaction {
  return {
    dataset: 'ds',
    transactionId: id,
    timestamp: '2025-01-01T00:00:00.000Z',
    identity: 'p-test',
    mutations: [],
    changes: docs.map((d) => ({id: d._id, before: null, after: d, mutations: []})),
    results: [],
  }
}

describe('storage', () => {
  it('uses WAL with synchronous=FULL', () => {
    expect(storage.db.prepare('PRAGMA journal_mode').get()).toEqual({journal_mode: 'wal'})
    expect(storage.db.prepare('PRAGMA synchronous').get()).toEqual({synchronous: 2})
  })

  it('keeps the in-memory type index equal to the SQL index, also after commits', () => {
    storage.commit(
      tx('t1', [doc('b', 'post'), doc('a', 'post'), doc('c', 'page', {slug: {current: 's'}})]),
      {
        createDataset: true,
      },
    )
    expect(storage.idsByType('ds', ['post'])).toEqual(storage.idsByTypeSql('ds', ['post']))
    storage.commit(tx('t2', [doc('a', 'page'), doc('d', 'post')]))
    expect(storage.idsByType('ds', ['post'])).toEqual(['b', 'd'])
    expect(storage.idsByTypeSql('ds', ['post'])).toEqual(['b', 'd'])
    expect(storage.idsBySlug('ds', ['s'])).toEqual(['c'])
  })

  it('a reused transaction id fails and writes nothing', () => {
    storage.commit(tx('t1', [doc('a', 'post')]), {createDataset: true})
    expect(() => storage.commit(tx('t1', [doc('b', 'post')]))).toThrow(/already exists/)
    expect(storage.getDocument('ds', 'b')).toBeNull()
    storage.close()
    storage = new LakeStorage(dir)
    expect(storage.getDocument('ds', 'b')).toBeNull()
    expect(storage.getDocument('ds', 'a')).toMatchObject({_type: 'post'})
  })

  it('tracks strong references only', () => {
    storage.commit(
      tx('t1', [
        doc('x', 't'),
        doc('strong', 't', {r: {_ref: 'x'}}),
        doc('weak', 't', {r: {_ref: 'x', _weak: true}}),
      ]),
      {createDataset: true},
    )
    expect(storage.referencingIds('ds', 'x')).toEqual(['strong'])
  })

  it('stores tokens hashed, never in plain text', () => {
    const {token, identity} = registerToken(storage, 'editor', {label: 'ci'})
    expect(token.length).toBeGreaterThanOrEqual(32)
    expect(identity).toMatch(/^p-/)
    storage.close()
    const bytes = readFileSync(join(dir, 'lake.sqlite')).toString('latin1')
    const wal = (() => {
      try {
        return readFileSync(join(dir, 'lake.sqlite-wal')).toString('latin1')
      } catch {
        return ''
      }
    })()
    expect(bytes + wal).not.toContain(token)
    expect(bytes + wal).toContain(hashToken(token))
    storage = new LakeStorage(dir)
    expect(resolveCaller(storage, `Bearer ${token}`)).toMatchObject({role: 'editor', identity})
    expect(() => resolveCaller(storage, 'Bearer nope')).toThrow(/Session not found/)
  })
})
