import type {MutationEvent, SanityClient} from '@sanity/client'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {startTestLake, type TestLake} from '../../../testkit/lake.ts'

let lake: TestLake

beforeAll(async () => {
  lake = await startTestLake()
  await lake.client({dataset: 'live'}).create({_id: 'seed', _type: 'seed'})
})
afterAll(async () => {
  await lake?.stop()
})

type Received = {type: string; [key: string]: unknown}

/** Subscribes and resolves once `welcome` arrived; `next(n)` awaits the n-th following event. */
async function listen(
  client: SanityClient,
  query: string,
  params: Record<string, unknown> = {},
  options: Record<string, unknown> = {},
) {
  const events: Received[] = []
  const waiters: Array<{count: number; resolve: () => void}> = []
  let welcomed: () => void = () => undefined
  const welcome = new Promise<void>((resolve) => {
    welcomed = resolve
  })
  const subscription = client
    .listen(query, params, {events: ['welcome', 'mutation', 'channelError'], ...options} as never)
    .subscribe({
      next: (event) => {
        const e = event as Received
        if (e.type === 'welcome') welcomed()
        else events.push(e)
        for (const waiter of [...waiters]) {
          if (events.length >= waiter.count) {
            waiters.splice(waiters.indexOf(waiter), 1)
            waiter.resolve()
          }
        }
      },
      error: (error: unknown) => {
        events.push({type: 'error', error})
        for (const waiter of waiters.splice(0)) waiter.resolve()
      },
    })
  await welcome
  return {
    events,
    until(count: number) {
      if (events.length >= count) return Promise.resolve(events)
      return new Promise<Received[]>((resolve) =>
        waiters.push({count, resolve: () => resolve(events)}),
      )
    },
    stop: () => subscription.unsubscribe(),
  }
}

describe('listen', () => {
  it('sends welcome, then appear / update / disappear', async () => {
    const client = lake.client({dataset: 'live'})
    const listener = await listen(client, '*[_type == "post" && published == true]')
    await client.create({_id: 'p1', _type: 'post', published: true, title: 'one'})
    await client.patch('p1').set({title: 'two'}).commit()
    await client.patch('p1').set({published: false}).commit()
    await client.create({_id: 'other', _type: 'other'})
    await client.create({_id: 'p2', _type: 'post', published: true})
    const events = (await listener.until(4)) as unknown as MutationEvent[]
    listener.stop()
    expect(events.map((e) => [e.documentId, e.transition])).toEqual([
      ['p1', 'appear'],
      ['p1', 'update'],
      ['p1', 'disappear'],
      ['p2', 'appear'],
    ])
    expect(events[0]).not.toHaveProperty('previousRev')
    expect(events[1].previousRev).toBe(events[0].resultRev)
    expect(events[1].result).toMatchObject({title: 'two'})
    expect(events[0].identity).toMatch(/^p-/)
  })

  it('a publish action gives the pair listener 2 events with transactionTotalEvents 2', async () => {
    const client = lake.client({dataset: 'live'})
    await client.create({_id: 'drafts.pub', _type: 'article', title: 'draft'})
    const listener = await listen(
      client,
      '*[_id in [$id, $draft]]',
      {id: 'pub', draft: 'drafts.pub'},
      {includeAllVersions: true, effectFormat: 'mendoza'},
    )
    await client.action({
      actionType: 'sanity.action.document.publish',
      draftId: 'drafts.pub',
      publishedId: 'pub',
    })
    const events = (await listener.until(2)) as unknown as MutationEvent[]
    listener.stop()
    expect(events).toHaveLength(2)
    expect(events.map((e) => e.transactionTotalEvents)).toEqual([2, 2])
    expect(events.map((e) => e.transactionCurrentEvent).sort()).toEqual([1, 2])
    expect(new Set(events.map((e) => e.documentId))).toEqual(new Set(['pub', 'drafts.pub']))
    expect(events[0].transactionId).toBe(events[1].transactionId)
  })

  it('anonymous listeners never see dotted ids', async () => {
    const client = lake.client({dataset: 'live'})
    const anon = await listen(
      lake.client({dataset: 'live', token: null}),
      '*[_type == "secretive"]',
      {},
      {
        includeAllVersions: true,
      },
    )
    await client.create({_id: 'drafts.s1', _type: 'secretive'})
    await client.create({_id: 's1', _type: 'secretive'})
    const events = (await anon.until(1)) as unknown as MutationEvent[]
    anon.stop()
    expect(events.map((e) => e.documentId)).toEqual(['s1'])
  })

  it('a bad query gives a channelError', async () => {
    const client = lake.client({dataset: 'live'})
    const error = await new Promise<unknown>((resolve) => {
      const sub = client.listen('*[', {}).subscribe({
        next: () => undefined,
        error: (e: unknown) => {
          sub?.unsubscribe()
          resolve(e)
        },
      })
    })
    expect((error as Error).name).toBe('ChannelError')
  })

  it('unsubscribing removes the listener from the hub', async () => {
    const client = lake.client({dataset: 'live'})
    const before = lake.server.hub.size
    const listener = await listen(client, '*')
    expect(lake.server.hub.size).toBe(before + 1)
    listener.stop()
    await expect.poll(() => lake.server.hub.size).toBe(before)
  })
})
