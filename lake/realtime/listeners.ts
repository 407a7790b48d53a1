/**
 * The listener hub: which `mutation` events each `/data/listen` subscriber gets for a committed
 * transaction (lake/README.md#listen).
 *
 * - A listener's query is compiled once ({@link compileListenerFilter}); its filter is evaluated
 *   per document natively when its shape allows (lake/realtime/filterMatcher.ts), else with
 *   groq-js's synchronous evaluator over `dataset: [doc]`.
 * - {@link eventsForListener} is pure: one event per changed document that matches the filter
 *   before or after the transaction, numbered 1…N where N counts this listener's events only.
 * - {@link ListenerHub} fans committed transactions out to subscribers in a later turn than the
 *   commit (off the writer's path), in commit order, and then to watchers of whole transactions
 *   (the Live Content API).
 */
import {evaluateSync, toJS, type ExprNode} from 'groq-js'

import {mayRead, type ReadAccess} from '../auth/access.ts'
import {isModernApiVersion} from '../core/apiVersion.ts'
import {mendozaEffects, type MendozaEffects} from '../core/effects.ts'
import {queryLimits} from '../groq/limits.ts'
import {parseQuery} from '../groq/parse.ts'
import {rewriteTextQueries, withDocumentContent} from '../groq/textQuery.ts'
import {usesMatch} from '../groq/prepare.ts'
import {queryTimeout} from '../core/errors.ts'
import {TimeLimitExceeded, withTimeLimit} from '../groq/timeLimit.ts'
import {someNode, type GroqNode} from '../groq/walk.ts'
import {mayRunAway} from './filterLimits.ts'
import {nativeFilter, type FilterPins, type NativeFilter} from './filterMatcher.ts'
import {PinIndex} from './pinIndex.ts'
import {
  type CommittedTransaction,
  type DocumentChange,
  type LakeDocument,
  type Mutation,
} from '../core/types.ts'

export interface ListenerSpec {
  dataset: string
  query: string
  params: Record<string, unknown>
  includeResult: boolean
  includePreviousRevision: boolean
  includeMutations: boolean
  includeAllVersions: boolean
  effectFormat: 'mendoza' | undefined
  visibility: 'transaction' | 'query'
  /** e.g. '2025-02-19', 'X', '1' (a leading `v` is tolerated). */
  apiVersion: string
  /** The caller's read access to the dataset (lake/auth/access.ts). */
  access: ReadAccess
  /** The listener's identity isn't needed; events carry the writer's identity from the transaction. */
}

/** A `mutation` event as sent on the wire (the client adds `type: 'mutation'` itself). */
export interface MutationEvent {
  documentId: string
  /** `<transactionId>#<documentId>` */
  eventId: string
  transactionId: string
  /** The writer's identity. */
  identity: string
  /** This document's mutations; absent when the listener asked for `includeMutations=false`. */
  mutations?: Mutation[]
  /** The `_rev` before the transaction; absent when the document did not exist before. */
  previousRev?: string
  /** The transaction id, also for deletes. */
  resultRev: string
  /** Only with `includeResult`: the document after the transaction; absent when it was deleted. */
  result?: LakeDocument
  /** Only with `includePreviousRevision`: the document before the transaction, or null. */
  previous?: LakeDocument | null
  /** Only with `effectFormat=mendoza`. */
  effects?: MendozaEffects
  timestamp: string
  transition: 'appear' | 'update' | 'disappear'
  visibility: 'transaction' | 'query'
  /** The number of events this listener receives for the transaction. */
  transactionTotalEvents: number
  /** 1-based position of this event among them. */
  transactionCurrentEvent: number
}

/** A listener query, parsed once. Treat as opaque outside this module. */
export interface CompiledFilter {
  readonly query: string
  readonly params: Record<string, unknown>
  /** The groq-js syntax tree (params inlined, `X match text::query(…)` rewritten: lake/groq/textQuery.ts). */
  readonly tree: ExprNode
  /**
   * Whether it uses `match` (or the functions built on it), the only part that can run away
   * on one document; those whose patterns can actually backtrack are evaluated under a time
   * limit ({@link mayRunAway}), which costs too much for every filter.
   */
  readonly timeLimited: boolean
}

/**
 * Parses a listener query. Throws a 400 {@link LakeError} shaped like the query endpoint's errors
 * (`{error: {type: 'queryParseError', description, query, start?, end?}}`) when the query does not
 * parse or references a param that was not provided, and a 400 `queryExecutionError` when it
 * misuses `text::query()` (lake/groq/textQuery.ts). The route turns it into `channelError`
 * `{message: description}` (or a 400 response).
 */
