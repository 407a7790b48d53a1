/**
 * Listener fan-out against a real lake (lake/realtime/listeners.ts, lake/realtime/sse.ts):
 * concurrent writers and listeners with different filters still see every transaction in
 * commit order, a mutation's response still comes after the change is visible to queries, and
 * a listener that stops reading neither delays the others nor makes the lake buffer for it
 * without bound.
 */
import {get, type ClientRequest, type IncomingMessage} from 'node:http'
import type {MutationEvent, SanityClient} from '@sanity/client'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {queryLimits, setQueryLimits} from '../../../lake/groq/limits.ts'
import {startTestLake, type TestLake} from '../../../testkit/lake.ts'

const DATASET = 'fanout'
let lake: TestLake
let editor: SanityClient
const previousBufferBytes = queryLimits().listenerBufferBytes
const BUFFER_BYTES = 1024 * 1024

beforeAll(async () => {
  setQueryLimits({listenerBufferBytes: BUFFER_BYTES})
  lake = await startTestLake()
  editor = lake.client({dataset: DATASET})
  await editor.createOrReplace({_id: 'counter', _type: 'counter', name: 'Räknare', n: 0})
})
afterAll(async () => {
  await lake?.stop()
  setQueryLimits({listenerBufferBytes: previousBufferBytes})
})

/** Mutation events of one `client.listen`, with a promise for the first `count`. */
function listen(query: string, params: Record<string, unknown> = {}) {
  const events: MutationEvent[] = []
  const waiters: Array<{count: number; resolve: () => void}> = []
  let resolveWelcome!: () => void
  const welcomed = new Promise<void>((resolve) => (resolveWelcome = resolve))
  const subscription = editor
    .listen(query, params, {events: ['welcome', 'mutation'], includeResult: true})
    .subscribe((event) => {
      if (event.type === 'welcome') resolveWelcome()
      if (event.type !== 'mutation') return
      events.push(event)
      for (const waiter of waiters.filter((w) => events.length >= w.count)) waiter.resolve()
    })
  return {
    events,
    welcomed,
    received: (count: number) =>
      events.length >= count
        ? Promise.resolve()
        : new Promise<void>((resolve) => waiters.push({count, resolve})),
    stop: () => subscription.unsubscribe(),
  }
}

describe('listener fan-out', () => {
  it('keeps commit order for every listener under concurrent writes, answering after queries see the change', async () => {
    const listeners = [
      listen('*[_type == "counter"]'),
      listen('*[_type == "counter"]'),
      listen('*[_id in [$id, "drafts." + $id]]', {id: 'counter'}),
      listen('*[_type == "counter" && name match "Räkn*"]'),
      listen('*[_type == "counter" && n >= $min]', {min: 0}),
    ]
    await Promise.all(listeners.map((l) => l.welcomed))
    const writes = 40
    const seenByQueries = await Promise.all(
      Array.from({length: writes}, async (_, i) => {
        // Every fifth transaction also touches another document.
        const transaction = editor.transaction().patch('counter', (p) => p.inc({n: 1}))
        if (i % 5 === 0) transaction.createOrReplace({_id: `other-${i}`, _type: 'other'})
        await transaction.commit({visibility: 'sync'})
        return editor.fetch<number>('*[_id == "counter"][0].n')
      }),
    )
    // Each response came after its own increment was visible to queries.
    expect(Math.min(...seenByQueries)).toBeGreaterThanOrEqual(1)
    expect(Math.max(...seenByQueries)).toBe(writes)
    await Promise.all(listeners.map((l) => l.received(writes)))
    const expected = Array.from({length: writes}, (_, i) => i + 1)
    for (const listener of listeners) {
      expect(listener.events.map((e) => (e.result as {n?: number} | undefined)?.n)).toEqual(
        expected,
      )
      listener.stop()
    }
  })

  it('drops a listener that stops reading, while the others get every event', async () => {
    const reading = listen('*[_type == "big"]')
    await reading.welcomed
    const stuck = await openStuckListener('*[_type == "big"]')
    expect(lake.server.hub.size).toBe(2)

    // Events of 600 KB (the document in `result` and in `mutations`), 24 MB in all: more than
    // the kernel's socket buffers and 4× the lake's buffer limit.
    const payload = 'å'.repeat(150 * 1024)
    const commits = 40
    for (let i = 0; i < commits; i++) {
      await editor.createOrReplace({_id: `big-${i}`, _type: 'big', payload})
    }
    await reading.received(commits)
    expect(reading.events.map((e) => e.documentId)).toEqual(
      Array.from({length: commits}, (_, i) => `big-${i}`),
    )
    // The stuck stream was dropped at one of the writes that delivered these events.
    expect(lake.server.hub.size).toBe(1)
    await stuck.readAndClose()
    reading.stop()
  })
})

/** A `/data/listen` client that reads the welcome and then nothing more. */
async function openStuckListener(query: string): Promise<{readAndClose(): Promise<void>}> {
  const url = new URL(`${lake.url}/v2025-02-19/data/listen/${DATASET}`)
  url.searchParams.set('query', query)
  let request!: ClientRequest
  const closed = new Promise<void>((resolve) => {
    request = get(url, {headers: {Authorization: `Bearer ${lake.adminToken}`}})
    request.on('close', () => resolve())
    request.on('error', () => resolve())
  })
  const response = await new Promise<IncomingMessage>((resolve) => {
    request.on('response', (res) => {
      res.once('data', () => {
        res.pause()
        resolve(res)
      })
    })
  })
  return {
    // What the lake sent before it dropped the connection, then the end.
    readAndClose() {
      response.resume()
      return closed
    },
  }
}
