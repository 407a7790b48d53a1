import {describe, expect, it} from 'vitest'

import {
  applyTransaction,
  type DocumentSource,
  type TransactionInput,
} from '../../../lake/write/mutations.ts'
import type {CommittedTransaction, LakeDocument, Mutation} from '../../../lake/core/types.ts'
import {LakeError} from '../../../lake/core/errors.ts'
import {catchLakeError, lakeErrorBody} from '../../helpers/lakeError.ts'
import {MemorySource} from '../../helpers/memorySource.ts'

const TIMESTAMP = '2026-08-21T10:00:00.123Z'
const NOW = '2026-08-21T10:00:00Z'

function run(
  source: MemorySource,
  mutations: Mutation[],
  extra: Partial<TransactionInput> = {},
): CommittedTransaction {
  return applyTransaction({
    dataset: 'test',
    mutations,
    transactionId: 'tx1',
    timestamp: TIMESTAMP,
    identity: 'p-test',
    source,
    ...extra,
  })
}

/** Runs and expects a LakeError; returns it. */
function runError(
  source: MemorySource,
  mutations: Mutation[],
  extra: Partial<TransactionInput> = {},
): LakeError {
  return catchLakeError(() => run(source, mutations, extra), 'expected the transaction to fail')
}

function after(tx: CommittedTransaction, id: string): LakeDocument | null | undefined {
  return tx.changes.find((change) => change.id === id)?.after
}

describe('applyTransaction: create kinds', () => {
  it('creates with system fields, ignoring a supplied _rev', () => {
    const source = new MemorySource()
    const tx = run(source, [{create: {_id: 'p1', _type: 'post', _rev: 'bogus', title: 'x'}}])
    expect(tx.results).toEqual([{id: 'p1', operation: 'create'}])
    expect(tx.changes).toHaveLength(1)
    expect(tx.changes[0].before).toBeNull()
    expect(tx.changes[0].after).toEqual({
      _id: 'p1',
      _type: 'post',
      _rev: 'tx1',
      _createdAt: NOW,
      _updatedAt: NOW,
      title: 'x',
    })
    expect(tx.transactionId).toBe('tx1')
    expect(tx.timestamp).toBe(TIMESTAMP)
    expect(tx.identity).toBe('p-test')
    expect(tx.dataset).toBe('test')
    // pure: nothing written to the source
    expect(source.get('p1')).toBeNull()
  })

  it('keeps supplied _createdAt/_updatedAt on create', () => {
    const tx = run(new MemorySource(), [
      {
        create: {
          _id: 'p1',
          _type: 'post',
          _createdAt: '2020-01-01T00:00:00Z',
          _updatedAt: '2020-02-01T00:00:00Z',
        },
      },
    ])
    expect(after(tx, 'p1')).toMatchObject({
      _createdAt: '2020-01-01T00:00:00Z',
      _updatedAt: '2020-02-01T00:00:00Z',
    })
  })

  it('generates random ids, and prefix + random for ids ending with "."', () => {
    const tx = run(new MemorySource(), [
      {create: {_type: 'post'}},
      {create: {_id: 'test.', _type: 'post'}},
      {create: {_id: 'drafts.', _type: 'post'}},
    ])
    const [a, b, c] = tx.results.map((result) => result.id)
    expect(a).toMatch(/^[a-zA-Z0-9]{16,}$/)
    expect(b).toMatch(/^test\.[a-zA-Z0-9]{16,}$/)
    expect(c).toMatch(/^drafts\.[a-zA-Z0-9]{16,}$/)
    expect(new Set([a, b, c]).size).toBe(3)
    expect(after(tx, a)).toMatchObject({_id: a, _type: 'post'})
  })

  it('fails create on an existing id with documentAlreadyExistsError (409)', () => {
    const error = runError(new MemorySource([{_id: 'p1'}]), [{create: {_id: 'p1', _type: 'post'}}])
    expect(error.status).toBe(409)
    expect(lakeErrorBody(error)).toEqual({
      error: {
        type: 'mutationError',
        description: 'Mutation failed: Document by ID "p1" already exists',
        items: [
          {
            index: 0,
            error: {
              type: 'documentAlreadyExistsError',
              id: 'p1',
              description: 'Document by ID "p1" already exists',
            },
          },
        ],
      },
    })
  })

  it('createIfNotExists is a no-op (none) on an existing document and creates otherwise', () => {
    const source = new MemorySource([{_id: 'p1', title: 'old'}])
    const tx = run(source, [
      {createIfNotExists: {_id: 'p1', _type: 'post', title: 'new'}},
      {createIfNotExists: {_id: 'p2', _type: 'post', title: 'new'}},
    ])
    expect(tx.results).toEqual([
      {id: 'p1', operation: 'none'},
      {id: 'p2', operation: 'create'},
    ])
    expect(tx.changes.map((change) => change.id)).toEqual(['p2'])
  })

  it('createOrReplace replaces, keeping the existing _createdAt and setting _updatedAt', () => {
    const source = new MemorySource([
      {_id: 'p1', title: 'old', extra: true, _createdAt: '2019-05-05T05:05:05Z'},
    ])
    const tx = run(source, [
      {
        createOrReplace: {
          _id: 'p1',
          _type: 'post',
          title: 'new',
          _createdAt: '2000-01-01T00:00:00Z',
        },
      },
      {createOrReplace: {_id: 'p2', _type: 'post', _createdAt: '2000-01-01T00:00:00Z'}},
    ])
    expect(tx.results).toEqual([
      {id: 'p1', operation: 'update'},
      {id: 'p2', operation: 'create'},
    ])
    expect(after(tx, 'p1')).toEqual({
      _id: 'p1',
      _type: 'post',
      _rev: 'tx1',
      _createdAt: '2019-05-05T05:05:05Z',
      _updatedAt: NOW,
      title: 'new',
    })
    expect(after(tx, 'p2')).toMatchObject({_createdAt: '2000-01-01T00:00:00Z', _updatedAt: NOW})
    expect(tx.changes[0].before).toMatchObject({title: 'old', _rev: 'rev-p1'})
  })

  it('does not alias the submitted documents', () => {
    const doc = {_id: 'p1', _type: 'post', list: [{a: 1}]}
    const tx = run(new MemorySource(), [{create: doc}])
    doc.list[0].a = 2
    expect(after(tx, 'p1')).toMatchObject({list: [{a: 1}]})
  })
})

