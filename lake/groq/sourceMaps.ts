/**
 * Content Source Maps (`resultSourceMap=true|withKeyArraySelector` on /data/query): for every
 * value of a query result that is a document's field, where it came from, in Sanity's shape
 * (`{documents, paths, mappings}`, @sanity/client `ContentSourceMap`).
 *
 * How: the query's evaluation plan (lake/groq/query.ts: the same narrowed documents and bound
 * sites groq-js evaluates) is walked by a small interpreter that carries provenance alongside
 * values for the node kinds that move document values around unchanged: attribute access,
 * element access and slices, `->`, `[]` traversal (Map/FlatMap), projections, `...` splats,
 * array literals, `coalesce`, `array::unique`/`array::compact`, parameters and `*`. Every other
 * node (filters' conditions, `order`, `select`, functions, operators) is evaluated by groq-js
 * itself in the same scope (rebuilt with projections and single-item maps over reserved
 * parameters), and its result keeps a provenance only where it is made of whole documents or of
 * items of an array the interpreter knows (filters and `order` only pick and permute items);
 * computed values get no mapping.
 *
 * The response's result is groq-js's, never the interpreter's: mappings are emitted by walking
 * both side by side and only where the two values agree, so an interpreter gap can lose a mapping
 * but never change a result, and a mapped value always equals its source's value.
 *
 * Mappings are emitted at the outermost value that is a document value (a whole object or array
 * maps once; @sanity/client resolves nested values by the longest mapped prefix). Paths address
 * array items by index, or by `_key` (`[?(@._key=='k')]`) with `withKeyArraySelector`.
 */
import {evaluateSync, toJS, type EvaluateOptions, type ExprNode} from 'groq-js'

import type {LakeDocument} from '../core/types.ts'
import {evaluationPlan} from './evaluate.ts'
import {PerspectiveView, type QueryOptions} from './perspective.ts'
import {prepareQuery} from './prepare.ts'
import type {QuerySource} from './source.ts'
import {
  NULL,
  OPAQUE,
  UNKNOWN,
  childOf,
  isObject,
  itemOf,
  origin,
  type Provenance,
  type Tracked,
} from './sourceMapProvenance.ts'
import {SourceMapBuilder, type ContentSourceMap, type SourceMapMode} from './sourceMapShape.ts'

export type {ContentSourceMap, SourceMapMode} from './sourceMapShape.ts'

/** `resultSourceMap` query parameter → mode, or null when no source map was asked for. */
export function sourceMapMode(value: string | null): SourceMapMode | null {
  if (value === 'withKeyArraySelector') return 'key'
  if (value === null || value === '' || value === 'false' || value === '0') return null
  return 'index'
}

/** The source map of `result`, which `runQuery` returned for the same arguments. */
export function resultSourceMap(
  source: QuerySource,
  query: string,
  params: Record<string, unknown>,
  options: QueryOptions,
  result: unknown,
  mode: SourceMapMode,
): ContentSourceMap {
  const prepared = prepareQuery(query, params)
  const plan = evaluationPlan(prepared, new PerspectiveView(source, options), params)
  const interpreter = new ProvenanceInterpreter(
    plan.options,
    prepared.sites.map((s) => s.param),
  )
  const tracked = interpreter.evaluate(plan.tree as unknown as Node, Scope.root())
  const map = new SourceMapBuilder(mode)
  map.collect(result, tracked.v, tracked.p, [])
  return map.build()
}

/** groq-js's scope chain (`@`, `^`), with the same nested/hidden rules. */
class Scope {
  readonly value: Tracked
  readonly parent: Scope | null
  readonly hidden: boolean

  private constructor(value: Tracked, parent: Scope | null, hidden: boolean) {
    this.value = value
    this.parent = parent
    this.hidden = hidden
  }

  static root(): Scope {
    return new Scope(NULL, null, false)
  }

  nested(value: Tracked): Scope {
    return new Scope(value, this.hidden ? this.parent : this, false)
  }

