import {applyPatch} from 'mendoza'
import {describe, expect, it} from 'vitest'

import {apiVersionAtLeast} from '../../../lake/core/apiVersion.ts'
import {mendozaEffects} from '../../../lake/core/effects.ts'
import {
  type CompiledFilter,
  compileListenerFilter,
  eventsForListener,
  ListenerHub,
  type ListenerHubOptions,
  type ListenerSpec,
  type MutationEvent,
} from '../../../lake/realtime/listeners.ts'
import {LakeError} from '../../../lake/core/errors.ts'
import {queryLimits, setQueryLimits} from '../../../lake/groq/limits.ts'
import {TimeLimitExceeded} from '../../../lake/groq/timeLimit.ts'
import type {CommittedTransaction, DocumentChange, LakeDocument} from '../../../lake/core/types.ts'

const TIMESTAMP = '2026-08-21T10:00:00.000Z'

function doc(id: string, rev: string, fields: Record<string, unknown> = {}): LakeDocument {
  return {
    _id: id,
    _type: 'post',
    _rev: rev,
    _createdAt: '2026-01-01T00:00:00.000Z',
    _updatedAt: TIMESTAMP,
    ...fields,
  }
}

function change(before: LakeDocument | null, after: LakeDocument | null): DocumentChange {
  const id = (after ?? before)!._id
  return {
    id,
    before,
    after,
    mutations: after ? [{createOrReplace: after}] : [{delete: {id}}],
  }
}

function tx(
  transactionId: string,
  changes: DocumentChange[],
  dataset = 'production',
): CommittedTransaction {
  return {
    dataset,
    transactionId,
    timestamp: TIMESTAMP,
    identity: 'p-writer',
    mutations: changes.flatMap((c) => c.mutations),
    changes,
    results: changes.map((c) => ({
      id: c.id,
      operation: c.after === null ? 'delete' : c.before === null ? 'create' : 'update',
    })),
  }
}

function spec(overrides: Partial<ListenerSpec> = {}): ListenerSpec {
  return {
    dataset: 'production',
    query: '*',
    params: {},
    includeResult: true,
    includePreviousRevision: false,
    includeMutations: true,
    includeAllVersions: false,
    effectFormat: undefined,
    visibility: 'transaction',
    apiVersion: '2025-02-19',
    access: 'all',
    ...overrides,
  }
}

/** A hub that delivers only when the test calls `flush()`. */
function manualHub(options: ListenerHubOptions = {}): ListenerHub {
  // Never scheduled: delivery happens in flush() only.
  return new ListenerHub({...options, schedule: () => undefined})
}

function events(s: ListenerSpec, t: CommittedTransaction): MutationEvent[] {
  return eventsForListener(s, compileListenerFilter(s.query, s.params), t)
}

function noop(): void {
  // Deliver callback that ignores events.
}

function catchError(fn: () => unknown): unknown {
  try {
    fn()
  } catch (err) {
    return err
  }
  throw new Error('expected a throw')
}

