/**
 * Comparisons the lake decides itself (native predicates, lake/groq/plan/constraints.ts): a
 * conjunct `path op operand` or `operand op path`, where `op` is `<`, `<=`, `>`, `>=`, `==` or
 * `!=`, `path` is an attribute path of the current document (`validUntil`, `meta.score`) and
 * `operand` a constant: a string, number, boolean or null literal (parameters are inlined by
 * groq-js's parser, so `$date` counts), `-<number>`, or `now()` (the request's timestamp as groq-js
 * formats it, `Date#toISOString()`, bound per request by lake/groq/evaluate.ts).
 *
 * The one home of the comparison rules, exactly groq-js 2.0.1's on JSON values (attribute access
 * on plain JSON never yields a datetime or a stream):
 * - `<`, `<=`, `>`, `>=` hold only when both sides have the same type among number, string and
 *   boolean (`partialCompare`): numbers and booleans numerically, strings by UTF-16 code units
 *   (so ISO dates and `now()` compare as strings, chronologically for one format); a missing
 *   field, null, an object, an array or a type mismatch make the comparison null, i.e. false;
 * - `==` holds for two strings, numbers or booleans that are `===`, or two nulls (a missing field
 *   is null, so `x == null` is `!defined(x)`); `!=` is its negation.
 *
 * No sorted per-field index: a range conjunct is tested over the memoized column of its path
 * (lake/groq/plan/selection.ts), a linear pass over plain values per query that costs well under
 * a millisecond per 10,000 candidates, because groq-js must get the matching documents in `_id`
 * order anyway (a sorted index would need its hits re-sorted by position, no cheaper for the
 * wide ranges dates typically select, e.g. `validUntil < now()`), and the column is patched
 * per write rather than rebuilt (lake/groq/plan/derived.ts), which a sorted index would need too.
 */
import type {ExprNode} from 'groq-js'
import {attributePath} from './paths.ts'

export type ComparisonOp = '<' | '<=' | '>' | '>=' | '==' | '!='

/** The constant side of a comparison, `now()` resolved per request. */
export type Operand = {kind: 'value'; value: string | number | boolean | null} | {kind: 'now'}

export interface Comparison {
  path: string[]
  op: ComparisonOp
  operand: Operand
}

const OPS = new Set<string>(['<', '<=', '>', '>=', '==', '!='])
/** `a op b` ⟺ `b FLIPPED[op] a`. */
const FLIPPED: Record<ComparisonOp, ComparisonOp> = {
  '<': '>',
  '<=': '>=',
  '>': '<',
  '>=': '<=',
  '==': '==',
  '!=': '!=',
}

function operandOf(node: ExprNode): Operand | null {
  if (node.type === 'Value') {
    const {value} = node
    if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) {
      return {kind: 'value', value: value as string | number | boolean | null}
    }
    return null
  }
  if (node.type === 'Neg' && node.base.type === 'Value' && typeof node.base.value === 'number') {
    return {kind: 'value', value: -node.base.value}
  }
  if (
    node.type === 'FuncCall' &&
    node.namespace === 'global' &&
    node.name === 'now' &&
    node.args.length === 0
  ) {
    return {kind: 'now'}
  }
  return null
}

/** The comparison a conjunct expresses (the path on the left), or null. */
export function comparisonOf(c: ExprNode): Comparison | null {
  if (c.type !== 'OpCall' || !OPS.has(c.op)) return null
  const op = c.op as ComparisonOp
  const leftPath = attributePath(c.left)
  const rightOperand = leftPath ? operandOf(c.right) : null
  if (leftPath && rightOperand) return {path: leftPath, op, operand: rightOperand}
  const rightPath = attributePath(c.right)
  const leftOperand = rightPath ? operandOf(c.left) : null
  if (rightPath && leftOperand) return {path: rightPath, op: FLIPPED[op], operand: leftOperand}
  return null
}

/** The operand's value in a request made at `timestamp`. */
export function operandValue(operand: Operand, timestamp: Date): string | number | boolean | null {
  return operand.kind === 'now' ? timestamp.toISOString() : operand.value
}

/** groq-js's `==` of an attribute value (plain JSON, null when missing) and a constant. */
function equal(value: unknown, constant: string | number | boolean | null): boolean {
  if (constant === null) return value === null
  return typeof value === typeof constant && value === constant
}

/** A test of attribute values (plain JSON, null when missing) for `value op constant`. */
export function comparisonTest(
  op: ComparisonOp,
  constant: string | number | boolean | null,
): (value: unknown) => boolean {
  if (op === '==') return (value) => equal(value, constant)
  if (op === '!=') return (value) => !equal(value, constant)
  if (constant === null) return () => false
  const type = typeof constant
  switch (op) {
    case '<':
      return (value) => typeof value === type && (value as typeof constant) < constant
    case '<=':
      return (value) => typeof value === type && (value as typeof constant) <= constant
    case '>':
      return (value) => typeof value === type && (value as typeof constant) > constant
    case '>=':
      return (value) => typeof value === type && (value as typeof constant) >= constant
  }
}
