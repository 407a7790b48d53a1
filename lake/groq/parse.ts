/**
 * Parsing GROQ for the lake: size limit, groq-js's parser, and errors worded like hosted Sanity's
 * (`unexpected end-of-file, expected expression`, `unexpected token "\"event]", expected
 * expression`, `param $x referenced, but not provided`), which @sanity/client and groq-store match
 * on. Also rejects what groq-js silently accepts: `"\uZZZZ"` (it evaluates to "\u0000").
 *
 * Parsing is quadratic in some shapes (a long `||` chain) and recursive (a deep tree overflows
 * the stack), so it runs where a time limit applies (lake/groq/worker.ts); a stack overflow is
 * answered as a too-complex query, not a 500.
 */
import {GroqSyntaxError, parse, type ExprNode} from 'groq-js'
import {queryLimits} from './limits.ts'
import {walk} from './walk.ts'
import {
  missingParam,
  queryParseError,
  queryTooComplex,
  queryTooLarge,
  type LakeError,
} from '../core/errors.ts'

export function isStackOverflow(error: unknown): boolean {
  return error instanceof RangeError && /call stack/i.test(error.message)
}

// ------------------------------------------------------------------ lexical checks

interface StringScan {
  /** Offset of an unterminated string literal's opening quote, or -1. */
  unterminated: number
  /** The first invalid escape: offset and text, or null. */
  badEscape: {start: number; text: string} | null
}

/** Finds unterminated string literals and invalid `\u` escapes (skipping `//` comments). */
function scanStrings(query: string): StringScan {
  let i = 0
  while (i < query.length) {
    const c = query[i]
    if (c === '/' && query[i + 1] === '/') {
      const newline = query.indexOf('\n', i)
      i = newline === -1 ? query.length : newline + 1
      continue
    }
    if (c !== '"' && c !== "'") {
      i++
      continue
    }
    const open = i
    i++
    for (;;) {
      if (i >= query.length) return {unterminated: open, badEscape: null}
      const d = query[i]
      if (d === c) break
      if (d === '\\') {
        if (query[i + 1] === 'u') {
          const escape = /^\\u(?:[0-9a-fA-F]{4}|\{[0-9a-fA-F]{1,6}\})/.exec(query.slice(i, i + 10))
          if (!escape) {
            return {unterminated: -1, badEscape: {start: i, text: query.slice(i, i + 6)}}
          }
          i += escape[0].length
          continue
        }
        i += 2
        continue
      }
      i++
    }
    i++
  }
  return {unterminated: -1, badEscape: null}
}

/** The lexeme at `position` for an `unexpected token "…"` message. */
function tokenAt(query: string, position: number): string {
  const rest = query.slice(position)
  const match = /^(?:[A-Za-z_$@^][\w]*|\d+(?:\.\d+)?|\.\.\.?|[=!<>]=|&&|\|\||->|\S)/.exec(rest)
  return match ? match[0] : rest.slice(0, 1)
}

/** groq-js's syntax error in Sanity's words, with the offsets the client's code frame uses. */
function describeSyntaxError(
  query: string,
  error: GroqSyntaxError,
): {description: string; start: number; end: number} {
  const message = error.message.replace(/^Syntax error in GROQ query at position \d+: /, '')
  const position = error.position
  if (/^Unexpected end of query/i.test(message) || /^Expected expression/i.test(message)) {
    const {unterminated} = scanStrings(query)
    if (unterminated !== -1) {
      const token = query.slice(unterminated)
      return {
        description: `unexpected token ${JSON.stringify(token)}, expected expression`,
        start: unterminated,
        end: query.length,
      }
    }
    if (/^Unexpected end of query/i.test(message) || position >= query.trimEnd().length) {
      return {
        description: 'unexpected end-of-file, expected expression',
        start: position,
        end: position + 1,
      }
    }
    const token = tokenAt(query, position)
    return {
      description: `unexpected token ${JSON.stringify(token)}, expected expression`,
      start: position,
      end: position + token.length,
    }
  }
  const description = message.charAt(0).toLowerCase() + message.slice(1)
  return {description, start: position, end: position + 1}
}

// ------------------------------------------------------------------ parsing

/** Names of the `$param` nodes of a tree (params given at parse time are inlined as values). */
export function parameterNames(tree: ExprNode): string[] {
  const names = new Set<string>()
  walk(tree, (node) => {
    if (node.type === 'Parameter') names.add(node.name)
  })
  return [...names]
}

export function missingParamError(query: string, name: string): LakeError {
  const match = new RegExp(`\\$${name.replace(/[^\w]/g, '\\$&')}(?![\\w])`).exec(query)
  const start = match ? match.index : 0
  const end = match ? match.index + name.length + 1 : query.length
  return missingParam(name, query, {start, end})
}

/** For errors raised before the AST exists (e.g. a slice `[0...$n]` without `$n`). */
function missingParamInText(query: string, params: Record<string, unknown>): LakeError | null {
  const re = /\$([A-Za-z_]\w*)/g
  let match
  while ((match = re.exec(query))) {
    if (!(match[1] in params)) return missingParamError(query, match[1])
  }
  return null
}

/**
 * Parses a query with its params (inlined as constants, as hosted Sanity and groq-js do) and
 * checks that every referenced param was given. Throws a LakeError in Sanity's shape: 413 over
 * the size limit, 400 `queryParseError` otherwise.
 */
export function parseQuery(
  query: string,
  params: Record<string, unknown>,
  maxBytes = queryLimits().maxQueryBytes,
): ExprNode {
  if (query.length > maxBytes || Buffer.byteLength(query) > maxBytes) {
    throw queryTooLarge(query, maxBytes)
  }
  const {badEscape} = scanStrings(query)
  if (badEscape) {
    throw queryParseError(
      `invalid escape sequence ${JSON.stringify(badEscape.text)}: expected \\u followed by four hexadecimal digits or \\u{…}`,
      query,
      {start: badEscape.start, end: badEscape.start + badEscape.text.length},
    )
  }
  let tree: ExprNode
  try {
    tree = parse(query, {params})
  } catch (error) {
    if (error instanceof GroqSyntaxError) {
      const {description, start, end} = describeSyntaxError(query, error)
      throw queryParseError(description, query, {start: start, end: end})
    }
    if (isStackOverflow(error)) throw queryTooComplex(query)
    const missing = missingParamInText(query, params)
    if (missing) throw missing
    const message = error instanceof Error ? error.message : String(error)
    throw queryParseError(message, query, {start: 0, end: query.length})
  }
  const missing = parameterNames(tree).find((name) => !(name in params))
  if (missing !== undefined) throw missingParamError(query, missing)
  return tree
}