describe('eventsForListener transitions', () => {
  const listener = spec({query: '*[_type == "post" && status == "live"]'})

  it('appear on create: previousRev absent, resultRev is the transaction id', () => {
    const after = doc('a', 'tx1', {status: 'live'})
    const [event, ...rest] = events(listener, tx('tx1', [change(null, after)]))
    expect(rest).toEqual([])
    expect(event).toStrictEqual({
      documentId: 'a',
      eventId: 'tx1#a',
      transactionId: 'tx1',
      identity: 'p-writer',
      mutations: [{createOrReplace: after}],
      resultRev: 'tx1',
      result: after,
      timestamp: TIMESTAMP,
      transition: 'appear',
      visibility: 'transaction',
      transactionTotalEvents: 1,
      transactionCurrentEvent: 1,
    })
    expect('previousRev' in event).toBe(false)
  })

  it('update when matching before and after', () => {
    const before = doc('a', 'tx1', {status: 'live', title: 'Old'})
    const after = doc('a', 'tx2', {status: 'live', title: 'New'})
    const [event] = events(listener, tx('tx2', [change(before, after)]))
    expect(event.transition).toBe('update')
    expect(event.previousRev).toBe('tx1')
    expect(event.resultRev).toBe('tx2')
    expect(event.result).toEqual(after)
  })

  it('disappear on delete: no result, resultRev still the transaction id', () => {
    const before = doc('a', 'tx1', {status: 'live'})
    const [event] = events(listener, tx('tx3', [change(before, null)]))
    expect(event.transition).toBe('disappear')
    expect(event.previousRev).toBe('tx1')
    expect(event.resultRev).toBe('tx3')
    expect('result' in event).toBe(false)
    expect(event.mutations).toEqual([{delete: {id: 'a'}}])
  })

  it('appear when an update starts matching (previousRev chains from the existing _rev)', () => {
    const before = doc('a', 'tx1', {status: 'draft'})
    const after = doc('a', 'tx2', {status: 'live'})
    const [event] = events(listener, tx('tx2', [change(before, after)]))
    expect(event.transition).toBe('appear')
    expect(event.previousRev).toBe('tx1')
    expect(event.result).toEqual(after)
  })

  it('disappear when an update stops matching, with the after document as result', () => {
    const before = doc('a', 'tx1', {status: 'live'})
    const after = doc('a', 'tx2', {status: 'archived'})
    const [event] = events(listener, tx('tx2', [change(before, after)]))
    expect(event.transition).toBe('disappear')
    expect(event.result).toEqual(after)
  })

  it('no event when the document matches neither before nor after', () => {
    const before = doc('a', 'tx1', {status: 'draft'})
    const after = doc('a', 'tx2', {status: 'archived'})
    expect(events(listener, tx('tx2', [change(before, after)]))).toEqual([])
  })

  it('no event for another dataset', () => {
    const after = doc('a', 'tx1', {status: 'live'})
    expect(events(listener, tx('tx1', [change(null, after)], 'staging'))).toEqual([])
  })

  it('counts only the documents this listener receives, in the order of the changes', () => {
    const t = tx('tx9', [
      change(null, doc('a', 'tx9', {status: 'live'})),
      change(null, doc('b', 'tx9', {status: 'draft'})),
      change(doc('c', 'tx1', {status: 'live'}), null),
      change(doc('d', 'tx1', {status: 'draft'}), doc('d', 'tx9', {status: 'archived'})),
      change(doc('e', 'tx1', {status: 'live'}), doc('e', 'tx9', {status: 'live', n: 1})),
    ])
    const result = events(listener, t)
    expect(
      result.map((e) => [
        e.documentId,
        e.transition,
        e.transactionCurrentEvent,
        e.transactionTotalEvents,
      ]),
    ).toEqual([
      ['a', 'appear', 1, 3],
      ['c', 'disappear', 2, 3],
      ['e', 'update', 3, 3],
    ])
    // Another listener on the same transaction gets its own count.
    const all = events(spec(), t)
    expect(all.map((e) => e.transactionTotalEvents)).toEqual([5, 5, 5, 5, 5])
    expect(all.map((e) => e.transactionCurrentEvent)).toEqual([1, 2, 3, 4, 5])
  })
})

