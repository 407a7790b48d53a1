/**
 * lake/groq/plan/narrowing.ts `planExact`: which queries the lake evaluates over exactly the
 * documents passing their filter (one `*`, every conjunct native), with the filter removed.
 */
import {parse} from 'groq-js'
import {describe, expect, it} from 'vitest'
import {planExact} from '../../../../lake/groq/plan/narrowing.ts'

describe('planExact', () => {
  it('takes pins, defined() and comparisons with constants or now(), with or without a lookup', () => {
    const plan = planExact(parse('*[_type == "qmCertification" && validUntil < now()]._id'))
    expect(plan?.lookup).toEqual({field: '_type', values: ['qmCertification']})
    expect(plan?.native.map((p) => p.kind)).toEqual(['constraint', 'compare'])
    expect(plan?.tree).toMatchObject({type: 'Map', base: {type: 'Everything'}})
    const scan = planExact(parse('*[n > 3 && !defined(slug)]{_id}'))
    expect(scan?.lookup).toBeNull()
    expect(scan?.native.map((p) => p.kind)).toEqual(['compare', 'defined'])
  })

  it('leaves to groq-js any filter with a conjunct it cannot decide, and datasets read implicitly', () => {
    for (const query of [
      '*[_type == "a" && title match "x"]',
      '*[_type == "a" && references("b")]',
      '*[_type == "a" || n > 1]',
      '*[_type == "a" && n > m]',
      '*[_type == "a"]{"b": *[_type == "b"]._id}',
      '*[_type == "a" && n > 1]{"r": releases::all()._id}',
    ]) {
      expect(planExact(parse(query)), query).toBeNull()
    }
  })
})
