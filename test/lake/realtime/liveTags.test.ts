/**
 * The sync tag granularity (lake/realtime/liveTags.ts) as a table: which tags a query gets from how
 * each of its `*`s is narrowed and which documents it looked up by id, and which tags a change
 * invalidates. A page reloads when the two share a tag.
 */
import {describe, expect, it} from 'vitest'

import type {LakeDocument} from '../../../lake/core/types.ts'
import {changeTags, queryTags, syncTag} from '../../../lake/realtime/liveTags.ts'

const DS = 'production'
const id = (value: string) => syncTag(DS, 'id', value)
const type = (value: string) => syncTag(DS, 'type', value)
const slug = (value: string) => syncTag(DS, 'slug', value)
const dataset = syncTag(DS, 'dataset')

function doc(fields: Partial<LakeDocument> & {_id: string; _type: string}): LakeDocument {
  return {_rev: 'r', _createdAt: '', _updatedAt: '', ...fields}
}

describe('query tags', () => {
  it.each([
    ['*[_id == "a"][0]', {}, [id('a')]],
    ['*[_id in ["a", "drafts.b"]]', {}, [id('a'), id('b')]],
    ['*[_type == "city"]', {}, [type('city')]],
    ['*[_type in ["city", "person"]]{name}', {}, [type('city'), type('person')]],
    ['*[_type == "city" && slug.current == $slug][0]', {slug: 'boras'}, [slug('boras')]],
    ['*[_type == "city" && _id == "c"][0]', {}, [id('c')]],
    ['count(*[_type == "city"]) + count(*[_type == "person"])', {}, [type('city'), type('person')]],
    ['*[_type == "a" && _id in *[_type == "b"].ref]', {}, [type('a'), type('b')]],
    ['*[name match "x"]', {}, [dataset]],
    ['*[_type == "a"]{"all": *[references(^._id)]}', {}, [dataset]],
    ['releases::all()', {}, [dataset]],
    ['"no documents"', {}, []],
  ])('%s', (query, params, expected) => {
    expect(queryTags(DS, query, params)).toEqual([...expected].sort())
  })

  it('adds the ids looked up by id, unless a type or slug tag already covers them', () => {
    const reads = new Map<string, LakeDocument | null>([
      ['person-1', doc({_id: 'person-1', _type: 'person'})],
      ['drafts.org-1', doc({_id: 'drafts.org-1', _type: 'organization'})],
      ['city-1', doc({_id: 'city-1', _type: 'city'})],
      ['missing', null],
      ['i-1', doc({_id: 'i-1', _type: 'interview', slug: {current: 's'}})],
    ])
    expect(
      queryTags(
        DS,
        '*[_type == "interview" && slug.current == "s"]{"c": *[_type == "city"]}',
        {},
        reads,
      ),
    ).toEqual([slug('s'), type('city'), id('person-1'), id('org-1'), id('missing')].sort())
    // A dataset-wide tag is then the only tag.
    expect(queryTags(DS, '*[defined(x)]', {}, reads)).toEqual([dataset])
  })
})

describe('change tags', () => {
  it('names the id, the before and after types and slugs, and the dataset', () => {
    const before = doc({_id: 'drafts.x', _type: 'city', slug: {current: 'old'}})
    const after = doc({_id: 'drafts.x', _type: 'place', slug: {current: 'new'}})
    expect(changeTags(DS, [{id: 'drafts.x', before, after}])).toEqual(
      [dataset, id('x'), type('city'), type('place'), slug('old'), slug('new')].sort(),
    )
    expect(
      changeTags(DS, [{id: 'gone', before: doc({_id: 'gone', _type: 't'}), after: null}]),
    ).toEqual([dataset, id('gone'), type('t')].sort())
    expect(changeTags(DS, [])).toEqual([])
  })

  it('keeps datasets apart', () => {
    expect(syncTag('a', 'id', 'x')).not.toBe(syncTag('b', 'id', 'x'))
    expect(syncTag('a', 'id', 'x')).toMatch(/^s1:[\w-]{12}$/)
  })
})
