/** Functions groq-js parses but cannot evaluate: found before evaluation, answered with a 400. */
import type {ExprNode} from 'groq-js'
import {walk} from '../walk.ts'

/**
 * Functions groq-js parses but cannot evaluate (`throw Error("not implemented")`). `text::query`
 * is not among them: lake/groq/textQuery.ts rewrites it (or rejects its misuse) before planning.
 */
const UNSUPPORTED: Record<string, readonly string[] | 'all'> = {
  text: ['semanticSimilarity'],
  geo: 'all',
  documents: ['get', 'incomingRefCount', 'incomingGlobalDocumentReferenceCount'],
  global: ['anywhere'],
  media: ['aspect'],
  user: ['attributes'],
}

/** The first function call the lake can't evaluate, as `{namespace, name}`, or null. */
export function unsupportedFunction(tree: ExprNode): {namespace: string; name: string} | null {
  let found: {namespace: string; name: string} | null = null
  walk(tree, (node) => {
    if (found || node.type !== 'FuncCall') return
    const namespace = String(node.namespace)
    const name = String(node.name)
    const names = UNSUPPORTED[namespace]
    if (names === 'all' || names?.includes(name)) found = {namespace, name}
  })
  return found
}