describe('applyTransaction: delete', () => {
  it('deletes by id; deleting a missing id succeeds with no change', () => {
    const tx = run(new MemorySource([{_id: 'p1'}]), [
      {delete: {id: 'p1'}},
      {delete: {id: 'missing'}},
    ])
    expect(tx.results).toEqual([
      {id: 'p1', operation: 'delete'},
      {id: 'missing', operation: 'delete'},
    ])
    expect(tx.changes).toEqual([
      {
        id: 'p1',
        before: expect.objectContaining({_id: 'p1'}),
        after: null,
        mutations: [{delete: {id: 'p1'}}],
      },
    ])
  })

  it('deletes by query with params', () => {
    const source = new MemorySource([
      {_id: 'a', _type: 'tmp'},
      {_id: 'b', _type: 'tmp'},
      {_id: 'c', _type: 'post'},
    ])
    const tx = run(source, [{delete: {query: '*[_type == $t]', params: {t: 'tmp'}}}])
    expect(tx.results.map((result) => result.id).sort()).toEqual(['a', 'b'])
    expect(tx.changes.every((change) => change.after === null)).toBe(true)
  })

  it('queries see documents created earlier in the transaction', () => {
    const tx = run(new MemorySource(), [
      {create: {_id: 'a', _type: 'tmp'}},
      {patch: {query: '*[_type == "tmp"]', set: {seen: true}}},
    ])
    expect(after(tx, 'a')).toMatchObject({seen: true})
    expect(tx.results).toEqual([
      {id: 'a', operation: 'create'},
      {id: 'a', operation: 'update'},
    ])
  })

  it('a document created and deleted in the same transaction produces no change', () => {
    const tx = run(new MemorySource(), [{create: {_id: 'a', _type: 'x'}}, {delete: {id: 'a'}}])
    expect(tx.changes).toEqual([])
    expect(tx.results).toEqual([
      {id: 'a', operation: 'create'},
      {id: 'a', operation: 'delete'},
    ])
  })
})

