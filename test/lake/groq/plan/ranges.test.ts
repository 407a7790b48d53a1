/**
 * lake/groq/plan/ranges.ts: which conjuncts are native comparisons, and that their test decides
 * exactly like groq-js 2.0.1 for every pair of JSON value kinds (groq-js is the oracle).
 */
import {evaluate, parse} from 'groq-js'
import {describe, expect, it} from 'vitest'
import {
  comparisonOf,
  comparisonTest,
  operandValue,
  type ComparisonOp,
} from '../../../../lake/groq/plan/ranges.ts'

const OPS: ComparisonOp[] = ['<', '<=', '>', '>=', '==', '!=']
const MISSING = Symbol('missing')
const VALUES: unknown[] = [
  MISSING,
  null,
  0,
  1,
  -1.5,
  2,
  '',
  '1',
  '2',
  'a',
  'B',
  'å',
  '2025-01-01',
  '2025-01-01T00:00:00Z',
  '2025-01-01T00:00:00.000Z',
  true,
  false,
  {x: 1},
  [1],
  [],
]
const CONSTANTS: Array<string | number | boolean | null> = [
  null,
  1,
  0,
  '1',
  'a',
  '2025-01-01T00:00:00.000Z',
  true,
  false,
]

function conjunct(query: string, params: Record<string, unknown> = {}) {
  const tree = parse(query, {params})
  if (tree.type !== 'Filter') throw new Error('expected a filter')
  return tree.expr
}

describe('comparisonOf', () => {
  it('finds `path op constant`, flips `constant op path`, takes now() and negative numbers', () => {
    expect(comparisonOf(conjunct('*[validUntil < now()]'))).toEqual({
      path: ['validUntil'],
      op: '<',
      operand: {kind: 'now'},
    })
    expect(comparisonOf(conjunct('*[now() >= a.b]'))).toEqual({
      path: ['a', 'b'],
      op: '<=',
      operand: {kind: 'now'},
    })
    expect(comparisonOf(conjunct('*[-2 < n]'))).toEqual({
      path: ['n'],
      op: '>',
      operand: {kind: 'value', value: -2},
    })
    expect(comparisonOf(conjunct('*[x != $v]', {v: 'a'}))).toEqual({
      path: ['x'],
      op: '!=',
      operand: {kind: 'value', value: 'a'},
    })
    expect(comparisonOf(conjunct('*[@.flag == true]'))?.path).toEqual(['flag'])
  })

  it('leaves to groq-js what it cannot decide alone', () => {
    for (const query of [
      '*[a < b]',
      '*[a < [1]]',
      '*[a < {"x": 1}]',
      '*[lower(a) < "b"]',
      '*[a->b < 1]',
      '*[a[0] < 1]',
      '*[^.a < 1]',
      '*[dateTime(a) < dateTime(now())]',
      '*[a match "b"]',
      '*[a in [1, 2]]',
      '*[1 < 2]',
    ]) {
      expect(comparisonOf(conjunct(query)), query).toBeNull()
    }
  })
})

describe('comparisonTest equals groq-js', () => {
  it('for every operator, value kind and constant kind', async () => {
    let checked = 0
    for (const op of OPS) {
      for (const constant of CONSTANTS) {
        const test = comparisonTest(op, constant)
        for (const value of VALUES) {
          const doc: Record<string, unknown> = {_id: 'a', _type: 't'}
          if (value !== MISSING) doc.v = value
          const tree = parse(`*[v ${op} $c]._id`, {params: {c: constant}})
          const result = await (await evaluate(tree, {dataset: [doc], params: {c: constant}})).get()
          const column = value === MISSING || value === undefined ? null : value
          expect(
            test(column),
            `${JSON.stringify(value ?? 'missing')} ${op} ${JSON.stringify(constant)}`,
          ).toBe((result as string[]).length === 1)
          checked++
        }
      }
    }
    expect(checked).toBe(OPS.length * CONSTANTS.length * VALUES.length)
  })

  it('now() is the request timestamp as groq-js formats it', async () => {
    const timestamp = new Date('2026-03-04T05:06:07.089Z')
    const value = operandValue({kind: 'now'}, timestamp)
    const groq = await (await evaluate(parse('now()'), {timestamp})).get()
    expect(value).toBe(groq)
    expect(comparisonTest('<', value)('2026-03-04T05:06:07Z')).toBe(false)
    expect(comparisonTest('<', value)('2026-03-04T05:06:07.000Z')).toBe(true)
  })
})
