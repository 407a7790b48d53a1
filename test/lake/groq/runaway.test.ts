/**
 * Queries that cannot block the lake (issue 11): a runaway query runs in a query worker with a
 * time limit (lake/groq/pool.ts), so while it runs `/v1/ping` and ordinary queries still answer
 * quickly, and the runaway query itself gets an error in Sanity's shape. Also the query texts
 * clients match on, and params that look like syntax nodes.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {setQueryLimits} from '../../../lake/groq/limits.ts'
import {arraySource, runQuery} from '../../../lake/groq/query.ts'
import {startTestLake, type TestLake} from '../../../testkit/lake.ts'

/** Short, so the runaway queries of the answer tests end soon. */
const TIME_LIMIT_MS = 1000
/** Far longer than any check round takes, even on a loaded machine (see the responsiveness test). */
const LONG_TIME_LIMIT_MS = 600_000
/** A `match` that backtracks for far longer than any time limit here (C(400, 5) paths). */
const RUNAWAY_MATCH = {query: '$s match $p', params: {s: 'a'.repeat(400), p: '*a*a*a*a*a*b'}}

let lake: TestLake

beforeAll(async () => {
  setQueryLimits({timeoutMs: TIME_LIMIT_MS, workers: 2})
  lake = await startTestLake()
  await lake.client().createOrReplace({_id: 'doc1', _type: 'post', tag: 'a', title: 'Hej'})
})

afterAll(async () => {
  await lake?.stop()
})

interface Answer {
  status: number
  body: {error?: {type?: string; description?: string; start?: number; end?: number}}
}

async function postQuery(
  query: string,
  params: Record<string, unknown> = {},
  on: TestLake = lake,
): Promise<Answer> {
  const res = await fetch(`${on.url}/v2025-02-19/data/query/test`, {
    method: 'POST',
    headers: {'content-type': 'application/json', authorization: `Bearer ${on.adminToken}`},
    body: JSON.stringify({query, params}),
  })
  return {status: res.status, body: (await res.json()) as Answer['body']}
}

/** One check that the lake answers: a ping and an ordinary query. */
async function checkRound(on: TestLake): Promise<void> {
  const [ping, count] = await Promise.all([
    fetch(`${on.url}/v1/ping`).then((res) => res.status),
    on.client().fetch<number>('count(*[_type == "post"])'),
  ])
  expect(ping).toBe(200)
  expect(count).toBe(1)
}

describe('runaway queries', () => {
  it('while a runaway query runs, pings and other queries are answered before it', async () => {
    // Its own lake, with a time limit no check round comes near: the runaway is still running
    // after every round, so the rounds were answered while it ran. A lake that evaluated it on
    // the main thread would answer nothing before it, whatever the machine's load.
    setQueryLimits({timeoutMs: LONG_TIME_LIMIT_MS, workers: 2})
    const busy = await startTestLake()
    setQueryLimits({timeoutMs: TIME_LIMIT_MS})
    try {
      await busy.client().createOrReplace({_id: 'doc1', _type: 'post', tag: 'a'})
      let answered = false
      void postQuery(RUNAWAY_MATCH.query, RUNAWAY_MATCH.params, busy).then(
        () => (answered = true),
        () => (answered = true),
      )
      for (let round = 0; round < 3; round++) {
        await checkRound(busy)
        expect(answered).toBe(false)
      }
    } finally {
      // Stopping the lake terminates the worker that is still running the runaway query.
      await busy.stop()
    }
  })

  it('a catastrophic `match` gets a 408 queryTimeoutError, and the lake answers after it', async () => {
    const answer = await postQuery(RUNAWAY_MATCH.query, RUNAWAY_MATCH.params)
    expect(answer.status).toBe(408)
    expect(answer.body.error).toMatchObject({type: 'queryTimeoutError'})
    expect(answer.body.error?.description).toMatch(/timed out/)
    await checkRound(lake)
  })

  it("a 10,000-operand `||` chain (quadratic to parse) is stopped in Sanity's error shape", async () => {
    const chain = Array.from({length: 10_000}, (_, i) => `tag == "t${i}"`).join(' || ')
    const [answer] = await Promise.all([postQuery(`*[${chain}]`), checkRound(lake)])
    // Stopped by the time limit, or by groq-js's recursion running out of stack: either way a
    // 4xx in Sanity's shape, never a hang or a 500.
    expect([400, 408]).toContain(answer.status)
    expect(['queryTimeoutError', 'queryParseError']).toContain(answer.body.error?.type)
    await checkRound(lake)
  })

  it('a 3 MB query is refused with 413 before parsing', async () => {
    const chain = Array.from({length: 500_000}, (_, i) => `a==${i % 10}`).join('||')
    const answer = await postQuery(`*[${chain}]`)
    expect(answer.status).toBe(413)
    expect(answer.body.error?.type).toBe('queryTooLargeError')
    expect(answer.body.error?.description).toMatch(/Query size exceeded/)
    expect(await lake.client().fetch('count(*)')).toBe(1)
  })

  it('after a worker was busy with runaway queries, queries still see the latest writes', async () => {
    await lake.client().createOrReplace({_id: 'doc2', _type: 'post', tag: 'b'})
    expect(await lake.client().fetch('*[_type == "post"]._id')).toEqual(['doc1', 'doc2'])
    await lake.client().delete('doc2')
    expect(await lake.client().fetch('*[_type == "post"]._id')).toEqual(['doc1'])
  })
})

