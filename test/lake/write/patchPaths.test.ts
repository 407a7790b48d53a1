/** Patch paths are JSONMatch, parsed completely; anything else is a 400 and nothing is written. */
import {describe, expect, it} from 'vitest'

import {applyTransaction} from '../../../lake/write/mutations.ts'
import {patchPathError} from '../../../lake/write/mutationInput.ts'
import {catchLakeError, lakeErrorBody} from '../../helpers/lakeError.ts'
import {MemorySource} from '../../helpers/memorySource.ts'

const VALID = [
  'title',
  'a.b',
  'a[0]',
  'a[-1]',
  'a[1:2]',
  'a[0,1]',
  "a['b c']",
  'body[_key=="k1"].children[_key=="s1"].text',
  'a[b=="c"]',
  'a..b',
]
const INVALID = ['a[', 'a]', 'a b', 'a[0]]', 'a[]', 'a.', '.a', 'a-b', 'a.0', 'a[*]', '', ' ']

describe('patch paths', () => {
  it('accepts JSONMatch paths and refuses the rest', () => {
    for (const path of VALID) expect(patchPathError(path), path).toBeNull()
    for (const path of INVALID) expect(patchPathError(path), path).not.toBeNull()
  })

  it('answers an invalid path with a 400 mutationError naming it, for every operation', () => {
    const source = new MemorySource([
      {_id: 'x', _type: 't', _rev: 'r', _createdAt: '', _updatedAt: '', a: [1]},
    ])
    for (const path of ['a[', 'a]']) {
      for (const patch of [
        {set: {[path]: 1}},
        {setIfMissing: {[path]: 1}},
        {unset: [path]},
        {inc: {[path]: 1}},
        {insert: {after: path, items: [2]}},
      ]) {
        const error = catchLakeError(
          () =>
            applyTransaction({
              dataset: 'd',
              mutations: [{patch: {id: 'x', ...patch}}],
              transactionId: 't1',
              timestamp: new Date().toISOString(),
              identity: '',
              source,
            }),
          `${JSON.stringify(patch)} should fail`,
        )
        expect(error.status).toBe(400)
        const body = lakeErrorBody(error)
        expect(body.error.type).toBe('mutationError')
        expect(body.error.items[0].error).toMatchObject({type: 'invalidPatchPathError', path})
      }
    }
  })
})