describe('the Studio publish example (studio-offline.md §8)', () => {
  it('gives the pair listener exactly the two documented events', () => {
    const old = {_id: 'p1', _type: 'post', _rev: 't0', title: 'Old'} as unknown as LakeDocument
    const published = {
      _id: 'p1',
      _type: 'post',
      _rev: 't2',
      title: 'New',
    } as unknown as LakeDocument
    const draft = {
      _id: 'drafts.p1',
      _type: 'post',
      _rev: 't1',
      title: 'New',
    } as unknown as LakeDocument
    const t: CommittedTransaction = {
      dataset: 'production',
      transactionId: 't2',
      timestamp: '2026-08-21T10:00:00.000Z',
      identity: 'p-local',
      mutations: [{createOrReplace: published}, {delete: {id: 'drafts.p1'}}],
      changes: [
        {id: 'p1', before: old, after: published, mutations: [{createOrReplace: published}]},
        {id: 'drafts.p1', before: draft, after: null, mutations: [{delete: {id: 'drafts.p1'}}]},
      ],
      results: [
        {id: 'p1', operation: 'update'},
        {id: 'drafts.p1', operation: 'delete'},
      ],
    }
    const pairListener = spec({
      query: '*[_id in $ids]',
      params: {ids: ['p1', 'drafts.p1']},
      includeResult: false,
      includeAllVersions: true,
      effectFormat: 'mendoza',
      visibility: 'query',
      apiVersion: '2025-02-19',
    })
    // Verbatim from the document (each `data:` is one line on the wire).
    const expected = [
      {
        documentId: 'p1',
        eventId: 't2#p1',
        transactionId: 't2',
        identity: 'p-local',
        previousRev: 't0',
        resultRev: 't2',
        timestamp: '2026-08-21T10:00:00.000Z',
        transition: 'update',
        visibility: 'query',
        transactionTotalEvents: 2,
        transactionCurrentEvent: 1,
        mutations: [{createOrReplace: {_id: 'p1', _type: 'post', _rev: 't2', title: 'New'}}],
        effects: {
          apply: [0, {_id: 'p1', _type: 'post', _rev: 't2', title: 'New'}],
          revert: [0, {_id: 'p1', _type: 'post', _rev: 't0', title: 'Old'}],
        },
      },
      {
        documentId: 'drafts.p1',
        eventId: 't2#drafts.p1',
        transactionId: 't2',
        identity: 'p-local',
        previousRev: 't1',
        resultRev: 't2',
        timestamp: '2026-08-21T10:00:00.000Z',
        transition: 'disappear',
        visibility: 'query',
        transactionTotalEvents: 2,
        transactionCurrentEvent: 2,
        mutations: [{delete: {id: 'drafts.p1'}}],
        effects: {
          apply: [0, null],
          revert: [0, {_id: 'drafts.p1', _type: 'post', _rev: 't1', title: 'New'}],
        },
      },
    ]
    const result = events(pairListener, t)
    expect(result).toStrictEqual(expected)
    expect(JSON.parse(JSON.stringify(result))).toStrictEqual(expected)
    // Through the hub, too.
    const hub = manualHub()
    const delivered: MutationEvent[] = []
    hub.subscribe(pairListener, (e) => delivered.push(e))
    hub.publish(t)
    hub.flush()
    expect(delivered).toStrictEqual(expected)
  })
})

describe('event options', () => {
  const before = doc('a', 'tx1', {title: 'Old', tags: ['x']})
  const after = doc('a', 'tx2', {title: 'New', tags: ['x', 'y']})

  it('includeResult=false omits result', () => {
    const [event] = events(spec({includeResult: false}), tx('tx2', [change(before, after)]))
    expect('result' in event).toBe(false)
  })

  it('includePreviousRevision adds previous: the before document, or null on create', () => {
    const s = spec({includePreviousRevision: true})
    const [update] = events(s, tx('tx2', [change(before, after)]))
    expect(update.previous).toEqual(before)
    const [create] = events(s, tx('tx1', [change(null, before)]))
    expect('previous' in create).toBe(true)
    expect(create.previous).toBeNull()
    const [plain] = events(spec(), tx('tx2', [change(before, after)]))
    expect('previous' in plain).toBe(false)
  })

  it('includeMutations=false omits mutations; otherwise they are the change mutations', () => {
    const c: DocumentChange = {
      id: 'a',
      before,
      after,
      mutations: [{patch: {id: 'a', set: {title: 'New'}}}],
    }
    const [withMutations] = events(spec(), tx('tx2', [c]))
    expect(withMutations.mutations).toEqual([{patch: {id: 'a', set: {title: 'New'}}}])
    const [without] = events(spec({includeMutations: false}), tx('tx2', [c]))
    expect('mutations' in without).toBe(false)
  })

  it('effects only with effectFormat=mendoza', () => {
    const [plain] = events(spec(), tx('tx2', [change(before, after)]))
    expect('effects' in plain).toBe(false)
    const [withEffects] = events(
      spec({effectFormat: 'mendoza'}),
      tx('tx2', [change(before, after)]),
    )
    expect(withEffects.effects).toBeDefined()
  })

  it('visibility follows the listener request', () => {
    const t = tx('tx2', [change(before, after)])
    expect(events(spec(), t)[0].visibility).toBe('transaction')
    expect(events(spec({visibility: 'query'}), t)[0].visibility).toBe('query')
  })
})

