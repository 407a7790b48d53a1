/**
 * The Live Content API against a real lake through @sanity/client's `client.live.events()`:
 * welcome, one message per commit carrying the tags of the documents it touched, sync tags on
 * query responses that match exactly the commits that change what the query read, resume from
 * `Last-Event-ID` (after a server-side `goaway`) or `restart`, and drafts only with a token.
 */
import type {LiveEvent, SanityClient} from '@sanity/client'
import {EventSource} from 'eventsource'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {changeTags, syncTag} from '../../../lake/realtime/liveTags.ts'
import {startTestLake, type TestLake} from '../../../testkit/lake.ts'

const DATASET = 'livecontent'
let lake: TestLake
let editor: SanityClient

beforeAll(async () => {
  lake = await startTestLake()
  editor = lake.client({dataset: DATASET})
  await editor
    .transaction()
    .create({_id: 'city-a', _type: 'city', name: 'A-stad', slug: {_type: 'slug', current: 'a'}})
    .create({_id: 'city-b', _type: 'city', name: 'B-stad', slug: {_type: 'slug', current: 'b'}})
    .create({_id: 'person-1', _type: 'person', name: 'Anna'})
    .create({
      _id: 'interview-1',
      _type: 'interview',
      title: 'Om A',
      slug: {_type: 'slug', current: 'om-a'},
      city: {_type: 'reference', _ref: 'city-a'},
    })
    .commit()
})
afterAll(async () => {
  await lake?.stop()
})

/** Collects a stream's events; `next(predicate)` resolves with the first matching one not yet taken. */
function collect<T>(
  subscribe: (next: (event: T) => void, fail: (error: unknown) => void) => () => void,
) {
  const events: T[] = []
  let taken = 0
  let failure: unknown
  const waiters: Array<() => void> = []
  const wake = () => waiters.splice(0).forEach((resolve) => resolve())
  const stop = subscribe(
    (event) => {
      events.push(event)
      wake()
    },
    (error) => {
      failure = error
      wake()
    },
  )
  function next<S extends T>(predicate: (event: T) => event is S): Promise<S>
  function next(predicate?: (event: T) => boolean): Promise<T>
  async function next(predicate: (event: T) => boolean = () => true): Promise<T> {
    for (;;) {
      if (failure !== undefined) throw failure
      while (taken < events.length) {
        const event = events[taken++]
        if (predicate(event)) return event
      }
      await new Promise<void>((resolve) => waiters.push(resolve))
    }
  }
  return {events, stop, next}
}

function liveEvents(client: SanityClient, options: {includeDrafts?: boolean} = {}) {
  return collect<LiveEvent>((next, fail) => {
    const subscription = client.live.events(options).subscribe({next, error: fail})
    return () => subscription.unsubscribe()
  })
}

/** A raw EventSource (the one @sanity/client uses), for headers the client sets only itself. */
function rawEvents(path: string, headers: Record<string, string>) {
  return collect<{type: string; id: string; data: unknown}>((next, fail) => {
    const source = new EventSource(`${lake.url}${path}`, {
      fetch: (url, init) => fetch(url, {...init, headers: {...init?.headers, ...headers}}),
    })
    for (const type of [
      'welcome',
      'message',
      'restart',
      'goaway',
      'welcomeback',
      'reset',
      'mutation',
    ]) {
      source.addEventListener(type, (event) =>
        next({type, id: event.lastEventId, data: JSON.parse(event.data)}),
      )
    }
    source.onerror = (error) => fail(error)
    return () => source.close()
  })
}

const isMessage = (event: LiveEvent): event is Extract<LiveEvent, {type: 'message'}> =>
  event.type === 'message'

async function fetchTags(
  client: SanityClient,
  query: string,
  params: Record<string, unknown> = {},
) {
  const response = await client.fetch(query, params, {filterResponse: false})
  return response.syncTags ?? []
}