describe('applyTransaction: patch', () => {
  const base = {
    _id: 'p1',
    title: 'Hello',
    body: 'hello world',
    views: 10,
    stock: 5,
    tags: ['a', 'b', 'c'],
    blocks: [
      {_key: 'k1', text: 'one'},
      {_key: 'k2', text: 'two'},
    ],
  }
  const patch = (ops: Record<string, unknown>, extra: Partial<TransactionInput> = {}) =>
    after(run(new MemorySource([base]), [{patch: {id: 'p1', ...ops}}], extra), 'p1') as LakeDocument

  it('set, setIfMissing, unset (with key path)', () => {
    const doc = patch({
      set: {title: 'New', 'meta.seo.title': 'x'},
      setIfMissing: {title: 'ignored', subtitle: 'sub'},
      unset: ['body', 'blocks[_key=="k1"]'],
    })
    expect(doc).toMatchObject({title: 'New', subtitle: 'sub', meta: {seo: {title: 'x'}}})
    expect(doc.body).toBeUndefined()
    expect(doc.blocks).toEqual([{_key: 'k2', text: 'two'}])
  })

  it('sets _rev and _updatedAt, keeps _createdAt', () => {
    const doc = patch({set: {title: 'x'}})
    expect(doc).toMatchObject({
      _id: 'p1',
      _type: 'post',
      _rev: 'tx1',
      _createdAt: '2024-01-01T00:00:00Z',
      _updatedAt: NOW,
    })
  })

  it('inc and dec', () => {
    expect(patch({inc: {views: 5}, dec: {stock: 2}})).toMatchObject({views: 15, stock: 3})
    expect(patch({inc: {title: 1}})).toMatchObject({title: 'Hello'})
  })

  it('insert before/after/replace', () => {
    expect(patch({insert: {after: 'tags[-1]', items: ['d']}}).tags).toEqual(['a', 'b', 'c', 'd'])
    expect(patch({insert: {before: 'tags[0]', items: ['z']}}).tags).toEqual(['z', 'a', 'b', 'c'])
    expect(patch({insert: {replace: 'tags[1]', items: ['x', 'y']}}).tags).toEqual([
      'a',
      'x',
      'y',
      'c',
    ])
    expect(
      patch({insert: {after: 'blocks[_key=="k1"]', items: [{_key: 'k3', text: 'three'}]}}).blocks,
    ).toEqual([
      {_key: 'k1', text: 'one'},
      {_key: 'k3', text: 'three'},
      {_key: 'k2', text: 'two'},
    ])
  })

  it('diffMatchPatch', () => {
    expect(patch({diffMatchPatch: {body: '@@ -1,5 +1,6 @@\n hello\n+!\n'}}).body).toBe(
      'hello! world',
    )
  })

  it('a patch that changes nothing still writes a new revision', () => {
    const tx = run(new MemorySource([base]), [
      {patch: {id: 'p1', unset: ['_empty_action_guard_pseudo_field_']}},
    ])
    expect(tx.results).toEqual([{id: 'p1', operation: 'update'}])
    expect(tx.changes).toHaveLength(1)
    expect(tx.changes[0].after).toMatchObject({_rev: 'tx1', title: 'Hello'})
  })

  it('patches by query, each match once', () => {
    const source = new MemorySource([
      {_id: 'a', n: 1},
      {_id: 'b', n: 2},
      {_id: 'c', _type: 'other', n: 3},
    ])
    const tx = run(source, [{patch: {query: '*[_type == "post"]', inc: {n: 10}}}])
    expect(tx.changes.map((change) => [change.id, change.after?.n])).toEqual([
      ['a', 11],
      ['b', 12],
    ])
  })

  it('patch by id on a missing document is 409 documentNotFoundError', () => {
    const error = runError(new MemorySource(), [{patch: {id: 'nope', set: {a: 1}}}])
    expect(error.status).toBe(409)
    expect(lakeErrorBody(error).error.items[0]).toMatchObject({
      index: 0,
      error: {type: 'documentNotFoundError', id: 'nope', description: 'Document "nope" not found'},
    })
  })

  it('ifRevisionID mismatch is 409 documentRevisionIDDoesNotMatchError', () => {
    const error = runError(new MemorySource([base]), [
      {patch: {id: 'p1', ifRevisionID: 'UBS0R1zf', set: {title: 'x'}}},
    ])
    expect(error.status).toBe(409)
    expect(lakeErrorBody(error)).toEqual({
      error: {
        type: 'mutationError',
        description:
          'Mutation failed: Document "p1" has unexpected revision ID ("rev-p1"), expected "UBS0R1zf"',
        items: [
          {
            index: 0,
            error: {
              type: 'documentRevisionIDDoesNotMatchError',
              id: 'p1',
              description:
                'Document "p1" has unexpected revision ID ("rev-p1"), expected "UBS0R1zf"',
              currentRevisionID: 'rev-p1',
              expectedRevisionID: 'UBS0R1zf',
            },
          },
        ],
      },
    })
    // a matching revision passes
    const ok = run(new MemorySource([base]), [
      {patch: {id: 'p1', ifRevisionID: 'rev-p1', set: {title: 'x'}}},
    ])
    expect(after(ok, 'p1')).toMatchObject({title: 'x'})
  })

  it('insert into a non-array is a 409 patch error', () => {
    const error = runError(new MemorySource([base]), [
      {patch: {id: 'p1', insert: {after: 'title[-1]', items: ['x']}}},
    ])
    expect(error.status).toBe(409)
    expect(lakeErrorBody(error).error.items[0].error.type).toBe('patchError')
  })

  it('refuses to change _id or remove _type', () => {
    expect(runError(new MemorySource([base]), [{patch: {id: 'p1', set: {_id: 'p2'}}}]).status).toBe(
      400,
    )
    expect(runError(new MemorySource([base]), [{patch: {id: 'p1', unset: ['_type']}}]).status).toBe(
      400,
    )
  })
})

