/** Attribute paths of the current document in a GROQ tree (shared by the planner's modules). */
import type {ExprNode} from 'groq-js'

/** `name`, `a.b.c` (from the current document) as a list of attribute names, else null. */
export function attributePath(node: ExprNode): string[] | null {
  const path: string[] = []
  let n: ExprNode | undefined = node
  while (n && n.type === 'AccessAttribute') {
    path.unshift(n.name)
    n = n.base
  }
  if (path.length === 0) return null
  return n === undefined || n.type === 'This' ? path : null
}
