/**
 * The pool of query workers (lake/groq/workerLoop.ts; the lake's script is
 * lake/http/queryWorker.ts): where every HTTP query is parsed and
 * evaluated, so a slow or runaway query never stops the main thread (pings, mutations,
 * listeners) and only occupies one worker, for at most its time limit.
 *
 * - Jobs are pipelined: a worker gets up to PIPELINE jobs at once, because the main thread may
 *   be busy (commits) for tens of milliseconds between turns and a worker given one job per turn
 *   would mostly wait.
 * - A worker whose current job has run longer than SLOW_MS gets no new jobs, and the jobs queued
 *   behind that one are taken back (marked cancelled in shared memory, which the worker checks
 *   before starting a job) and given to another worker; whichever answer comes first is used.
 * - A worker interrupts a query at `timeoutMs` itself (the usual case, answered with a 408). If
 *   a job runs past `timeoutMs` + a grace period (one only the async evaluator runs), the pool
 *   terminates the worker, answers with a 408 and starts a replacement.
 * - Each worker keeps its own copy of the datasets it has queried (see workerSource.ts for
 *   freshness and the memory this costs).
 */
import {Worker} from 'node:worker_threads'
import {queryLimits, type QueryLimits} from './limits.ts'
import type {QueryOptions} from './perspective.ts'
import {
  CANCEL_SLOTS,
  WORKER_STATE_BYTES,
  workerState,
  type QueryExtras,
  type QueryReply,
  type QueryRequest,
  type RefreshRequest,
  type WorkerInit,
} from './workerProtocol.ts'
import {LakeError, queryTimeout, queryTooLarge} from '../core/errors.ts'

/** Jobs sent to one worker before it answers. */
const PIPELINE = 8
/** A job running longer than this holds up the jobs behind it: they move to another worker. */
const SLOW_MS = 200
/** How often running jobs are checked against SLOW_MS and the hard limit. */
const CHECK_MS = 50
/** Extra time a worker gets to interrupt a query itself before it is terminated. */
const MIN_GRACE_MS = 2_000

export interface QueryJob {
  dataset: string
  query: string
  params: Record<string, unknown>
  options: QueryOptions
  extras?: QueryExtras
}

/** A query's answer as JSON text: the result, and more members of the response object. */
export interface QueryAnswer {
  json: string
  extra: string
}

interface Pending {
  job: QueryJob
  resolve: (answer: QueryAnswer) => void
  reject: (error: unknown) => void
  done: boolean
}

interface Slot {
  worker: Worker
  state: ReturnType<typeof workerState>
  /** Jobs sent and not yet answered, by id, in the order sent. */
  inflight: Map<number, Pending>
}

export class QueryPool {
  private readonly databasePath: string
  private readonly workerUrl: URL
  private readonly limits: QueryLimits
  private readonly slots: Slot[] = []
  private readonly queue: Pending[] = []
  private readonly log: (line: string) => void
  private readonly check: NodeJS.Timeout
  private nextId = 1
  private closed = false

  constructor(options: {
    databasePath: string
    /** The worker script: one that calls lake/groq/workerLoop.ts `serveQueries`. */
    workerUrl: URL
    limits?: Partial<QueryLimits>
    log?: (line: string) => void
  }) {
    this.databasePath = options.databasePath
    this.workerUrl = options.workerUrl
    this.limits = {...queryLimits(), ...options.limits}
    this.log = options.log ?? ((line) => console.error(line))
    for (let i = 0; i < this.limits.workers; i++) this.slots.push(this.spawn())
    this.check = setInterval(() => this.watch(), CHECK_MS)
    this.check.unref()
  }

  get size(): number {
    return this.slots.length
  }

  /** Evaluates a query in a worker; resolves with its answer as JSON text. */
  run(job: QueryJob): Promise<QueryAnswer> {
    if (this.closed) return Promise.reject(new Error('query pool closed'))
    // Refused before it reaches a worker (parseQuery checks it again there).
    const {maxQueryBytes} = this.limits
    if (job.query.length > maxQueryBytes || Buffer.byteLength(job.query) > maxQueryBytes) {
      return Promise.reject(queryTooLarge(job.query, maxQueryBytes))
    }
    return new Promise<QueryAnswer>((resolve, reject) => {
      this.queue.push({job, resolve, reject, done: false})
      this.dispatch()
    })
  }

  /** After a commit: every worker brings its copy of the dataset up to date (no reply). */
  refresh(dataset: string): void {
    if (this.closed) return
    for (const slot of this.slots)
      slot.worker.postMessage({refresh: dataset} satisfies RefreshRequest)
  }

  async close(): Promise<void> {
    this.closed = true
    clearInterval(this.check)
    const closed = new Error('query pool closed')
    for (const pending of this.queue.splice(0)) this.finish(pending, {error: closed})
    await Promise.all(
      this.slots.map(async (slot) => {
        for (const pending of slot.inflight.values()) this.finish(pending, {error: closed})
        slot.inflight.clear()
        await slot.worker.terminate()
      }),
    )
  }

