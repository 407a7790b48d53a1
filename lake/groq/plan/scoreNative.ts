/**
 * The arguments of a `score()` computed natively, equal to groq-js 2.0.1's `_score` to the last
 * bit, for the shapes the Studio's search sends (after lake/groq/textQuery.ts's rewrite); null
 * for anything else, which groq-js then scores itself.
 *
 * groq-js's rules (evaluator `evaluateScore*`, `processMatchScore`, operators `match`, `And`,
 * `Or`, `Not`), mirrored here with the same floating-point operations in the same order:
 * - score of `X match P`: 0 unless P is a string or an array of strings and X yields tokens; else
 *   the sum over P's terms (regular expressions `^term$`, `*` → `.*`, case-insensitive) of
 *   `freq * 2.2 / (freq + 1.2)`, freq = how many of X's tokens the term matches;
 * - score of `boost(x, w)`: x's score + w when x's score > 0 and w is a number, else 0;
 * - score of `a || b`: the sum; of `a && b`: the sum unless one side is 0;
 * - score of anything else: 1 when it evaluates to `true`, else 0.
 * Booleans follow groq-js's three-valued logic (null where an operand is not a boolean).
 *
 * Native boolean expressions: `match` (true when every term matches some token), `&&`, `||`, `!`,
 * parentheses, boolean/null constants, `_id`/`_type`/`slug.current` `==`/`in` string constants
 * and `references()` of string constants (lake/groq/plan/constraints.ts, exact there), and the
 * phrase test textQuery.ts emits for `"a phrase"` ({@link phraseTestOf}).
 * Match texts: attribute paths (`title`, `_id`, `a.b`), `@`'s content (the content reference of
 * the rewrite, answered by `content`), `@`, and array literals of those.
 */
import type {ExprNode} from 'groq-js'
import type {LakeDocument} from '../../core/types.ts'
import {attributePath} from './paths.ts'
import {
  conjunctConstraint,
  referencesConstraint,
  satisfies,
  valueAt,
  type Constraint,
} from './constraints.ts'
import {isDocumentContent, phraseTestOf} from '../textQuery.ts'

/** What a native score reads besides the document: `@`'s content text (null when absent). */
export interface ScoreContext {
  content(doc: LakeDocument): string | null
}

/** One document's score for one `score()` argument. */
export type NativeScore = (doc: LakeDocument, state: DocumentState) => number

type Truth = boolean | null
type NativeBoolean = (doc: LakeDocument, state: DocumentState) => Truth

/** A match text: how to read it, and a key under which its tokens are kept per document. */
interface TextSource {
  key: string
  read(doc: LakeDocument, context: ScoreContext): unknown
}

/**
 * Per-document memo while one document is scored: the tokens of each match text (the Studio's
 * search reads `[@, _id]` several times per document).
 */
export class DocumentState {
  readonly context: ScoreContext
  private doc: LakeDocument | null = null
  private readonly tokens = new Map<string, string[]>()

  constructor(context: ScoreContext) {
    this.context = context
  }

  /** Starts a new document. */
  reset(doc: LakeDocument): void {
    this.doc = doc
    this.tokens.clear()
  }

  tokensOf(source: TextSource): string[] {
    let tokens = this.tokens.get(source.key)
    if (!tokens) {
      tokens = gatherTokens(source.read(this.doc as LakeDocument, this.context))
      this.tokens.set(source.key, tokens)
    }
    return tokens
  }
}

