import {describe, expect, it} from 'vitest'

import {mayRunAway} from '../../../lake/realtime/filterLimits.ts'
import {compileListenerFilter} from '../../../lake/realtime/listeners.ts'

const runsAway = (query: string, params: Record<string, unknown> = {}) =>
  mayRunAway(compileListenerFilter(query, params).tree)

describe('mayRunAway', () => {
  it('lets constant patterns with at most one wildcard per word go without a time limit', () => {
    expect(runsAway('*[_type == "city"]')).toBe(false)
    expect(runsAway('*[name match "Bor*"]')).toBe(false)
    expect(runsAway('*[name match $term]', {term: 'söder* tälje*'})).toBe(false)
    expect(runsAway('*[[title, name] match ["a*", "*b", "c"]]')).toBe(false)
    expect(runsAway('*[title match $terms]', {terms: ['Borås', 'Bor*']})).toBe(false)
  })

  it('keeps the limit for patterns that can backtrack, patterns from documents, also in score()', () => {
    expect(runsAway('*[title match "*a*b"]')).toBe(true)
    expect(runsAway('*[title match $term]', {term: 'a*b*'})).toBe(true)
    expect(runsAway('*[title match ["x", "*a*a*b"]]')).toBe(true)
    expect(runsAway('*[title match $term]', {term: `${'a'.repeat(65)}*`})).toBe(true)
    expect(runsAway('*[title match name]')).toBe(true)
    expect(runsAway('*[title match $terms]', {terms: ['a', 1]})).toBe(true)
    expect(runsAway('*[_type == "city"] | score(title match "*a*b")')).toBe(true)
    expect(runsAway('*[_type == "city"] | score(boost(title match "a*", 2))')).toBe(false)
  })
})
