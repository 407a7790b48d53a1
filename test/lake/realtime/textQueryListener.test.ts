/**
 * A listener whose filter uses `text::query()` (rewritten by lake/groq/textQuery.ts, as for
 * queries) gets events only for documents the search matches; a misused `text::query()` is a
 * 400 queryExecutionError when the listener is compiled.
 */
import type {MutationEvent} from '@sanity/client'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {compileListenerFilter} from '../../../lake/realtime/listeners.ts'
import {LakeError} from '../../../lake/core/errors.ts'
import {startTestLake, type TestLake} from '../../../testkit/lake.ts'

let lake: TestLake
beforeAll(async () => {
  lake = await startTestLake()
  // Creates the dataset the listener opens.
  await lake.client().create({_id: 'seed', _type: 'seed'})
})
afterAll(async () => {
  await lake?.stop()
})

describe('text::query() in listener filters', () => {
  it('delivers only the documents the search matches', async () => {
    const client = lake.client()
    const received: string[] = []
    let wake: () => void = () => undefined
    let fail: (error: unknown) => void = () => undefined
    const subscription = client
      .listen(
        '*[_type == "place" && [@, _id] match text::query($q)]',
        {q: 'söder* -hamn'},
        {events: ['welcome', 'mutation']},
      )
      .subscribe({
        next: (event) => {
          if (event.type === 'welcome') received.push('welcome')
          else if (event.type === 'mutation') received.push((event as MutationEvent).documentId)
          wake()
        },
        error: (error: unknown) => fail(error),
      })
    const next = () =>
      new Promise<void>((resolve, reject) => {
        wake = resolve
        fail = reject
      })
    try {
      await next()
      expect(received).toEqual(['welcome'])
      // Commit order: the non-matching writes come first, so the first event must be p3's.
      await client.create({_id: 'p1', _type: 'place', title: 'Norrtälje'})
      await client.create({_id: 'p2', _type: 'place', title: 'Södra hamn', body: 'Söderort'})
      const event = next()
      await client.create({_id: 'p3', _type: 'place', title: 'Södertälje', body: 'kommun'})
      await event
      expect(received).toEqual(['welcome', 'p3'])
    } finally {
      subscription.unsubscribe()
    }
  })

  it('rejects text::query() outside match as a 400 queryExecutionError', () => {
    const query = '*[_type == "place" && text::query($q)]'
    let error: unknown
    try {
      compileListenerFilter(query, {q: 'x'})
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(LakeError)
    expect((error as LakeError).status).toBe(400)
    expect((error as LakeError).body).toMatchObject({error: {type: 'queryExecutionError', query}})
  })
})
