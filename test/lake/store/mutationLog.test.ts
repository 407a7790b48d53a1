import {describe, expect, it} from 'vitest'
import type {LakeDocument} from '../../../lake/core/types.ts'
import {compactMutations, expandMutations} from '../../../lake/store/mutationLog.ts'

const after = (id: string, extra: Record<string, unknown> = {}): LakeDocument => ({
  _id: id,
  _type: 'person',
  _rev: 'tx',
  _createdAt: '2025-01-01T00:00:00Z',
  _updatedAt: '2025-01-01T00:00:00Z',
  name: 'Åsa',
  roles: [{_key: 'k', title: 'Ordförande'}],
  ...extra,
})

describe('mutations in the log', () => {
  it('stores a create-like mutation repeating its after state as a pointer, and rebuilds it', () => {
    const afters = new Map([
      ['a', after('a')],
      ['b', after('b')],
      ['c', after('c', {name: 'Changed later'})],
    ])
    const mutations = [
      {
        createOrReplace: {
          _id: 'a',
          _type: 'person',
          name: 'Åsa',
          roles: [{title: 'Ordförande', _key: 'k'}],
        },
      },
      {
        create: {
          _id: 'b',
          _type: 'person',
          _createdAt: '2020-01-01T00:00:00Z',
          roles: [{_key: 'k', title: 'Ordförande'}],
          name: 'Åsa',
        },
      },
      {
        createIfNotExists: {
          _id: 'c',
          _type: 'person',
          name: 'Åsa',
          roles: [{_key: 'k', title: 'Ordförande'}],
        },
      },
      {patch: {id: 'c', set: {name: 'Changed later'}}},
      {delete: {id: 'x'}},
    ]
    const stored = compactMutations(mutations, (id) => afters.get(id))
    expect(stored.slice(0, 2)).toEqual([
      {createOrReplace: {$after: 1, _id: 'a'}},
      {create: {$after: 1, _id: 'b', _createdAt: '2020-01-01T00:00:00Z'}},
    ])
    // c's after is not its create's document: kept as given, like the patch and the delete.
    expect(stored.slice(2)).toEqual(mutations.slice(2))
    const rebuilt = expandMutations(JSON.parse(JSON.stringify(stored)), (id) => afters.get(id))
    expect(rebuilt).toEqual(mutations)
  })

  it('keeps a mutation whose document differs from the after state in any field', () => {
    const afters = new Map([['a', after('a', {roles: [{_key: 'generated', title: 'Ordförande'}]})]])
    const mutations = [
      {createOrReplace: {_id: 'a', _type: 'person', name: 'Åsa', roles: [{title: 'Ordförande'}]}},
      {
        createOrReplace: {
          _id: 'a',
          _type: 'other',
          name: 'Åsa',
          roles: [{_key: 'generated', title: 'Ordförande'}],
        },
      },
    ]
    expect(compactMutations(mutations, (id) => afters.get(id))).toEqual(mutations)
  })
})
