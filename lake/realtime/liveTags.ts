/**
 * Sync tags for the Live Content API: which tags a query response carries (`syncTags`) and which
 * tags a committed transaction invalidates (`message` events). A page reloads when a `message`
 * names one of the tags its queries returned, so both sides must use the same keys.
 *
 * Granularity (documented in README.md, "Live Content API"):
 * - every `*` of a query contributes the keys of its most selective indexable filter conjunct
 *   (the narrowing rule of lake/groq/plan/narrowing.ts): `_id ==/in` → one `id` key per id,
 *   `slug.current ==/in` → one `slug` key per slug, `_type ==/in` → one `type` key per type; a `*`
 *   with none of them (or `releases::all()`) contributes the dataset-wide key;
 * - every document the evaluation looked up by id (`->` dereferences, id lookups) contributes its
 *   `id` key, unless the query already has the `type` or `slug` key of that document (or the
 *   dataset-wide key, which is then its only tag);
 * - a transaction invalidates, for each changed document the stream may see, its `id` key, the
 *   `type` and `slug` keys of its before and after states, and the dataset-wide key.
 * Ids are folded to their published id, so a draft and its published document share a key; which
 * changes a stream sees at all (drafts only with `includeDrafts`) is decided by the stream.
 *
 * A tag is `s1:` + 12 base64url characters of SHA-256 over (dataset, kind, value): short, opaque
 * (no draft ids leak to readers) and safe as a cache tag.
 */
import {createHash} from 'node:crypto'
import {parse, type ExprNode} from 'groq-js'

import {publishedId} from '../core/ids.ts'
import type {LakeDocument} from '../core/types.ts'
import {constraintOf, type Constraint} from '../groq/plan/constraints.ts'
import type {QuerySource} from '../groq/source.ts'
import {walk, type GroqNode} from '../groq/walk.ts'

export type SyncTag = `s1:${string}`

type TagKind = 'id' | 'type' | 'slug' | 'dataset'

/** The sync tag of one key. */
export function syncTag(dataset: string, kind: TagKind, value = ''): SyncTag {
  const digest = createHash('sha256').update(`${dataset}\u0000${kind}\u0000${value}`).digest()
  return `s1:${digest.subarray(0, 9).toString('base64url')}`
}

/** What a query's `*`s were narrowed by (parsed once per query and params). */
interface QueryKeys {
  ids: string[]
  types: string[]
  slugs: string[]
  wholeDataset: boolean
}

const keysCache = new Map<string, QueryKeys>()
const KEYS_CACHE_LIMIT = 500

function queryKeys(query: string, params: Record<string, unknown>): QueryKeys {
  const cacheKey = `${query}\u0000${JSON.stringify(params)}`
  const cached = keysCache.get(cacheKey)
  if (cached) return cached
  const keys: QueryKeys = {ids: [], types: [], slugs: [], wholeDataset: false}
  let tree: ExprNode
  try {
    tree = parse(query, {params})
  } catch {
    // The query route reports parse errors; a query that does not parse reads nothing.
    return keys
  }
  const narrowedBy = new Map<GroqNode, Constraint | null>()
  walk(tree, (node) => {
    if (node.type === 'Filter' && node.base.type === 'Everything') {
      narrowedBy.set(node.base, constraintOf(node.expr))
    }
  })
  walk(tree, (node) => {
    if (node.type === 'FuncCall' && node.namespace === 'releases') keys.wholeDataset = true
    if (node.type !== 'Everything') return
    const constraint = narrowedBy.get(node) ?? null
    if (!constraint) keys.wholeDataset = true
    else if (constraint.field === '_id') keys.ids.push(...constraint.values.map(publishedId))
    else if (constraint.field === '_type') keys.types.push(...constraint.values)
    else keys.slugs.push(...constraint.values)
  })
  if (keysCache.size >= KEYS_CACHE_LIMIT) keysCache.delete(keysCache.keys().next().value as string)
  keysCache.set(cacheKey, keys)
  return keys
}

/** Records the documents a query evaluation looks up by id (dereferences, id lookups). */
export interface ReadTracker {
  source: QuerySource
  /** Raw id → the document found (null when absent). */
  readonly reads: ReadonlyMap<string, LakeDocument | null>
}

export function trackReads(source: QuerySource): ReadTracker {
  const reads = new Map<string, LakeDocument | null>()
  return {
    reads,
    source: {
      ...source,
      get(id) {
        const doc = source.get(id)
        reads.set(id, doc)
        return doc
      },
    },
  }
}

/** The `syncTags` of a query response, sorted. */
export function queryTags(
  dataset: string,
  query: string,
  params: Record<string, unknown>,
  reads: ReadonlyMap<string, LakeDocument | null> = new Map(),
): SyncTag[] {
  const keys = queryKeys(query, params)
  const tags = new Set<SyncTag>()
  // The dataset-wide tag covers every document: no need to list the ones read.
  if (keys.wholeDataset) return [syncTag(dataset, 'dataset')]
  for (const type of keys.types) tags.add(syncTag(dataset, 'type', type))
  for (const slug of keys.slugs) tags.add(syncTag(dataset, 'slug', slug))
  for (const id of keys.ids) tags.add(syncTag(dataset, 'id', id))
  for (const [id, doc] of reads) {
    // A document found through a narrowed `*` changes that `*`'s key whenever it changes.
    if (doc && (keys.types.includes(doc._type) || keys.slugs.includes(slugOf(doc) as string))) {
      continue
    }
    tags.add(syncTag(dataset, 'id', publishedId(id)))
  }
  return [...tags].sort()
}

/** One changed document, as the commit path and the transaction log both describe it. */
export interface ChangedDocument {
  id: string
  before: LakeDocument | null
  after: LakeDocument | null
}

/** The tags a set of changed documents invalidates (empty when there are none), sorted. */
export function changeTags(dataset: string, changes: readonly ChangedDocument[]): SyncTag[] {
  if (changes.length === 0) return []
  const tags = new Set<SyncTag>([syncTag(dataset, 'dataset')])
  for (const change of changes) {
    tags.add(syncTag(dataset, 'id', publishedId(change.id)))
    for (const state of [change.before, change.after]) {
      if (!state) continue
      if (typeof state._type === 'string') tags.add(syncTag(dataset, 'type', state._type))
      const slug = slugOf(state)
      if (slug !== undefined) tags.add(syncTag(dataset, 'slug', slug))
    }
  }
  return [...tags].sort()
}

function slugOf(doc: LakeDocument): string | undefined {
  const slug = (doc.slug as {current?: unknown} | undefined)?.current
  return typeof slug === 'string' ? slug : undefined
}
