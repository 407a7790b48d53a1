/**
 * Perspectives (lake/README.md#perspectives) and the view a caller gets of a dataset under one: the ACL (anonymous
 * callers see root ids only), then the perspective's layers (drafts, releases) over published.
 */
import {mayRead, type ReadAccess} from '../auth/access.ts'
import {isModernApiVersion} from '../core/apiVersion.ts'
import {compareIds, isDraftId, isVersionId, publishedId, versionRelease} from '../core/ids.ts'
import {validationError, type LakeError} from '../core/errors.ts'
import type {LakeDocument} from '../core/types.ts'
import {derived} from './plan/derived.ts'
import {overlaySelection, type Selection} from './plan/selection.ts'
import type {Constraint} from './plan/constraints.ts'
import {textCandidates} from './plan/textLookup.ts'
import {scoreCandidates} from './plan/scoreSite.ts'
import type {QuerySource} from './source.ts'

/** `raw`, `published`, or a stack of layers (releases first, then optionally drafts) over published. */
export type Perspective =
  {kind: 'raw'} | {kind: 'published'} | {kind: 'stack'; releases: string[]; drafts: boolean}

export interface QueryOptions {
  perspective: Perspective
  access: ReadAccess
  /** `versions.*` are visible in the raw perspective (apiVersion >= 2025-02-19). */
  rawIncludesVersions: boolean
  identity?: string
  projectId?: string
  dataset?: string
  timestamp?: Date
}

export function parsePerspective(
  value: string | null | undefined,
  apiVersion: string,
): Perspective {
  if (value === null || value === undefined || value === '') {
    return isModernApiVersion(apiVersion) ? {kind: 'published'} : {kind: 'raw'}
  }
  const parts = value
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)
  if (parts.length === 1 && parts[0] === 'raw') return {kind: 'raw'}
  if (parts.length === 1 && parts[0] === 'published') return {kind: 'published'}
  if (parts.length === 1 && (parts[0] === 'drafts' || parts[0] === 'previewDrafts')) {
    return {kind: 'stack', releases: [], drafts: true}
  }
  const releases: string[] = []
  let drafts = false
  for (const part of parts) {
    if (part === 'raw' || part === 'previewDrafts') throw badPerspective(value)
    if (part === 'drafts') drafts = true
    else if (part === 'published') continue
    else if (/^[\w-]+$/.test(part)) releases.push(part)
    else throw badPerspective(value)
  }
  return {kind: 'stack', releases, drafts}
}

function badPerspective(value: string): LakeError {
  return validationError(`Invalid perspective "${value}"`)
}

/** The documents a caller sees under a perspective, by view id. */
export class PerspectiveView {
  readonly source: QuerySource
  readonly options: QueryOptions
  private readonly memo = new Map<string, LakeDocument | null>()

  constructor(source: QuerySource, options: QueryOptions) {
    this.source = source
    this.options = options
  }

  readable(id: string): boolean {
    return mayRead(this.options.access, id)
  }

  /** Whether a raw document takes part in this perspective at all (as some layer). */
  private inPerspective(id: string): boolean {
    const p = this.options.perspective
    if (p.kind === 'raw') return this.options.rawIncludesVersions || !isVersionId(id)
    if (p.kind === 'published') return !isDraftId(id) && !isVersionId(id)
    if (isDraftId(id)) return p.drafts
    const release = versionRelease(id)
    if (release !== undefined) return p.releases.includes(release)
    return true
  }

  /** View id under which a raw document appears (stack perspectives rewrite to the published id). */
  viewIdOf(rawId: string): string {
    return this.options.perspective.kind === 'stack' ? publishedId(rawId) : rawId
  }

  /** The document with this view id, or null. */
  get(viewId: string): LakeDocument | null {
    if (this.memo.has(viewId)) return this.memo.get(viewId) as LakeDocument | null
    const raw = this.layer(viewId)
    const doc =
      raw && this.options.perspective.kind === 'stack'
        ? {...raw, _id: viewId, _originalId: raw._id}
        : raw
    this.memo.set(viewId, doc)
    return doc
  }

  /** Stack perspectives: the view document with this id made of its (already resolved) layer. */
  private viewOf(viewId: string, raw: LakeDocument): LakeDocument {
    let doc = this.memo.get(viewId)
    if (!doc) this.memo.set(viewId, (doc = {...raw, _id: viewId, _originalId: raw._id}))
    return doc
  }

