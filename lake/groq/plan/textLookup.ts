/**
 * Narrowing `match` through the full-text index (`documents_text`, lake/store/textIndex.ts): from
 * a filter, a {@link TextQuery} whose hits (documents with a matching FTS5 token anywhere in their
 * indexed text) are a SUPERSET of the documents groq-js 2.0.1's `match` accepts. groq-js still
 * evaluates the filter exactly over those candidates, so results don't change.
 *
 * Why it is sound. groq-js's `text match pattern` (text: a string or an array whose string items
 * are pooled; pattern: a string or an array of strings, else always false) first deletes runs of
 * `.` next to an ASCII word boundary (`/\b\.+|\.+\b/g`) from both sides, splits them into tokens
 * at a fixed set of ASCII punctuation and whitespace, and accepts when EVERY pattern term matches
 * SOME text token as `^term$` (case-insensitive, non-Unicode regular expression; `*` → `.*`;
 * other characters unescaped, and of the regex specials only `.` can occur in a term).
 *
 * For one term t, let L be its leading run of {@link SAFE} characters (ASCII letters and digits
 * plus a few Latin letters; stopping at `*`, `.`, `'`, `_` or anything else). A text token k
 * matching t starts with |L| characters each case-insensitively equal to L's (for SAFE characters
 * that means: the same letter in either case, a property test/lake/groq/textLookup.test.ts checks
 * against the real tokenizer for every UTF-16 code unit). In the original string those characters
 * are contiguous except for deleted dot runs, and k starts after a groq-js separator, a deleted
 * dot run or the string's start, all of which separate FTS5 tokens too (unicode61 token
 * characters are letters, digits and private use only). So, with `unicode61` folding SAFE
 * letters exactly as the regular expression does, the document's text holds an FTS5 token that
 * either starts with L (no dot inside), or IS a proper prefix of L (the part before the first
 * deleted dot). The term's query is `"L"* OR "L[0,1)" OR … OR "L[0,n-1)"`, with `"L"` exact instead
 * of a prefix when t is exactly L. Every string under a path whose keys don't start with `_` is in
 * the document's indexed text (lake/store/textIndex.ts `documentText`), so a term's query finds
 * every document the term accepts; the pattern's query is the AND of its terms' (terms without a
 * SAFE start are dropped, a superset again), `||` gives OR, `&&` gives AND.
 *
 * Falls back to no narrowing (null) whenever that argument doesn't apply: patterns that aren't
 * constants, texts that aren't attribute paths (or `@`, which as an object contributes no token),
 * paths through `_` keys (not indexed: `_id`, `_type`, `_key`…), terms starting with anything
 * else, one-letter prefixes (their FTS5 lookup costs more than it saves; see bench/README.md).
 */
import type {ExprNode, OpCallNode} from 'groq-js'
import {FIELD_PREFERENCE, lookupOf, type Constraint} from './constraints.ts'
import {attributePath} from './paths.ts'
import type {TextConstraint} from './constraints.ts'
import type {QuerySource} from '../source.ts'

/** Full-text lookup: a token (exact or prefix), or an AND / OR of lookups (`or` of none: nothing). */
export type TextQuery =
  | {kind: 'token'; token: string; prefix: boolean}
  | {kind: 'and'; parts: TextQuery[]}
  | {kind: 'or'; parts: TextQuery[]}

/** Matches no document. */
export const NOTHING: TextQuery = {kind: 'or', parts: []}

/**
 * Characters case-folded identically by groq-js's `/i` regular expressions and FTS5's unicode61
 * (each one's case-insensitive class is exactly its upper and lower case, both unicode61 token
 * characters folding to the lower case; checked by test/lake/groq/textLookup.test.ts).
 */
export const SAFE = /[A-Za-z0-9àáâãäåæçèéêëìíîïñòóôõöøùúûüýþÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÑÒÓÔÕÖØÙÚÛÜÝÞ]/

