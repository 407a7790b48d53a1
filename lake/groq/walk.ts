/**
 * The one walker over groq-js syntax trees, typed with groq-js's own node types, used by the
 * planner, evaluation and listeners (lake/realtime/listeners.ts).
 *
 * It never descends into `Value` nodes: their `value` is user data (an inlined `$param` may be
 * any JSON, including objects that look like nodes, e.g. `{"type": "Parameter", "name": "y"}`).
 * Walking is iterative, so a deep tree (a long `||` chain) cannot overflow the stack here.
 */
import type {
  ArrayElementNode,
  ExprNode,
  FunctionDeclarationNode,
  ObjectAttributeNode,
  SelectAlternativeNode,
} from 'groq-js'

/** Every node kind that can appear in a parsed tree. */
export type GroqNode =
  | ExprNode
  | ArrayElementNode
  | ObjectAttributeNode
  | SelectAlternativeNode
  | FunctionDeclarationNode

/** The direct child nodes of a node, in source order (none for `Value`). */
export function children(node: GroqNode): GroqNode[] {
  switch (node.type) {
    case 'And':
    case 'Or':
    case 'OpCall':
      return [node.left, node.right]
    case 'InRange':
      return [node.base, node.left, node.right]
    case 'Array':
      return node.elements
    case 'Object':
      return node.attributes
    case 'ArrayElement':
    case 'ObjectAttributeValue':
    case 'ObjectSplat':
      return [node.value]
    case 'ObjectConditionalSplat':
    case 'SelectAlternative':
      return [node.condition, node.value]
    case 'Select':
      return node.fallback ? [...node.alternatives, node.fallback] : node.alternatives
    case 'FuncCall':
      return node.args
    case 'PipeFuncCall':
      return [node.base, ...node.args]
    case 'FuncDeclaration':
      return [...node.params, node.body]
    case 'Filter':
    case 'Projection':
    case 'Map':
    case 'FlatMap':
      return [node.base, node.expr]
    case 'AccessAttribute':
      return node.base ? [node.base] : []
    case 'SelectorFuncCall':
      return [node.arg]
    case 'SelectorNested':
      return [node.base, node.nested]
    case 'Tuple':
      return node.members
    case 'ArrayCoerce':
    case 'Asc':
    case 'Desc':
    case 'Deref':
    case 'Group':
    case 'Neg':
    case 'Not':
    case 'Pos':
    case 'AccessElement':
    case 'Slice':
      return [node.base]
    default:
      // Value, Everything, This, Parent, Parameter, Context: leaves.
      return []
  }
}

/** Visits every node (pre-order) except inside `Value` nodes. */
export function walk(root: GroqNode, visit: (node: GroqNode) => void): void {
  const stack: GroqNode[] = [root]
  while (stack.length > 0) {
    const node = stack.pop() as GroqNode
    visit(node)
    const kids = children(node)
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i])
  }
}

/** Whether some node satisfies the predicate. */
export function someNode(root: GroqNode, test: (node: GroqNode) => boolean): boolean {
  const stack: GroqNode[] = [root]
  while (stack.length > 0) {
    const node = stack.pop() as GroqNode
    if (test(node)) return true
    stack.push(...children(node))
  }
  return false
}

/** Whether a node of this type occurs in the tree. */
export function containsNode(root: GroqNode, type: GroqNode['type']): boolean {
  return someNode(root, (node) => node.type === type)
}

/**
 * A copy of the tree where `replace` may substitute any node: it returns the replacement, or
 * undefined to keep the node (whose children are then rewritten). `Value` nodes are kept as they
 * are. The input tree is not modified; unchanged subtrees are shared.
 */
export function rewriteTree<T extends GroqNode>(
  root: T,
  replace: (node: GroqNode) => GroqNode | undefined,
): T {
  const visit = (node: GroqNode): GroqNode => {
    const replaced = replace(node)
    if (replaced !== undefined) return replaced
    if (node.type === 'Value') return node
    let changed = false
    const copy: Record<string, unknown> = {...node}
    for (const [key, value] of Object.entries(node)) {
      if (Array.isArray(value)) {
        if (!value.every(isNode)) continue
        const next = value.map(visit)
        if (next.some((child, i) => child !== value[i])) {
          copy[key] = next
          changed = true
        }
      } else if (isNode(value)) {
        const next = visit(value)
        if (next !== value) {
          copy[key] = next
          changed = true
        }
      }
    }
    return changed ? (copy as unknown as GroqNode) : node
  }
  return visit(root) as T
}

function isNode(value: unknown): value is GroqNode {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as {type?: unknown}).type === 'string'
  )
}