describe('mendoza effects', () => {
  const before = doc('a', 'tx1', {title: 'Old', body: [{_key: 'k', text: 'å'}], n: 1})
  const after = doc('a', 'tx2', {title: 'New', body: [{_key: 'k', text: 'ä'}], extra: true})

  it('apply turns before into after and revert turns after into before', () => {
    const {apply, revert} = mendozaEffects(before, after)
    expect(applyPatch(structuredClone(before), apply as unknown[])).toEqual(after)
    expect(applyPatch(structuredClone(after), revert as unknown[])).toEqual(before)
  })

  it('creates revert to null and deletes apply to null', () => {
    const created = mendozaEffects(null, after)
    expect(created.revert).toEqual([0, null])
    expect(applyPatch(null, created.apply as unknown[])).toEqual(after)
    expect(applyPatch(after, created.revert as unknown[])).toBeNull()
    const deleted = mendozaEffects(before, null)
    expect(deleted.apply).toEqual([0, null])
    expect(applyPatch(before, deleted.apply as unknown[])).toBeNull()
    expect(applyPatch(null, deleted.revert as unknown[])).toEqual(before)
  })

  it('events carry effects that replay the change', () => {
    const [event] = events(spec({effectFormat: 'mendoza'}), tx('tx2', [change(before, after)]))
    expect(applyPatch(before, event.effects!.apply)).toEqual(after)
    expect(applyPatch(after, event.effects!.revert)).toEqual(before)
  })
})

describe('versions, drafts and the ACL', () => {
  const ids = ['p1', 'drafts.p1', 'versions.r1.p1', '_.releases.r1', 'foo.bar']
  const t = tx(
    'tx1',
    ids.map((id) => change(null, doc(id, 'tx1'))),
  )
  const seen = (s: Partial<ListenerSpec>) => events(spec(s), t).map((e) => e.documentId)

  it('from 2025-02-19 only published documents unless includeAllVersions', () => {
    expect(seen({apiVersion: '2025-02-19'})).toEqual(['p1', '_.releases.r1', 'foo.bar'])
    expect(seen({apiVersion: 'X'})).toEqual(['p1', '_.releases.r1', 'foo.bar'])
    expect(seen({apiVersion: 'v2026-01-01'})).toEqual(['p1', '_.releases.r1', 'foo.bar'])
    expect(seen({apiVersion: '2025-02-19', includeAllVersions: true})).toEqual(ids)
  })

  it('before 2025-02-19 drafts are included (versions only with includeAllVersions)', () => {
    expect(seen({apiVersion: '2025-02-18'})).toEqual([
      'p1',
      'drafts.p1',
      '_.releases.r1',
      'foo.bar',
    ])
    expect(seen({apiVersion: '1'})).toEqual(['p1', 'drafts.p1', '_.releases.r1', 'foo.bar'])
    expect(seen({apiVersion: '1', includeAllVersions: true})).toEqual(ids)
  })

  it('an anonymous listener never sees dotted ids', () => {
    expect(seen({access: 'root', includeAllVersions: true})).toEqual(['p1'])
    expect(seen({access: 'root', apiVersion: '1'})).toEqual(['p1'])
  })

  it('the transaction count only includes visible documents', () => {
    const result = events(spec({apiVersion: '2025-02-19', access: 'root'}), t)
    expect(result).toHaveLength(1)
    expect(result[0].transactionTotalEvents).toBe(1)
  })

  it('compares api versions', () => {
    expect(apiVersionAtLeast('X', '2025-02-19')).toBe(true)
    expect(apiVersionAtLeast('1', '2025-02-19')).toBe(false)
    expect(apiVersionAtLeast('2025-02-19', '2025-02-19')).toBe(true)
    expect(apiVersionAtLeast('2024-12-31', '2025-02-19')).toBe(false)
  })
})

