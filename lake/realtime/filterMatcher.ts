/**
 * Native matching of the listener filters Studio and @sanity/client open (pure).
 *
 * groq-js's evaluator allocates a scope, a value wrapper per node and an array per query; the
 * hub runs a filter for every changed document, so the shapes listeners actually use are
 * compiled here into plain closures over the document instead: `*[F]` and `*[F]{…projection}`
 * where F is built from `&&`, `||`, `!`, `(…)`, `==`, `!=`, `<`, `<=`, `>`, `>=`, `in` (arrays
 * and `path()` globs), `defined()`, `references()`, attribute paths (`_id`, `slug.current`) and
 * constants (values, arrays, `"drafts." + $id`; folded by groq-js itself at compile time). Any
 * other condition inside F (`match`, `now()`, dereferences, functions) is one groq-js
 * evaluation of that condition alone with the document as `@`, which is what it sees inside
 * the filter as long as it does not use `^` (then, and for other query shapes: null, and the
 * whole query stays with groq-js).
 *
 * Exactness: every native node follows groq-js 2's three-valued logic (true, false, or
 * "something else", which `!`, `&&` and `||` treat alike), its `isEqual` (same type and value;
 * a datetime equals only a datetime), its `partialCompare` and its `hasReference` walk;
 * test/lake/realtime/filterMatcher.test.ts compares both over many filters and documents. One
 * difference, on purpose: `&&` and `||` skip their right side when the left decides, so a right
 * side that would fail (a runaway `match`) no longer fails the filter.
 *
 * Pins: {@link NativeFilter.pins} names the `_id`s and `_type`s a document must have for the
 * filter to be true (`_id in [$id, "drafts." + $id]`, `_type == "x" && …`), so the hub indexes
 * listeners by them and evaluates only the ones a transaction can concern.
 */
import {DateTime, evaluateSync, Path, type ExprNode} from 'groq-js'

import {withDocumentContent} from '../groq/textQuery.ts'
import {children, someNode, type GroqNode} from '../groq/walk.ts'
import type {LakeDocument} from '../core/types.ts'

/** A document's `_id` or `_type` must be in these for the filter to be true (null: any). */
export interface FilterPins {
  ids: ReadonlySet<string>
  types: ReadonlySet<string>
}

export interface NativeFilter {
  /**
   * Whether `*[…]` over this one document is non-empty, exactly as groq-js evaluates it
   * (`timestamp`: what `now()` returns, as groq-js's option).
   */
  matches(doc: LakeDocument, timestamp?: Date): boolean
  /** Null when the filter may be true for any document. */
  pins: FilterPins | null
  /** Whether some of its conditions are groq-js evaluations (worth remembering results for). */
  usesGroqJs: boolean
}

/** groq-js's boolean result, with every non-boolean folded into null. */
type Truth = true | false | null

type Test = (doc: LakeDocument, timestamp: Date | undefined) => Truth

interface Condition {
  test: Test
  pins: FilterPins | null
  /** Set when it (or a part of it) is a {@link groqJsCondition}. */
  usesGroqJs?: boolean
}

/** A GROQ value as groq-js types it: `getType` in groq-js's shared module. */
interface Typed {
  type: 'null' | 'string' | 'number' | 'boolean' | 'array' | 'object' | 'path' | 'datetime'
  data: unknown
}

/** A constant, or a read of the document (`attribute`: the top-level field it reads, if one). */
type Operand = {constant: Typed} | {read: (doc: LakeDocument) => unknown; attribute?: string}

/** The native matcher for a listener query's tree, or null when its shape is not covered. */
export function nativeFilter(tree: ExprNode, params: Record<string, unknown>): NativeFilter | null {
  let filter: ExprNode = tree
  if (filter.type === 'Map') {
    // `*[F]{…}` keeps one element per document F admits, whatever the projection gives.
    if (!isHarmlessProjection(filter.expr)) return null
    filter = filter.base
  }
  if (filter.type !== 'Filter' || filter.base.type !== 'Everything') return null
  let condition: Condition | null
  try {
    condition = compileCondition(filter.expr, params)
  } catch (error) {
    // A tree too deep to compile here stays with groq-js (which reports it the usual way).
    if (error instanceof RangeError) return null
    throw error
  }
  if (condition === null) return null
  const {test, pins} = condition
  return {
    matches: (doc, timestamp) => test(doc, timestamp) === true,
    pins,
    usesGroqJs: condition.usesGroqJs === true,
  }
}

