import {describe, expect, it} from 'vitest'

import {expandActions, strengthenOnPublish} from '../../../lake/write/actions.ts'
import {applyTransaction} from '../../../lake/write/mutations.ts'
import type {CommittedTransaction, Mutation} from '../../../lake/core/types.ts'
import {LakeError} from '../../../lake/core/errors.ts'
import {catchLakeError, lakeErrorBody} from '../../helpers/lakeError.ts'
import {MemorySource} from '../../helpers/memorySource.ts'

const NOW = '2026-08-21T10:00:00Z'

/** Expands the actions and applies them as one transaction, as the route does. */
function commit(source: MemorySource, actions: unknown[]): CommittedTransaction {
  return applyTransaction({
    dataset: 'test',
    mutations: expandActions(actions, source),
    transactionId: 'tx2',
    timestamp: '2026-08-21T10:00:00.500Z',
    identity: 'p-test',
    source,
  })
}

function expandError(source: MemorySource, actions: unknown[]): LakeError {
  return catchLakeError(() => expandActions(actions, source), 'expected the actions to fail')
}

const A = 'sanity.action.document.'

describe('expandActions: edit', () => {
  it('on a published-only document creates the draft from the published document, then patches', () => {
    const source = new MemorySource([
      {_id: 'p1', title: 'Old', body: 'text', _createdAt: '2023-03-03T03:03:03Z'},
    ])
    const actions = [
      {
        actionType: `${A}edit`,
        draftId: 'drafts.p1',
        publishedId: 'p1',
        patch: {set: {title: 'New'}},
      },
    ]
    const mutations = expandActions(actions, source)
    expect(mutations).toEqual([
      {
        createIfNotExists: {
          _id: 'drafts.p1',
          _type: 'post',
          _createdAt: '2023-03-03T03:03:03Z',
          title: 'Old',
          body: 'text',
        },
      },
      {patch: {id: 'drafts.p1', set: {title: 'New'}}},
    ])
    const tx = commit(source, actions)
    expect(tx.changes).toEqual([
      {
        id: 'drafts.p1',
        before: null,
        after: {
          _id: 'drafts.p1',
          _type: 'post',
          _rev: 'tx2',
          _createdAt: '2023-03-03T03:03:03Z',
          _updatedAt: NOW,
          title: 'New',
          body: 'text',
        },
        mutations: [{createOrReplace: tx.changes[0].after}],
      },
    ])
    expect(tx.results).toEqual([
      {id: 'drafts.p1', operation: 'create'},
      {id: 'drafts.p1', operation: 'update'},
    ])
  })

  it('on an existing draft only patches', () => {
    const source = new MemorySource([{_id: 'p1'}, {_id: 'drafts.p1', title: 'Draft'}])
    expect(
      expandActions(
        [{actionType: `${A}edit`, draftId: 'drafts.p1', publishedId: 'p1', patch: {inc: {n: 1}}}],
        source,
      ),
    ).toEqual([{patch: {id: 'drafts.p1', inc: {n: 1}}}])
  })

  it('accepts the empty-action guard as a no-op patch (still a new revision)', () => {
    const source = new MemorySource([{_id: 'drafts.p1', title: 'Draft'}])
    const tx = commit(source, [
      {
        actionType: `${A}edit`,
        draftId: 'drafts.p1',
        publishedId: 'p1',
        patch: {unset: ['_empty_action_guard_pseudo_field_']},
      },
    ])
    expect(tx.changes).toHaveLength(1)
    expect(tx.changes[0].after).toMatchObject({title: 'Draft', _rev: 'tx2'})
  })

  it('sees a draft created by an earlier action of the same request', () => {
    const source = new MemorySource()
    const tx = commit(source, [
      {
        actionType: `${A}create`,
        publishedId: 'p9',
        attributes: {_id: 'drafts.p9', _type: 'post', title: 'a'},
        ifExists: 'fail',
      },
      {actionType: `${A}edit`, draftId: 'drafts.p9', publishedId: 'p9', patch: {set: {title: 'b'}}},
    ])
    expect(tx.changes.map((change) => [change.id, change.after?.title])).toEqual([
      ['drafts.p9', 'b'],
    ])
  })

  it('on a document missing in both forms is 409', () => {
    const error = expandError(new MemorySource(), [
      {actionType: `${A}edit`, draftId: 'drafts.x', publishedId: 'x', patch: {set: {a: 1}}},
    ])
    expect(error.status).toBe(409)
    expect(lakeErrorBody(error).error.type).toBe('actionError')
  })

  it('a malformed patch is a 400 actionError at the action index', () => {
    const source = new MemorySource([{_id: 'drafts.p1'}])
    const error = expandError(source, [
      {actionType: `${A}edit`, draftId: 'drafts.p1', publishedId: 'p1', patch: {set: {a: 1}}},
      {actionType: `${A}edit`, draftId: 'drafts.p1', publishedId: 'p1', patch: {frob: 1}},
    ])
    expect(error.status).toBe(400)
    expect(lakeErrorBody(error).error).toMatchObject({
      type: 'actionError',
      items: [{index: 1, error: {type: 'invalidMutationError'}}],
    })
  })
})

