/**
 * Narrowing a scored search, `*[F] | score(T1, …, Tn)[_score > 0]` (the Studio's groq2024 search
 * after lake/groq/textQuery.ts's rewrite), to the documents that can score above zero.
 *
 * Why it is sound (groq-js 2.0.1, evaluator `pipeFunctions.score` and `evaluateScore*`): a
 * document's `_score` is its stored numeric `_score` (else 0) plus each argument's score, and
 * `[_score > 0]` keeps it only if that sum is > 0, so one addend is > 0: the stored `_score` or
 * some Ti's score. For each Ti, {@link scoreBound} is a superset of the documents where its score
 * is NOT ZERO, by groq-js's rules:
 * - `X match P`: the sum over P's terms of a term-frequency score, > 0 iff SOME term matches some
 *   token of X (0 for an invalid or empty pattern): the OR, over the terms, of each term's
 *   superset lookup (lake/groq/plan/textLookup.ts `termQuery`) in the full-text index for the
 *   indexed paths and the document content (`@` after the rewrite, isDocumentContent: the index
 *   holds exactly that text), and among the tokens of the raw `_id` for `_id` (a view id is a
 *   suffix of its raw id after a `.`, so its tokens are among the raw id's). A term without a
 *   lookup, or any other X, can't be bounded.
 * - `boost(x, w)`: 0 unless x's score is > 0, whatever w is: x's bound.
 * - `a || b`: the sum, non-zero only if one side is: the union (both must be bounded).
 * - `a && b`: 0 unless both sides are non-zero: the intersection (a bounded side suffices).
 * - anything else scores 1 when it evaluates to true, else 0: {@link trueBound}, a superset of
 *   where it is true (`&&`/`||`/parentheses as above, `match` as above (true needs every term,
 *   so some term), `_type ==/in` constants, `references()` of constants, `false`/`null`).
 * If any argument can't be bounded, the `*` is not narrowed by its score. The filter F and the
 * whole query still run in groq-js over the candidates, so results are identical.
 */
import type {ExprNode} from 'groq-js'
import {
  conjuncts,
  conjunctConstraint,
  lookupOf,
  nativePredicate,
  referencesConstraint,
  type Constraint,
  type NativePredicate,
} from './constraints.ts'
import {DocumentState, nativeScore, type NativeScore, type ScoreContext} from './scoreNative.ts'
import type {LakeDocument} from '../../core/types.ts'
import {attributePath} from './paths.ts'
import {patternTerms, termQuery, type TextQuery} from './textLookup.ts'
import {idsHitting, idsWithStoredScore} from './idTokens.ts'
import {isDocumentContent} from '../textQuery.ts'
import {walk, type GroqNode} from '../walk.ts'
import type {QuerySource} from '../source.ts'

/** A superset of the documents where a score (or a condition) is non-zero, by raw id. */
export type ScoreBound =
  | {kind: 'text'; query: TextQuery}
  | {kind: 'ids'; query: TextQuery}
  | {kind: 'type'; values: string[]}
  | {kind: 'references'; values: string[]}
  | {kind: 'and' | 'or'; parts: ScoreBound[]}

const NONE: ScoreBound = {kind: 'or', parts: []}

/** `*[F] | score(…)[_score > 0]`: candidates of the score bound, within F's own lookup. */
export interface ScoreConstraint {
  field: 'score'
  values: []
  bound: ScoreBound
  within: Constraint | null
}

/** A constant pattern's terms, or null when not constant; [] when groq-js gets no term (score 0). */
function patternTermsOf(node: ExprNode): string[] | null {
  if (node.type !== 'Value') return null
  const {value} = node
  const strings = typeof value === 'string' ? [value] : Array.isArray(value) ? value : null
  if (strings === null || !strings.every((s) => typeof s === 'string')) return []
  return (strings as string[]).flatMap(patternTerms)
}

