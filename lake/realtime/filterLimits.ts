/**
 * Which listener filters need a time limit when evaluated on the main thread (pure).
 *
 * Only `match` can run away on one document: groq-js turns each pattern term into an anchored
 * regular expression with `.*` for every `*`, and two or more of them backtrack polynomially in
 * the length of the text (`*a*a*a*b` against a long run of `a`). A term with at most one `*` is
 * `^prefix.*suffix$`: one backtracking point, so the work is linear in the text times the
 * suffix, which {@link MAX_SAFE_TERM_LENGTH} keeps small. Such constant patterns are what
 * listeners use (`title match "Bor*"`, the Studio's `"word*"` per term, params are inlined),
 * and they skip the limit, whose watchdog thread costs 0.07 ms per call on a quiet machine and
 * several ms under load. Everything else keeps it: patterns from fields and long or
 * multi-wildcard terms (also inside `score()`/`boost()`, which evaluate the same `match`).
 */
import type {ExprNode} from 'groq-js'

import {someNode} from '../groq/walk.ts'

/** Longer terms keep the limit: the suffix check runs at every backtracking position. */
const MAX_SAFE_TERM_LENGTH = 64

/** Whether evaluating `tree` on one document may take unbounded time (see the module comment). */
export function mayRunAway(tree: ExprNode): boolean {
  return someNode(
    tree,
    (node) => node.type === 'OpCall' && node.op === 'match' && !isLinearPattern(node.right),
  )
}

function isLinearPattern(node: ExprNode): boolean {
  if (node.type === 'Value') {
    const {value} = node as {value: unknown}
    if (typeof value === 'string') return isLinearText(value)
    return Array.isArray(value) && value.every((v) => typeof v === 'string' && isLinearText(v))
  }
  if (node.type === 'Array') {
    return node.elements.every((element) => !element.isSplat && isLinearPattern(element.value))
  }
  return false
}

/**
 * groq-js splits a pattern into terms at whitespace and punctuation; a whitespace-separated
 * word contains each of its terms, so bounding the words bounds the terms.
 */
function isLinearText(pattern: string): boolean {
  return pattern
    .split(/\s+/)
    .every(
      (word) => word.length <= MAX_SAFE_TERM_LENGTH && word.indexOf('*') === word.lastIndexOf('*'),
    )
}