export function compileListenerFilter(
  query: string,
  params: Record<string, unknown>,
): CompiledFilter {
  const limit = queryLimits().syncTimeoutMs
  let tree: ExprNode
  try {
    tree = withTimeLimit(() => parseQuery(query, params), limit)
  } catch (error) {
    throw error instanceof TimeLimitExceeded ? queryTimeout(query, limit) : error
  }
  const rewritten = rewriteTextQueries(tree, query)
  return {query, params, tree: rewritten, timeLimited: usesMatch(rewritten)}
}

/** Whether the listener may see events for this id at all (ACL and version rules, lake/README.md#listen). */
export function isVisibleToListener(spec: ListenerSpec, id: string): boolean {
  if (!mayRead(spec.access, id)) return false
  if (spec.includeAllVersions) return true
  const isDraft = id.startsWith('drafts.')
  const isVersion = id.startsWith('versions.')
  if (isModernApiVersion(spec.apiVersion)) return !isDraft && !isVersion
  // Before 2025-02-19 drafts were included; versions only with includeAllVersions.
  return !isVersion
}

/** Whether one document matches the listener filter (a non-empty array or a truthy result). */
export function matchesFilter(
  filter: CompiledFilter,
  doc: LakeDocument,
  options: {timestamp?: Date} = {},
): boolean {
  // A runaway filter fails this listener's event only (reported through the hub's onError).
  return needsTimeLimit(filter)
    ? withTimeLimit(
        () => evaluateFilter(filter, doc, options.timestamp),
        queryLimits().listenerFilterTimeoutMs,
      )
    : evaluateFilter(filter, doc, options.timestamp)
}

const runaway = new WeakMap<CompiledFilter, boolean>()
const natives = new WeakMap<CompiledFilter, NativeFilter | null>()

/** The filter's native matcher and pins (lake/realtime/filterMatcher.ts), or null: groq-js. */
function nativeOf(filter: CompiledFilter): NativeFilter | null {
  let native = natives.get(filter)
  if (native === undefined) natives.set(filter, (native = nativeFilter(filter.tree, filter.params)))
  return native
}

/** `timeLimited`, narrowed to the `match` patterns that can backtrack (lake/realtime/filterLimits.ts). */
function needsTimeLimit(filter: CompiledFilter): boolean {
  if (!filter.timeLimited) return false
  let needed = runaway.get(filter)
  if (needed === undefined) runaway.set(filter, (needed = mayRunAway(filter.tree)))
  return needed
}

function evaluateFilter(filter: CompiledFilter, doc: LakeDocument, timestamp?: Date): boolean {
  const native = nativeOf(filter)
  if (native !== null) return native.matches(doc, timestamp)
  const value = toJS(
    evaluateSync(filter.tree, {
      dataset: [doc],
      params: filter.params,
      timestamp,
      // Only the document itself is reachable, as groq-js's default lookup in `dataset` does;
      // also answers the content of `@` in rewritten text::query() matches.
      dereference: withDocumentContent((id) => (id === doc._id ? doc : null)),
    }),
  )
  if (Array.isArray(value)) return value.length > 0
  return Boolean(value)
}

/** The mutation events one listener receives for one committed transaction (pure). */
export function eventsForListener(
  spec: ListenerSpec,
  filter: CompiledFilter,
  tx: CommittedTransaction,
): MutationEvent[] {
  const timestamp = parseTimestamp(tx.timestamp)
  return eventsFor(spec, tx, (doc) => matchesFilter(filter, doc, {timestamp}), buildEvent)
}

type Transition = MutationEvent['transition']

/** Builds one event; the hub passes a memo so that identical events are one object. */
type EventBuilder = (
  spec: ListenerSpec,
  tx: CommittedTransaction,
  change: DocumentChange,
  transition: Transition,
  total: number,
  current: number,
) => MutationEvent

/** {@link eventsForListener} with the filter test and the event builder supplied. */
function eventsFor(
  spec: ListenerSpec,
  tx: CommittedTransaction,
  matches: (doc: LakeDocument) => boolean,
  build: EventBuilder,
): MutationEvent[] {
  if (tx.dataset !== spec.dataset) return []
  const matched: Array<{change: DocumentChange; transition: Transition}> = []
  for (const change of tx.changes) {
    if (!isVisibleToListener(spec, change.id)) continue
    const before = change.before !== null && matches(change.before)
    const after = change.after !== null && matches(change.after)
    if (!before && !after) continue
    matched.push({change, transition: before && after ? 'update' : after ? 'appear' : 'disappear'})
  }
  const total = matched.length
  return matched.map(({change, transition}, index) =>
    build(spec, tx, change, transition, total, index + 1),
  )
}

