/**
 * `text::query()` for groq-js (which parses it but throws "not implemented"): at plan time every
 * `X match text::query("…")` is rewritten into plain groq-js nodes with the same meaning, so
 * groq-js evaluates and scores it (`score()`/`boost()` are built on `match`) and the planner can
 * narrow the resulting `match` calls like any other.
 *
 * Sanity's search syntax, and the decisions taken where Sanity leaves a choice:
 * - Terms are separated by whitespace; every term is required (AND), in any order, anywhere in X.
 *   `X match text::query("a b*")` → `X match ["a", "b*"]` (one `match` with a constant array, so
 *   groq-js's BM25-like score counts each term).
 * - `word*` is a prefix; `*` elsewhere in a word is groq-js's own wildcard (`söd*lje`).
 * - Words are split the way groq-js's `match` splits patterns (on whitespace and
 *   `!@#$%^&(),\/?";:{}|[]+<>-`), so "e-post" is the two required words "e" and "post"; a term
 *   with no word in it (`-`, `!!`) is ignored.
 * - Letters are Unicode letters and case does not matter: groq-js's `match` tokeniser keeps å, ä,
 *   ö as letters of their own and compares case-insensitively, so "Södertälje" is found by
 *   "södertälje" and "söder*", not by "sodertalje".
 * - `"a phrase"` requires its words (as plain words, `*` is not a wildcard inside quotes) AND that
 *   they occur in this order, adjacent, in one string of X. APPROXIMATION: adjacency is checked
 *   as the lower-cased phrase with its words joined by single spaces being a substring of one of
 *   X's strings (groq-js has no token positions), so words separated by punctuation or several
 *   spaces ("a, phrase") don't count as adjacent, and a phrase can also start or end inside a
 *   longer word of that string when its words occur elsewhere too.
 * - `-word` / `-"a phrase"` exclude documents where that word (phrase) matches X:
 *   `!(X match ["word"])`.
 * - A search with only exclusions matches everything that has none of them; a search with no
 *   term at all ("", "  ", `-`) matches nothing (`false`).
 * - X is whatever groq-js's `match` reads on its left (a string, or the strings directly in an
 *   array), except `@`: as in hosted Sanity, `@` (alone, or as an element of the left-hand
 *   array, as in the Studio's `[@, _id]`) stands for the document's content, every string at any
 *   depth under an attribute not starting with `_` (lake/store/textIndex.ts `documentText`, the
 *   same rule as the full-text index), so `_id`, `_type` and references are not searched unless
 *   named. groq-js reads no objects in `match`, so the rewrite puts
 *   `({"_ref": "\u0000content:" + _id}->).text` in its place, a dereference of a reserved id
 *   (NUL is in no document id) that {@link withDocumentContent} answers with the content text of
 *   the document with that `_id` (in the evaluation's perspective). An object without `_id`
 *   (not a document) contributes nothing, as in groq-js; an object WITH an `_id` (a projection
 *   of a document) stands for the whole stored document, not only its projected attributes.
 * - Ranking in `score()` (groq-js scores a `match` by term frequency, at most 2.2 per term, and
 *   any single term scores): a text match scores only when the whole search matches, and then
 *   1 + its words' term-frequency score + {@link TEXT_MATCH_SCORE}, a constant standing in for
 *   BM25's word rarity; parentheses around it are looked through, as hosted Sanity does (groq-js
 *   scores a parenthesised expression as a boolean). APPROXIMATION of hosted Sanity's BM25: the
 *   order is right for the Studio's searches (an exact title hit first, then other hits, then
 *   documents that only reference a hit), the `_score` values are not Sanity's.
 * - `text::query()` is only meaningful on the right of `match`, with a constant argument (a
 *   literal or a `$param`, which the lake inlines when it parses); anything else is a 400
 *   `queryExecutionError`, like hosted Sanity's errors for a misused function.
 */
import type {DereferenceFunction, Document, ExprNode} from 'groq-js'
import {queryExecutionError, type LakeError} from '../core/errors.ts'
import {rewriteTree, someNode, type GroqNode} from './walk.ts'
import {documentText} from '../store/textIndex.ts'
import {parseSearch} from '../core/searchSyntax.ts'
import {matchTokens} from './plan/textLookup.ts'

/** A search in Sanity's syntax, split into groq-js `match` patterns. */
export interface TextQuery {
  /** Required words (groq-js patterns, maybe with `*`), phrase words included. */
  words: string[]
  /** Required phrases of two or more words (lower-cased words). */
  phrases: string[][]
  /** Excluded terms: a word's patterns (all must match), or a phrase's words (in order). */
  excluded: Array<{parts: string[]; phrase: boolean}>
}