/** Nodes a projection may use without reading anything but the document or throwing. */
const PROJECTION_NODES = new Set([
  'Projection',
  'Object',
  'ObjectAttributeValue',
  'ObjectSplat',
  'AccessAttribute',
  'This',
  'Value',
  'Group',
])

function isHarmlessProjection(node: ExprNode): boolean {
  return !someNode(node, (child) => !PROJECTION_NODES.has(child.type))
}

function compileCondition(node: ExprNode, params: Record<string, unknown>): Condition | null {
  const constant = constantValue(node, params)
  if (constant !== null) {
    const truth = truthOf(constant)
    return {test: () => truth, pins: truth === true ? null : NOTHING}
  }
  switch (node.type) {
    case 'Group':
      return compileCondition(node.base, params)
    case 'And': {
      const left = compileCondition(node.left, params)
      const right = compileCondition(node.right, params)
      if (left === null || right === null) return null
      const [a, b] = [left.test, right.test]
      return {
        test: (doc, timestamp) => {
          const x = a(doc, timestamp)
          if (x === false) return false
          const y = b(doc, timestamp)
          if (y === false) return false
          return x === true && y === true ? true : null
        },
        // True only when both are: either side's pins hold; the narrower one is kept.
        pins: narrower(left.pins, right.pins),
        usesGroqJs: left.usesGroqJs || right.usesGroqJs,
      }
    }
    case 'Or': {
      const left = compileCondition(node.left, params)
      const right = compileCondition(node.right, params)
      if (left === null || right === null) return null
      const [a, b] = [left.test, right.test]
      return {
        test: (doc, timestamp) => {
          const x = a(doc, timestamp)
          if (x === true) return true
          const y = b(doc, timestamp)
          if (y === true) return true
          return x === false && y === false ? false : null
        },
        pins: union(left.pins, right.pins),
        usesGroqJs: left.usesGroqJs || right.usesGroqJs,
      }
    }
    case 'Not': {
      const base = compileCondition(node.base, params)
      if (base === null) return null
      const {test} = base
      return {
        test: (doc, timestamp) => {
          const x = test(doc, timestamp)
          return x === null ? null : !x
        },
        pins: null,
        usesGroqJs: base.usesGroqJs,
      }
    }
    case 'OpCall':
      return (
        compileOperator(node.op, node.left, node.right, params) ?? groqJsCondition(node, params)
      )
    case 'FuncCall':
      if (node.namespace === 'global' && node.name === 'defined' && node.args.length === 1) {
        const operand = compileOperand(node.args[0], params)
        if (operand !== null) {
          const read = reader(operand)
          return {test: (doc) => read(doc) !== null, pins: null}
        }
      }
      if (node.namespace === 'global' && node.name === 'references') {
        return compileReferences(node.args, params) ?? groqJsCondition(node, params)
      }
      return groqJsCondition(node, params)
    case 'AccessAttribute': {
      const read = attributeReader(node)
      if (read === null) return groqJsCondition(node, params)
      return {test: (doc) => truthOfJS(read(doc)), pins: null}
    }
    default:
      return groqJsCondition(node, params)
  }
}

/**
 * A condition groq-js evaluates with the document as `@` (and as the whole dataset, and the
 * only document `->` reaches, as the hub's own evaluation has it); not for `^`, which inside
 * the filter would see the query's root instead.
 */
function groqJsCondition(node: ExprNode, params: Record<string, unknown>): Condition | null {
  if (someNode(node, (child) => child.type === 'Parent')) return null
  return {
    test: (doc, timestamp) => {
      const value = evaluateSync(node, {
        root: doc,
        dataset: [doc],
        params,
        timestamp,
        dereference: withDocumentContent((id) => (id === doc._id ? doc : null)),
      })
      return value.type === 'boolean' ? value.data : null
    },
    pins: null,
    usesGroqJs: true,
  }
}