  private rawReadable(id: string): LakeDocument | null {
    if (!this.readable(id) || !this.inPerspective(id)) return null
    return this.source.get(id)
  }

  /**
   * The raw document the view document with this id is made of (in stack perspectives its first
   * existing layer; the view document is that with `_id` and `_originalId` rewritten), or null.
   */
  layer(viewId: string): LakeDocument | null {
    const p = this.options.perspective
    if (p.kind !== 'stack') return this.rawReadable(viewId)
    // A view id is a published id; ids that are themselves drafts/versions don't exist here.
    if (publishedId(viewId) !== viewId) return null
    for (const release of p.releases) {
      const doc = this.rawReadable(`versions.${release}.${viewId}`)
      if (doc) return doc
    }
    return (p.drafts ? this.rawReadable(`drafts.${viewId}`) : null) ?? this.rawReadable(viewId)
  }

  /** Stack perspectives: a selection of the view documents with these ids (absent ones skipped). */
  overlay(viewIds: Iterable<string>): Selection {
    const sorted = [...viewIds].sort(compareIds)
    // For many ids, find the few with a draft/version layer once, instead of probing each.
    const layered = sorted.length > 256 ? this.layeredIds() : null
    const ids: string[] = []
    const layers: LakeDocument[] = []
    for (const id of sorted) {
      const raw =
        layered && !layered.has(id) && publishedId(id) === id
          ? this.rawReadable(id)
          : this.layer(id)
      if (raw) {
        ids.push(id)
        layers.push(raw)
      }
    }
    return overlaySelection(ids, layers, (i) => this.viewOf(ids[i], layers[i]))
  }

  /**
   * Stack perspectives: a selection of the view documents that candidate raw documents (sorted by
   * `_id`, e.g. all documents of a type) take part in. A published document without a draft or
   * version layer is its own layer, so only the few layered ids are resolved one by one.
   */
  overlayOfRaw(raws: readonly LakeDocument[]): Selection {
    const layered = this.layeredIds()
    const plain: LakeDocument[] = []
    const others = new Set<string>()
    for (const raw of raws) {
      const id = raw._id
      const viewId = publishedId(id)
      // Ids without a layer in this perspective are the published document (drafts and versions
      // outside the perspective don't matter); the others are resolved one by one.
      if (layered.has(viewId)) others.add(viewId)
      else if (viewId === id && this.readable(id)) plain.push(raw)
    }
    const resolved: Array<{id: string; raw: LakeDocument}> = []
    for (const id of [...others].sort(compareIds)) {
      const raw = this.layer(id)
      if (raw) resolved.push({id, raw})
    }
    // Merge the two `_id`-sorted lists.
    const ids: string[] = []
    const layers: LakeDocument[] = []
    let a = 0
    let b = 0
    while (a < plain.length || b < resolved.length) {
      if (
        b >= resolved.length ||
        (a < plain.length && compareIds(plain[a]._id, resolved[b].id) < 0)
      ) {
        ids.push(plain[a]._id)
        layers.push(plain[a++])
      } else {
        ids.push(resolved[b].id)
        layers.push(resolved[b++].raw)
      }
    }
    return overlaySelection(ids, layers, (i) => this.viewOf(ids[i], layers[i]))
  }

  /** Stack perspectives: published ids that have a document in a layer above the published one. */
  private layeredIds(): Set<string> {
    const p = this.options.perspective
    const prefixes =
      p.kind === 'stack'
        ? [...p.releases.map((release) => `versions.${release}.`), ...(p.drafts ? ['drafts.'] : [])]
        : []
    const all = this.source.all()
    const out = new Set<string>()
    for (const prefix of prefixes) {
      // `all` is sorted by `_id`: the ids with this prefix are one run starting at its lower bound.
      let lo = 0
      let hi = all.length
      while (lo < hi) {
        const mid = (lo + hi) >> 1
        if (compareIds(all[mid]._id, prefix) < 0) lo = mid + 1
        else hi = mid
      }
      for (let i = lo; i < all.length && all[i]._id.startsWith(prefix); i++) {
        out.add(all[i]._id.slice(prefix.length))
      }
    }
    return out
  }

