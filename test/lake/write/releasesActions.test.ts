/**
 * The release actions as a pure expansion (lake/write/releases.ts through expandActions) over an
 * in-memory source: which mutations each action becomes, found without the storage's id index.
 */
import {describe, expect, it} from 'vitest'

import {expandActions} from '../../../lake/write/actions.ts'
import {applyTransaction} from '../../../lake/write/mutations.ts'
import type {LakeDocument} from '../../../lake/core/types.ts'
import {catchLakeError, lakeErrorBody} from '../../helpers/lakeError.ts'
import {MemorySource} from '../../helpers/memorySource.ts'

const NOW = '2027-03-01T12:00:00.000Z'
const R = 'sanity.action.release.'

function release(state: string, extra: Record<string, unknown> = {}) {
  return {
    _id: '_.releases.rA',
    _type: 'system.release',
    name: 'rA',
    state,
    metadata: {title: 'A', releaseType: 'asap'},
    ...extra,
  }
}

describe('release actions expand into plain mutations', () => {
  it('publish: each version to its published id (or a delete), the versions removed, the state set', () => {
    const source = new MemorySource([
      release('active'),
      {_id: 'versions.rA.p1', _type: 'post', title: 'Ny'},
      {_id: 'versions.rA.p2', _type: 'post', _system: {delete: true}},
      {_id: 'p2', _type: 'post'},
      {_id: 'versions.rB.p1', _type: 'post', title: 'Annan release'},
    ])
    const mutations = expandActions([{actionType: `${R}publish`, releaseId: 'rA'}], source, {
      now: NOW,
    })
    expect(mutations).toEqual([
      {
        createOrReplace: {
          _id: 'p1',
          _type: 'post',
          _createdAt: '2024-01-01T00:00:00Z',
          title: 'Ny',
        },
      },
      {delete: {id: 'versions.rA.p1'}},
      {delete: {id: 'p2'}},
      {delete: {id: 'versions.rA.p2'}},
      {
        patch: {
          id: '_.releases.rA',
          set: {
            state: 'published',
            publishedAt: NOW,
            finalDocumentStates: [{id: 'versions.rA.p1'}, {id: 'versions.rA.p2'}],
          },
          unset: ['error'],
        },
      },
    ])
  })

  it('unarchive recreates the versions from their last stored revision', () => {
    const last: LakeDocument = {
      _id: 'versions.rA.p1',
      _type: 'post',
      _rev: 'old',
      _createdAt: '2027-01-01T00:00:00Z',
      _updatedAt: '2027-01-02T00:00:00Z',
      title: 'Arkiverad',
    }
    const source = new MemorySource([
      release('archived', {finalDocumentStates: [{id: 'versions.rA.p1'}]}),
    ])
    const mutations = expandActions([{actionType: `${R}unarchive`, releaseId: 'rA'}], source, {
      lastRevision: (id) => (id === last._id ? last : null),
    })
    expect(mutations[0]).toEqual({
      create: {
        _id: 'versions.rA.p1',
        _type: 'post',
        _createdAt: '2027-01-01T00:00:00Z',
        title: 'Arkiverad',
      },
    })
    const tx = applyTransaction({
      dataset: 'test',
      mutations,
      transactionId: 'tx1',
      timestamp: NOW,
      identity: 'p-test',
      source,
    })
    expect(tx.changes.find((change) => change.id === '_.releases.rA')?.after).toMatchObject({
      state: 'active',
    })
  })

  it('sees the effect of earlier actions in the same request', () => {
    const source = new MemorySource([])
    const mutations = expandActions(
      [
        {actionType: `${R}create`, releaseId: 'rA', metadata: {title: 'A'}},
        {
          actionType: 'sanity.action.document.version.create',
          publishedId: 'p1',
          document: {_id: 'versions.rA.p1', _type: 'post'},
        },
        {actionType: `${R}schedule`, releaseId: 'rA', publishAt: NOW},
      ],
      source,
    )
    expect(mutations.map((mutation) => Object.keys(mutation)[0])).toEqual([
      'create',
      'create',
      'patch',
    ])
  })

  it('locks the versions of a scheduled release against document actions', () => {
    const source = new MemorySource([
      release('scheduled', {publishAt: NOW}),
      {_id: 'versions.rA.p1', _type: 'post'},
    ])
    const error = catchLakeError(
      () =>
        expandActions(
          [{actionType: 'sanity.action.document.version.discard', versionId: 'versions.rA.p1'}],
          source,
        ),
      'expected the discard to be refused',
    )
    expect(error.status).toBe(409)
    expect(lakeErrorBody(error).error.items[0].error).toMatchObject({
      type: 'releaseLockedError',
      id: 'versions.rA.p1',
    })
  })

  it('publishes a scheduled release only for the scheduler', () => {
    const source = new MemorySource([release('scheduled', {publishAt: NOW})])
    const refused = catchLakeError(
      () => expandActions([{actionType: `${R}publish`, releaseId: 'rA'}], source),
      'expected publish from scheduled to be refused',
    )
    expect(lakeErrorBody(refused).error.items[0].error.description).toBe(
      'Release "rA" is not permitted to transition from state scheduled to published',
    )
    const mutations = expandActions([{actionType: `${R}publish`, releaseId: 'rA'}], source, {
      scheduledPublish: true,
      now: NOW,
    })
    expect(mutations).toHaveLength(1)
  })
})