function compileOperator(
  op: string,
  leftNode: ExprNode,
  rightNode: ExprNode,
  params: Record<string, unknown>,
): Condition | null {
  if (!NATIVE_OPERATORS.has(op)) return null
  const left = compileOperand(leftNode, params)
  const right = compileOperand(rightNode, params)
  if (left === null || right === null) return null
  const readLeft = reader(left)
  const order = ORDERINGS[op]
  if (order !== undefined) {
    const readRight = reader(right)
    return {
      test: (doc) => {
        const result = partialCompare(typed(readLeft(doc)), typed(readRight(doc)))
        return result === null ? null : order(result)
      },
      pins: null,
    }
  }
  if (op === '==' || op === '!=') {
    const readRight = reader(right)
    const equal = op === '=='
    return {
      test: (doc) => isEqual(typed(readLeft(doc)), typed(readRight(doc))) === equal,
      pins: equal ? (pinsOfEquality(left, right) ?? pinsOfEquality(right, left)) : null,
    }
  }
  if ('constant' in right) {
    const {type, data} = right.constant
    if (type === 'path') {
      const path = data as Path
      return {
        test: (doc) => {
          const value = readLeft(doc)
          return typeof value === 'string' ? path.matches(value) : null
        },
        pins: null,
      }
    }
    if (type !== 'array') return {test: () => null, pins: NOTHING}
    const elements = (data as unknown[]).map(typed)
    return {
      test: (doc) => {
        const value = typed(readLeft(doc))
        return elements.some((element) => isEqual(value, element))
      },
      pins: pinsOfMembership(left, elements),
    }
  }
  const readRight = right.read
  return {
    test: (doc) => {
      const list = readRight(doc)
      if (!Array.isArray(list)) return null
      const value = typed(readLeft(doc))
      return list.some((element) => isEqual(value, typed(element)))
    },
    pins: null,
  }
}

const ORDERINGS: Record<string, ((comparison: number) => boolean) | undefined> = {
  '<': (c) => c < 0,
  '<=': (c) => c <= 0,
  '>': (c) => c > 0,
  '>=': (c) => c >= 0,
}

const NATIVE_OPERATORS = new Set(['==', '!=', 'in', '<', '<=', '>', '>='])

/** groq-js's `partialCompare`: values of one type that have an order, else null. */
function partialCompare(a: Typed, b: Typed): number | null {
  if (a.type !== b.type) return null
  switch (a.type) {
    case 'number':
    case 'boolean':
      return (a.data as number) - (b.data as number)
    case 'string': {
      const [x, y] = [a.data as string, b.data as string]
      return x < y ? -1 : x > y ? 1 : 0
    }
    case 'datetime':
      return (a.data as DateTime).compareTo(b.data as DateTime)
    default:
      return null
  }
}

/** `references(…)`: groq-js's `hasReference` over the document, with constant ids. */
function compileReferences(args: ExprNode[], params: Record<string, unknown>): Condition | null {
  const ids = new Set<string>()
  for (const arg of args) {
    const value = constantValue(arg, params)
    if (value === null) return null
    if (value.type === 'string') ids.add(value.data as string)
    else if (value.type === 'array') {
      for (const element of value.data as unknown[])
        if (typeof element === 'string') ids.add(element)
    }
  }
  if (ids.size === 0) return {test: () => false, pins: NOTHING}
  return {test: (doc) => hasReference(doc, ids), pins: null}
}

function hasReference(value: unknown, ids: ReadonlySet<string>): boolean {
  if (value === null || typeof value !== 'object') return false
  if (Array.isArray(value)) return value.some((element) => hasReference(element, ids))
  const ref = (value as {_ref?: unknown})._ref
  // As groq-js: any truthy `_ref` decides for its object, whatever its type.
  if (ref) return ids.has(ref as string)
  return Object.values(value).some((child) => hasReference(child, ids))
}

function compileOperand(node: ExprNode, params: Record<string, unknown>): Operand | null {
  const constant = constantValue(node, params)
  if (constant !== null) return {constant}
  if (node.type === 'Group') return compileOperand(node.base, params)
  const read = attributeReader(node)
  if (read === null) return null
  return node.type === 'AccessAttribute' && node.base === undefined
    ? {read, attribute: node.name}
    : {read}
}

function reader(operand: Operand): (doc: LakeDocument) => unknown {
  if ('read' in operand) return operand.read
  const {data} = operand.constant
  return () => data
}

/** `a.b.c` on the document (groq-js: an attribute of a non-object, or a missing one, is null). */
function attributeReader(node: ExprNode): ((doc: LakeDocument) => unknown) | null {
  const names: string[] = []
  let current: ExprNode | undefined = node
  while (current?.type === 'AccessAttribute') {
    names.unshift(current.name)
    current = current.base
  }
  if (names.length === 0 || (current !== undefined && current.type !== 'This')) return null
  return (doc) => {
    let value: unknown = doc
    for (const name of names) {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) return null
      if (!Object.hasOwn(value, name)) return null
      value = (value as Record<string, unknown>)[name]
    }
    return value ?? null
  }
}