  hiddenChild(value: Tracked): Scope {
    return new Scope(value, this.hidden ? this.parent : this, true)
  }
}

/** A groq-js syntax node, read generically. */
type Node = {type: string; [key: string]: unknown}

const RESERVED_PARAM = '__lake_sourcemap'

class ProvenanceInterpreter {
  readonly #options: EvaluateOptions
  readonly #params: Record<string, unknown>
  /** The documents of this evaluation (dataset, sites, dereferences), to recognise them by identity. */
  readonly #documents = new WeakSet<object>()
  readonly #dereference: (ref: {_ref: string}) => unknown

  constructor(options: EvaluateOptions, siteParams: readonly string[]) {
    this.#options = options
    this.#params = options.params ?? {}
    for (const doc of (options.dataset as unknown[] | undefined) ?? []) this.#remember(doc)
    for (const name of siteParams) {
      const bound = this.#params[name]
      if (Array.isArray(bound)) for (const doc of bound) this.#remember(doc)
    }
    const dereference = options.dereference
    this.#dereference = (ref) => {
      const doc = dereference ? dereference(ref) : null
      this.#remember(doc)
      return doc
    }
  }

  #remember(doc: unknown): void {
    if (isObject(doc)) this.#documents.add(doc)
  }

  /** Provenance recovered from identity: whole documents, or arrays of them. */
  #byIdentity(value: unknown): Provenance {
    if (isObject(value))
      return this.#documents.has(value) ? origin(value as LakeDocument, []) : null
    if (Array.isArray(value) && value.length > 0 && value.every((v) => this.#isDocument(v))) {
      return {kind: 'documents'}
    }
    return null
  }

  #isDocument(value: unknown): boolean {
    return isObject(value) && this.#documents.has(value)
  }

  evaluate(node: Node, scope: Scope): Tracked {
    switch (node.type) {
      case 'Everything': {
        const dataset = this.#options.dataset ?? []
        return {v: dataset, p: {kind: 'documents'}}
      }
      case 'This':
        return scope.value
      case 'Parent': {
        let current: Scope | null = scope
        for (let i = 0; i < (node.n as number) && current; i++) current = current.parent
        return current ? current.value : NULL
      }
      case 'Group':
        return this.evaluate(node.base as Node, scope)
      case 'Value':
        return {v: node.value ?? null, p: null}
      case 'Parameter': {
        const value = this.#params[node.name as string] ?? null
        return {v: value, p: this.#byIdentity(value)}
      }
      case 'AccessAttribute': {
        const base = node.base ? this.evaluate(node.base as Node, scope) : scope.value
        if (base.v === OPAQUE) return UNKNOWN
        const name = node.name as string
        if (!isObject(base.v) || !Object.hasOwn(base.v, name)) return NULL
        return {v: base.v[name] ?? null, p: childOf(base.p, name)}
      }
      case 'AccessElement': {
        const base = this.evaluate(node.base as Node, scope)
        if (base.v === OPAQUE) return UNKNOWN
        if (!Array.isArray(base.v)) return NULL
        const index =
          (node.index as number) < 0
            ? base.v.length + (node.index as number)
            : (node.index as number)
        const item: unknown = base.v[index]
        return item === undefined || item === null
          ? NULL
          : {v: item, p: itemOf(base.p, index, item)}
      }
      case 'Slice':
        return this.#slice(node, this.evaluate(node.base as Node, scope))
      case 'ArrayCoerce': {
        const base = this.evaluate(node.base as Node, scope)
        return base.v === OPAQUE || Array.isArray(base.v) ? base : NULL
      }
      case 'Deref': {
        const base = this.evaluate(node.base as Node, scope)
        if (base.v === OPAQUE) return UNKNOWN
        if (!isObject(base.v) || typeof base.v._ref !== 'string') return NULL
        const doc = this.#dereference({_ref: base.v._ref})
        return isObject(doc) ? {v: doc, p: origin(doc as LakeDocument, [])} : NULL
      }
      case 'Map':
      case 'FlatMap':
        return this.#map(node, scope)
      case 'Projection': {
        const base = this.evaluate(node.base as Node, scope)
        if (base.v === OPAQUE) return UNKNOWN
        if (!isObject(base.v)) return NULL
        return this.evaluate(node.expr as Node, scope.nested(base))
      }
      case 'Object':
        return this.#object(node, scope)
      case 'Array':
        return this.#array(node, scope)
      case 'Filter':
      case 'PipeFuncCall':
        return this.#pick(node, scope)
      case 'FuncCall':
        if (node.namespace === 'global' && node.name === 'coalesce') {
          for (const arg of node.args as Node[]) {
            const value = this.evaluate(arg, scope)
            if (value.v === OPAQUE || value.v !== null) return value
          }
          return NULL
        }
        if (node.namespace === 'array' && (node.name === 'unique' || node.name === 'compact')) {
          return this.#pick(node, scope)
        }
        return this.#delegate(node, scope)
      default:
        return this.#delegate(node, scope)
    }
  }

  #slice(node: Node, base: Tracked): Tracked {
    if (base.v === OPAQUE) return UNKNOWN
    if (!Array.isArray(base.v)) return NULL
    const array = base.v as unknown[]
    // groq-js's bounds rules.
    let left = node.left as number
    let right = node.right as number
    if (left < 0) left = array.length + left
    if (right < 0) right = array.length + right
    if (node.isInclusive) right++
    if (left < 0) left = 0
    if (right < 0) right = 0
    const items = array.slice(left, right)
    return {
      v: items,
      p: {kind: 'items', items: items.map((item, i) => itemOf(base.p, left + i, item))},
    }
  }

  #map(node: Node, scope: Scope): Tracked {
    const base = this.evaluate(node.base as Node, scope)
    if (base.v === OPAQUE) return UNKNOWN
    if (!Array.isArray(base.v)) return NULL
    const values: unknown[] = []
    const provenance: Provenance[] = []
    base.v.forEach((item: unknown, index) => {
      const inner = this.evaluate(
        node.expr as Node,
        scope.hiddenChild({v: item ?? null, p: itemOf(base.p, index, item)}),
      )
      if (node.type === 'FlatMap' && Array.isArray(inner.v)) {
        inner.v.forEach((innerItem: unknown, i) => {
          values.push(innerItem)
          provenance.push(itemOf(inner.p, i, innerItem))
        })
      } else {
        values.push(inner.v)
        provenance.push(inner.p)
      }
    })
    return {v: values, p: {kind: 'items', items: provenance}}
  }

  #object(node: Node, scope: Scope): Tracked {
    const value: Record<string, unknown> = {}
    const fields: Record<string, Provenance> = {}
    const splat = (tracked: Tracked) => {
      if (!isObject(tracked.v)) return
      for (const key of Object.keys(tracked.v)) {
        value[key] = tracked.v[key]
        fields[key] = childOf(tracked.p, key)
      }
    }
    for (const attribute of node.attributes as Node[]) {
      if (attribute.type === 'ObjectAttributeValue') {
        const tracked = this.evaluate(attribute.value as Node, scope)
        value[attribute.name as string] = tracked.v
        fields[attribute.name as string] = tracked.p
      } else if (attribute.type === 'ObjectSplat') {
        const tracked = this.evaluate(attribute.value as Node, scope)
        if (tracked.v === OPAQUE) return UNKNOWN
        splat(tracked)
      } else if (attribute.type === 'ObjectConditionalSplat') {
        const condition = this.#delegate(attribute.condition as Node, scope)
        if (condition.v === OPAQUE) return UNKNOWN
        if (condition.v !== true) continue
        const tracked = this.evaluate(attribute.value as Node, scope)
        if (tracked.v === OPAQUE) return UNKNOWN
        splat(tracked)
      } else {
        return UNKNOWN
      }
    }
    return {v: value, p: {kind: 'fields', fields}}
  }

  /** An array literal `[a, ...b]`: each element keeps its provenance; splats add their items. */
  #array(node: Node, scope: Scope): Tracked {
    const values: unknown[] = []
    const items: Provenance[] = []
    for (const element of node.elements as Node[]) {
      const tracked = this.evaluate(element.value as Node, scope)
      if (tracked.v === OPAQUE) return UNKNOWN
      if (!element.isSplat) {
        values.push(tracked.v)
        items.push(tracked.p)
      } else if (Array.isArray(tracked.v)) {
        tracked.v.forEach((item: unknown, index) => {
          values.push(item)
          items.push(itemOf(tracked.p, index, item))
        })
      }
    }
    return {v: values, p: {kind: 'items', items}}
  }

  /**
   * Filters, pipe functions (`order`, `score`) and `array::unique`/`array::compact` pick and
   * permute the items of one array: let groq-js do it on the interpreter's array, then match the
   * items it kept back to their source (equal items in order, so `unique` keeps the first).
   */
  #pick(node: Node, scope: Scope): Tracked {
    const fromArgs = node.type === 'FuncCall'
    const base = this.evaluate((fromArgs ? (node.args as Node[])[0] : node.base) as Node, scope)
    if (base.v === OPAQUE) return UNKNOWN
    if (!Array.isArray(base.v)) return fromArgs ? this.#delegate(node, scope) : NULL
    const baseParam = {type: 'Parameter', name: `${RESERVED_PARAM}_base`}
    const replaced = fromArgs
      ? {...node, args: [baseParam, ...(node.args as Node[]).slice(1)]}
      : {...node, base: baseParam}
    const picked = this.#delegate(replaced, scope, {[baseParam.name]: base.v})
    if (!Array.isArray(picked.v)) return picked
    const baseItems: unknown[] = base.v
    const positions = new Map<unknown, number[]>()
    baseItems.forEach((item, index) => {
      const list = positions.get(item)
      if (list) list.push(index)
      else positions.set(item, [index])
    })
    const items = picked.v.map((item: unknown) => {
      const index = positions.get(item)?.shift()
      return index === undefined ? null : itemOf(base.p, index, baseItems[index])
    })
    return {v: picked.v, p: {kind: 'items', items}}
  }

  /** Evaluates a node with groq-js in the same scope chain (`@`, `^`, `^.^` …). */
  #delegate(node: Node, scope: Scope, extraParams: Record<string, unknown> = {}): Tracked {
    const params: Record<string, unknown> = {...this.#params, ...extraParams}
    let tree: Node = node
    let depth = 0
    for (let current: Scope | null = scope; current?.parent; current = current.parent) {
      if (current.value.v === OPAQUE) return UNKNOWN
      const name = `${RESERVED_PARAM}_${depth++}`
      params[name] = current.value.v
      tree = (
        current.hidden
          ? {
              type: 'AccessElement',
              index: 0,
              base: {
                type: 'Map',
                base: {
                  type: 'Array',
                  elements: [
                    {type: 'ArrayElement', isSplat: false, value: {type: 'Parameter', name}},
                  ],
                },
                expr: tree,
              },
            }
          : {
              type: 'AccessAttribute',
              name: 'value',
              base: {
                type: 'Projection',
                base: {type: 'Parameter', name},
                expr: {
                  type: 'Object',
                  attributes: [{type: 'ObjectAttributeValue', name: 'value', value: tree}],
                },
              },
            }
      ) as Node
    }
    let value: unknown
    try {
      value = toJS(
        evaluateSync(tree as unknown as ExprNode, {
          ...this.#options,
          params,
          dereference: this.#dereference as EvaluateOptions['dereference'],
        }),
      )
    } catch {
      return UNKNOWN
    }
    return {v: value ?? null, p: this.#byIdentity(value)}
  }
}