/** Where X's tokens come from: the indexed text, the id, nothing (an object), or unknown (null). */
function sourcesOf(node: ExprNode): Set<'text' | 'ids'> | null {
  const out = new Set<'text' | 'ids'>()
  const elements = node.type === 'Array' ? node.elements : [{isSplat: false, value: node}]
  for (const element of elements) {
    if (element.isSplat) return null
    const value = element.value
    if (value.type === 'This') continue // an object: groq-js takes no token from it
    if (isDocumentContent(value)) {
      out.add('text')
      continue
    }
    const path = attributePath(value)
    if (!path) return null
    if (path.length === 1 && path[0] === '_id') out.add('ids')
    else if (path.every((name) => !name.startsWith('_'))) out.add('text')
    else return null
  }
  return out
}

/** `X match P`: documents where some term of P matches some token of X. */
function matchBound(node: ExprNode): ScoreBound | null {
  if (node.type !== 'OpCall' || node.op !== 'match') return null
  const sources = sourcesOf(node.left)
  const terms = patternTermsOf(node.right)
  if (!sources || !terms) return null
  if (terms.length === 0 || sources.size === 0) return NONE
  const queries: TextQuery[] = []
  for (const term of terms) {
    const query = termQuery(term)
    if (!query) return null
    queries.push(query)
  }
  const query: TextQuery = queries.length === 1 ? queries[0] : {kind: 'or', parts: queries}
  return {kind: 'or', parts: [...sources].map((kind) => ({kind, query}))}
}

function both(kind: 'and' | 'or', a: ScoreBound | null, b: ScoreBound | null): ScoreBound | null {
  if (kind === 'or') return a && b ? {kind, parts: [a, b]} : null
  if (a && b) return {kind, parts: [a, b]}
  return a ?? b
}

/** A superset of the documents where `node` evaluates to true. */
function trueBound(node: ExprNode): ScoreBound | null {
  switch (node.type) {
    case 'Group':
      return trueBound(node.base)
    case 'And':
      return both('and', trueBound(node.left), trueBound(node.right))
    case 'Or':
      return both('or', trueBound(node.left), trueBound(node.right))
    case 'Value':
      return node.value === true ? null : NONE
    case 'OpCall':
      if (node.op === 'match') return matchBound(node)
      break
  }
  const constraint = conjunctConstraint(node) ?? referencesConstraint(node)
  if (constraint?.field === '_type') return {kind: 'type', values: constraint.values}
  if (constraint?.field === 'references') return {kind: 'references', values: constraint.values}
  return null
}

/** A superset of the documents where groq-js's score of `node` is not zero. */
export function scoreBound(node: ExprNode): ScoreBound | null {
  if (node.type === 'OpCall' && node.op === 'match') return matchBound(node)
  if (node.type === 'FuncCall' && node.name === 'boost') {
    return node.args.length === 2 ? scoreBound(node.args[0]) : null
  }
  if (node.type === 'And' || node.type === 'Or') {
    const kind = node.type === 'And' ? 'and' : 'or'
    return both(kind, scoreBound(node.left), scoreBound(node.right))
  }
  return trueBound(node)
}

/** `_score > c` (c ≥ 0) or `_score >= c` (c > 0): only positive scores pass. */
function dropsNonPositive(expr: ExprNode): boolean {
  return conjuncts(expr).some((c) => {
    if (c.type !== 'OpCall' || (c.op !== '>' && c.op !== '>=')) return false
    const path = attributePath(c.left)
    if (!path || path.length !== 1 || path[0] !== '_score') return false
    if (c.right.type !== 'Value' || typeof c.right.value !== 'number') return false
    return c.op === '>' ? c.right.value >= 0 : c.right.value > 0
  })
}

/**
 * The `*` nodes of `tree` that are the base (directly or through one filter) of a `score()` whose
 * result is filtered by a positive `_score`, each with the bound of that score's arguments.
 */
export function scoreBounds(tree: GroqNode): Map<GroqNode, ScoreBound> {
  const out = new Map<GroqNode, ScoreBound>()
  walk(tree, (node) => {
    if (node.type !== 'Filter' || !dropsNonPositive(node.expr)) return
    const scored = node.base
    if (scored.type !== 'PipeFuncCall' || scored.name !== 'score') return
    const base = scored.base
    const everything =
      base.type === 'Everything'
        ? base
        : base.type === 'Filter' && base.base.type === 'Everything'
          ? base.base
          : null
    if (!everything) return
    const parts: ScoreBound[] = []
    for (const arg of scored.args) {
      const bound = scoreBound(arg)
      if (!bound) return
      parts.push(bound)
    }
    out.set(everything, {kind: 'or', parts})
  })
  return out
}