/** groq-js's dot runs deleted before tokenizing (next to an ASCII word boundary). */
const EDGE_DOTS = /(\b\.+|\.+\b)/g
/** groq-js's pattern terms: runs of characters other than its separators (`*` kept). */
const PATTERN_TERM = /[^!@#$%^&(),\\/?";:{}|[\]+<>\s-]+/g
/** groq-js truncates each term to this many characters before building its regular expression. */
const TERM_LIMIT = 1024
/** Shorter prefixes aren't looked up: nearly every document has a token starting with one letter. */
const MIN_PREFIX = 2
/** A pattern's first few terms are enough to narrow (their AND is a superset of all of them). */
const MAX_TERMS = 4

/** groq-js's `match` tokens (shared.js `CHARS`): runs of characters other than its separators. */
const TEXT_TOKEN = /[^!@#$%^&*(),\\/?";:{}|[\]+<>\s-]+/g

/** The tokens groq-js's `match` compares a string's terms with (its `matchTokenize`). */
export function matchTokens(text: string): string[] {
  return text.replace(EDGE_DOTS, '').match(TEXT_TOKEN) ?? []
}

/** The terms groq-js matches a pattern string by. */
export function patternTerms(pattern: string): string[] {
  return pattern.replace(EDGE_DOTS, '').match(PATTERN_TERM) ?? []
}

/** The superset lookup of one pattern term (see the module comment), or null. */
export function termQuery(term: string): TextQuery | null {
  const text = term.slice(0, TERM_LIMIT)
  let n = 0
  while (n < text.length && SAFE.test(text[n])) n++
  if (n === 0) return null
  const lead = text.slice(0, n).toLowerCase()
  const exact = n === text.length
  if (!exact && n < MIN_PREFIX) return null
  const parts: TextQuery[] = [{kind: 'token', token: lead, prefix: !exact}]
  for (let i = 1; i < n; i++) parts.push({kind: 'token', token: lead.slice(0, i), prefix: false})
  return or(parts)
}

/** The lookup of a constant pattern (a string or an array of strings), or null. */
export function patternQuery(pattern: unknown): TextQuery | null {
  const strings = typeof pattern === 'string' ? [pattern] : Array.isArray(pattern) ? pattern : null
  // groq-js: any other pattern, or an array with a non-string item, never matches.
  if (strings === null || !strings.every((s) => typeof s === 'string')) return NOTHING
  const terms = (strings as string[]).flatMap(patternTerms)
  // No term: `matchText` is false for an empty pattern list.
  if (terms.length === 0) return NOTHING
  const queries = terms.map(termQuery).filter((q): q is TextQuery => q !== null)
  return queries.length > 0 ? and(queries.slice(0, MAX_TERMS)) : null
}

/** A constant GROQ value (a literal, or an array literal of literals), else undefined. */
function constant(node: ExprNode): unknown {
  if (node.type === 'Value') return node.value
  if (node.type === 'Group') return constant(node.base)
  if (node.type === 'Array') {
    const out: unknown[] = []
    for (const element of node.elements) {
      if (element.isSplat) return undefined
      const value = constant(element.value)
      if (value === undefined) return undefined
      out.push(value)
    }
    return out
  }
  return undefined
}

/** Whether every token of `node`'s value is in the document's indexed text. */
function indexedText(node: ExprNode): boolean {
  if (node.type === 'This') return true // an object: groq-js takes no token from it
  if (node.type === 'Array') {
    return node.elements.every((element) => !element.isSplat && indexedText(element.value))
  }
  const path = attributePath(node)
  return path !== null && path.every((name) => !name.startsWith('_'))
}

/** `path match <constant>`: the superset lookup, or null. */
export function matchQuery(node: OpCallNode): TextQuery | null {
  if (node.op !== 'match' || !indexedText(node.left)) return null
  const pattern = constant(node.right)
  return pattern === undefined ? null : patternQuery(pattern)
}

/**
 * The superset lookup of a filter (or a sub-expression of it that must be true for a document to
 * pass): `match` calls combined through `&&`, `||` and parentheses; null when it can't narrow.
 */
export function textQueryOf(expr: ExprNode): TextQuery | null {
  switch (expr.type) {
    case 'Group':
      return textQueryOf(expr.base)
    case 'OpCall':
      return matchQuery(expr)
    case 'And': {
      const parts = [textQueryOf(expr.left), textQueryOf(expr.right)].filter((q) => q !== null)
      return parts.length > 0 ? and(parts) : null
    }
    case 'Or': {
      const left = textQueryOf(expr.left)
      const right = left && textQueryOf(expr.right)
      return left && right ? or([left, right]) : null
    }
    default:
      return null
  }
}

/**
 * What to look a filter's candidates up by when narrowing a `*`: the most selective indexable
 * conjunct ({@link lookupOf}), or else the full-text lookup of its `match` calls (intersected with
 * its `_type` constraint, if any), or null.
 */
export function candidateLookup(expr: ExprNode): Constraint | null {
  const best = lookupOf(expr)
  if (best && FIELD_PREFERENCE[best.field] < FIELD_PREFERENCE.text) return best
  const query = textQueryOf(expr)
  if (!query) return best
  return {field: 'text', values: [], query, within: best?.field === '_type' ? best : null}
}

/**
 * Raw ids of a text constraint's candidates. The `_type` intersection is checked on the raw
 * documents: a view document is one raw document with only `_id`/`_originalId` rewritten, so a
 * view document passing the filter has a raw layer with its type and its text.
 */
export function textCandidates(source: QuerySource, constraint: TextConstraint): string[] {
  const types = constraint.within?.values ?? null
  const ids = source.idsMatchingText?.(constraint.query, types) ?? null
  if (ids !== null) return ids
  return types ? source.idsByType(types) : source.all().map((d) => d._id)
}

function isNothing(q: TextQuery): boolean {
  return q.kind === 'or' && q.parts.length === 0
}

function and(parts: TextQuery[]): TextQuery {
  if (parts.some(isNothing)) return NOTHING
  const flat = parts.flatMap((p) => (p.kind === 'and' ? p.parts : [p]))
  return flat.length === 1 ? flat[0] : {kind: 'and', parts: flat}
}

function or(parts: TextQuery[]): TextQuery {
  const flat = parts.flatMap((p) => (p.kind === 'or' ? p.parts : [p]))
  return flat.length === 1 ? flat[0] : {kind: 'or', parts: flat}
}

/** The FTS5 MATCH expression of a lookup (null for {@link NOTHING}: don't ask the index). */
export function ftsExpression(q: TextQuery): string | null {
  if (isNothing(q)) return null
  if (q.kind === 'token') return `"${q.token}"${q.prefix ? '*' : ''}`
  const parts = q.parts.map((p) => ftsExpression(p) as string)
  return parts.length === 1 ? parts[0] : `(${parts.join(q.kind === 'and' ? ' AND ' : ' OR ')})`
}

/** unicode61's tokens of a text, approximated in JS (token characters: letters, digits, private use). */
export function textTokens(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}\p{Co}]+/gu) ?? []
}

/** Whether a lookup hits a document with these (lower-cased) tokens, as FTS5 would answer it. */
export function hits(q: TextQuery, tokens: readonly string[]): boolean {
  if (q.kind === 'token') {
    return tokens.some((t) => (q.prefix ? t.startsWith(q.token) : t === q.token))
  }
  return q.kind === 'and'
    ? q.parts.every((p) => hits(p, tokens))
    : q.parts.some((p) => hits(p, tokens))
}