describe('applyTransaction: ordering and atomicity', () => {
  it('each mutation sees the previous one (create then patch)', () => {
    const tx = run(new MemorySource(), [
      {create: {_id: 'p1', _type: 'post', tags: []}},
      {patch: {id: 'p1', insert: {after: 'tags[-1]', items: ['x']}, set: {title: 't'}}},
      {patch: {id: 'p1', ifRevisionID: 'tx1', inc: {count: 1}, setIfMissing: {count: 0}}},
    ])
    expect(tx.results).toEqual([
      {id: 'p1', operation: 'create'},
      {id: 'p1', operation: 'update'},
      {id: 'p1', operation: 'update'},
    ])
    expect(tx.changes).toHaveLength(1)
    expect(tx.changes[0]).toEqual({
      id: 'p1',
      before: null,
      after: {
        _id: 'p1',
        _type: 'post',
        _rev: 'tx1',
        _createdAt: NOW,
        _updatedAt: NOW,
        tags: ['x'],
        title: 't',
        count: 1,
      },
      mutations: [{createOrReplace: tx.changes[0].after}],
    })
  })

  it('is all or nothing: a failing second mutation throws and leaves the source untouched', () => {
    const source = new MemorySource([{_id: 'p1'}])
    const error = runError(source, [
      {create: {_id: 'new', _type: 'post'}},
      {create: {_id: 'p1', _type: 'post'}},
    ])
    expect(error.status).toBe(409)
    expect(lakeErrorBody(error).error.items[0].index).toBe(1)
    expect(source.get('new')).toBeNull()
    expect(source.get('p1')?._rev).toBe('rev-p1')
  })

  it('changes list documents in first-touched order with per-document mutations', () => {
    const source = new MemorySource([{_id: 'a'}, {_id: 'b'}])
    const tx = run(source, [
      {patch: {id: 'b', set: {x: 1}}},
      {create: {_id: 'c', _type: 'post'}},
      {delete: {id: 'a'}},
      {patch: {id: 'b', set: {y: 2}}},
    ])
    expect(tx.changes.map((change) => change.id)).toEqual(['b', 'c', 'a'])
    expect(tx.changes[0].mutations).toEqual([
      {createOrReplace: expect.objectContaining({_id: 'b', x: 1, y: 2, _rev: 'tx1'})},
    ])
    expect(tx.changes[1].mutations).toEqual([{createOrReplace: tx.changes[1].after}])
    expect(tx.changes[2].mutations).toEqual([{delete: {id: 'a'}}])
    expect(tx.mutations).toHaveLength(4)
  })
})