/** Nodes whose value never depends on the document or the time. */
const CONSTANT_NODES = new Set([
  'Value',
  'Parameter',
  'Array',
  'ArrayElement',
  'Object',
  'ObjectAttributeValue',
  'Group',
  'OpCall',
  'And',
  'Or',
  'Not',
  'Neg',
  'Pos',
])

/** The node's value when it is constant (groq-js evaluates it), else null. */
function constantValue(node: ExprNode, params: Record<string, unknown>): Typed | null {
  if (!isConstant(node)) return null
  const value = evaluateSync(node, {params})
  return {type: value.type, data: value.data}
}

/** Per node, so that compiling a long `||` chain looks at each node once, not once per level. */
const constantness = new WeakMap<GroqNode, boolean>()

function isConstant(node: GroqNode): boolean {
  let constant = constantness.get(node)
  if (constant === undefined) {
    const own =
      (CONSTANT_NODES.has(node.type) && !(node.type === 'OpCall' && node.op === 'match')) ||
      (node.type === 'FuncCall' && node.namespace === 'global' && node.name === 'path')
    constant = own && children(node).every(isConstant)
    constantness.set(node, constant)
  }
  return constant
}

function typed(data: unknown): Typed {
  if (data === null || data === undefined) return {type: 'null', data: null}
  if (Array.isArray(data)) return {type: 'array', data}
  if (data instanceof Path) return {type: 'path', data}
  if (data instanceof DateTime) return {type: 'datetime', data}
  const type = typeof data
  if (type === 'string' || type === 'number' || type === 'boolean') return {type, data}
  return {type: 'object', data}
}

/** groq-js's `isEqual`. */
function isEqual(a: Typed, b: Typed): boolean {
  if (a.type === 'datetime' && b.type === 'datetime') {
    return (a.data as DateTime).equals(b.data as DateTime)
  }
  if (a.type !== b.type) return false
  switch (a.type) {
    case 'string':
    case 'number':
    case 'boolean':
    case 'null':
      return a.data === b.data
    default:
      return false
  }
}

function truthOf(value: Typed): Truth {
  return value.type === 'boolean' ? (value.data as boolean) : null
}

function truthOfJS(value: unknown): Truth {
  return typeof value === 'boolean' ? value : null
}

// ------------------------------------------------------------------ pins

const NOTHING: FilterPins = {ids: new Set(), types: new Set()}

/** `_id == "x"` / `_type == "x"`: the attribute on one side, a string constant on the other. */
function pinsOfEquality(attribute: Operand, constant: Operand): FilterPins | null {
  if (!('constant' in constant)) return null
  return pinsOfMembership(attribute, [constant.constant])
}

/**
 * `_id in [...]` / `_type in [...]` of strings. Other values would need the document's field to
 * be of another type, which the index (keyed by strings) does not cover: no pins then.
 */
function pinsOfMembership(attribute: Operand, values: Typed[]): FilterPins | null {
  const field = pinnedField(attribute)
  if (field === null || values.some((v) => v.type !== 'string')) return null
  const strings = new Set(values.map((v) => v.data as string))
  return field === '_id' ? {ids: strings, types: new Set()} : {ids: new Set(), types: strings}
}

function pinnedField(operand: Operand): '_id' | '_type' | null {
  if (!('read' in operand)) return null
  const name = operand.attribute
  return name === '_id' || name === '_type' ? name : null
}

function narrower(a: FilterPins | null, b: FilterPins | null): FilterPins | null {
  if (a === null) return b
  if (b === null) return a
  // Ids are the more selective: one document (and its drafts) against a whole type.
  const weight = (pins: FilterPins) => pins.ids.size + 1000 * pins.types.size
  return weight(a) <= weight(b) ? a : b
}

/**
 * Adds the smaller into the larger: each condition's pins are its own (only {@link NOTHING} is
 * shared, and never grown), so a long `||` chain costs linear time, not quadratic.
 */
function union(a: FilterPins | null, b: FilterPins | null): FilterPins | null {
  if (a === null || b === null) return null
  if (a === NOTHING) return b
  if (b === NOTHING) return a
  const [into, from] = a.ids.size + a.types.size >= b.ids.size + b.types.size ? [a, b] : [b, a]
  for (const id of from.ids) (into.ids as Set<string>).add(id)
  for (const type of from.types) (into.types as Set<string>).add(type)
  return into
}