/** Splits a search in Sanity's syntax (lake/core/searchSyntax.ts) into `match` patterns. */
export function parseTextQuery(search: string): TextQuery {
  const query: TextQuery = {words: [], phrases: [], excluded: []}
  for (const {words, phrase, excluded} of parseSearch(search)) {
    if (excluded) {
      query.excluded.push({parts: words, phrase})
      continue
    }
    query.words.push(...words)
    if (phrase) query.phrases.push(words.map((word) => word.toLowerCase()))
  }
  return query
}

// ------------------------------------------------------------------ nodes

const value = (v: unknown): ExprNode => ({type: 'Value', value: v})
const and = (left: ExprNode, right: ExprNode): ExprNode => ({type: 'And', left, right})
const not = (base: ExprNode): ExprNode => ({type: 'Not', base})
const call = (name: string, args: ExprNode[], namespace = 'global'): ExprNode =>
  ({type: 'FuncCall', namespace, name, args}) as ExprNode

function matches(target: ExprNode, patterns: string[]): ExprNode {
  return {type: 'OpCall', op: 'match', left: target, right: value(patterns)}
}

/**
 * `count([...X, string(X)][count(string::split(lower(@), "a phrase")) > 1]) > 0`: some string
 * of X (X itself, or a direct element) contains the phrase. Non-strings give null and drop out.
 */
function containsPhrase(target: ExprNode, phrase: string[]): ExprNode {
  const strings: ExprNode = {
    type: 'Array',
    elements: [
      {type: 'ArrayElement', value: target, isSplat: true},
      {type: 'ArrayElement', value: call('string', [target]), isSplat: false},
    ],
  }
  const pieces = call('split', [call('lower', [{type: 'This'}]), value(phrase.join(' '))], 'string')
  const contains: ExprNode = {
    type: 'OpCall',
    op: '>',
    left: call('count', [pieces]),
    right: value(1),
  }
  const hits = call('count', [{type: 'Filter', base: strings, expr: contains}])
  return {type: 'OpCall', op: '>', left: hits, right: value(0)}
}

/**
 * The target and (lower-cased, space-joined) phrase of a node {@link containsPhrase} built, or
 * null for any other node (lake/groq/plan/scoreNative.ts evaluates it natively).
 */
export function phraseTestOf(node: GroqNode): {target: ExprNode; phrase: string} | null {
  if (node.type !== 'OpCall' || node.op !== '>' || !isValue(node.right, 0)) return null
  const hits = node.left
  if (!isCall(hits, 'global', 'count', 1)) return null
  const filter = hits.args[0]
  if (filter.type !== 'Filter' || filter.base.type !== 'Array') return null
  const [splat, stringOf, ...rest] = filter.base.elements
  if (!splat?.isSplat || stringOf?.isSplat !== false || rest.length > 0) return null
  const target = splat.value
  if (!isCall(stringOf.value, 'global', 'string', 1) || !sameNode(stringOf.value.args[0], target)) {
    return null
  }
  const contains = filter.expr
  if (contains.type !== 'OpCall' || contains.op !== '>' || !isValue(contains.right, 1)) return null
  const pieces = contains.left
  if (!isCall(pieces, 'global', 'count', 1)) return null
  const split = pieces.args[0]
  if (!isCall(split, 'string', 'split', 2)) return null
  const [lowered, phrase] = split.args
  if (!isCall(lowered, 'global', 'lower', 1) || lowered.args[0].type !== 'This') return null
  if (phrase.type !== 'Value' || typeof phrase.value !== 'string' || phrase.value === '') {
    return null
  }
  return {target, phrase: phrase.value}
}

function isValue(node: ExprNode, expected: unknown): boolean {
  return node.type === 'Value' && node.value === expected
}

function isCall(
  node: ExprNode,
  namespace: string,
  name: string,
  arity: number,
): node is Extract<ExprNode, {type: 'FuncCall'}> {
  return (
    node.type === 'FuncCall' &&
    node.namespace === namespace &&
    node.name === name &&
    node.args.length === arity
  )
}

function sameNode(a: ExprNode, b: ExprNode): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b)
}