describe('compileListenerFilter', () => {
  it('rejects a missing param with a 400 queryParseError pointing at it', () => {
    const query = '*[_type == "post" && _id in $ids]'
    const err = catchError(() => compileListenerFilter(query, {}))
    expect(err).toBeInstanceOf(LakeError)
    const lakeError = err as LakeError
    expect(lakeError.status).toBe(400)
    expect(lakeError.body).toEqual({
      error: {
        type: 'queryParseError',
        description: 'param $ids referenced, but not provided',
        query,
        start: query.indexOf('$ids'),
        end: query.indexOf('$ids') + 4,
      },
    })
    expect(lakeError.message).toBe('param $ids referenced, but not provided')
  })

  it('does not mistake inlined param values for params', () => {
    const filter = compileListenerFilter('*[_id in $ids]', {
      ids: [{type: 'Parameter', name: 'nope'}],
    })
    expect(filter.query).toBe('*[_id in $ids]')
  })

  it('rejects syntax errors with a position', () => {
    const err = catchError(() => compileListenerFilter('*[_type == "event]', {})) as LakeError
    expect(err).toBeInstanceOf(LakeError)
    expect(err.status).toBe(400)
    const body = err.body as {error: {type: string; start: number; description: string}}
    expect(body.error.type).toBe('queryParseError')
    expect(typeof body.error.start).toBe('number')
    expect(body.error.description).toBeTruthy()
  })

  it('rejects unknown functions', () => {
    const err = catchError(() => compileListenerFilter('*[foo::bar()]', {})) as LakeError
    expect(err.status).toBe(400)
  })

  it('matches with params, projections, slices and path()', () => {
    const t = tx('tx1', [
      change(null, doc('p1', 'tx1')),
      change(null, doc('drafts.p2', 'tx1')),
      change(null, doc('p3', 'tx1', {_type: 'page'})),
    ])
    const all = {includeAllVersions: true}
    const ids = (query: string, params: Record<string, unknown> = {}) =>
      events(spec({...all, query, params}), t).map((e) => e.documentId)
    expect(ids('*[_id in $ids]', {ids: ['p1', 'p3']})).toEqual(['p1', 'p3'])
    expect(ids('*[_type == $type]{title}', {type: 'post'})).toEqual(['p1', 'drafts.p2'])
    expect(ids('*[_type == "post"] | order(_id desc)[0...$n]', {n: 1})).toEqual(['p1', 'drafts.p2'])
    expect(ids('*[_id in path("drafts.**")]')).toEqual(['drafts.p2'])
    expect(ids('*[_type == "post"][0]')).toEqual(['p1', 'drafts.p2'])
    // text::query() outside `match` is a 400 (lake/groq/textQuery.ts; see textQueryListener.test.ts).
    expect(() => ids('*[_type == "page" && text::query("hello")]')).toThrow(LakeError)
  })
})

