/**
 * Listener groups indexed by the `_id`s and `_type`s their filters pin (lake/realtime/filterMatcher.ts),
 * so that a transaction evaluates only the filters that can be true for one of its documents
 * (pure data structure, no I/O).
 */
import type {FilterPins} from './filterMatcher.ts'

export class PinIndex<T> {
  readonly #unpinned = new Set<T>()
  readonly #byId = new Map<string, Set<T>>()
  readonly #byType = new Map<string, Set<T>>()

  /** `pins` null: the item is a candidate for every document. */
  add(item: T, pins: FilterPins | null): void {
    if (pins === null) {
      this.#unpinned.add(item)
      return
    }
    for (const id of pins.ids) addTo(this.#byId, id, item)
    for (const type of pins.types) addTo(this.#byType, type, item)
  }

  /** Removes an item added with the same `pins`. */
  delete(item: T, pins: FilterPins | null): void {
    if (pins === null) {
      this.#unpinned.delete(item)
      return
    }
    for (const id of pins.ids) deleteFrom(this.#byId, id, item)
    for (const type of pins.types) deleteFrom(this.#byType, type, item)
  }

  /** Every item whose filter may be true for a document with one of these ids or types. */
  candidates(ids: Iterable<string>, types: Iterable<unknown>): Set<T> {
    const found = new Set(this.#unpinned)
    for (const id of ids) for (const item of this.#byId.get(id) ?? []) found.add(item)
    for (const type of types) {
      if (typeof type !== 'string') continue
      for (const item of this.#byType.get(type) ?? []) found.add(item)
    }
    return found
  }
}

function addTo<T>(map: Map<string, Set<T>>, key: string, item: T): void {
  let set = map.get(key)
  if (set === undefined) map.set(key, (set = new Set()))
  set.add(item)
}

function deleteFrom<T>(map: Map<string, Set<T>>, key: string, item: T): void {
  const set = map.get(key)
  if (set === undefined) return
  set.delete(item)
  if (set.size === 0) map.delete(key)
}