/** An excluded term matching X: its words, and for a phrase their adjacency too. */
function termMatches(target: ExprNode, {parts, phrase}: TextQuery['excluded'][number]): ExprNode {
  const present = matches(target, parts)
  if (!phrase) return present
  return and(
    present,
    containsPhrase(
      target,
      parts.map((part) => part.toLowerCase()),
    ),
  )
}

/** The reserved `_ref` prefix of a document's content (see the module comment). */
const CONTENT_REF = '\u0000content:'

/** `({"_ref": "\u0000content:" + _id}->).text`: the content text of the document `@` is. */
function documentContent(): ExprNode {
  const ref: ExprNode = {
    type: 'OpCall',
    op: '+',
    left: value(CONTENT_REF),
    right: {type: 'AccessAttribute', name: '_id'},
  }
  const object: ExprNode = {
    type: 'Object',
    attributes: [{type: 'ObjectAttributeValue', name: '_ref', value: ref}],
  }
  return {type: 'AccessAttribute', base: {type: 'Deref', base: object}, name: 'text'}
}

/** The left of a text match with `@` (alone or as an array element) replaced by the document's content. */
function withContent(target: ExprNode): ExprNode {
  if (target.type === 'This') return documentContent()
  if (target.type !== 'Array') return target
  return {
    ...target,
    elements: target.elements.map((element) =>
      element.value.type === 'This' && !element.isSplat
        ? {...element, value: documentContent()}
        : element,
    ),
  }
}

/**
 * Whether a node is the content of the document `@` (what the rewrite puts for `@` on the left of
 * a text match), so the planner can narrow `[content, …] match […]` through the full-text index,
 * which indexes exactly that text (lake/store/textIndex.ts).
 */
export function isDocumentContent(node: GroqNode): boolean {
  if (node.type !== 'AccessAttribute' || node.name !== 'text' || node.base?.type !== 'Deref') {
    return false
  }
  const object = node.base.base
  if (object.type !== 'Object' || object.attributes.length !== 1) return false
  const [attribute] = object.attributes
  if (attribute.type !== 'ObjectAttributeValue' || attribute.name !== '_ref') return false
  const ref = attribute.value
  return (
    ref.type === 'OpCall' &&
    ref.op === '+' &&
    ref.left.type === 'Value' &&
    ref.left.value === CONTENT_REF
  )
}

/**
 * Content text (and, once a native score asked, its `match` tokens) by document object: stored
 * documents are shared, unchanged objects.
 */
const contentCache = new WeakMap<object, {text: string; tokens?: string[]}>()

/**
 * A groq-js `dereference` that also answers the reserved content references of rewritten text
 * matches: `{text}`, the content text of the document `get(id)` returns (null when absent).
 */
export function withDocumentContent(
  get: (id: string) => Document | null | undefined,
): DereferenceFunction {
  return ({_ref}) => {
    if (!_ref.startsWith(CONTENT_REF)) return get(_ref)
    const doc = get(_ref.slice(CONTENT_REF.length))
    return doc ? contentOf(doc) : null
  }
}

function contentOf(doc: object): {text: string; tokens?: string[]} {
  let content = contentCache.get(doc)
  if (!content) {
    content = {text: documentText(doc)}
    contentCache.set(doc, content)
  }
  return content
}

/**
 * What the rewritten `@` of a text match reads for a document `@` of the view being queried
 * (lake/groq/plan/scoreNative.ts), as {@link withDocumentContent} answers the dereference: the
 * content text of the view's document with its `_id`, which is `@` itself (or, in a stack
 * perspective, the same layer under the same id: the same content); and its `match` tokens, kept
 * with the text.
 */
export function contentReader(): {
  content: (doc: object) => string
  contentTokens: (doc: object) => string[]
} {
  return {
    content: (doc) => contentOf(doc).text,
    contentTokens: (doc) => {
      const content = contentOf(doc)
      content.tokens ??= matchTokens(content.text)
      return content.tokens
    },
  }
}

/** The groq-js expression equivalent to `target match text::query(search)`. */
function exactMatch(target: ExprNode, {words, phrases, excluded}: TextQuery): ExprNode {
  const conditions: ExprNode[] = []
  if (words.length > 0) conditions.push(matches(target, words))
  for (const phrase of phrases) conditions.push(containsPhrase(target, phrase))
  for (const term of excluded) conditions.push(not(termMatches(target, term)))
  if (conditions.length === 0) return value(false)
  return conditions.reduce(and)
}

// ------------------------------------------------------------------ rewrite

function isTextQuery(node: GroqNode): node is Extract<ExprNode, {type: 'FuncCall'}> {
  return node.type === 'FuncCall' && node.namespace === 'text' && node.name === 'query'
}