describe('ListenerHub', () => {
  const t1 = tx('tx1', [change(null, doc('a', 'tx1')), change(null, doc('b', 'tx1'))])
  const t2 = tx('tx2', [change(doc('a', 'tx1'), doc('a', 'tx2', {title: 'x'}))])
  const t3 = tx('tx3', [change(doc('b', 'tx1'), null)])

  it('delivers in commit order, per listener, and stops after unsubscribe', () => {
    const hub = manualHub()
    const seenA: string[] = []
    const seenB: string[] = []
    const offA = hub.subscribe(spec(), (e) => seenA.push(e.eventId))
    hub.subscribe(spec({query: '*[_id == "a"]'}), (e) => seenB.push(e.eventId))
    expect(hub.size).toBe(2)
    hub.publish(t1)
    hub.publish(t2)
    hub.flush()
    offA()
    offA()
    expect(hub.size).toBe(1)
    hub.publish(t3)
    hub.flush()
    expect(seenA).toEqual(['tx1#a', 'tx1#b', 'tx2#a'])
    expect(seenB).toEqual(['tx1#a', 'tx2#a'])
  })

  it('only delivers the listener dataset', () => {
    const hub = manualHub()
    const seen: string[] = []
    hub.subscribe(spec({dataset: 'staging'}), (e) => seen.push(e.eventId))
    hub.publish(t1)
    hub.publish(tx('tx4', [change(null, doc('c', 'tx4'))], 'staging'))
    hub.flush()
    expect(seen).toEqual(['tx4#c'])
  })

  it('throws from subscribe on a bad query', () => {
    const hub = manualHub()
    expect(() => hub.subscribe(spec({query: '*[_id in $ids]'}), noop)).toThrow(LakeError)
    expect(hub.size).toBe(0)
  })

  it('a failing filter or deliver only affects that listener', () => {
    const errors: unknown[] = []
    const hub = manualHub({onError: (err) => errors.push(err)})
    const broken: CompiledFilter = {
      query: '*[broken]',
      params: {},
      tree: {type: 'Bogus'} as never,
      timeLimited: false,
    }
    const good: string[] = []
    const throwing: string[] = []
    hub.subscribe(spec(), noop, broken)
    hub.subscribe(spec(), (e) => {
      throwing.push(e.eventId)
      throw new Error('stream closed')
    })
    hub.subscribe(spec(), (e) => good.push(e.eventId))
    expect(() => hub.publish(t1)).not.toThrow()
    expect(() => hub.publish(t2)).not.toThrow()
    expect(() => hub.flush()).not.toThrow()
    expect(good).toEqual(['tx1#a', 'tx1#b', 'tx2#a'])
    // The throwing listener is skipped for the rest of each transaction.
    expect(throwing).toEqual(['tx1#a', 'tx2#a'])
    expect(errors).toHaveLength(4)
  })

  it('keeps commit order when a listener publishes from inside deliver', () => {
    const hub = manualHub()
    const log: string[] = []
    hub.subscribe(spec(), (e) => {
      log.push(`A ${e.eventId}`)
      if (e.eventId === 'tx1#a') hub.publish(t2)
    })
    hub.subscribe(spec(), (e) => log.push(`B ${e.eventId}`))
    hub.publish(t1)
    hub.flush()
    expect(log).toEqual(['A tx1#a', 'A tx1#b', 'B tx1#a', 'B tx1#b', 'A tx2#a', 'B tx2#a'])
  })

  it('a listener only gets transactions published after it subscribed, also while they are queued', () => {
    const hub = manualHub()
    const late: string[] = []
    const queued: string[] = []
    let subscribed = false
    hub.subscribe(spec(), () => {
      if (subscribed) return
      subscribed = true
      hub.subscribe(spec(), (e) => late.push(e.eventId))
    })
    hub.publish(t1)
    hub.flush()
    hub.publish(t2)
    // Subscribed after t2 was published (e.g. after a resume read t2 from the log): not delivered.
    hub.subscribe(spec(), (e) => queued.push(e.eventId))
    hub.publish(t3)
    hub.flush()
    expect(late).toEqual(['tx2#a', 'tx3#b'])
    expect(queued).toEqual(['tx3#b'])
  })

  it("delivers off the writer's path: publish returns before any listener runs, a later turn delivers", async () => {
    const hub = new ListenerHub()
    const seen: string[] = []
    hub.subscribe(spec(), (e) => seen.push(e.eventId))
    hub.publish(t1)
    hub.publish(t2)
    expect(seen).toEqual([])
    expect(hub.pending).toBe(2)
    await new Promise<void>((resolve) => setImmediate(resolve))
    expect(seen).toEqual(['tx1#a', 'tx1#b', 'tx2#a'])
    expect(hub.pending).toBe(0)
  })

  it('while the server is busy, holds deliveries up to coalesceMs and then sends them in one flush', async () => {
    let busy = true
    const hub = new ListenerHub({busy: () => busy, coalesceMs: 30})
    const seen: Array<{id: string; pending: number}> = []
    let resolveDone!: () => void
    const done = new Promise<void>((resolve) => (resolveDone = resolve))
    hub.subscribe(spec(), (e) => {
      seen.push({id: e.eventId, pending: hub.pending})
      if (e.eventId === 'tx2#a' || e.eventId === 'tx3#b') resolveDone()
    })
    const started = performance.now()
    hub.publish(t1)
    await new Promise<void>((resolve) => setImmediate(resolve))
    hub.publish(t2)
    expect(seen).toEqual([])
    await done
    expect(performance.now() - started).toBeGreaterThanOrEqual(29)
    // t2 was still queued while t1 went out: one flush delivered both.
    expect(seen).toEqual([
      {id: 'tx1#a', pending: 1},
      {id: 'tx1#b', pending: 1},
      {id: 'tx2#a', pending: 0},
    ])
    // An idle server delivers in the next turn.
    busy = false
    hub.publish(t3)
    await new Promise<void>((resolve) => setImmediate(resolve))
    expect(seen.map((e) => e.id).slice(3)).toEqual(['tx3#b'])
  })

  it('while busy, spaces deliveries by three times the last one took, up to maxCoalesceMs', async () => {
    const wait = async (maxCoalesceMs: number) => {
      const hub = new ListenerHub({busy: () => true, coalesceMs: 1, maxCoalesceMs})
      const delivered: Record<string, number> = {}
      let resolveFirst!: () => void
      const first = new Promise<void>((resolve) => (resolveFirst = resolve))
      let resolveDone!: () => void
      const done = new Promise<void>((resolve) => (resolveDone = resolve))
      hub.subscribe(spec(), (e) => {
        delivered[e.eventId] = performance.now()
        if (e.eventId === 'tx2#a') return resolveDone()
        if (e.eventId === 'tx1#b') resolveFirst()
        // A slow fan-out: 2 × 40 ms for tx1.
        const until = performance.now() + 40
        while (performance.now() < until);
      })
      hub.publish(t1)
      // Continues once that delivery is over (and measured).
      await first
      const published = performance.now()
      hub.publish(t2)
      await done
      return delivered['tx2#a'] - published
    }
    // 80 ms of delivery: the next one waits about 240 ms while the server stays busy…
    expect(await wait(1000)).toBeGreaterThanOrEqual(230)
    // …unless the cap is lower.
    expect(await wait(20)).toBeLessThan(200)
  })

  it('evaluates a filter shared by many listeners once per document and hands them the same events', () => {
    const hub = manualHub()
    const filter = compileListenerFilter('*[_type == "post"]', {})
    const seen: MutationEvent[][] = []
    for (let i = 0; i < 100; i++) {
      const mine: MutationEvent[] = []
      seen.push(mine)
      // Each listener compiles its own filter, as the listen route does.
      hub.subscribe(spec({query: filter.query}), (e) => mine.push(e))
    }
    const other: string[] = []
    hub.subscribe(spec({query: filter.query, includeResult: false}), (e) => other.push(e.eventId))
    hub.publish(t1)
    hub.flush()
    expect(seen.every((events) => events.length === 2)).toBe(true)
    expect(seen.every((events) => events[0] === seen[0][0])).toBe(true)
    expect(other).toEqual(['tx1#a', 'tx1#b'])
  })

  it('listeners with different filters share an event that comes out equal, not one with other options', () => {
    const hub = manualHub()
    const byType: MutationEvent[] = []
    const byId: MutationEvent[] = []
    const lean: MutationEvent[] = []
    hub.subscribe(spec({query: '*[_type == "post"]'}), (e) => byType.push(e))
    hub.subscribe(spec({query: '*[_id in ["a", "b"]]'}), (e) => byId.push(e))
    hub.subscribe(spec({query: '*[_id in ["a", "b"]]', includeResult: false}), (e) => lean.push(e))
    expect(hub.groups).toBe(3)
    hub.publish(t1)
    hub.flush()
    expect(byType.map((e) => e.eventId)).toEqual(['tx1#a', 'tx1#b'])
    expect(byId[0]).toBe(byType[0])
    expect(byId[1]).toBe(byType[1])
    expect(lean[0]).not.toBe(byType[0])
    expect(lean[0].result).toBeUndefined()
  })

  it('a runaway match filter misses only its own events; the other filters of the transaction get theirs', () => {
    const previous = queryLimits().listenerFilterTimeoutMs
    setQueryLimits({listenerFilterTimeoutMs: 50})
    try {
      const errors: Array<{error: unknown; query: string}> = []
      const hub = manualHub({onError: (error, s) => errors.push({error, query: s.query})})
      const seen: Record<string, string[]> = {runaway: [], search: [], plain: []}
      const runaway = '*[title match "*a*a*a*a*a*a*a*b"]'
      hub.subscribe(spec({query: runaway}), (e) => seen.runaway.push(e.eventId))
      hub.subscribe(spec({query: '*[title match "a*"]'}), (e) => seen.search.push(e.eventId))
      hub.subscribe(spec({query: '*[_type == "post"]'}), (e) => seen.plain.push(e.eventId))
      const long = doc('a', 'tx5', {title: 'a'.repeat(300)})
      hub.publish(tx('tx5', [change(null, long)]))
      hub.publish(tx('tx6', [change(null, doc('c', 'tx6', {title: 'aaaaaaab'}))]))
      hub.flush()
      expect(seen.search).toEqual(['tx5#a', 'tx6#c'])
      expect(seen.plain).toEqual(['tx5#a', 'tx6#c'])
      // Only the transaction with the long title ran away; the next one is evaluated as usual.
      expect(seen.runaway).toEqual(['tx6#c'])
      expect(errors).toHaveLength(1)
      expect(errors[0].query).toBe(runaway)
      expect(errors[0].error).toBeInstanceOf(TimeLimitExceeded)
    } finally {
      setQueryLimits({listenerFilterTimeoutMs: previous})
    }
  })

  it("evaluates a document state once for a transaction's after and the next one's before, unless the filter reads now()", () => {
    const hub = manualHub()
    const byTime: string[] = []
    const byType: string[] = []
    hub.subscribe(spec({query: '*[validUntil > now()]'}), (e) => byTime.push(e.transition))
    hub.subscribe(spec({query: '*[_type == "post"]'}), (e) => byType.push(e.transition))
    const first = doc('d', 'tx7', {validUntil: '2026-08-21T11:00:00.000Z'})
    const second = doc('d', 'tx8', {validUntil: '2026-08-21T11:00:00.000Z', title: 'x'})
    hub.publish(tx('tx7', [change(null, first)]))
    // Two hours later the same state (the same object) no longer matches the time filter.
    hub.publish({...tx('tx8', [change(first, second)]), timestamp: '2026-08-21T13:00:00.000Z'})
    hub.flush()
    expect(byTime).toEqual(['appear'])
    expect(byType).toEqual(['appear', 'update'])
  })

  it('an unsubscribe during delivery stops the rest of the transaction', () => {
    const hub = manualHub()
    const seen: string[] = []
    const off = hub.subscribe(spec(), (e) => {
      seen.push(e.eventId)
      off()
    })
    hub.publish(t1)
    hub.flush()
    expect(seen).toEqual(['tx1#a'])
    expect(hub.size).toBe(0)
  })

  it('evaluates only the filters whose pinned ids or types a transaction touches', () => {
    const hub = manualHub()
    const seen = new Map<string, string[]>()
    const listen = (query: string) => {
      const mine: string[] = []
      seen.set(query, mine)
      hub.subscribe(spec({query}), (e) => mine.push(`${e.eventId} ${e.transition}`))
    }
    for (let i = 0; i < 50; i++) listen(`*[_id in ["doc-${i}", "drafts.doc-${i}"]]`)
    listen('*[_type == "post" && !(_id in path("drafts.**"))]')
    listen('*[_type == "city"]')
    listen('*[defined(title)]')
    expect(hub.groups).toBe(53)
    // doc-7 is created as a post, then becomes a city: the post listener sees it disappear.
    const post = doc('doc-7', 'tx1')
    const city = {...doc('doc-7', 'tx2', {title: 'x'}), _type: 'city'}
    hub.publish(tx('tx1', [change(null, post)]))
    hub.publish(tx('tx2', [change(post, city)]))
    hub.flush()
    // doc-7's pair listener, the unpinned one, and the listeners of the types it had.
    expect(hub.evaluations).toBe(3 + 4)
    expect(seen.get('*[_id in ["doc-7", "drafts.doc-7"]]')).toEqual([
      'tx1#doc-7 appear',
      'tx2#doc-7 update',
    ])
    expect(seen.get('*[_type == "post" && !(_id in path("drafts.**"))]')).toEqual([
      'tx1#doc-7 appear',
      'tx2#doc-7 disappear',
    ])
    expect(seen.get('*[_type == "city"]')).toEqual(['tx2#doc-7 appear'])
    expect(seen.get('*[defined(title)]')).toEqual(['tx2#doc-7 appear'])
    expect(seen.get('*[_id in ["doc-8", "drafts.doc-8"]]')).toEqual([])
    // Groups leave the index with their last listener.
    const before = hub.evaluations
    const off = hub.subscribe(spec({query: '*[_id == "solo"]'}), noop)
    off()
    hub.publish(tx('tx3', [change(null, doc('solo', 'tx3'))]))
    hub.flush()
    expect(hub.evaluations - before).toBe(2)
  })

  it('calls transaction watchers after the listeners, in commit order; one failing watcher spares the rest', () => {
    const errors: unknown[] = []
    const hub = manualHub({onWatchError: (err) => errors.push(err)})
    const order: string[] = []
    hub.subscribe(spec(), (e) => order.push(`listener ${e.eventId}`))
    hub.watch(() => {
      throw new Error('stream closed')
    })
    const stop = hub.watch((t) => order.push(`watcher ${t.transactionId}`))
    expect(hub.watchers).toBe(2)
    hub.publish(t1)
    hub.flush()
    stop()
    hub.publish(t2)
    hub.flush()
    expect(order).toEqual(['listener tx1#a', 'listener tx1#b', 'watcher tx1', 'listener tx2#a'])
    expect(errors).toHaveLength(2)
    expect(hub.watchers).toBe(1)
  })
})
