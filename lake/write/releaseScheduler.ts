/**
 * Publishes scheduled content releases at their `publishAt` (lake/write/releases.ts has the state
 * machine). Time comes from an injectable {@link SchedulerClock}, so tests move it by hand.
 *
 * - Each tick looks at every dataset's `system.release` documents (the SQL `_type` index, so a
 *   tick costs one small lookup per dataset) and publishes those `scheduled` with `publishAt` at or
 *   before now, oldest first, each as one transaction through the normal commit path (listeners,
 *   history). A tick runs at start, so a schedule missed while the lake was down runs then.
 * - Ticks come every `intervalMs` (1 s), and exactly at the next known `publishAt` when that is
 *   sooner: a release scheduled at least a tick ahead publishes at its time to the millisecond; one
 *   scheduled (or moved) closer than that publishes within the interval.
 * - Exactly once: the publish and the state change to `published` are one SQLite transaction, so
 *   a release is either still `scheduled` (and published by a later tick or start) or published;
 *   lake/store/dataLock.ts keeps a second lake off the same data folder.
 * - The transaction's author is whoever last changed the release (who scheduled it), so the
 *   Studio's history credits a person.
 * - A publish that fails (say a version now references a deleted document) leaves the documents
 *   untouched and sets the release back to `active`, without `publishAt`, with
 *   `error: {message}`, which the Studio shows on the release; it is not retried.
 */
import {commitMutations, documentSource} from './commit.ts'
import {expandActions} from './actions.ts'
import {RELEASE_TYPE, releaseDocumentId} from './releases.ts'
import type {ListenerHub} from '../realtime/listeners.ts'
import type {LakeStorage} from '../store/storage.ts'
import {LakeError} from '../core/errors.ts'
import type {LakeDocument} from '../core/types.ts'

/** Wall-clock time and timers, injectable for tests. */
export interface SchedulerClock {
  /** Milliseconds since the epoch. */
  now(): number
  setTimeout(callback: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

export const systemClock: SchedulerClock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => {
    const handle = setTimeout(callback, ms)
    handle.unref()
    return handle
  },
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
}

export interface ReleaseSchedulerOptions {
  storage: LakeStorage
  hub?: ListenerHub | null
  clock?: SchedulerClock
  /** How often to look for due releases (default 1000 ms): the most a publish can be late. */
  intervalMs?: number
  log?: (line: string) => void
}

export interface ScheduledPublish {
  dataset: string
  releaseId: string
  /** Absent when it was published; the reason when it failed. */
  error?: string
}

/** The time a scheduled release publishes, or null when it is not scheduled. */
function publishTime(doc: LakeDocument): number | null {
  if (doc.state !== 'scheduled' || typeof doc.publishAt !== 'string') return null
  const at = Date.parse(doc.publishAt)
  return Number.isNaN(at) ? null : at
}

export class ReleaseScheduler {
  readonly #storage: LakeStorage
  readonly #hub: ListenerHub | null
  readonly #clock: SchedulerClock
  readonly #intervalMs: number
  readonly #log: (line: string) => void
  #timer: unknown = null
  #running = false

  constructor(options: ReleaseSchedulerOptions) {
    this.#storage = options.storage
    this.#hub = options.hub ?? null
    this.#clock = options.clock ?? systemClock
    this.#intervalMs = options.intervalMs ?? 1000
    this.#log = options.log ?? ((line) => console.error(line))
  }

  /** Publishes what is due now, then keeps ticking every interval until {@link stop}. */
  start(): void {
    if (this.#running) return
    this.#running = true
    this.#tickAndRearm()
  }

  stop(): void {
    this.#running = false
    if (this.#timer !== null) this.#clock.clearTimeout(this.#timer)
    this.#timer = null
  }

  #tickAndRearm(): void {
    this.#timer = null
    if (!this.#running) return
    try {
      this.tick()
    } catch (error) {
      this.#log(`lake: release scheduler failed: ${String(error)}`)
    }
    if (this.#running) {
      // Wake at the next publishAt when it comes before the next regular look.
      const next = this.#scheduled().find(({at}) => at > this.#clock.now())
      const delay = next
        ? Math.min(this.#intervalMs, next.at - this.#clock.now())
        : this.#intervalMs
      this.#timer = this.#clock.setTimeout(() => this.#tickAndRearm(), delay)
    }
  }

  /** Every scheduled release with its publish time, soonest first. */
  #scheduled(): Array<{dataset: string; release: LakeDocument; at: number}> {
    const scheduled: Array<{dataset: string; release: LakeDocument; at: number}> = []
    for (const {name} of this.#storage.listDatasets()) {
      for (const id of this.#storage.idsByTypeSql(name, [RELEASE_TYPE])) {
        const release = this.#storage.getDocument(name, id)
        const at = release ? publishTime(release) : null
        if (release && at !== null) scheduled.push({dataset: name, release, at})
      }
    }
    return scheduled.sort((a, b) => a.at - b.at)
  }

  /** Publishes every scheduled release whose time has come, oldest first; returns what it did. */
  tick(): ScheduledPublish[] {
    // An import is being written (lake/store/writeGate.ts): the next tick publishes.
    if (this.#storage.writeGate.busy) return []
    const now = this.#clock.now()
    return this.#scheduled()
      .filter(({at}) => at <= now)
      .map(({dataset, release}) => this.#publish(dataset, release))
  }

  #publish(dataset: string, release: LakeDocument): ScheduledPublish {
    const releaseId = release.name as string
    const timestamp = new Date(this.#clock.now()).toISOString()
    const identity = this.#scheduledBy(dataset, release)
    const source = documentSource(this.#storage, dataset)
    try {
      const mutations = expandActions(
        [{actionType: 'sanity.action.release.publish', releaseId}],
        source,
        {
          now: timestamp,
          scheduledPublish: true,
          idsWithPrefix: (prefix) => this.#storage.idsWithPrefix(dataset, prefix),
        },
      )
      commitMutations(this.#storage, this.#hub, {dataset, mutations, identity, timestamp})
      return {dataset, releaseId}
    } catch (error) {
      if (!(error instanceof LakeError)) throw error
      const message = error.message
      this.#log(`lake: scheduled release "${releaseId}" in "${dataset}" failed: ${message}`)
      commitMutations(this.#storage, this.#hub, {
        dataset,
        identity,
        timestamp,
        mutations: [
          {
            patch: {
              id: releaseDocumentId(releaseId),
              set: {state: 'active', error: {message}},
              unset: ['publishAt'],
            },
          },
        ],
      })
      return {dataset, releaseId, error: message}
    }
  }

  /** The author of the release's last change (the schedule), else the lake itself. */
  #scheduledBy(dataset: string, release: LakeDocument): string {
    const [last] = this.#storage.transactions(dataset, {
      ids: [release._id],
      reverse: true,
      limit: 1,
    })
    return last?.author ?? ''
  }
}