/** Raw ids a bound admits, or null for every document (the source can't answer a part). */
function boundIds(source: QuerySource, bound: ScoreBound): Set<string> | null {
  switch (bound.kind) {
    case 'text': {
      const ids = source.idsMatchingText?.(bound.query, null) ?? null
      return ids && new Set(ids)
    }
    case 'ids':
      return idsHitting(source.all(), bound.query, (id) => source.get(id))
    case 'type':
      return new Set(source.idsByType(bound.values))
    case 'references':
      return source.idsReferencing ? new Set(source.idsReferencing(bound.values)) : null
    case 'or': {
      const out = new Set<string>()
      for (const part of bound.parts) {
        const ids = boundIds(source, part)
        if (!ids) return null
        for (const id of ids) out.add(id)
      }
      return out
    }
    case 'and': {
      const bounded = bound.parts
        .map((part) => boundIds(source, part))
        .filter((ids): ids is Set<string> => ids !== null)
      if (bounded.length === 0) return null
      return bounded.reduce((a, b) => new Set([...a].filter((id) => b.has(id))))
    }
  }
}

/**
 * Raw ids of the documents that can score above zero: the bound's, plus those with a positive
 * stored `_score` (groq-js starts from it); null for every document.
 */
export function scoreCandidates(source: QuerySource, bound: ScoreBound): string[] | null {
  const ids = boundIds(source, bound)
  if (!ids) return null
  for (const id of idsWithStoredScore(source.all(), (id) => source.get(id))) ids.add(id)
  return [...ids]
}

// ------------------------------------------------------------------ native scoring site

/**
 * `*[F] | score(T1, …, Tn)` under a filter dropping non-positive scores, computed by the lake
 * (lake/groq/plan/scoreNative.ts) when F is entirely native and every Ti has a native score:
 * the tree gets a reserved parameter instead, bound to exactly what groq-js's `score()` yields
 * but without the documents scoring 0 or less (the filter above drops them anyway): the
 * documents of F (in `_id` order) as `{...doc, _score}`, sorted by `_score` descending, stably.
 *
 * With `limit`, only the first `limit` of them: the site is the base of the Studio's
 * `[_score > 0]{…, "orderings": [_score]} | order(orderings[0] desc)[m...limit]`, where the
 * filter keeps every one of them, the projection maps each to one object, the order sorts an
 * already sorted list stably (it is the identity) and the slice keeps no more than the first
 * `limit`.
 */
export interface ScoreSite {
  kind: 'score'
  param: string
  /** F (entirely native): its most selective indexable conjunct, or null; all its conjuncts. */
  filter: {lookup: Constraint | null; native: NativePredicate[]; residual: null}
  /** A superset of the documents scoring above zero ({@link scoreBounds}), or null for all. */
  bound: ScoreBound | null
  scores: NativeScore[]
  limit: number | null
}

function isScoreAttribute(node: ExprNode): boolean {
  return node.type === 'AccessAttribute' && !node.base && node.name === '_score'
}

/** `_score > 0` exactly: keeps every positive score and nothing else. */
function keepsEveryPositive(expr: ExprNode): boolean {
  return (
    expr.type === 'OpCall' &&
    expr.op === '>' &&
    isScoreAttribute(expr.left) &&
    expr.right.type === 'Value' &&
    expr.right.value === 0
  )
}

/** `{…, "orderings": [_score, …], …}` (plain attributes only): `orderings[0]` is `_score`. */
function projectsScoreFirst(node: ExprNode): boolean {
  if (node.type !== 'Object') return false
  let found = 0
  for (const attribute of node.attributes) {
    if (attribute.type !== 'ObjectAttributeValue') return false
    if (attribute.name !== 'orderings') continue
    found++
    const value = attribute.value
    if (value.type !== 'Array' || value.elements.length === 0) return false
    const [first] = value.elements
    if (first.isSplat || !isScoreAttribute(first.value)) return false
  }
  return found === 1
}