describe('expandActions: publish', () => {
  it('yields createOrReplace of the published document and delete of the draft', () => {
    const source = new MemorySource([
      {_id: 'p1', title: 'Old', _rev: 't0', _createdAt: '2020-01-01T00:00:00Z'},
      {_id: 'drafts.p1', title: 'New', _rev: 't1', _createdAt: '2021-01-01T00:00:00Z'},
    ])
    const actions = [
      {
        actionType: `${A}publish`,
        draftId: 'drafts.p1',
        publishedId: 'p1',
        ifPublishedRevisionId: 't0',
      },
    ]
    expect(expandActions(actions, source)).toEqual([
      {
        createOrReplace: {
          _id: 'p1',
          _type: 'post',
          _createdAt: '2021-01-01T00:00:00Z',
          title: 'New',
        },
      },
      {delete: {id: 'drafts.p1'}},
    ])
    const tx = commit(source, actions)
    expect(tx.changes).toEqual([
      {
        id: 'p1',
        before: source.get('p1'),
        after: {
          _id: 'p1',
          _type: 'post',
          _rev: 'tx2',
          _createdAt: '2020-01-01T00:00:00Z',
          _updatedAt: NOW,
          title: 'New',
        },
        mutations: [{createOrReplace: tx.changes[0].after}],
      },
      {
        id: 'drafts.p1',
        before: source.get('drafts.p1'),
        after: null,
        mutations: [{delete: {id: 'drafts.p1'}}],
      },
    ])
    expect(tx.results).toEqual([
      {id: 'p1', operation: 'update'},
      {id: 'drafts.p1', operation: 'delete'},
    ])
  })

  it('publishing a never-published draft keeps the draft _createdAt', () => {
    const source = new MemorySource([
      {
        _id: 'drafts.p2',
        title: 'New',
        _createdAt: '2021-01-01T00:00:00Z',
        _originalId: 'drafts.p2',
      },
    ])
    const tx = commit(source, [
      {actionType: `${A}publish`, draftId: 'drafts.p2', publishedId: 'p2'},
    ])
    expect(tx.changes[0].after).toEqual({
      _id: 'p2',
      _type: 'post',
      _rev: 'tx2',
      _createdAt: '2021-01-01T00:00:00Z',
      _updatedAt: NOW,
      title: 'New',
    })
    expect(tx.results[0]).toEqual({id: 'p2', operation: 'create'})
  })

  it('strengthens _strengthenOnPublish references (or keeps them weak when asked)', () => {
    const source = new MemorySource([
      {_id: 'author1', _type: 'author'},
      {
        _id: 'drafts.p1',
        author: {
          _type: 'reference',
          _ref: 'author1',
          _weak: true,
          _strengthenOnPublish: {type: 'author'},
        },
        related: [
          {
            _key: 'k',
            _type: 'reference',
            _ref: 'author1',
            _weak: true,
            _strengthenOnPublish: {type: 'author', weak: true},
          },
        ],
        plainWeak: {_type: 'reference', _ref: 'gone', _weak: true},
      },
    ])
    const tx = commit(source, [
      {actionType: `${A}publish`, draftId: 'drafts.p1', publishedId: 'p1'},
    ])
    expect(tx.changes[0].after).toMatchObject({
      author: {_type: 'reference', _ref: 'author1'},
      related: [{_key: 'k', _type: 'reference', _ref: 'author1', _weak: true}],
      plainWeak: {_type: 'reference', _ref: 'gone', _weak: true},
    })
    const author = tx.changes[0].after?.author as Record<string, unknown>
    expect(author).not.toHaveProperty('_weak')
    expect(author).not.toHaveProperty('_strengthenOnPublish')
    expect(tx.changes[0].after?.related).toEqual([
      {_key: 'k', _type: 'reference', _ref: 'author1', _weak: true},
    ])
  })

  it('a strengthened reference to a missing document fails the publish (409)', () => {
    const source = new MemorySource([
      {
        _id: 'drafts.p1',
        author: {
          _type: 'reference',
          _ref: 'nobody',
          _weak: true,
          _strengthenOnPublish: {type: 'a'},
        },
      },
    ])
    expect(() =>
      commit(source, [{actionType: `${A}publish`, draftId: 'drafts.p1', publishedId: 'p1'}]),
    ).toThrow(/references non-existent document "nobody"/)
  })

  it('is blocked when another document strongly references the draft', () => {
    const source = new MemorySource([
      {_id: 'drafts.p1'},
      {_id: 'other', link: {_type: 'reference', _ref: 'drafts.p1'}},
    ])
    try {
      commit(source, [{actionType: `${A}publish`, draftId: 'drafts.p1', publishedId: 'p1'}])
      throw new Error('expected failure')
    } catch (error) {
      expect((error as LakeError).status).toBe(409)
      expect(JSON.stringify((error as LakeError).body)).toContain(
        'documentHasExistingReferencesError',
      )
    }
  })

  it('revision mismatches are 409', () => {
    const source = new MemorySource([
      {_id: 'p1', _rev: 't0'},
      {_id: 'drafts.p1', _rev: 't1'},
    ])
    const draftMismatch = expandError(source, [
      {actionType: `${A}publish`, draftId: 'drafts.p1', publishedId: 'p1', ifDraftRevisionId: 'zz'},
    ])
    expect(draftMismatch.status).toBe(409)
    expect(lakeErrorBody(draftMismatch).error).toMatchObject({
      type: 'actionError',
      items: [
        {
          index: 0,
          error: {
            type: 'documentRevisionIDDoesNotMatchError',
            currentRevisionID: 't1',
            expectedRevisionID: 'zz',
          },
        },
      ],
    })
    const publishedMismatch = expandError(source, [
      {
        actionType: `${A}publish`,
        draftId: 'drafts.p1',
        publishedId: 'p1',
        ifPublishedRevisionId: 'x',
      },
    ])
    expect(publishedMismatch.status).toBe(409)
    // expecting a published revision when nothing is published is a mismatch too
    const noPublished = expandError(new MemorySource([{_id: 'drafts.p1'}]), [
      {
        actionType: `${A}publish`,
        draftId: 'drafts.p1',
        publishedId: 'p1',
        ifPublishedRevisionId: 'x',
      },
    ])
    expect(noPublished.status).toBe(409)
    // matching revisions pass
    expect(
      expandActions(
        [
          {
            actionType: `${A}publish`,
            draftId: 'drafts.p1',
            publishedId: 'p1',
            ifDraftRevisionId: 't1',
            ifPublishedRevisionId: 't0',
          },
        ],
        source,
      ),
    ).toHaveLength(2)
  })

  it('without a draft is 409', () => {
    const error = expandError(new MemorySource([{_id: 'p1'}]), [
      {actionType: `${A}publish`, draftId: 'drafts.p1', publishedId: 'p1'},
    ])
    expect(error.status).toBe(409)
  })

  it('strengthenOnPublish leaves other values alone', () => {
    expect(strengthenOnPublish({a: [1, 'x', null], b: {_ref: 'r', _weak: true}})).toEqual({
      a: [1, 'x', null],
      b: {_ref: 'r', _weak: true},
    })
  })
})