describe('applyTransaction: reference integrity', () => {
  const ref = (id: string, extra: Record<string, unknown> = {}) => ({
    _type: 'reference',
    _ref: id,
    ...extra,
  })

  it('a strong reference to a missing document is 409 documentReferenceDoesNotExistError', () => {
    const error = runError(new MemorySource(), [
      {create: {_id: 'source', _type: 'post', author: ref('target404')}},
    ])
    expect(error.status).toBe(409)
    expect(lakeErrorBody(error)).toEqual({
      error: {
        type: 'mutationError',
        description:
          'Mutation failed: Document "source" references non-existent document "target404"',
        items: [
          {
            index: 0,
            error: {
              type: 'documentReferenceDoesNotExistError',
              id: 'source',
              referenceID: 'target404',
              description: 'Document "source" references non-existent document "target404"',
            },
          },
        ],
      },
    })
  })

  it('checks references set by a patch, including nested and image asset references', () => {
    const source = new MemorySource([{_id: 'p1'}])
    const error = runError(source, [
      {patch: {id: 'p1', set: {image: {_type: 'image', asset: ref('image-abc-10x10-png')}}}},
    ])
    expect(lakeErrorBody(error).error.items[0].error).toMatchObject({
      referenceID: 'image-abc-10x10-png',
    })
    const ok = run(
      new MemorySource([{_id: 'p1'}, {_id: 'image-abc-10x10-png', _type: 'sanity.imageAsset'}]),
      [{patch: {id: 'p1', set: {image: {_type: 'image', asset: ref('image-abc-10x10-png')}}}}],
    )
    expect(ok.changes).toHaveLength(1)
  })

  it('allows a reference to a document created later in the same transaction', () => {
    const tx = run(new MemorySource(), [
      {create: {_id: 'source', _type: 'post', author: ref('author1')}},
      {create: {_id: 'author1', _type: 'author'}},
    ])
    expect(tx.changes).toHaveLength(2)
  })

  it('weak, strengthen-on-publish and (skipped) cross-dataset references do not block', () => {
    const tx = run(
      new MemorySource(),
      [
        {
          create: {
            _id: 'drafts.source',
            _type: 'post',
            a: ref('missing1', {_weak: true}),
            b: [
              {
                _key: 'k',
                ...ref('missing2', {_weak: true, _strengthenOnPublish: {type: 'author'}}),
              },
            ],
            c: ref('missing3', {_dataset: 'other'}),
            d: ref('media-library:ml1:missing4'),
          },
        },
      ],
      {skipCrossDatasetReferenceValidation: true},
    )
    expect(tx.changes).toHaveLength(1)
  })

  it('validates cross-dataset references through the optional source hook', () => {
    const source = new MemorySource()
    const seen: unknown[] = []
    const withHook: DocumentSource = {
      get: (id) => source.get(id),
      queryIds: (q, p, pending) => source.queryIds(q, p, pending),
      referencingIds: (id) => source.referencingIds(id),
      crossDatasetDocumentExists: (target) => {
        seen.push(target)
        return target.id === 'there'
      },
    }
    const mutations = (id: string): Mutation[] => [
      {create: {_id: 's', _type: 'post', c: ref(id, {_dataset: 'other'})}},
    ]
    expect(run(new MemorySource(), mutations('missing')).changes).toHaveLength(1) // no hook
    expect(
      applyTransaction({...baseInput(withHook), mutations: mutations('there')}).changes,
    ).toHaveLength(1)
    expect(() => applyTransaction({...baseInput(withHook), mutations: mutations('gone')})).toThrow(
      'references non-existent document "gone"',
    )
    expect(seen).toContainEqual({dataset: 'other', projectId: undefined, id: 'there'})
  })

  it('pre-existing dangling references do not block unrelated edits', () => {
    const source = new MemorySource([{_id: 'p1', author: ref('gone')}])
    const tx = run(source, [{patch: {id: 'p1', set: {title: 'x'}}}])
    expect(tx.changes).toHaveLength(1)
  })

  it('unsetting _weak makes a reference strong and checked', () => {
    const source = new MemorySource([{_id: 'p1', author: ref('gone', {_weak: true})}])
    expect(runError(source, [{patch: {id: 'p1', unset: ['author._weak']}}]).status).toBe(409)
  })

  it('deleting a strongly referenced document is 409 documentHasExistingReferencesError', () => {
    const source = new MemorySource([
      {_id: 'ref-foo', _type: 'author'},
      {_id: 'ref-bar', author: ref('ref-foo')},
      {_id: 'ref-weak', author: ref('ref-foo', {_weak: true})},
    ])
    const error = runError(source, [{delete: {id: 'ref-foo'}}])
    expect(error.status).toBe(409)
    expect(lakeErrorBody(error)).toEqual({
      error: {
        type: 'mutationError',
        description:
          'Mutation failed: Document "ref-foo" cannot be deleted as there are references to it from "ref-bar"',
        items: [
          {
            index: 0,
            error: {
              type: 'documentHasExistingReferencesError',
              id: 'ref-foo',
              referencingIDs: ['ref-bar'],
              description:
                'Document "ref-foo" cannot be deleted as there are references to it from "ref-bar"',
            },
          },
        ],
      },
    })
  })

  it('allows the delete when the referrer is deleted or unlinked in the same transaction', () => {
    const source = new MemorySource([
      {_id: 'foo', _type: 'author'},
      {_id: 'bar', author: ref('foo')},
      {_id: 'baz', author: ref('foo')},
    ])
    const tx = run(source, [
      {delete: {id: 'foo'}},
      {delete: {id: 'bar'}},
      {patch: {id: 'baz', unset: ['author']}},
    ])
    expect(tx.changes.map((change) => change.id)).toEqual(['foo', 'bar', 'baz'])
  })

  it('blocks a delete when a document in the transaction adds a reference to it', () => {
    const source = new MemorySource([{_id: 'foo', _type: 'author'}, {_id: 'bar'}])
    const error = runError(source, [
      {patch: {id: 'bar', set: {author: ref('foo')}}},
      {delete: {id: 'foo'}},
    ])
    expect(lakeErrorBody(error).error.items[0]).toMatchObject({
      index: 1,
      error: {type: 'documentHasExistingReferencesError', referencingIDs: ['bar']},
    })
  })

  it('blocks createOrReplace changing the _type of a referenced document', () => {
    const source = new MemorySource([
      {_id: 'foo', _type: 'author'},
      {_id: 'bar', author: ref('foo')},
    ])
    const error = runError(source, [{createOrReplace: {_id: 'foo', _type: 'person'}}])
    expect(error.status).toBe(409)
    expect(lakeErrorBody(error).error.items[0].error).toMatchObject({
      type: 'documentHasExistingReferencesError',
      id: 'foo',
      referencingIDs: ['bar'],
    })
    // same type is fine
    expect(
      run(source, [{createOrReplace: {_id: 'foo', _type: 'author', name: 'x'}}]).changes,
    ).toHaveLength(1)
  })
})

