/**
 * New connections under load (issue 11 "Stalls under load"). Node accepts at most one new
 * connection per event-loop iteration; when one iteration ran the work of every ready request,
 * a burst of new clients was accepted one long iteration apart (5–30 s for the last ones in the
 * load benchmark). lake/http/turns.ts runs one request's work per iteration instead.
 *
 * Here ten established connections keep the main thread busy with mutations that each cost
 * 150 ms of GROQ (a delete-by-query stopped at the sync time limit, so nothing is written); five
 * new connections must then each get a ping answered within a bound set by the queue, not by
 * the number of connections opened before them.
 */
import {Agent, request} from 'node:http'
import {afterAll, beforeAll, expect, it} from 'vitest'
import {setQueryLimits} from '../../../lake/groq/limits.ts'
import {startTestLake, type TestLake} from '../../../testkit/lake.ts'

const BUSY_CLIENTS = 10
const WORK_MS = 150
const NEW_CONNECTIONS = 5

let lake: TestLake

beforeAll(async () => {
  setQueryLimits({syncTimeoutMs: WORK_MS})
  lake = await startTestLake()
  await lake.client().createOrReplace({_id: 'keep', _type: 'post'})
})

afterAll(async () => {
  await lake?.stop()
})

function send(
  path: string,
  options: {agent: Agent | false; method?: string; body?: string},
): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${lake.url}${path}`,
      {
        agent: options.agent,
        method: options.method ?? 'GET',
        headers: {
          authorization: `Bearer ${lake.adminToken}`,
          ...(options.body ? {'content-type': 'application/json'} : {}),
        },
      },
      (res) => {
        res.resume()
        res.on('end', () => resolve(res.statusCode ?? 0))
      },
    )
    req.on('error', reject)
    req.end(options.body)
  })
}

const slowMutation = JSON.stringify({
  mutations: [{delete: {query: '*[$s match $p]', params: {s: 'a'.repeat(200), p: '*a*a*a*a*b'}}}],
})

it('new connections are answered promptly while established ones keep the lake busy', async () => {
  const agent = new Agent({keepAlive: true, maxSockets: BUSY_CLIENTS})
  // Establish the busy connections first.
  await Promise.all(Array.from({length: BUSY_CLIENTS}, () => send('/v1/ping', {agent})))
  let stop = false
  const busy = Array.from({length: BUSY_CLIENTS}, async () => {
    while (!stop) {
      const status = await send('/v2025-02-19/data/mutate/test', {
        agent,
        method: 'POST',
        body: slowMutation,
      })
      expect(status).toBe(408)
    }
  })
  // Let the load settle into a steady state (every busy client has a request queued).
  await Promise.all(
    Array.from({length: BUSY_CLIENTS}, () =>
      send('/v2025-02-19/data/mutate/test', {agent, method: 'POST', body: slowMutation}),
    ),
  )
  const started = performance.now()
  const waits = await Promise.all(
    Array.from({length: NEW_CONNECTIONS}, async () => {
      expect(await send('/v1/ping', {agent: false})).toBe(200)
      return performance.now() - started
    }),
  )
  stop = true
  await Promise.all(busy)
  agent.destroy()
  // The queue holds at most one piece of work per busy client ahead of a new request
  // (10 × 150 ms); one connection per batch would make the fifth wait 5 batches (≥ 7 s).
  expect(Math.max(...waits)).toBeLessThan(BUSY_CLIENTS * WORK_MS * 2.5)
  expect(await lake.client().fetch('count(*)')).toBe(1)
}, 30_000)