describe('expandActions: unpublish, delete, discard, replaceDraft, create, versions', () => {
  it('unpublish deletes the published document and creates the draft from it', () => {
    const source = new MemorySource([{_id: 'p1', title: 'Pub', _createdAt: '2020-01-01T00:00:00Z'}])
    const tx = commit(source, [
      {actionType: `${A}unpublish`, draftId: 'drafts.p1', publishedId: 'p1'},
    ])
    expect(tx.changes.map((change) => change.id)).toEqual(['p1', 'drafts.p1'])
    expect(tx.changes[0].after).toBeNull()
    expect(tx.changes[1].after).toEqual({
      _id: 'drafts.p1',
      _type: 'post',
      _rev: 'tx2',
      _createdAt: '2020-01-01T00:00:00Z',
      _updatedAt: NOW,
      title: 'Pub',
    })
  })

  it('unpublish keeps an existing draft', () => {
    const source = new MemorySource([{_id: 'p1'}, {_id: 'drafts.p1', title: 'D'}])
    expect(
      expandActions(
        [{actionType: `${A}unpublish`, draftId: 'drafts.p1', publishedId: 'p1'}],
        source,
      ),
    ).toEqual([{delete: {id: 'p1'}}])
  })

  it('unpublish of an unpublished document is 409', () => {
    expect(
      expandError(new MemorySource([{_id: 'drafts.p1'}]), [
        {actionType: `${A}unpublish`, draftId: 'drafts.p1', publishedId: 'p1'},
      ]).status,
    ).toBe(409)
  })

  it('delete removes the published document and the listed drafts', () => {
    const source = new MemorySource([{_id: 'p1'}, {_id: 'drafts.p1'}])
    expect(
      expandActions(
        [{actionType: `${A}delete`, publishedId: 'p1', includeDrafts: ['drafts.p1']}],
        source,
      ),
    ).toEqual([{delete: {id: 'p1'}}, {delete: {id: 'drafts.p1'}}])
    // an unlisted existing draft is an error
    expect(
      expandError(source, [{actionType: `${A}delete`, publishedId: 'p1', includeDrafts: []}])
        .status,
    ).toBe(409)
  })

  it('discard and version.discard delete the draft; missing is 409', () => {
    const source = new MemorySource([{_id: 'drafts.p1'}])
    expect(expandActions([{actionType: `${A}discard`, draftId: 'drafts.p1'}], source)).toEqual([
      {delete: {id: 'drafts.p1'}},
    ])
    expect(
      expandActions([{actionType: `${A}version.discard`, versionId: 'drafts.p1'}], source),
    ).toEqual([{delete: {id: 'drafts.p1'}}])
    expect(
      expandError(source, [{actionType: `${A}version.discard`, versionId: 'drafts.nope'}]).status,
    ).toBe(409)
    expect(expandError(source, [{actionType: `${A}discard`, draftId: 'p1'}]).status).toBe(400)
  })

  it('replaceDraft replaces the draft (history restore, also after create)', () => {
    const source = new MemorySource([{_id: 'p1'}])
    expect(
      expandActions(
        [
          {
            actionType: `${A}replaceDraft`,
            publishedId: 'p1',
            attributes: {_id: 'drafts.p1', _type: 'post', title: 'Restored'},
          },
        ],
        source,
      ),
    ).toEqual([{createOrReplace: {_id: 'drafts.p1', _type: 'post', title: 'Restored'}}])
    // restore of a deleted document: create + replaceDraft in one request
    const tx = commit(new MemorySource(), [
      {
        actionType: `${A}create`,
        publishedId: 'gone',
        attributes: {_id: 'drafts.gone', _type: 'post', title: 'R'},
        ifExists: 'fail',
      },
      {
        actionType: `${A}replaceDraft`,
        publishedId: 'gone',
        attributes: {_id: 'drafts.gone', _type: 'post', title: 'R'},
      },
    ])
    expect(tx.changes.map((change) => [change.id, change.after?.title])).toEqual([
      ['drafts.gone', 'R'],
    ])
    expect(
      expandError(new MemorySource(), [
        {
          actionType: `${A}replaceDraft`,
          publishedId: 'x',
          attributes: {_id: 'drafts.x', _type: 't'},
        },
      ]).status,
    ).toBe(409)
  })

  it('create fails or ignores on an existing draft, and refuses when published exists', () => {
    const source = new MemorySource([{_id: 'drafts.d1'}, {_id: 'pub'}])
    const create = (publishedId: string, id: string, ifExists: string) => ({
      actionType: `${A}create`,
      publishedId,
      attributes: {_id: id, _type: 'post'},
      ifExists,
    })
    expect(expandError(source, [create('d1', 'drafts.d1', 'fail')]).status).toBe(409)
    expect(expandActions([create('d1', 'drafts.d1', 'ignore')], source)).toEqual([])
    expect(expandError(source, [create('pub', 'drafts.pub', 'fail')]).status).toBe(409)
    expect(expandError(source, [create('other', 'drafts.mismatch', 'fail')]).status).toBe(400)
    expect(expandActions([create('new', 'drafts.new', 'fail')], source)).toEqual([
      {create: {_id: 'drafts.new', _type: 'post'}},
    ])
  })

  it('version.create from a document or as a copy of a base document', () => {
    const source = new MemorySource([{_id: 'p1', _rev: 'r1', title: 'P'}])
    expect(
      expandActions(
        [
          {
            actionType: `${A}version.create`,
            publishedId: 'p1',
            baseId: 'p1',
            versionId: 'drafts.p1',
            ifBaseRevisionId: 'r1',
          },
        ],
        source,
      ),
    ).toEqual([
      {create: {_id: 'drafts.p1', _type: 'post', _createdAt: '2024-01-01T00:00:00Z', title: 'P'}},
    ])
    expect(
      expandActions(
        [
          {
            actionType: `${A}version.create`,
            publishedId: 'p1',
            document: {_id: 'versions.rA.p1', _type: 'post', title: 'V'},
          },
        ],
        source,
      ),
    ).toEqual([{create: {_id: 'versions.rA.p1', _type: 'post', title: 'V'}}])
    expect(
      expandError(source, [
        {
          actionType: `${A}version.create`,
          publishedId: 'p1',
          baseId: 'p1',
          versionId: 'drafts.p1',
          ifBaseRevisionId: 'old',
        },
      ]).status,
    ).toBe(409)
  })

  it('version.unpublish marks the version with _system.delete', () => {
    const source = new MemorySource([{_id: 'p1'}, {_id: 'versions.rA.p1'}])
    const tx = commit(source, [
      {actionType: `${A}version.unpublish`, versionId: 'versions.rA.p1', publishedId: 'p1'},
    ])
    expect(tx.changes[0].after).toMatchObject({_id: 'versions.rA.p1', _system: {delete: true}})
  })
})

