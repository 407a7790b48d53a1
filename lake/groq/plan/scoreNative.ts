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
import {matchTokens, patternTerms, SAFE} from './textLookup.ts'

/** What a native score reads besides the document. */
export interface ScoreContext {
  /** `@`'s content text (null when absent). */
  content(doc: LakeDocument): string | null
  /** The tokens of `content(doc)` when kept (per stored document), else null. */
  contentTokens?(doc: LakeDocument): string[] | null
  /**
   * Ids (`_id` of the documents scored) of a superset of the documents `references(ids)` is true
   * for, or null when unknown (every document is then checked).
   */
  referencing?(ids: readonly string[]): ReadonlySet<string> | null
}

/** One document's score for one `score()` argument. */
export type NativeScore = (doc: LakeDocument, state: DocumentState) => number

type Truth = boolean | null
type NativeBoolean = (doc: LakeDocument, state: DocumentState) => Truth

/** A match text: how to read it, its tokens, and a key under which they are kept per document. */
interface TextSource {
  key: string
  read(doc: LakeDocument, context: ScoreContext): unknown
  /** groq-js's tokens of the value (`gatherText`: a string's, or an array's strings'). */
  tokens(doc: LakeDocument, context: ScoreContext): string[]
  /** The value's tokens when it is a string, else none (an element of an array literal). */
  stringTokens(doc: LakeDocument, context: ScoreContext): string[]
}

/**
 * Per-document memo while one document is scored: the tokens of each match text (the Studio's
 * search reads `[@, _id]` several times per document).
 */
export class DocumentState {
  readonly context: ScoreContext
  private doc: LakeDocument | null = null
  private readonly tokens = new Map<string, string[]>()
  private readonly referencing = new Map<readonly string[], ReadonlySet<string> | null>()

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
      const doc = this.doc as LakeDocument
      tokens = source.tokens(doc, this.context)
      this.tokens.set(source.key, tokens)
    }
    return tokens
  }

  /** {@link ScoreContext.referencing}, asked once per (compiled) list of ids. */
  referencingOf(ids: readonly string[]): ReadonlySet<string> | null {
    let found = this.referencing.get(ids)
    if (found === undefined) {
      found = this.context.referencing?.(ids) ?? null
      this.referencing.set(ids, found)
    }
    return found
  }
}

/** groq-js `gatherText` over a JSON value with `matchTokenize`: the tokens of its strings. */
function gatherTokens(value: unknown): string[] {
  if (typeof value === 'string') return matchTokens(value)
  if (!Array.isArray(value)) return []
  const out: string[] = []
  for (const part of value) if (typeof part === 'string') out.push(...matchTokens(part))
  return out
}

/** One pattern term's test of a token: groq-js's regular expression, or an equal, faster test. */
interface TermTest {
  test(token: string): boolean
}

/**
 * `^term$` (case-insensitive, `*` → `.*`) as a character comparison when the term is SAFE
 * characters (lake/groq/plan/textLookup.ts: each one's case-insensitive class is exactly its
 * lower and upper case) with at most a trailing `*` (`.*` then matches any rest: tokens hold no
 * line terminator, they are separators).
 */
function termTest(term: string): TermTest {
  const text = term.slice(0, 1024)
  const prefix = text.endsWith('*')
  const lead = prefix ? text.slice(0, -1) : text
  if (lead.length === 0 || ![...lead].every((c) => c.length === 1 && SAFE.test(c))) {
    return new RegExp(`^${text.replace(/\*/g, '.*')}$`, 'i')
  }
  const n = lead.length
  const lower = Array.from(lead, (c) => c.toLowerCase().charCodeAt(0))
  const upper = Array.from(lead, (c) => c.toUpperCase().charCodeAt(0))
  return {
    test(token) {
      if (prefix ? token.length < n : token.length !== n) return false
      for (let i = 0; i < n; i++) {
        const code = token.charCodeAt(i)
        if (code !== lower[i] && code !== upper[i]) return false
      }
      return true
    },
  }
}

/** A constant pattern's term tests, or null when groq-js's `success` is false. */
function patternRegexes(pattern: unknown): TermTest[] | null {
  const strings = typeof pattern === 'string' ? [pattern] : Array.isArray(pattern) ? pattern : null
  if (strings === null || !strings.every((s) => typeof s === 'string')) return null
  return (strings as string[]).flatMap((text) => patternTerms(text).map(termTest))
}

const NO_TOKENS: string[] = []

function textSource(node: ExprNode): TextSource | null {
  if (isDocumentContent(node)) {
    const tokens = (doc: LakeDocument, context: ScoreContext) => {
      const kept = context.contentTokens?.(doc)
      if (kept) return kept
      const text = context.content(doc)
      return text === null ? NO_TOKENS : matchTokens(text)
    }
    return {
      key: 'content',
      read: (doc, context) => context.content(doc),
      tokens,
      stringTokens: tokens,
    }
  }
  if (node.type === 'This') {
    return {key: '@', read: (doc) => doc, tokens: () => NO_TOKENS, stringTokens: () => NO_TOKENS}
  }
  const path = attributePath(node)
  if (path) {
    const read = (doc: LakeDocument) => valueAt(doc, path)
    return {
      key: JSON.stringify(path),
      read,
      tokens: (doc) => gatherTokens(read(doc)),
      stringTokens: (doc) => {
        const value = read(doc)
        return typeof value === 'string' ? matchTokens(value) : NO_TOKENS
      },
    }
  }
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
    tokens: (doc, context) => parts.flatMap((part) => part.stringTokens(doc, context)),
    // An array inside an array literal is not a string: groq-js takes no token from it.
    stringTokens: () => NO_TOKENS,
  }
}

/** `X match <constant>`: its text and pattern, or null. */
function matchParts(node: ExprNode): {source: TextSource; regexes: TermTest[] | null} | null {
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
  if (constraint?.field === 'references') {
    // The reference index rules out nearly every document before the walk through it.
    const {values} = constraint
    return (doc, state) => {
      const ids = state.referencingOf(values)
      return (ids === null || ids.has(doc._id)) && satisfies(doc, constraint)
    }
  }
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
