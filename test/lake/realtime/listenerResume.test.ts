/**
 * Listener resume against a real lake: `client.listen(…, {enableResume: true})` gets `welcomeback`
 * and exactly the events it missed while disconnected (rebuilt from the transaction log, with an
 * unbroken previousRev → resultRev chain), `reset` when the log can't serve the id, and a plain
 * `welcome` without `enableResume`.
 */
import type {MutationEvent, SanityClient} from '@sanity/client'
import {EventSource} from 'eventsource'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {startTestLake, type TestLake} from '../../../testkit/lake.ts'

const DATASET = 'resume'
const QUERY = '*[_type == "note"]'
let lake: TestLake
let editor: SanityClient

beforeAll(async () => {
  lake = await startTestLake()
  editor = lake.client({dataset: DATASET})
  await editor.create({_id: 'seed', _type: 'seed'})
})
afterAll(async () => {
  await lake?.stop()
})

type Received = {type: string; [key: string]: unknown}

/** Events in arrival order; `take(n)` resolves once n more events than already taken arrived. */
function collect(subscribe: (next: (event: Received) => void) => () => void) {
  const events: Received[] = []
  let taken = 0
  const waiters: Array<() => void> = []
  const stop = subscribe((event) => {
    events.push(event)
    waiters.splice(0).forEach((resolve) => resolve())
  })
  return {
    stop,
    async take(count: number): Promise<Received[]> {
      while (events.length < taken + count) {
        await new Promise<void>((resolve) => waiters.push(resolve))
      }
      taken += count
      return events.slice(taken - count, taken)
    },
  }
}

function resumableListener(client: SanityClient) {
  return collect((next) => {
    const subscription = client
      .listen(
        QUERY,
        {},
        {enableResume: true, events: ['welcome', 'welcomeback', 'reset', 'mutation']},
      )
      .subscribe({next: (event) => next(event as Received)})
    return () => subscription.unsubscribe()
  })
}

function rawListener(search: string, lastEventId: string) {
  return collect((next) => {
    const source = new EventSource(
      `${lake.url}/v2025-02-19/data/listen/${DATASET}?query=${encodeURIComponent(QUERY)}${search}`,
      {
        fetch: (url, init) =>
          fetch(url, {
            ...init,
            headers: {
              ...init?.headers,
              Authorization: `Bearer ${lake.adminToken}`,
              'Last-Event-ID': lastEventId,
            },
          }),
      },
    )
    for (const type of ['welcome', 'welcomeback', 'reset', 'mutation']) {
      source.addEventListener(type, (event) =>
        next({type, id: event.lastEventId, ...JSON.parse(event.data)}),
      )
    }
    return () => source.close()
  })
}

describe('listener resume', () => {
  it('replays the missed events after a reconnect, answering welcomeback', async () => {
    const listener = resumableListener(editor)
    expect((await listener.take(1))[0].type).toBe('welcome')
    await editor.create({_id: 'n1', _type: 'note', text: 'ett'})
    const [seen] = (await listener.take(1)) as unknown as MutationEvent[]
    expect(seen.documentId).toBe('n1')

    // The lake drops every stream; while the client waits to reconnect, two transactions land.
    for (const open of [...lake.server.streams]) open.close()
    await editor.patch('n1').set({text: 'två'}).commit()
    await editor
      .transaction()
      .create({_id: 'n2', _type: 'note'})
      .patch('n1', (p) => p.set({text: 'tre'}))
      .commit()

    const [welcomeback, ...missed] = await listener.take(4)
    listener.stop()
    expect(welcomeback.type).toBe('welcomeback')
    const events = missed as unknown as MutationEvent[]
    expect(events.map((e) => [e.documentId, e.transition])).toEqual([
      ['n1', 'update'],
      ['n2', 'appear'],
      ['n1', 'update'],
    ])
    // The chain Studio relies on: each event continues where the previous one for that id ended.
    expect(events[0].previousRev).toBe(seen.resultRev)
    expect(events[2].previousRev).toBe(events[0].resultRev)
    expect(events[1].transactionId).toBe(events[2].transactionId)
    expect(events.map((e) => e.transactionTotalEvents)).toEqual([1, 2, 2])
    expect(events[2].result).toMatchObject({_id: 'n1', text: 'tre'})
    expect(events[2].mutations).toEqual([{createOrReplace: events[2].result}])
  })

  it('resumes in the middle of a transaction with the rest of its events', async () => {
    const tx = await editor
      .transaction()
      .create({_id: 'm1', _type: 'note'})
      .create({_id: 'm2', _type: 'note'})
      .commit()
    const listener = rawListener('&enableResume=true', `${tx.transactionId}#m1`)
    const [welcomeback, rest] = await listener.take(2)
    listener.stop()
    expect(welcomeback.type).toBe('welcomeback')
    expect(rest).toMatchObject({
      type: 'mutation',
      id: `${tx.transactionId}#m2`,
      documentId: 'm2',
      transactionCurrentEvent: 2,
      transactionTotalEvents: 2,
    })
  })

  it('answers reset when the log does not know the event id', async () => {
    const listener = rawListener('&enableResume=true', 'unknown-transaction#n1')
    const [reset] = await listener.take(1)
    listener.stop()
    expect(reset.type).toBe('reset')
  })

  it('welcomes as before without enableResume', async () => {
    const tx = await editor.create({_id: 'w1', _type: 'note'})
    const listener = rawListener('', `${tx._rev}#w1`)
    const [welcome] = await listener.take(1)
    await editor.create({_id: 'w2', _type: 'note'})
    const [next] = await listener.take(1)
    listener.stop()
    expect(welcome.type).toBe('welcome')
    expect(next).toMatchObject({type: 'mutation', documentId: 'w2'})
  })
})