describe('expandActions: invalid input', () => {
  it('an unknown action type is a 400 actionError', () => {
    const error = expandError(new MemorySource(), [
      {actionType: 'sanity.action.document.frobnicate'},
    ])
    expect(error.status).toBe(400)
    expect(error.body).toEqual({
      error: {
        type: 'actionError',
        description: 'Unsupported action type "sanity.action.document.frobnicate"',
        items: [
          {
            index: 0,
            error: {
              type: 'invalidActionError',
              description: 'Unsupported action type "sanity.action.document.frobnicate"',
            },
          },
        ],
      },
    })
  })

  it('rejects variant actions, non-objects and missing fields with 400', () => {
    const source = new MemorySource([{_id: 'drafts.p1'}])
    const cases: unknown[][] = [
      [{actionType: `${A}variant.create`, publishedId: 'p1'}],
      ['nope'],
      [{}],
      [{actionType: `${A}publish`, publishedId: 'p1'}],
      [{actionType: `${A}publish`, draftId: 'drafts.p1', publishedId: 'drafts.p1'}],
      [{actionType: `${A}edit`, draftId: 'drafts.p1', publishedId: 'p1'}],
    ]
    for (const actions of cases) expect(expandError(source, actions).status).toBe(400)
  })

  it('reports the index of the failing action', () => {
    const source = new MemorySource([{_id: 'drafts.p1'}])
    const error = expandError(source, [
      {actionType: `${A}discard`, draftId: 'drafts.p1'},
      {actionType: `${A}discard`, draftId: 'drafts.p1'},
    ])
    expect(error.status).toBe(409)
    expect(lakeErrorBody(error).error.items[0].index).toBe(1)
  })

  it('returns no mutations for no actions', () => {
    const mutations: Mutation[] = expandActions([], new MemorySource())
    expect(mutations).toEqual([])
  })
})