describe('live events', () => {
  it('welcomes, then sends a message per commit with the tags of what it touched', async () => {
    const reader = lake.client({dataset: DATASET, token: null, apiVersion: 'X'})
    const stream = liveEvents(reader)
    expect((await stream.next()).type).toBe('welcome')

    const tx = await editor.patch('city-a').set({name: 'A-staden'}).commit()
    const message = await stream.next(isMessage)
    stream.stop()
    expect(message.id).toBe(tx._rev)
    expect(message.tags).toEqual(
      changeTags(DATASET, [{id: 'city-a', before: null, after: tx as never}]),
    )
    expect(message.tags).toContain(syncTag(DATASET, 'id', 'city-a'))
    expect(message.tags).toContain(syncTag(DATASET, 'type', 'city'))
    expect(message.tags).toContain(syncTag(DATASET, 'slug', 'a'))
  })

  it('a page is told to reload exactly when something it read changed', async () => {
    const reader = lake.client({dataset: DATASET, token: null})
    const query = '*[_type == "interview" && slug.current == $slug][0]{title, "city": city->name}'
    const pageTags = await fetchTags(reader, query, {slug: 'om-a'})
    expect(pageTags).toEqual(
      [syncTag(DATASET, 'slug', 'om-a'), syncTag(DATASET, 'id', 'city-a')].sort(),
    )
    const stream = liveEvents(reader)
    await stream.next((e) => e.type === 'welcome')
    const overlaps = async () => {
      const message = await stream.next(isMessage)
      return message.tags.some((tag) => pageTags.includes(tag))
    }
    await editor.patch('city-b').set({name: 'B-staden'}).commit()
    expect(await overlaps()).toBe(false)
    await editor.patch('person-1').set({name: 'Anna A'}).commit()
    expect(await overlaps()).toBe(false)
    await editor.patch('city-a').set({name: 'A-city'}).commit()
    expect(await overlaps()).toBe(true)
    await editor.patch('interview-1').set({title: 'Om A igen'}).commit()
    expect(await overlaps()).toBe(true)
    // A new interview taking the slug the page asks for.
    await editor.create({
      _id: 'interview-2',
      _type: 'interview',
      slug: {_type: 'slug', current: 'om-a'},
    })
    expect(await overlaps()).toBe(true)
    stream.stop()
  })

  it('lists per-type, per-id and dataset-wide tags as the query narrows its *', async () => {
    const reader = lake.client({dataset: DATASET, token: null})
    expect(await fetchTags(reader, '*[_type == "city"]{name}')).toEqual([
      syncTag(DATASET, 'type', 'city'),
    ])
    expect(await fetchTags(reader, '*[_id in ["city-a", "city-b"]]')).toEqual(
      [syncTag(DATASET, 'id', 'city-a'), syncTag(DATASET, 'id', 'city-b')].sort(),
    )
    expect(await fetchTags(reader, '*[name match "A*"]')).toEqual([syncTag(DATASET, 'dataset')])
    // A type change invalidates both types.
    expect(
      changeTags(DATASET, [
        {id: 'x', before: {_type: 'city'} as never, after: {_type: 'organization'} as never},
      ]),
    ).toEqual(
      [
        syncTag(DATASET, 'dataset'),
        syncTag(DATASET, 'id', 'x'),
        syncTag(DATASET, 'type', 'city'),
        syncTag(DATASET, 'type', 'organization'),
      ].sort(),
    )
  })

  it('accepts lastLiveEventId, tag and waitFor', async () => {
    const tx = await editor.patch('person-1').set({role: 'Ordförande'}).commit()
    const reader = lake.client({dataset: DATASET, token: null})
    const result = await reader.fetch(
      '*[_id == "person-1"][0].role',
      {},
      {lastLiveEventId: tx._rev, tag: 'page'},
    )
    expect(result).toBe('Ordförande')
    const stream = liveEvents(lake.client({dataset: DATASET, token: null}))
    const tagged = reader.live.events({tag: 'site', waitFor: 'function'})
    const welcome = await new Promise<LiveEvent>((resolve, reject) => {
      const subscription = tagged.subscribe({
        next: (event) => {
          subscription.unsubscribe()
          resolve(event)
        },
        error: reject,
      })
    })
    stream.stop()
    expect(welcome.type).toBe('welcome')
  })

  it('resumes after the server closes the stream with goaway, replaying what was missed', async () => {
    const stream = liveEvents(lake.client({dataset: DATASET, token: null}))
    await stream.next((e) => e.type === 'welcome')
    const first = await editor.patch('city-b').set({county: 'Län 1'}).commit()
    expect((await stream.next(isMessage)).id).toBe(first._rev)
    // The lake closes every stream (as at shutdown): the client gets goaway and reconnects.
    for (const open of [...lake.server.streams]) open.close()
    const goaway = await stream.next((e) => e.type === 'goaway')
    expect(goaway).toMatchObject({type: 'goaway', id: first._rev})
    const missed = await editor.patch('city-b').set({county: 'Län 2'}).commit()
    const replayed = await stream.next(isMessage)
    stream.stop()
    expect(replayed.id).toBe(missed._rev)
    expect(replayed.tags).toContain(syncTag(DATASET, 'id', 'city-b'))
  })

  it('answers restart to an id the log does not know', async () => {
    const latest = await editor.patch('city-b').set({county: 'Län 3'}).commit()
    const raw = rawEvents(`/vX/data/live/events/${DATASET}`, {
      'Last-Event-ID': 'no-such-transaction',
    })
    expect((await raw.next()).type).toBe('welcome')
    const restart = await raw.next()
    raw.stop()
    expect(restart).toMatchObject({type: 'restart', id: latest._rev})
  })

  it('replays from a Last-Event-ID in the log, and only the published changes', async () => {
    const from = await editor.patch('city-a').set({county: 'X'}).commit()
    await editor.create({_id: 'drafts.city-a', _type: 'city', name: 'Utkast'})
    const published = await editor.patch('city-b').set({county: 'Y'}).commit()
    const raw = rawEvents(`/vX/data/live/events/${DATASET}`, {'Last-Event-ID': from._rev})
    expect((await raw.next()).type).toBe('welcome')
    const message = await raw.next()
    raw.stop()
    // The draft-only transaction is invisible without includeDrafts.
    expect(message).toMatchObject({type: 'message', id: published._rev})
    expect((message.data as {tags: string[]}).tags).toContain(syncTag(DATASET, 'id', 'city-b'))
  })

  it('sends draft changes only with includeDrafts, which needs a token', async () => {
    const anonymous = lake.client({dataset: DATASET, token: null})
    expect(() => anonymous.live.events({includeDrafts: true})).toThrow(/token/)
    const raw = rawEvents(`/vX/data/live/events/${DATASET}?includeDrafts=true`, {})
    await expect(raw.next()).rejects.toMatchObject({code: 401})
    raw.stop()

    const viewer = lake.client({dataset: DATASET, token: lake.createToken('viewer')})
    const drafts = liveEvents(viewer, {includeDrafts: true})
    const published = liveEvents(anonymous)
    await drafts.next((e) => e.type === 'welcome')
    await published.next((e) => e.type === 'welcome')
    const draft = await editor.createOrReplace({
      _id: 'drafts.person-1',
      _type: 'person',
      name: 'Utkast',
    })
    const draftMessage = await drafts.next(isMessage)
    expect(draftMessage.id).toBe(draft._rev)
    // Drafts fold onto the published id: the draft preview's tags are the published page's tags.
    expect(draftMessage.tags).toContain(syncTag(DATASET, 'id', 'person-1'))
    const marker = await editor.patch('person-1').set({role: 'Ledamot'}).commit()
    const publishedMessage = await published.next(isMessage)
    expect(publishedMessage.id).toBe(marker._rev)
    drafts.stop()
    published.stop()
  })

  it('answers a bulk transaction (over 500 documents) with restart instead of its tags', async () => {
    const stream = liveEvents(lake.client({dataset: DATASET, token: null}))
    await stream.next((e) => e.type === 'welcome')
    const bulk = editor.transaction()
    for (let i = 0; i < 501; i++) bulk.create({_id: `bulk-${i}`, _type: 'bulk'})
    const tx = await bulk.commit()
    const restart = await stream.next((e) => e.type !== 'reconnect')
    stream.stop()
    expect(restart).toMatchObject({type: 'restart', id: tx.transactionId})
  })

  it('rejects unknown datasets and bad waitFor values with an HTTP error', async () => {
    const missing = await fetch(`${lake.url}/vX/data/live/events/nope`)
    expect(missing.status).toBe(404)
    const badWaitFor = await fetch(`${lake.url}/vX/data/live/events/${DATASET}?waitFor=later`)
    expect(badWaitFor.status).toBe(400)
    expect(await badWaitFor.json()).toMatchObject({message: expect.stringContaining('waitFor')})
  })
})