describe('applyTransaction: autoGenerateArrayKeys', () => {
  it('adds 12-hex keys to object array items lacking one, recursively, on create and patch', () => {
    const tx = run(
      new MemorySource([{_id: 'p1', list: []}]),
      [
        {
          create: {
            _id: 'c1',
            _type: 'post',
            blocks: [{_key: 'keep', children: [{text: 'a'}, {text: 'b'}]}, {text: 'c'}],
            strings: ['x'],
          },
        },
        {patch: {id: 'p1', insert: {after: 'list[-1]', items: [{v: 1}, {v: 2}]}}},
      ],
      {autoGenerateArrayKeys: true},
    )
    const created = after(tx, 'c1') as LakeDocument & {
      blocks: Array<{_key: string; children?: Array<{_key: string}>}>
      strings: string[]
    }
    expect(created.blocks[0]._key).toBe('keep')
    expect(created.blocks[1]._key).toMatch(/^[0-9a-f]{12}$/)
    const childKeys = created.blocks[0].children?.map((child) => child._key) ?? []
    expect(childKeys).toHaveLength(2)
    for (const key of childKeys) expect(key).toMatch(/^[0-9a-f]{12}$/)
    expect(new Set(childKeys).size).toBe(2)
    expect(created.strings).toEqual(['x'])
    const patched = after(tx, 'p1') as LakeDocument & {list: Array<{_key: string}>}
    for (const item of patched.list) expect(item._key).toMatch(/^[0-9a-f]{12}$/)
    // the change's mutations carry the generated keys
    expect(tx.changes[0].mutations).toEqual([{createOrReplace: created}])
  })

  it('adds no keys without the flag', () => {
    const tx = run(new MemorySource(), [{create: {_id: 'c1', _type: 'post', list: [{a: 1}]}}])
    expect(after(tx, 'c1')).toMatchObject({list: [{a: 1}]})
    const list = after(tx, 'c1')?.list as Array<Record<string, unknown>>
    expect(list[0]._key).toBeUndefined()
  })
})