/** Where `text::query` starts in the query text, for the error's span. */
function span(query: string): {start: number; end: number} | undefined {
  const found = /text::query\s*\(/.exec(query)
  return found ? {start: found.index, end: found.index + 'text::query'.length} : undefined
}

function misuse(query: string, description: string): LakeError {
  return queryExecutionError(description, query, span(query))
}

/**
 * What a text match adds to `_score` in `score()` besides groq-js's term-frequency score (at most
 * 2.2 per term). Hosted Sanity ranks with BM25, whose inverse document frequency makes a hit on a
 * rare word worth far more than that; groq-js has no corpus statistics, so a matching text query
 * adds this constant instead (`boost(X match …, 10)`), of the order of BM25's IDF for a word in
 * one of a few thousand documents. A document that matches the search itself then ranks above
 * one that only references a match (the Studio's `boost(references($__refIds), w)`).
 */
export const TEXT_MATCH_SCORE = 10

/**
 * The tree with every `X match text::query("…")` replaced by {@link exactMatch}; the tree
 * itself when it has no `text::query`. Throws a 400 queryExecutionError (for `query`) when
 * `text::query` is used elsewhere or with an argument that is not a constant string.
 *
 * In the arguments of `score()` that use it, a text match also adds {@link TEXT_MATCH_SCORE},
 * and parentheses on the way to it are dropped: groq-js scores a parenthesised expression as a
 * plain boolean (1), hosted Sanity through the parentheses, and the Studio writes
 * `([@, _id] match text::query($__query) || references($__rawQuery))`.
 */
export function rewriteTextQueries<T extends GroqNode>(tree: T, query: string): T {
  if (!someNode(tree, isTextQuery)) return tree
  // `X match text::query("…")`: its left (with `@` as the content) and the parsed search.
  const textMatch = (node: GroqNode): {target: ExprNode; search: TextQuery} | undefined => {
    if (node.type !== 'OpCall' || node.op !== 'match' || !isTextQuery(node.right)) return undefined
    const {args} = node.right
    const [search] = args
    if (args.length !== 1 || search.type !== 'Value' || typeof search.value !== 'string') {
      throw misuse(
        query,
        'text::query() is not supported with this argument: it takes one constant string (a literal or a parameter), e.g. `title match text::query($search)`',
      )
    }
    return {target: withContent(rewrite(node.left)), search: parseTextQuery(search.value)}
  }
  // In score(): 0 unless the whole search matches (groq-js's score of a `match` counts any one
  // of its terms); then 1 + the words' term-frequency score + TEXT_MATCH_SCORE. The parentheses
  // make groq-js score the exact match as a boolean.
  const scoredTextMatch = (node: GroqNode): ExprNode | undefined => {
    const found = textMatch(node)
    if (!found) return undefined
    const {target, search} = found
    const whole: ExprNode = {type: 'Group', base: exactMatch(target, search)}
    const scored = search.words.length > 0 ? and(whole, matches(target, search.words)) : whole
    return call('boost', [scored, value(TEXT_MATCH_SCORE)])
  }
  // A score() argument, down through the nodes groq-js scores by their parts (and, or, boost).
  const scoreArgument = (node: ExprNode): ExprNode => {
    if (!someNode(node, isTextQuery)) return node
    switch (node.type) {
      case 'Group':
        return scoreArgument(node.base)
      case 'And':
      case 'Or':
        return {...node, left: scoreArgument(node.left), right: scoreArgument(node.right)}
      case 'FuncCall':
        if (node.name === 'boost' && node.args.length === 2) {
          return {...node, args: [scoreArgument(node.args[0]), rewrite(node.args[1])]}
        }
        break
      case 'OpCall': {
        const scored = scoredTextMatch(node)
        if (scored) return scored
        break
      }
    }
    return rewrite(node)
  }
  const rewrite = <N extends GroqNode>(node: N): N =>
    rewriteTree(node, (child) => {
      if (child.type === 'PipeFuncCall' && child.name === 'score') {
        return {...child, base: rewrite(child.base), args: child.args.map(scoreArgument)}
      }
      const found = textMatch(child)
      return found && exactMatch(found.target, found.search)
    })
  const rewritten = rewrite(tree)
  if (someNode(rewritten, isTextQuery)) {
    throw misuse(
      query,
      'text::query() is not supported outside `match`: use it on the right of a match, e.g. `[title, body] match text::query($search)`',
    )
  }
  return rewritten
}
