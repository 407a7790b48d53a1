/**
 * An in-memory DocumentSource for the pure mutation and action tests: committed documents in a
 * Map, by-query mutations evaluated by groq-js over them.
 */
import {evaluateSync, parse, toJS} from 'groq-js'

import type {DocumentSource} from '../../lake/write/mutations.ts'
import {strongLocalTargets} from '../../lake/core/references.ts'
import type {CommittedTransaction, LakeDocument} from '../../lake/core/types.ts'

export class MemorySource implements DocumentSource {
  readonly docs = new Map<string, LakeDocument>()

  constructor(docs: Array<Partial<LakeDocument> & {_id: string}> = []) {
    for (const doc of docs) {
      this.docs.set(doc._id, {
        _type: 'post',
        _rev: `rev-${doc._id}`,
        _createdAt: '2024-01-01T00:00:00Z',
        _updatedAt: '2024-01-02T00:00:00Z',
        ...doc,
      } as LakeDocument)
    }
  }

  get(id: string): LakeDocument | null {
    return this.docs.get(id) ?? null
  }

  queryIds(
    query: string,
    params: Record<string, unknown>,
    pending: ReadonlyMap<string, LakeDocument | null>,
  ): string[] {
    const overlay = new Map(this.docs)
    for (const [id, doc] of pending) {
      if (doc) overlay.set(id, doc)
      else overlay.delete(id)
    }
    const value = toJS(
      evaluateSync(parse(query, {params}), {dataset: [...overlay.values()], params}),
    ) as unknown
    const docs = (Array.isArray(value) ? value : [value]) as Array<{_id?: unknown} | null>
    return docs.flatMap((doc) => (doc && typeof doc._id === 'string' ? [doc._id] : []))
  }

  referencingIds(id: string): string[] {
    return [...this.docs.values()]
      .filter((doc) => strongLocalTargets(doc, 'test').has(id))
      .map((doc) => doc._id)
  }

  /** Commits a transaction's changes (for multi-transaction scenarios). */
  commit(tx: CommittedTransaction): void {
    for (const change of tx.changes) {
      if (change.after) this.docs.set(change.id, change.after)
      else this.docs.delete(change.id)
    }
  }
}