describe('applyTransaction: parsedInput (a request body owned by the transaction)', () => {
  const body = () =>
    JSON.parse(
      '{"mutations": [{"createOrReplace": {"_id": "c1", "_type": "post", "list": [{"a": 1}]}}]}',
    ).mutations as Mutation[]

  it('gives the same document as a copied input, and leaves the mutations as they were', () => {
    const mutations = body()
    const tx = run(new MemorySource(), mutations, {parsedInput: true})
    expect(tx.changes[0].after).toEqual(run(new MemorySource(), body()).changes[0].after)
    expect(tx.mutations).toEqual(body())
  })

  it('still copies with autoGenerateArrayKeys: the keys land in the document, not in the mutations', () => {
    const mutations = body()
    const tx = run(new MemorySource(), mutations, {parsedInput: true, autoGenerateArrayKeys: true})
    const list = after(tx, 'c1')?.list as Array<Record<string, unknown>>
    expect(list[0]._key).toMatch(/^[0-9a-f]{12}$/)
    expect(mutations).toEqual(body())
  })
})

describe('applyTransaction: malformed input (400)', () => {
  const cases: Array<[string, Mutation[]]> = [
    ['unknown mutation kind', [{frobnicate: {}}]],
    ['two keys', [{create: {_id: 'a', _type: 'x'}, delete: {id: 'a'}}]],
    ['empty mutation', [{}]],
    ['non-object mutation', ['create' as unknown as Mutation]],
    ['create without _type', [{create: {_id: 'a'}}]],
    ['createOrReplace without _id', [{createOrReplace: {_type: 'x'}}]],
    ['createIfNotExists without _id', [{createIfNotExists: {_type: 'x'}}]],
    ['malformed id', [{create: {_id: '#bad id!', _type: 'x'}}]],
    ['id with ..', [{create: {_id: 'a..b', _type: 'x'}}]],
    ['id too long', [{create: {_id: 'a'.repeat(129), _type: 'x'}}]],
    ['id starting with -', [{createOrReplace: {_id: '-a', _type: 'x'}}]],
    ['patch without id or query', [{patch: {set: {a: 1}}}]],
    ['patch with id and query', [{patch: {id: 'a', query: '*', set: {a: 1}}}]],
    ['unknown patch operation', [{patch: {id: 'p1', merge: {a: 1}}}]],
    ['inc with a string', [{patch: {id: 'p1', inc: {a: '1'}}}]],
    ['unset not an array', [{patch: {id: 'p1', unset: 'a'}}]],
    ['insert without location', [{patch: {id: 'p1', insert: {items: []}}}]],
    ['insert without items', [{patch: {id: 'p1', insert: {after: 'a[-1]'}}}]],
    ['invalid diffMatchPatch', [{patch: {id: 'p1', diffMatchPatch: {a: 'garbage'}}}]],
    ['delete without id or query', [{delete: {}}]],
    ['delete with malformed id', [{delete: {id: 'bad id'}}]],
    ['invalid query', [{delete: {query: '*[_type == '}}]],
  ]
  for (const [name, mutations] of cases) {
    it(name, () => {
      const error = runError(new MemorySource([{_id: 'p1'}]), mutations)
      expect(error.status).toBe(400)
      const {error: detail} = lakeErrorBody(error)
      expect(detail.type).toBe('mutationError')
      expect(detail.description).toMatch(/^Mutation failed: /)
      expect(detail.items[0].index).toBe(0)
      expect(typeof detail.items[0].error.description).toBe('string')
    })
  }

  it('reports the index of the failing mutation', () => {
    const error = runError(new MemorySource(), [{create: {_id: 'a', _type: 'x'}}, {frobnicate: {}}])
    expect(lakeErrorBody(error).error.items[0].index).toBe(1)
    expect(lakeErrorBody(error).error.description).toBe(
      'Mutation failed: Unknown mutation type "frobnicate"',
    )
  })

  it('malformed ids get a clear description', () => {
    const error = runError(new MemorySource(), [{create: {_id: '#bad', _type: 'x'}}])
    expect(lakeErrorBody(error).error.items[0].error).toMatchObject({
      type: 'invalidDocumentIdError',
      description: 'Malformed document ID: "#bad"',
    })
  })
})

function baseInput(source: DocumentSource): TransactionInput {
  return {
    dataset: 'test',
    mutations: [],
    transactionId: 'tx1',
    timestamp: TIMESTAMP,
    identity: 'p-test',
    source,
  }
}