function buildEvent(
  spec: ListenerSpec,
  tx: CommittedTransaction,
  change: DocumentChange,
  transition: Transition,
  total: number,
  current: number,
): MutationEvent {
  // Key order follows the events hosted Sanity sends.
  const event: Partial<MutationEvent> = {
    documentId: change.id,
    eventId: `${tx.transactionId}#${change.id}`,
    transactionId: tx.transactionId,
    identity: tx.identity,
  }
  if (spec.includeMutations) event.mutations = change.mutations
  if (change.before !== null) event.previousRev = change.before._rev
  event.resultRev = tx.transactionId
  if (spec.includeResult && change.after !== null) event.result = change.after
  if (spec.includePreviousRevision) event.previous = change.before
  if (spec.effectFormat === 'mendoza') event.effects = mendozaEffects(change.before, change.after)
  event.timestamp = tx.timestamp
  event.transition = transition
  event.visibility = spec.visibility === 'query' ? 'query' : 'transaction'
  event.transactionTotalEvents = total
  event.transactionCurrentEvent = current
  return event as MutationEvent
}

/**
 * One transaction's events, shared across groups: an event depends only on the change, its
 * transition, its position and the options that shape events (not on the filter or the
 * caller), so listeners with different filters that agree on those get the same object, and
 * lake/realtime/sse.ts encodes it once.
 */
function eventMemo(): EventBuilder {
  const events = new Map<string, MutationEvent>()
  const changeIndex = new Map<DocumentChange, number>()
  return (spec, tx, change, transition, total, current) => {
    let index = changeIndex.get(change)
    if (index === undefined) changeIndex.set(change, (index = changeIndex.size))
    const key = `${eventShapeKey(spec)}|${index}|${transition}|${total}|${current}`
    let event = events.get(key)
    if (event === undefined) {
      event = buildEvent(spec, tx, change, transition, total, current)
      events.set(key, event)
    }
    return event
  }
}

const shapeKeys = new WeakMap<ListenerSpec, string>()

/** The listener options {@link buildEvent} reads (a group's spec is one object: kept). */
function eventShapeKey(spec: ListenerSpec): string {
  let key = shapeKeys.get(spec)
  if (key === undefined) shapeKeys.set(spec, (key = shapeKeyOf(spec)))
  return key
}

function shapeKeyOf(spec: ListenerSpec): string {
  return [
    spec.includeResult,
    spec.includePreviousRevision,
    spec.includeMutations,
    spec.effectFormat ?? '',
    spec.visibility,
  ].join(',')
}

export interface ListenerHubOptions {
  /** Called when a listener's filter fails to evaluate or its deliver callback throws. */
  onError?: (error: unknown, spec: ListenerSpec) => void
  /** Called when a transaction watcher ({@link ListenerHub.watch}) throws. */
  onWatchError?: (error: unknown) => void
  /**
   * How delivery is deferred after `publish` (default `setImmediate`: the next check phase, so
   * the writer's response goes out first). Tests may deliver by calling {@link ListenerHub.flush}.
   */
  schedule?: (deliver: () => void) => void
  /**
   * Whether the server has other requests waiting for their turn (lake/http/turns.ts). While
   * it has, delivery waits for them (see {@link coalesceMs}), so that several transactions
   * reach each stream in one socket write instead of one write per transaction and stream; an
   * idle server delivers in the next turn. Default: never busy.
   */
  busy?: () => boolean
  /**
   * How long a transaction may wait for delivery while the server is busy: this (default 5 ms),
   * or {@link FAN_OUT_SHARE} times as long as the last delivery took (its filters and socket
   * writes), up to {@link maxCoalesceMs}. So with many listeners the fan-out takes at most about
   * a quarter of the main thread while writes queue up, and each socket write carries more
   * transactions; a quiet server still delivers in the next turn.
   */
  coalesceMs?: number
  /** The cap on the wait above; default 20 ms. */
  maxCoalesceMs?: number
}

const DEFAULT_COALESCE_MS = 5
const DEFAULT_MAX_COALESCE_MS = 20
/** While busy, the wait between deliveries is this many times the last delivery's duration. */
const FAN_OUT_SHARE = 3