  private allMemo: LakeDocument[] | null = null

  /** The whole view sorted by `_id` (computed once per view: do not mutate). */
  all(): LakeDocument[] {
    this.allMemo ??= this.computeAll()
    return this.allMemo
  }

  private computeAll(): LakeDocument[] {
    const p = this.options.perspective
    const all = this.source.all()
    if (p.kind !== 'stack') {
      return all.filter((doc) => this.readable(doc._id) && this.inPerspective(doc._id))
    }
    const ids = new Set<string>()
    for (const doc of all) {
      if (this.readable(doc._id) && this.inPerspective(doc._id)) ids.add(publishedId(doc._id))
    }
    return this.byIds(ids)
  }

  /** View documents for a set of view ids, sorted by `_id`, skipping absent ones. */
  byIds(ids: Iterable<string>): LakeDocument[] {
    const out: LakeDocument[] = []
    for (const id of ids) {
      const doc = this.get(id)
      if (doc) out.push(doc)
    }
    return out.sort((a, b) => compareIds(a._id, b._id))
  }

  /**
   * Raw/published perspectives only: positions of the documents of a shared source array (from
   * `all()` or `docsByType()`, replaced rather than mutated on commit) that are in this view.
   * Memoized per array and (access, perspective), patched across commits (plan/derived.ts).
   */
  keptPositions(shared: readonly LakeDocument[]): number[] {
    const {access, perspective, rawIncludesVersions} = this.options
    const kept = (doc: LakeDocument) => this.readable(doc._id) && this.inPerspective(doc._id)
    return derived(shared, `kept\u0000${access}|${perspective.kind}|${rawIncludesVersions}`, {
      compute: (docs) => {
        const positions: number[] = []
        for (let i = 0; i < docs.length; i++) if (kept(docs[i])) positions.push(i)
        return positions
      },
      // Unchanged documents keep their visibility: only the changed ones are checked.
      patch: (previous, {pieces}, docs) => {
        const positions: number[] = []
        let k = 0
        for (const piece of pieces) {
          if (piece.kind === 'fresh') {
            if (kept(docs[piece.at])) positions.push(piece.at)
            continue
          }
          // Previous positions are ascending, and so are the runs.
          while (k < previous.length && previous[k] < piece.from) k++
          const shift = piece.at - piece.from
          for (; k < previous.length && previous[k] < piece.to; k++) {
            positions.push(previous[k] + shift)
          }
        }
        return positions
      },
    })
  }

  /**
   * Raw/published perspectives only: the view documents matching one constraint exactly, sorted
   * by `_id` (a fresh array).
   */
  exactDocs(constraint: Constraint): LakeDocument[] {
    const {docsByType} = this.source
    if (constraint.field === '_type' && docsByType) {
      const kept = (type: string) => {
        const shared = docsByType(type)
        return this.keptPositions(shared).map((i) => shared[i])
      }
      if (constraint.values.length === 1) return kept(constraint.values[0])
      const docs = [...new Set(constraint.values)].flatMap(kept)
      return docs.sort((a, b) => compareIds(a._id, b._id))
    }
    return this.byIds(new Set(this.candidates(constraint)))
  }

  /** View ids of the candidates for one constraint (a superset of the matching view documents). */
  candidates(constraint: Constraint): string[] {
    if (constraint.field === '_id') return constraint.values
    const {source} = this
    if (constraint.field === 'text') {
      return textCandidates(source, constraint).map((id) => this.viewIdOf(id))
    }
    if (constraint.field === 'score') {
      const raw = scoreCandidates(source, constraint.bound)
      const ids = raw && new Set(raw.map((id) => this.viewIdOf(id)))
      if (constraint.within) {
        const within = this.candidates(constraint.within)
        return ids ? within.filter((id) => ids.has(id)) : within
      }
      return ids ? [...ids] : source.all().map((doc) => this.viewIdOf(doc._id))
    }
    const rawIds =
      constraint.field === '_type'
        ? source.idsByType(constraint.values)
        : constraint.field === 'slug'
          ? source.idsBySlug(constraint.values)
          : source.idsReferencing
            ? source.idsReferencing(constraint.values)
            : source.all().map((doc) => doc._id)
    return rawIds.map((id) => this.viewIdOf(id))
  }
}