// groq-js's `match` tokenizer and pattern analysis (shared.js CHARS, CHARS_WITH_WILDCARD, EDGE_CHARS).
const CHARS = /([^!@#$%^&*(),\\/?";:{}|[\]+<>\s-])+/g
const CHARS_WITH_WILDCARD = /([^!@#$%^&(),\\/?";:{}|[\]+<>\s-])+/g
const EDGE_CHARS = /(\b\.+|\.+\b)/g

function tokenize(text: string): string[] {
  return text.replace(EDGE_CHARS, '').match(CHARS) ?? []
}

/** groq-js `gatherText` over a JSON value with `matchTokenize`: the tokens of its strings. */
function gatherTokens(value: unknown): string[] {
  if (typeof value === 'string') return tokenize(value)
  if (!Array.isArray(value)) return []
  const out: string[] = []
  for (const part of value) if (typeof part === 'string') out.push(...tokenize(part))
  return out
}

/** A constant pattern's regular expressions, or null when groq-js's `success` is false. */
function patternRegexes(pattern: unknown): RegExp[] | null {
  const strings = typeof pattern === 'string' ? [pattern] : Array.isArray(pattern) ? pattern : null
  if (strings === null || !strings.every((s) => typeof s === 'string')) return null
  return (strings as string[]).flatMap((text) =>
    (text.replace(EDGE_CHARS, '').match(CHARS_WITH_WILDCARD) ?? []).map(
      (term) => new RegExp(`^${term.slice(0, 1024).replace(/\*/g, '.*')}$`, 'i'),
    ),
  )
}

function textSource(node: ExprNode): TextSource | null {
  if (isDocumentContent(node)) return {key: 'content', read: (doc, context) => context.content(doc)}
  if (node.type === 'This') return {key: '@', read: (doc) => doc}
  const path = attributePath(node)
  if (path) return {key: JSON.stringify(path), read: (doc) => valueAt(doc, path)}
  if (node.type !== 'Array') return null
  const parts: TextSource[] = []
  for (const element of node.elements) {
    if (element.isSplat) return null
    const part = textSource(element.value)
    if (!part) return null
    parts.push(part)
  }
  return {
    key: `[${parts.map((p) => p.key).join(',')}]`,
    read: (doc, context) => parts.map((part) => part.read(doc, context)),
  }
}

/** `X match <constant>`: its text and pattern, or null. */
function matchParts(node: ExprNode): {source: TextSource; regexes: RegExp[] | null} | null {
  if (node.type !== 'OpCall' || node.op !== 'match' || node.right.type !== 'Value') return null
  const source = textSource(node.left)
  return source && {source, regexes: patternRegexes(node.right.value)}
}

function matchScore(node: ExprNode): NativeScore | null {
  const parts = matchParts(node)
  if (!parts) return null
  const {source, regexes} = parts
  if (!regexes || regexes.length === 0) return () => 0
  return (_doc, state) => {
    const tokens = state.tokensOf(source)
    if (tokens.length === 0) return 0
    let score = 0
    for (const re of regexes) {
      let freq = 0
      for (const token of tokens) if (re.test(token)) freq++
      score += (freq * 2.2) / (freq + 1.2)
    }
    return score
  }
}

function matchTruth(node: ExprNode): NativeBoolean | null {
  const parts = matchParts(node)
  if (!parts) return null
  const {source, regexes} = parts
  if (!regexes || regexes.length === 0) return () => false
  return (_doc, state) => {
    const tokens = state.tokensOf(source)
    return tokens.length > 0 && regexes.every((re) => tokens.some((token) => re.test(token)))
  }
}

/** groq-js `string()` of a JSON value (null for objects, arrays and null). */
function groqString(value: unknown): string | null {
  switch (typeof value) {
    case 'string':
      return value
    case 'number':
    case 'boolean':
      return `${value}`
    default:
      return null
  }
}

function phraseTruth(node: ExprNode): NativeBoolean | null {
  const test = phraseTestOf(node)
  const source = test && textSource(test.target)
  if (!test || !source) return null
  const {phrase} = test
  const contains = (value: unknown) =>
    typeof value === 'string' && value.length > 0 && value.toLowerCase().split(phrase).length > 1
  return (doc, state) => {
    const value = source.read(doc, state.context)
    if (Array.isArray(value) && value.some(contains)) return true
    const string = groqString(value)
    return string !== null && contains(string)
  }
}

/** groq-js's truth of `node`, or null when it isn't native. */
function truthOf(node: ExprNode): NativeBoolean | null {
  switch (node.type) {
    case 'Group':
      return truthOf(node.base)
    case 'Value': {
      const {value} = node
      const truth: Truth = typeof value === 'boolean' ? value : null
      return () => truth
    }
    case 'Not': {
      const base = truthOf(node.base)
      return (
        base &&
        ((doc, state) => {
          const value = base(doc, state)
          return value === null ? null : !value
        })
      )
    }
    case 'And':
    case 'Or': {
      const left = truthOf(node.left)
      const right = left && truthOf(node.right)
      if (!left || !right) return null
      const decisive = node.type === 'Or'
      return (doc, state) => {
        const a = left(doc, state)
        const b = right(doc, state)
        if (a === decisive || b === decisive) return decisive
        return a === null || b === null ? null : !decisive
      }
    }
    case 'OpCall':
      if (node.op === 'match') return matchTruth(node)
      break
  }
  const phrase = phraseTruth(node)
  if (phrase) return phrase
  const constraint: Constraint | null = conjunctConstraint(node) ?? referencesConstraint(node)
  return constraint && ((doc) => satisfies(doc, constraint))
}

/** groq-js's score of one `score()` argument, natively, or null when it can't be. */
export function nativeScore(node: ExprNode): NativeScore | null {
  if (node.type === 'OpCall' && node.op === 'match') return matchScore(node)
  if (node.type === 'FuncCall' && node.name === 'boost') {
    if (node.args.length !== 2) return null
    const inner = nativeScore(node.args[0])
    const weight = node.args[1]
    if (!inner || weight.type !== 'Value') return null
    const w = weight.value
    if (typeof w !== 'number') return () => 0
    return (doc, state) => {
      const score = inner(doc, state)
      return score > 0 ? score + w : 0
    }
  }
  if (node.type === 'And' || node.type === 'Or') {
    const left = nativeScore(node.left)
    const right = left && nativeScore(node.right)
    if (!left || !right) return null
    if (node.type === 'Or') return (doc, state) => left(doc, state) + right(doc, state)
    return (doc, state) => {
      const a = left(doc, state)
      const b = right(doc, state)
      return a === 0 || b === 0 ? 0 : a + b
    }
  }
  const truth = truthOf(node)
  return truth && ((doc, state) => +(truth(doc, state) === true))
}