/** Listeners that share a filter and the options that shape events: evaluated once. */
interface Group {
  key: string
  /** The first member's spec; every member's is equal in what {@link groupKey} covers. */
  spec: ListenerSpec
  filter: CompiledFilter
  members: Set<Subscriber>
  /** The ids and types its filter pins (null: none), under which the hub indexes the group. */
  pins: FilterPins | null
  /** Creation order: groups are evaluated and served in it. */
  seq: number
  /** The native matcher, or null when groq-js evaluates the filter. */
  native: NativeFilter | null
  /** False when the filter's result depends on the time (`now()`): nothing is remembered. */
  remembers: boolean
  /**
   * The filter's results for the document states of the last transaction it evaluated (when it
   * had at most {@link REMEMBERED_CHANGES} changes), so that the next transaction's `before`,
   * the same committed object as that `after`, is not evaluated again.
   */
  lastResults: Map<LakeDocument, boolean> | null
}

/** Larger transactions (imports) are not remembered, which bounds the memory per group. */
const REMEMBERED_CHANGES = 64

interface Subscriber {
  group: Group
  deliver: (event: MutationEvent) => void
  active: boolean
  /** Number of the last transaction published before it subscribed; it gets later ones only. */
  after: number
}

interface Watcher {
  watcher: (tx: CommittedTransaction) => void
  after: number
}

interface Published {
  tx: CommittedTransaction
  /** 1, 2, … in commit order. */
  number: number
  /** `performance.now()` at publish. */
  at: number
}

/** A group's events for one transaction, or why it has none. */
type Evaluated = {events: MutationEvent[]} | {error: unknown}

/**
 * Fans committed transactions out to listeners, off the writer's path.
 *
 * `publish` only queues the transaction (the commit is already visible to queries) and returns;
 * delivery runs in a later turn (while other requests wait, later: see `coalesceMs`), in commit
 * order: for each transaction every listener gets all its events consecutively, then the
 * watchers get the transaction. A listener gets exactly the transactions published after it
 * subscribed (also while one is queued), so a resume from the log followed by `subscribe` in one
 * synchronous step neither misses nor repeats one. A `publish`
 * made from inside a `deliver` callback is delivered after the transactions already queued.
 *
 * Listeners that share a filter (same query and params) and the options that shape events are
 * one group: the filter runs once per changed document for the group, and only for transactions
 * that change a document with an `_id` or `_type` the filter pins, if it pins any ({@link PinIndex}).
 * Events that come out equal
 * for different groups are one object, which lake/realtime/sse.ts encodes once for every stream.
 * Filters whose `match` can backtrack (lake/realtime/filterLimits.ts) run under a time limit:
 * all of a transaction's such filters under one limit, and only when that runs out each
 * document under its own (`listenerFilterTimeoutMs`), so that a runaway filter still fails its
 * own listeners only without paying for a limit per filter and document. A group remembers its
 * results for the last transaction's documents, which are the next one's `before`. A failing
 * filter or `deliver` is reported through `onError` and only affects that listener (or group).
 */
export class ListenerHub {
  readonly #groups = new Map<string, Group>()
  /** Per dataset: its groups by the ids and types their filters pin. */
  readonly #indexes = new Map<string, PinIndex<Group>>()
  readonly #watchers = new Set<Watcher>()
  readonly #queue: Published[] = []
  readonly #onError: (error: unknown, spec: ListenerSpec) => void
  readonly #onWatchError: (error: unknown) => void
  readonly #schedule: (deliver: () => void) => void
  readonly #busy: () => boolean
  readonly #coalesceMs: number
  readonly #maxCoalesceMs: number
  /** How long the last delivery took, its socket writes included. */
  #lastDeliveryMs = 0
  #published = 0
  #groupsCreated = 0
  #evaluations = 0
  #size = 0
  #scheduled = false
  #delivering = false

