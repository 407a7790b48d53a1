/**
 * The preview perspective a draft session may carry (web/previewPerspective.ts): `published`,
 * `drafts`, or release ids stacked on `drafts`, from the preview URL's comma-separated form or
 * comlink's array; everything else is `drafts`.
 */
import {describe, expect, it} from 'vitest'

import {
  clientPerspective,
  describePreviewPerspective,
  encodePreviewPerspective,
  parsePreviewPerspective,
} from '../web/previewPerspective.ts'

describe('parsePreviewPerspective', () => {
  it.each([
    ['published', 'published'],
    ['drafts', 'drafts'],
    [['published'], 'published'],
    [['drafts'], 'drafts'],
    ['rK3fX9aLp,drafts', ['rK3fX9aLp', 'drafts']],
    [' rB , rA ,drafts', ['rB', 'rA', 'drafts']],
    [
      ['rB', 'rA', 'drafts'],
      ['rB', 'rA', 'drafts'],
    ],
    [
      ['summer-2026_v2', 'drafts'],
      ['summer-2026_v2', 'drafts'],
    ],
  ])('accepts %j', (value, expected) => {
    expect(parsePreviewPerspective(value)).toEqual(expected)
  })

  it.each([
    ['nothing', undefined],
    ['null', null],
    ['an empty string', ''],
    ['raw', 'raw'],
    ['previewDrafts', 'previewDrafts'],
    ['an unknown name', 'everything'],
    ['a release without drafts', 'rA'],
    ['a stack not ending in drafts', ['drafts', 'rA']],
    ['published in a stack', ['rA', 'published']],
    ['drafts alone in a stack twice', ['drafts', 'drafts']],
    ['a reserved name as a release', ['raw', 'drafts']],
    ['a repeated release', ['rA', 'rA', 'drafts']],
    ['an id with a dot', ['versions.rA', 'drafts']],
    ['an id with a space', 'r A,drafts'],
    ['an id with a quote', ['r"A', 'drafts']],
    ['an empty id', ',drafts'],
    ['an over-long id', [`r${'x'.repeat(64)}`, 'drafts']],
    ['too many releases', [...Array.from({length: 21}, (_, i) => `r${i}`), 'drafts']],
    ['a number', 42],
    ['an object', {perspective: 'published'}],
    ['an array with a number', [1, 'drafts']],
  ])('turns %s into drafts', (_, value) => {
    expect(parsePreviewPerspective(value)).toBe('drafts')
  })
})

describe('encoding and describing', () => {
  it('encodes like the Studio does on URLs and round-trips', () => {
    expect(encodePreviewPerspective(['rB', 'rA', 'drafts'])).toBe('rB,rA,drafts')
    expect(parsePreviewPerspective(encodePreviewPerspective(['rB', 'drafts']))).toEqual([
      'rB',
      'drafts',
    ])
    expect(encodePreviewPerspective('published')).toBe('published')
  })

  it('gives @sanity/client a fresh array for a stack', () => {
    const stack = parsePreviewPerspective('rA,drafts')
    expect(clientPerspective(stack)).toEqual(['rA', 'drafts'])
    expect(clientPerspective('published')).toBe('published')
  })

  it('says in Swedish what the editor sees', () => {
    expect(describePreviewPerspective('drafts')).toBe('du ser utkast')
    expect(describePreviewPerspective('published')).toBe('du ser publicerat innehåll')
    expect(describePreviewPerspective(['rA', 'drafts'])).toBe('du ser innehållet i en release')
  })
})