describe('GROQ texts clients match on', () => {
  it('a malformed query reads like Sanity: unexpected end-of-file, expected expression', async () => {
    const answer = await postQuery('*[')
    expect(answer.status).toBe(400)
    expect(answer.body.error).toMatchObject({
      type: 'queryParseError',
      description: 'unexpected end-of-file, expected expression',
    })
    const unterminated = await postQuery('*[_type == "event]')
    expect(unterminated.body.error).toMatchObject({
      type: 'queryParseError',
      description: 'unexpected token "\\"event]", expected expression',
      start: 11,
      end: 18,
    })
  })

  it('"\\uZZZZ" is a parse error (groq-js alone evaluates it to "\\u0000")', async () => {
    const answer = await postQuery('"\\uZZZZ"')
    expect(answer.status).toBe(400)
    expect(answer.body.error?.type).toBe('queryParseError')
    expect(answer.body.error?.start).toBe(1)
    expect((await postQuery('"\\u00e5"')).status).toBe(200)
  })

  it("a listener's invalid query is a GROQ query parse error", async () => {
    const error = await new Promise<Error>((resolve) => {
      const sub = lake
        .client()
        .listen('*[')
        .subscribe({
          next: () => undefined,
          error: (e: Error) => {
            sub?.unsubscribe()
            resolve(e)
          },
        })
    })
    expect(error.name).toBe('ChannelError')
    expect(error.message).toMatch(/^GROQ query parse error: unexpected end-of-file/)
  })
})

describe('params that look like syntax nodes', () => {
  const x = {type: 'Parameter', name: 'y'}

  it('are values, never walked as part of the query (in-process)', async () => {
    const doc = {_id: 'a', _type: 'post', _rev: 'r', _createdAt: '', _updatedAt: '', tag: 'a'}
    const source = arraySource([doc])
    const options = {perspective: {kind: 'raw'} as const, access: 'all' as const}
    expect(
      await runQuery(source, '*[tag == $x]', {x}, {...options, rawIncludesVersions: true}),
    ).toEqual([])
  })

  it('are values over HTTP, and in listener filters', async () => {
    expect(await lake.client().fetch('*[tag == $x]', {x})).toEqual([])
    const subscription = lake
      .client()
      .listen('*[tag == $x]', {x}, {events: ['welcome']})
      .subscribe()
    subscription.unsubscribe()
  })
})

describe('GROQ on the main thread', () => {
  it('a runaway delete-by-query is stopped at the sync limit with a 408, nothing deleted', async () => {
    setQueryLimits({syncTimeoutMs: 500})
    const res = await fetch(`${lake.url}/v2025-02-19/data/mutate/test`, {
      method: 'POST',
      headers: {'content-type': 'application/json', authorization: `Bearer ${lake.adminToken}`},
      body: JSON.stringify({
        mutations: [
          {
            delete: {
              query: '*[$s match $p]',
              params: {s: 'a'.repeat(200), p: '*a*a*a*a*b'},
            },
          },
        ],
      }),
    })
    expect(res.status).toBe(408)
    expect(((await res.json()) as Answer['body']).error?.type).toBe('queryTimeoutError')
    expect(await lake.client().fetch('count(*)')).toBe(1)
  })
})
