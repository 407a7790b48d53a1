/**
 * The response shape of content source maps: `{documents, paths, mappings}` as @sanity/client's
 * `ContentSourceMap` reads it, built from a result and the provenance of its values.
 */
import type {LakeDocument} from '../core/types.ts'
import {
  OPAQUE,
  childOf,
  isObject,
  itemOf,
  type Provenance,
  type Segment,
} from './sourceMapProvenance.ts'

export type SourceMapMode = 'index' | 'key'

export interface ContentSourceMap {
  documents: Array<{_id: string; _type: string}>
  paths: string[]
  mappings: Record<
    string,
    {type: 'value'; source: {type: 'documentValue'; document: number; path: number}}
  >
}

export class SourceMapBuilder {
  readonly #mode: SourceMapMode
  readonly #documents: ContentSourceMap['documents'] = []
  readonly #documentIndex = new Map<string, number>()
  readonly #paths: string[] = []
  readonly #pathIndex = new Map<string, number>()
  readonly #mappings: ContentSourceMap['mappings'] = {}

  constructor(mode: SourceMapMode) {
    this.#mode = mode
  }

  /** Walks groq-js's result with the interpreter's value and provenance, emitting mappings. */
  collect(
    result: unknown,
    value: unknown,
    p: Provenance,
    resultPath: Array<string | number>,
  ): void {
    if (p === null || value === OPAQUE) return
    if (p.kind === 'origin') {
      if (p.path.length === 0 && '_originalId' in p.doc && isObject(result) && isObject(value)) {
        // A whole view document: map its fields one by one, except the rewritten ones.
        for (const key of Object.keys(result)) {
          const child = childOf(p, key)
          if (child && Object.hasOwn(value, key)) {
            this.collect(result[key], value[key], child, [...resultPath, key])
          }
        }
        return
      }
      if (result !== null && result !== undefined && sameValue(result, value)) {
        this.#emit(resultPath, p)
      }
      return
    }
    if (p.kind === 'fields') {
      if (!isObject(result) || !isObject(value)) return
      for (const key of Object.keys(result)) {
        if (Object.hasOwn(value, key))
          this.collect(result[key], value[key], p.fields[key] ?? null, [...resultPath, key])
      }
      return
    }
    if (!Array.isArray(result) || !Array.isArray(value) || result.length !== value.length) return
    result.forEach((item: unknown, index) =>
      this.collect(item, value[index], itemOf(p, index, value[index]), [...resultPath, index]),
    )
  }

  #emit(resultPath: Array<string | number>, source: {doc: LakeDocument; path: Segment[]}): void {
    const id = typeof source.doc._originalId === 'string' ? source.doc._originalId : source.doc._id
    let document = this.#documentIndex.get(id)
    if (document === undefined) {
      document = this.#documents.push({_id: id, _type: source.doc._type}) - 1
      this.#documentIndex.set(id, document)
    }
    const pathText = jsonPath(
      source.path.map((segment) =>
        typeof segment === 'string'
          ? segment
          : this.#mode === 'key' && segment.key !== undefined
            ? {key: segment.key}
            : segment.index,
      ),
    )
    let path = this.#pathIndex.get(pathText)
    if (path === undefined) {
      path = this.#paths.push(pathText) - 1
      this.#pathIndex.set(pathText, path)
    }
    this.#mappings[jsonPath(resultPath)] = {
      type: 'value',
      source: {type: 'documentValue', document, path},
    }
  }

  build(): ContentSourceMap {
    return {documents: this.#documents, paths: this.#paths, mappings: this.#mappings}
  }
}

/** JSONPath as @sanity/client writes and parses it: `$['a'][0][?(@._key=='k')]`. */
function jsonPath(path: Array<string | number | {key: string}>): string {
  let out = '$'
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`
    else if (typeof segment === 'string')
      out += `['${segment.replace(/[\f\n\r\t'\\]/g, escapeChar)}']`
    else out += `[?(@._key=='${segment.key.replace(/['\\]/g, escapeChar)}')]`
  }
  return out
}

const ESCAPES: Record<string, string> = {
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  "'": "\\'",
  '\\': '\\\\',
}

function escapeChar(char: string): string {
  return ESCAPES[char] ?? char
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  if (Array.isArray(a) !== Array.isArray(b)) return false
  const aKeys = Object.keys(a)
  const bKeys = Object.keys(b)
  if (aKeys.length !== bKeys.length) return false
  const bRecord = b as Record<string, unknown>
  return aKeys.every(
    (key) =>
      Object.hasOwn(bRecord, key) && sameValue((a as Record<string, unknown>)[key], bRecord[key]),
  )
}