  constructor(options: ListenerHubOptions = {}) {
    this.#onError =
      options.onError ??
      ((error, spec) => {
        console.error(`[lake] listener ${JSON.stringify(spec.query)} failed:`, error)
      })
    this.#onWatchError =
      options.onWatchError ??
      ((error) => console.error('[lake] transaction watcher failed:', error))
    this.#schedule = options.schedule ?? ((deliver) => setImmediate(deliver))
    this.#busy = options.busy ?? (() => false)
    this.#coalesceMs = options.coalesceMs ?? DEFAULT_COALESCE_MS
    this.#maxCoalesceMs = Math.max(
      this.#coalesceMs,
      options.maxCoalesceMs ?? DEFAULT_MAX_COALESCE_MS,
    )
  }

  /**
   * Registers a listener; returns its unsubscribe function (idempotent). Pass the filter when the
   * caller already compiled it (it throws like {@link compileListenerFilter} otherwise).
   */
  subscribe(
    spec: ListenerSpec,
    deliver: (event: MutationEvent) => void,
    filter: CompiledFilter = compileListenerFilter(spec.query, spec.params),
  ): () => void {
    const key = groupKey(spec, filter)
    let group = this.#groups.get(key)
    if (group === undefined) {
      const native = nativeOf(filter)
      group = {
        key,
        spec,
        filter,
        members: new Set(),
        pins: native?.pins ?? null,
        seq: ++this.#groupsCreated,
        native,
        remembers: !someNode(filter.tree, isNowCall),
        lastResults: null,
      }
      this.#groups.set(key, group)
      let index = this.#indexes.get(spec.dataset)
      if (index === undefined) this.#indexes.set(spec.dataset, (index = new PinIndex()))
      index.add(group, group.pins)
    }
    const subscriber: Subscriber = {group, deliver, active: true, after: this.#published}
    group.members.add(subscriber)
    this.#size++
    return () => {
      if (!subscriber.active) return
      subscriber.active = false
      this.#size--
      const {group} = subscriber
      group.members.delete(subscriber)
      if (group.members.size > 0) return
      this.#groups.delete(group.key)
      this.#indexes.get(group.spec.dataset)?.delete(group, group.pins)
    }
  }

  /**
   * Calls `watcher` with every transaction published after this call, after the listeners got
   * their events and in the same commit order; returns its unsubscribe function. A throwing
   * watcher is reported through `onWatchError` and does not affect others.
   */
  watch(watcher: (tx: CommittedTransaction) => void): () => void {
    // A fresh entry per call, so the same function watched twice is two subscriptions.
    const entry: Watcher = {watcher, after: this.#published}
    this.#watchers.add(entry)
    return () => {
      this.#watchers.delete(entry)
    }
  }

  /** Queues a committed transaction for delivery (in a later turn, see the class comment). */
  publish(tx: CommittedTransaction): void {
    this.#queue.push({tx, number: ++this.#published, at: performance.now()})
    if (this.#scheduled || this.#delivering) return
    this.#scheduled = true
    this.#schedule(() => this.#flushWhenDue())
  }

  /** The scheduled delivery: now, or a turn later while the server is busy (see `busy`). */
  #flushWhenDue(): void {
    const oldest = this.#queue[0]
    const wait = Math.min(
      this.#maxCoalesceMs,
      Math.max(this.#coalesceMs, FAN_OUT_SHARE * this.#lastDeliveryMs),
    )
    if (oldest !== undefined && performance.now() - oldest.at < wait && this.#busy()) {
      this.#schedule(() => this.#flushWhenDue())
      return
    }
    this.flush()
  }

  /** Delivers every queued transaction now (the scheduled delivery; tests call it directly). */
  flush(): void {
    this.#scheduled = false
    if (this.#delivering) return
    this.#delivering = true
    const started = performance.now()
    try {
      for (let next = this.#queue.shift(); next; next = this.#queue.shift()) this.#deliverAll(next)
    } finally {
      this.#delivering = false
      // Streams write their queued bytes in the ticks queued during delivery, before this one.
      process.nextTick(() => (this.#lastDeliveryMs = performance.now() - started))
    }
  }

  get size(): number {
    return this.#size
  }

  /** Distinct groups (filter and event options) among the listeners. */
  get groups(): number {
    return this.#groups.size
  }

  get watchers(): number {
    return this.#watchers.size
  }

  /** Group evaluations so far (one per group a transaction concerned): how well pins narrow. */
  get evaluations(): number {
    return this.#evaluations
  }

  /** Transactions published and not yet delivered. */
  get pending(): number {
    return this.#queue.length
  }

  #deliverAll({tx, number}: Published): void {
    const waiting = (subscriber: Subscriber) => subscriber.active && subscriber.after < number
    const groups = this.#candidates(tx).filter((group) => someMember(group, waiting))
    this.#evaluations += groups.length
    const evaluated = this.#evaluate(groups, tx)
    for (const group of groups) {
      const result = evaluated.get(group) as Evaluated
      if ('error' in result) {
        this.#report(result.error, group.spec)
        continue
      }
      if (result.events.length === 0) continue
      for (const subscriber of [...group.members]) {
        if (!waiting(subscriber)) continue
        for (const event of result.events) {
          if (!subscriber.active) break
          try {
            subscriber.deliver(event)
          } catch (err) {
            // A closed stream: the rest of this transaction would fail the same way.
            this.#report(err, group.spec)
            break
          }
        }
      }
    }
    for (const watcher of [...this.#watchers]) {
      if (!this.#watchers.has(watcher) || watcher.after >= number) continue
      try {
        watcher.watcher(tx)
      } catch (err) {
        try {
          this.#onWatchError(err)
        } catch {
          // As for listeners: reporting must not stop delivery.
        }
      }
    }
  }

  /** The groups whose filter may be true for one of the transaction's document states. */
  #candidates(tx: CommittedTransaction): Group[] {
    const index = this.#indexes.get(tx.dataset)
    if (index === undefined) return []
    const ids = tx.changes.map((change) => change.id)
    const types: unknown[] = []
    for (const {before, after} of tx.changes) {
      if (before !== null) types.push(before._type)
      if (after !== null && after._type !== before?._type) types.push(after._type)
    }
    return [...index.candidates(ids, types)].sort((a, b) => a.seq - b.seq)
  }

  /** Each group's events for `tx` (see the class comment for the time limits). */
  #evaluate(groups: Group[], tx: CommittedTransaction): Map<Group, Evaluated> {
    const timestamp = parseTimestamp(tx.timestamp)
    const build = eventMemo()
    const results = new Map<Group, Evaluated>()
    const evaluate = (group: Group, matches: (doc: LakeDocument) => boolean): Evaluated => {
      try {
        return {events: eventsFor(group.spec, tx, matches, build)}
      } catch (error) {
        return {error}
      }
    }
    const remember = tx.changes.length <= REMEMBERED_CHANGES
    const matcher = (group: Group) => {
      const {filter, native} = group
      // Native closures cost less than remembering their results.
      if (native !== null && !native.usesGroqJs) {
        return (doc: LakeDocument) => native.matches(doc, timestamp)
      }
      if (!group.remembers) return (doc: LakeDocument) => evaluateFilter(filter, doc, timestamp)
      const previous = group.lastResults
      const current = new Map<LakeDocument, boolean>()
      group.lastResults = remember ? current : null
      return (doc: LakeDocument) => {
        let result = previous?.get(doc) ?? current.get(doc)
        result ??= evaluateFilter(filter, doc, timestamp)
        if (remember) current.set(doc, result)
        return result
      }
    }
    const limited: Group[] = []
    for (const group of groups) {
      if (needsTimeLimit(group.filter)) limited.push(group)
      else results.set(group, evaluate(group, matcher(group)))
    }
    if (limited.length === 0) return results
    try {
      withTimeLimit(() => {
        for (const group of limited) results.set(group, evaluate(group, matcher(group)))
      }, queryLimits().listenerFilterTimeoutMs)
    } catch (error) {
      if (!(error instanceof TimeLimitExceeded)) throw error
      // One of them ran away: again with a limit per document, so only its listeners miss out.
      for (const group of limited) {
        results.set(
          group,
          evaluate(group, (doc) => matchesFilter(group.filter, doc, {timestamp})),
        )
      }
    }
    return results
  }

  #report(error: unknown, spec: ListenerSpec): void {
    try {
      this.#onError(error, spec)
    } catch {
      // The error reporter must not break delivery to other listeners either.
    }
  }
}

/** Listeners with equal keys receive identical events for every transaction. */
function groupKey(spec: ListenerSpec, filter: CompiledFilter): string {
  return JSON.stringify([
    spec.dataset,
    filter.query,
    filter.params,
    spec.includeResult,
    spec.includePreviousRevision,
    spec.includeMutations,
    spec.includeAllVersions,
    spec.effectFormat ?? null,
    spec.visibility,
    spec.apiVersion,
    spec.access,
  ])
}

function someMember(group: Group, test: (subscriber: Subscriber) => boolean): boolean {
  for (const subscriber of group.members) if (test(subscriber)) return true
  return false
}

function isNowCall(node: GroqNode): boolean {
  return node.type === 'FuncCall' && node.name === 'now'
}

function parseTimestamp(timestamp: string): Date | undefined {
  const date = new Date(timestamp)
  return Number.isNaN(date.getTime()) ? undefined : date
}
