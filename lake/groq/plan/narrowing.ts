/**
 * Which documents a query can read at all (lake/groq/evaluate.ts binds them per request).
 *
 * Narrowing keeps results identical to evaluating over the whole (overlaid) dataset: every `*` of
 * the query must sit directly under a filter whose top-level conjunction contains an indexable
 * constraint (`_id ==/in`, `_type ==/in`, `slug.current ==/in` with string constants) or a
 * `references()` of string constants (candidates from the reference index). Such a `*`
 * can only yield documents matching that constraint, so evaluating over the union of the
 * constraints' candidates (the filter itself still runs exactly) gives the same result. If any
 * `*` is not narrowable (or `releases::all()` is used, which reads the dataset implicitly), the
 * whole dataset is used. A `*` under `score(…)[_score > 0]` is narrowed to the documents that can
 * score above zero (lake/groq/plan/scoreSite.ts), within its filter's own lookup.
 *
 * A query with a single `*` whose filter is entirely native ({@link planExact}) is evaluated over
 * exactly the documents passing it, with the filter removed from the tree.
 */
import type {ExprNode, FilterNode} from 'groq-js'
import {
  conjuncts,
  lookupOf,
  nativePredicate,
  type Constraint,
  type NativePredicate,
} from './constraints.ts'
import {candidateLookup} from './textLookup.ts'
import {scoreBounds} from './scoreSite.ts'
import {children, rewriteTree, walk, type GroqNode} from '../walk.ts'

/** One constraint per `*` occurrence, or null if any `*` is not directly and indexably filtered. */
export function planNarrowing(tree: ExprNode): Constraint[] | null {
  const constraints: Constraint[] = []
  const scored = scoreBounds(tree)
  let everything = 0
  let blocked = false
  const stack: Array<{node: GroqNode; parent: GroqNode | null}> = [{node: tree, parent: null}]
  while (stack.length > 0) {
    const {node, parent} = stack.pop() as {node: GroqNode; parent: GroqNode | null}
    if (node.type === 'Everything') {
      everything++
      const filtered =
        parent && parent.type === 'Filter' && parent.base === node
          ? candidateLookup(parent.expr)
          : null
      const bound = scored.get(node)
      const constraint: Constraint | null = bound
        ? {field: 'score', values: [], bound, within: filtered}
        : filtered
      if (constraint) constraints.push(constraint)
      else blocked = true
    } else if (node.type === 'FuncCall' && node.namespace === 'releases') {
      blocked = true
    }
    for (const child of children(node)) stack.push({node: child, parent: node})
  }
  if (blocked || everything === 0) return blocked ? null : []
  return constraints
}

/**
 * A query with ONE `*`, filtered only by native predicates (indexable constraints, `defined()`,
 * comparisons with constants or `now()`; see PreparedQuery.exact).
 */
export interface ExactPlan {
  /** The most selective indexable conjunct to fetch candidates by, or null for all documents. */
  lookup: Constraint | null
  /** Every conjunct of the filter (the lookup's too). */
  native: NativePredicate[]
  /** The tree with that filter replaced by `*` (bound to exactly the matching documents). */
  tree: ExprNode
}

/** The single `*` of a query whose filter consists solely of native predicates, or null. */
export function planExact(tree: ExprNode): ExactPlan | null {
  let filter: FilterNode | null = null
  let count = 0
  let implicit = false
  walk(tree, (node) => {
    if (node.type === 'Everything') count++
    if (node.type === 'Filter' && node.base.type === 'Everything') filter = node
    // `releases::all()` reads the dataset itself, which becomes the matching documents here.
    if (node.type === 'FuncCall' && node.namespace === 'releases') implicit = true
  })
  if (count !== 1 || !filter || implicit) return null
  const target: FilterNode = filter
  const native: NativePredicate[] = []
  for (const conjunct of conjuncts(target.expr)) {
    const predicate = nativePredicate(conjunct)
    if (!predicate) return null
    native.push(predicate)
  }
  const replaced = rewriteTree(tree, (node) => (node === target ? {type: 'Everything'} : undefined))
  return {lookup: lookupOf(target.expr), native, tree: replaced}
}