  private spawn(): Slot {
    const buffer = new SharedArrayBuffer(WORKER_STATE_BYTES)
    const init: WorkerInit = {databasePath: this.databasePath, limits: this.limits, state: buffer}
    const worker = new Worker(this.workerUrl, {workerData: init})
    const slot: Slot = {worker, state: workerState(buffer), inflight: new Map()}
    worker.on('message', (reply: QueryReply) => this.settle(slot, reply))
    worker.on('error', (error) => {
      this.log(`lake: query worker failed: ${error.stack ?? error.message}`)
    })
    worker.on('exit', () => {
      // An unexpected exit: its jobs go to the other workers.
      if (!this.closed && this.slots.includes(slot)) this.replace(slot)
    })
    return slot
  }

  /** Replaces a worker; its unanswered jobs (but `except`) go back to the front of the queue. */
  private replace(slot: Slot, except?: number): void {
    const index = this.slots.indexOf(slot)
    if (index === -1) return
    const requeue = [...slot.inflight].filter(([id, p]) => id !== except && !p.done)
    slot.inflight.clear()
    this.queue.unshift(...requeue.map(([, pending]) => pending))
    this.slots[index] = this.spawn()
    void slot.worker.terminate()
    this.dispatch()
  }

  /** Whether a worker is free of a long-running job (and may get more). */
  private healthy(slot: Slot, now: number): boolean {
    return Atomics.load(slot.state.running, 0) === 0 || now - slot.state.startedAt[0] < SLOW_MS
  }

  private dispatch(): void {
    const now = Date.now()
    while (this.queue.length > 0) {
      let best: Slot | null = null
      for (const slot of this.slots) {
        if (slot.inflight.size >= PIPELINE || !this.healthy(slot, now)) continue
        if (!best || slot.inflight.size < best.inflight.size) best = slot
      }
      if (!best) return
      const pending = this.queue.shift() as Pending
      if (pending.done) continue
      const id = this.nextId++
      best.inflight.set(id, pending)
      const {options, ...rest} = pending.job
      const request: QueryRequest = {
        id,
        ...rest,
        options: {...options, timestamp: options.timestamp?.toISOString()},
      }
      best.worker.postMessage(request)
    }
  }

  private finish(pending: Pending, outcome: {answer: QueryAnswer} | {error: unknown}): void {
    if (pending.done) return
    pending.done = true
    if ('answer' in outcome) pending.resolve(outcome.answer)
    else pending.reject(outcome.error)
  }

  private settle(slot: Slot, reply: QueryReply): void {
    const pending = slot.inflight.get(reply.id) ?? this.moved.get(reply.id)
    slot.inflight.delete(reply.id)
    this.moved.delete(reply.id)
    if (pending && !('skipped' in reply)) {
      if (reply.ok) this.finish(pending, {answer: {json: reply.json, extra: reply.extra}})
      else if ('timeout' in reply) {
        this.finish(pending, {error: queryTimeout(pending.job.query, this.limits.timeoutMs)})
      } else if (reply.status === 500) {
        this.finish(pending, {
          error: new Error(String((reply.body as {message?: unknown}).message)),
        })
      } else {
        this.finish(pending, {error: new LakeError(reply.status, reply.body)})
      }
    }
    this.dispatch()
  }

  /** Jobs taken back from a slow worker but maybe already answered by it: id → pending. */
  private readonly moved = new Map<number, Pending>()

  /** Moves jobs away from slow workers; terminates a worker past the hard limit. */
  private watch(): void {
    const now = Date.now()
    const hardLimit = this.limits.timeoutMs + Math.max(MIN_GRACE_MS, this.limits.timeoutMs)
    for (const slot of [...this.slots]) {
      const running = Atomics.load(slot.state.running, 0)
      if (running === 0) continue
      const age = now - slot.state.startedAt[0]
      if (age > hardLimit) {
        const pending = slot.inflight.get(running)
        if (pending)
          this.finish(pending, {error: queryTimeout(pending.job.query, this.limits.timeoutMs)})
        this.log(
          `lake: query worker terminated after ${Math.round(age)} ms: ${pending?.job.query.slice(0, 200) ?? '?'}`,
        )
        this.replace(slot, running)
        continue
      }
      if (age <= SLOW_MS || slot.inflight.size <= 1) continue
      const behind = [...slot.inflight].filter(([id]) => id !== running)
      for (const [id, pending] of behind) {
        Atomics.store(slot.state.cancelled, id % CANCEL_SLOTS, id)
        slot.inflight.delete(id)
        this.moved.set(id, pending)
      }
      this.queue.unshift(...behind.map(([, pending]) => pending))
    }
    // Forget moved jobs that were answered elsewhere long ago (their worker skips them).
    if (this.moved.size > CANCEL_SLOTS) this.moved.clear()
    this.dispatch()
  }
}