/** `order(orderings[0] desc)`. */
function ordersByFirstOrdering(args: readonly ExprNode[]): boolean {
  if (args.length !== 1 || args[0].type !== 'Desc') return false
  const key = args[0].base
  return (
    key.type === 'AccessElement' &&
    key.index === 0 &&
    key.base.type === 'AccessAttribute' &&
    !key.base.base &&
    key.base.name === 'orderings'
  )
}

/**
 * The site of a scored search at `node`, and the node to put in its place, or null: `node` is the
 * filter over `*[F] | score(…)`, or a slice of the Studio's shape around it (then with a limit).
 */
export function planScoreSite(
  node: GroqNode,
  param: string,
): {site: ScoreSite; replacement: ExprNode} | null {
  if (node.type === 'Slice') {
    // Negative bounds count from the end: the whole list is needed.
    if (typeof node.left !== 'number' || node.left < 0) return null
    if (typeof node.right !== 'number' || node.right < 0) return null
    const order = node.base
    if (order.type !== 'PipeFuncCall' || order.name !== 'order') return null
    if (!ordersByFirstOrdering(order.args)) return null
    // `F[…]{…}` parses as a Map of its elements through `@{…}`.
    const map = order.base
    if (map.type !== 'Map' || map.expr.type !== 'Projection') return null
    const projection = map.expr
    if (projection.base.type !== 'This' || !projectsScoreFirst(projection.expr)) return null
    const filter = map.base
    if (filter.type !== 'Filter' || !keepsEveryPositive(filter.expr)) return null
    const limit = node.isInclusive ? node.right + 1 : node.right
    const inner = planScoreSite(filter, param)
    if (!inner) return null
    const replaced = {...node, base: {...order, base: {...map, base: inner.replacement}}}
    return {site: {...inner.site, limit}, replacement: replaced as ExprNode}
  }
  if (node.type !== 'Filter' || !dropsNonPositive(node.expr)) return null
  const scored = node.base
  if (scored.type !== 'PipeFuncCall' || scored.name !== 'score') return null
  const base = scored.base
  const expr =
    base.type === 'Everything'
      ? null
      : base.type === 'Filter' && base.base.type === 'Everything'
        ? base.expr
        : undefined
  if (expr === undefined) return null
  const native: NativePredicate[] = []
  for (const conjunct of expr ? conjuncts(expr) : []) {
    const predicate = nativePredicate(conjunct)
    if (!predicate) return null
    native.push(predicate)
  }
  const scores: NativeScore[] = []
  const parts: ScoreBound[] = []
  for (const arg of scored.args) {
    const score = nativeScore(arg)
    if (!score) return null
    scores.push(score)
    const bound = scoreBound(arg)
    if (bound) parts.push(bound)
  }
  const bounded = parts.length === scored.args.length
  const site: ScoreSite = {
    kind: 'score',
    param,
    filter: {lookup: expr ? lookupOf(expr) : null, native, residual: null},
    bound: bounded ? {kind: 'or', parts} : null,
    scores,
    limit: null,
  }
  return {site, replacement: {...node, base: {type: 'Parameter', name: param}}}
}

/**
 * What the site binds to (see {@link ScoreSite}): `docs` are F's documents in `_id` order (the
 * candidates of the bound among them suffice), `context` reads `@`'s content.
 */
export function scoreDocuments(
  site: ScoreSite,
  docs: readonly LakeDocument[],
  context: ScoreContext,
): LakeDocument[] {
  const state = new DocumentState(context)
  const positions: number[] = []
  const scores: number[] = []
  for (let i = 0; i < docs.length; i++) {
    const doc = docs[i]
    state.reset(doc)
    const stored = (doc as {_score?: unknown})._score
    let score = typeof stored === 'number' ? stored : 0
    for (const argument of site.scores) score += argument(doc, state)
    if (score > 0) {
      positions.push(i)
      scores.push(score)
    }
  }
  // groq-js sorts `{...doc, _score}` by `b._score - a._score`, stably: by score, then position.
  const order = positions.map((_, k) => k)
  order.sort((a, b) => scores[b] - scores[a] || a - b)
  const kept = site.limit === null ? order : order.slice(0, site.limit)
  return kept.map((k) => Object.assign({}, docs[positions[k]], {_score: scores[k]}))
}
