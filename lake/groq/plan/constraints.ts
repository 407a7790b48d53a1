/**
 * Filter conjuncts the lake understands itself (lake/groq/plan/):
 *
 * - indexable constraints (`_id ==/in`, `_type ==/in`, `slug.current ==/in` with string constants)
 *   used to narrow which documents a `*` can yield, and `references("id", …)` with string
 *   constants, which narrows through the reference index ({@link lookupOf}) but is always
 *   evaluated by groq-js too (the index holds every `_ref`, a superset of what it matches);
 * - native predicates: conjuncts the lake decides exactly like groq-js would (indexable
 *   constraints, `defined(path)`, `!defined(path)`, and comparisons of a path with a constant or
 *   `now()`, whose rules live in lake/groq/plan/ranges.ts).
 */
import type {ExprNode} from 'groq-js'
import type {LakeDocument} from '../../core/types.ts'
import {attributePath} from './paths.ts'
import {comparisonOf, type Comparison} from './ranges.ts'
import type {TextQuery} from './textLookup.ts'
import type {ScoreConstraint} from './scoreSite.ts'

export {attributePath} from './paths.ts'

/** A constraint answered by an index of the documents' values. */
export type IndexConstraint =
  | {field: '_id'; values: string[]}
  | {field: '_type'; values: string[]}
  | {field: 'slug'; values: string[]}
  | {field: 'references'; values: string[]}

/**
 * Candidates from the full-text index (lake/groq/plan/textLookup.ts: a superset of what the
 * filter's `match` calls accept), intersected with a `_type` constraint of the same filter.
 */
export interface TextConstraint {
  field: 'text'
  values: []
  query: TextQuery
  within: (IndexConstraint & {field: '_type'}) | null
}

export type Constraint = IndexConstraint | TextConstraint | ScoreConstraint

export const FIELD_PREFERENCE: Record<Constraint['field'], number> = {
  _id: 0,
  slug: 1,
  references: 2,
  text: 3,
  score: 3,
  _type: 4,
}

/** The top-level conjuncts of a filter expression (`a && (b && c)` → a, b, c). */
export function conjuncts(expr: ExprNode, out: ExprNode[] = []): ExprNode[] {
  if (expr.type === 'And') {
    conjuncts(expr.left, out)
    conjuncts(expr.right, out)
  } else if (expr.type === 'Group') {
    conjuncts(expr.base, out)
  } else {
    out.push(expr)
  }
  return out
}

function fieldOf(node: ExprNode): Constraint['field'] | null {
  const path = attributePath(node)
  if (!path) return null
  if (path.length === 1 && (path[0] === '_id' || path[0] === '_type')) return path[0]
  if (path.length === 2 && path[0] === 'slug' && path[1] === 'current') return 'slug'
  return null
}

function stringsOf(node: ExprNode, many: boolean): string[] | null {
  if (!many) return node.type === 'Value' && typeof node.value === 'string' ? [node.value] : null
  if (node.type === 'Value' && Array.isArray(node.value)) {
    return node.value.every((v) => typeof v === 'string') ? (node.value as string[]) : null
  }
  if (node.type === 'Array') {
    const out: string[] = []
    for (const element of node.elements) {
      if (element.isSplat) return null
      const value = element.value
      if (value.type !== 'Value' || typeof value.value !== 'string') return null
      out.push(value.value)
    }
    return out
  }
  return null
}

/** The constraint a single conjunct expresses, if it is indexable. */
export function conjunctConstraint(c: ExprNode): IndexConstraint | null {
  if (c.type !== 'OpCall' || (c.op !== '==' && c.op !== 'in')) return null
  let field = fieldOf(c.left)
  let values = field ? stringsOf(c.right, c.op === 'in') : null
  if (!values && c.op === '==') {
    field = fieldOf(c.right)
    values = field ? stringsOf(c.left, false) : null
  }
  return field && values ? ({field, values} as IndexConstraint) : null
}

