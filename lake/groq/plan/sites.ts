/**
 * "Sites": sub-expressions the lake computes (partly) itself so groq-js never iterates a whole
 * type (bound per request by lake/groq/evaluate.ts):
 *
 * - ordered slices `*[filter] | order(a desc, b, …)[m...n]` / `[i]` (and unordered ones,
 *   `*[filter][m...n]`, in the dataset's `_id` order): the lake picks the
 *   candidates that can end up in the slice (the top n by groq-js's own ordering, plus every
 *   document tied with the n-th) and groq-js evaluates the original filter, order and slice over
 *   only those (see lake/groq/plan/selection.ts `selectTopCandidates`);
 * - counts `count(*[filter])` whose filter is entirely native;
 * - scored searches `*[filter] | score(…)[_score > 0]`, scored by the lake itself
 *   (lake/groq/plan/scoreSite.ts `planScoreSite`).
 *
 * Each site's `*` (or `*[filter]`) is replaced in the tree by a `Parameter` node with a reserved
 * name; the planner binds it per request.
 */
import type {ExprNode, ParameterNode} from 'groq-js'
import {conjuncts, attributePath, nativePredicate} from './constraints.ts'
import {candidateLookup} from './textLookup.ts'
import type {Constraint, NativePredicate} from './constraints.ts'
import {containsNode, rewriteTree, someNode, type GroqNode} from '../walk.ts'
import {planScoreSite, type ScoreSite} from './scoreSite.ts'

/** A `*[filter]` split into what the lake decides natively and what groq-js must evaluate. */
export interface SiteFilter {
  /** The most selective indexable conjunct (to fetch candidates), or null for all documents. */
  lookup: Constraint | null
  native: NativePredicate[]
  /** The conjuncts groq-js must evaluate (ANDed), or null when the filter is entirely native. */
  residual: ExprNode | null
}

export interface OrderKey {
  path: string[]
  desc: boolean
}

export interface TopKSite {
  kind: 'topk'
  /** The reserved parameter bound to the candidate documents (in `_id` order). */
  param: string
  filter: SiteFilter
  /** The order's keys; none for an unordered `*[filter][m...n]` (the dataset's `_id` order). */
  keys: OrderKey[]
  /** Exclusive end of the slice in the ordered result. */
  end: number
}

export interface CountSite {
  kind: 'count'
  /** The reserved parameter bound to the count. */
  param: string
  filter: SiteFilter
}

export type Site = TopKSite | CountSite | ScoreSite

const PARAM_PREFIX = '__lake_site_'

function siteFilter(expr: ExprNode | null): SiteFilter {
  if (expr === null) return {lookup: null, native: [], residual: null}
  const native: NativePredicate[] = []
  const rest: ExprNode[] = []
  for (const c of conjuncts(expr)) {
    const predicate = nativePredicate(c)
    if (predicate) native.push(predicate)
    else rest.push(c)
  }
  const residual = rest.length
    ? rest.reduce((left, right): ExprNode => ({type: 'And', left, right}))
    : null
  return {lookup: candidateLookup(expr), native, residual}
}

function parameter(name: string): ParameterNode {
  return {type: 'Parameter', name}
}

/** `*` or `*[filter]` whose filter doesn't depend on anything but the document. */
function everythingBase(node: ExprNode): {expr: ExprNode | null} | null {
  if (node.type === 'Everything') return {expr: null}
  if (node.type !== 'Filter' || node.base.type !== 'Everything') return null
  const {expr} = node
  // `^` could reach outside the document (the site would then depend on its scope); a nested `*`
  // would need the dataset; `before()`/`after()` are delta-mode only.
  const outside = (n: GroqNode) =>
    n.type === 'Parent' || n.type === 'Everything' || n.type === 'Context'
  return someNode(expr, outside) ? null : {expr}
}

function orderKeys(args: readonly ExprNode[]): OrderKey[] | null {
  const keys: OrderKey[] = []
  for (const arg of args) {
    let node = arg
    let desc = false
    if (node.type === 'Desc') {
      desc = true
      node = node.base
    } else if (node.type === 'Asc') {
      node = node.base
    }
    const path = attributePath(node)
    if (!path) return null
    keys.push({path, desc})
  }
  return keys.length ? keys : null
}

function sliceEnd(node: GroqNode): number | null {
  if (node.type === 'Slice') {
    const {left, right, isInclusive} = node
    if (typeof left !== 'number' || typeof right !== 'number' || left < 0 || right < 0) return null
    return isInclusive ? right + 1 : right
  }
  if (node.type === 'AccessElement') {
    const {index} = node
    return typeof index === 'number' && index >= 0 ? index + 1 : null
  }
  return null
}

/**
 * Finds the sites of a tree and returns a copy of it with each site's `*` replaced by a reserved
 * parameter. Trees with custom function declarations are left alone.
 */
export function planSites(tree: ExprNode): {tree: ExprNode; sites: Site[]} {
  if (containsNode(tree, 'FuncDeclaration')) return {tree, sites: []}
  const sites: Site[] = []
  const rewritten = rewriteTree(tree, (n) => {
    // A scored search the lake scores itself (lake/groq/plan/scoreSite.ts).
    const scored = planScoreSite(n, `${PARAM_PREFIX}${sites.length}`)
    if (scored) {
      sites.push(scored.site)
      return scored.replacement
    }
    // `<base> | order(keys)` sliced by constants.
    const end = sliceEnd(n)
    if (end !== null && (n.type === 'Slice' || n.type === 'AccessElement')) {
      const order = n.base
      // `*[filter]` sliced without an order: in `_id` order, i.e. no keys.
      const unordered = order.type === 'Filter' ? everythingBase(order) : null
      if (unordered?.expr) {
        const param = `${PARAM_PREFIX}${sites.length}`
        sites.push({kind: 'topk', param, filter: siteFilter(unordered.expr), keys: [], end})
        const filtered: ExprNode = {type: 'Filter', base: parameter(param), expr: unordered.expr}
        return {...n, base: filtered} as ExprNode
      }
      if (order.type === 'PipeFuncCall' && order.name === 'order') {
        const base = everythingBase(order.base)
        const keys = base ? orderKeys(order.args) : null
        if (base && keys) {
          const param = `${PARAM_PREFIX}${sites.length}`
          sites.push({kind: 'topk', param, filter: siteFilter(base.expr), keys, end})
          const source = parameter(param)
          const filtered: ExprNode = base.expr
            ? {type: 'Filter', base: source, expr: base.expr}
            : source
          return {...n, base: {...order, base: filtered}}
        }
      }
    }
    // `count(<base>)` with an entirely native filter.
    if (n.type === 'FuncCall' && n.namespace === 'global' && n.name === 'count') {
      const base = n.args.length === 1 ? everythingBase(n.args[0]) : null
      const filter = base ? siteFilter(base.expr) : null
      if (filter && filter.residual === null) {
        const param = `${PARAM_PREFIX}${sites.length}`
        sites.push({kind: 'count', param, filter})
        return parameter(param)
      }
    }
    return undefined
  })
  return sites.length ? {tree: rewritten, sites} : {tree, sites}
}