/** `references("a")`, `references("a", "b")`, `references(["a", "b"])` with string constants. */
export function referencesConstraint(c: ExprNode): IndexConstraint | null {
  if (c.type !== 'FuncCall' || c.namespace !== 'global' || c.name !== 'references') return null
  const values: string[] = []
  for (const arg of c.args) {
    const strings = stringsOf(arg, false) ?? stringsOf(arg, true)
    if (!strings) return null
    values.push(...strings)
  }
  return values.length > 0 ? {field: 'references', values} : null
}

/** The most selective indexable conjunct of a filter, or null. */
export function constraintOf(expr: ExprNode): IndexConstraint | null {
  return bestOf(expr, conjunctConstraint)
}

/**
 * The most selective conjunct to look candidates up by when narrowing a `*`: an indexable
 * constraint or a `references()` call (a superset of the matching documents), or null.
 */
export function lookupOf(expr: ExprNode): IndexConstraint | null {
  return bestOf(expr, (c) => conjunctConstraint(c) ?? referencesConstraint(c))
}

function bestOf(expr: ExprNode, constraint: (c: ExprNode) => IndexConstraint | null) {
  let best: IndexConstraint | null = null
  for (const c of conjuncts(expr)) {
    const candidate = constraint(c)
    if (!candidate) continue
    if (
      !best ||
      FIELD_PREFERENCE[candidate.field] < FIELD_PREFERENCE[best.field] ||
      (candidate.field === best.field && candidate.values.length < best.values.length)
    ) {
      best = candidate
    }
  }
  return best
}

/** Whether a document satisfies an indexable constraint (exactly GROQ's `==` / `in` here). */
export function satisfies(doc: LakeDocument, constraint: Constraint): boolean {
  // A superset lookup, never checked natively: groq-js evaluates the `match` calls.
  if (constraint.field === 'text' || constraint.field === 'score') return true
  if (constraint.field === 'references') return hasReference(doc, new Set(constraint.values))
  const value =
    constraint.field === 'slug' ? valueAt(doc, ['slug', 'current']) : doc[constraint.field]
  return typeof value === 'string' && constraint.values.includes(value)
}

/** groq-js's `references()`: an object with a truthy `_ref` answers for itself and its subtree. */
function hasReference(value: unknown, ids: ReadonlySet<string>): boolean {
  if (Array.isArray(value)) return value.some((item) => hasReference(item, ids))
  if (value === null || typeof value !== 'object') return false
  const ref = (value as Record<string, unknown>)._ref
  if (ref) return typeof ref === 'string' && ids.has(ref)
  return Object.values(value).some((item) => hasReference(item, ids))
}

/** groq-js attribute access on plain JSON: only own keys of objects; anything else is null. */
export function valueAt(doc: unknown, path: readonly string[]): unknown {
  let current = doc
  for (const name of path) {
    if (
      current === null ||
      typeof current !== 'object' ||
      Array.isArray(current) ||
      !Object.prototype.hasOwnProperty.call(current, name)
    ) {
      return null
    }
    current = (current as Record<string, unknown>)[name]
  }
  return current === undefined ? null : current
}

export type NativePredicate =
  | {kind: 'constraint'; constraint: IndexConstraint}
  | {kind: 'defined'; path: string[]; negated: boolean}
  | {kind: 'compare'; comparison: Comparison}

/** The native predicate a conjunct expresses, or null when groq-js must evaluate it. */
export function nativePredicate(c: ExprNode): NativePredicate | null {
  const constraint = conjunctConstraint(c)
  if (constraint) return {kind: 'constraint', constraint}
  let negated = false
  let n = c
  if (n.type === 'Not') {
    negated = true
    n = n.base
  }
  if (n.type === 'FuncCall' && n.namespace === 'global' && n.name === 'defined') {
    const path = n.args.length === 1 ? attributePath(n.args[0]) : null
    if (path) return {kind: 'defined', path, negated}
  }
  const comparison = comparisonOf(c)
  return comparison ? {kind: 'compare', comparison} : null
}
