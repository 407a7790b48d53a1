/**
 * A revoked token ends the streams opened with it (lake/auth/openStreams.ts): listeners (SSE, with
 * `disconnect`), the live events stream and presence sockets, whether the token is revoked by this
 * lake (logout) or by another process (`lake:token revoke` against the running lake's folder).
 * Anonymous streams and streams of other tokens go on.
 */
import {spawn} from 'node:child_process'
import {join} from 'node:path'
import type {SanityClient} from '@sanity/client'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {WebSocket} from 'ws'
import {hashToken, registerToken} from '../../../lake/auth/auth.ts'
import {issueLoginToken} from '../../../lake/auth/users.ts'
import {
  SOCKET_CLOSE_ROLE_CHANGED,
  SOCKET_CLOSE_TOKEN_REVOKED,
} from '../../../lake/http/routes/socket.ts'
import {startTestLake, type TestLake} from '../../../testkit/lake.ts'

const MAIN = join(import.meta.dirname, '..', '..', '..', 'lake', 'main.ts')
const DATASET = 'revocation'

let lake: TestLake
let admin: SanityClient
beforeAll(async () => {
  lake = await startTestLake()
  admin = lake.client({dataset: DATASET})
  await admin.create({_id: 'page', _type: 'page', title: 'Start'})
})
afterAll(async () => {
  await lake.stop()
})

interface ServerEvent {
  event: string
  data: unknown
}

/** A raw SSE stream: its events in order, and whether the server ended the response. */
function rawStream(path: string, token: string | null) {
  const events: ServerEvent[] = []
  const waiters: Array<() => void> = []
  const controller = new AbortController()
  const wake = () => waiters.splice(0).forEach((resolve) => resolve())
  const headers: Record<string, string> = token ? {Authorization: `Bearer ${token}`} : {}
  const ended = (async () => {
    const res = await fetch(`${lake.url}${path}`, {headers, signal: controller.signal})
    const decoder = new TextDecoder()
    let buffer = ''
    if (!res.body) throw new Error(`no body (status ${res.status})`)
    const reader = res.body.getReader()
    for (;;) {
      const {done: finished, value} = await reader.read()
      if (finished) break
      buffer += decoder.decode(value, {stream: true})
      let end: number
      while ((end = buffer.indexOf('\n\n')) !== -1) {
        const block = buffer.slice(0, end)
        buffer = buffer.slice(end + 2)
        const event = /^event: (.*)$/m.exec(block)?.[1]
        const data = /^data: (.*)$/m.exec(block)?.[1]
        if (event) events.push({event, data: data === undefined ? null : JSON.parse(data)})
      }
      wake()
    }
  })().finally(wake)
  let done = false
  void ended.then(
    () => (done = true),
    () => (done = true),
  )
  return {
    events,
    ended,
    /** Resolves once an event named `name` has arrived (rejects when the stream ended first). */
    async until(name: string): Promise<ServerEvent> {
      for (;;) {
        const found = events.find((e) => e.event === name)
        if (found) return found
        if (done) throw new Error(`stream ended without "${name}": ${JSON.stringify(events)}`)
        await new Promise<void>((resolve) => waiters.push(resolve))
      }
    },
    stop: () => controller.abort(),
  }
}

const listenPath = `/v2025-02-19/data/listen/${DATASET}?query=${encodeURIComponent('*[_type == "page"]')}`
const livePath = `/vX/data/live/events/${DATASET}`

function tokenIdOf(token: string): string {
  const record = lake.server.storage.tokenByHash(hashToken(token))
  if (!record) throw new Error('unknown token')
  return record.id
}

describe('revoking a token ends its open streams', () => {
  it('logout ends the listener (disconnect) and live stream of that token; others go on', async () => {
    const {token} = issueLoginToken(lake.server.storage, 'editor', 'Ada')
    const other = lake.createToken('editor')
    const mine = rawStream(listenPath, token)
    const mineLive = rawStream(livePath, token)
    const others = rawStream(listenPath, other)
    const anonymous = rawStream(listenPath, null)
    const anonymousLive = rawStream(livePath, null)
    await Promise.all([
      mine.until('welcome'),
      mineLive.until('welcome'),
      others.until('welcome'),
      anonymous.until('welcome'),
      anonymousLive.until('welcome'),
    ])

    const logout = await fetch(`${lake.url}/v1/auth/logout`, {
      method: 'POST',
      headers: {Authorization: `Bearer ${token}`},
    })
    expect(logout.status).toBe(200)

    expect((await mine.until('disconnect')).data).toEqual({
      reason: 'The token this stream was opened with has been revoked',
    })
    await mine.ended
    expect((await mineLive.until('disconnect')).data).toMatchObject({reason: expect.any(String)})
    await mineLive.ended
    expect(mine.events.map((e) => e.event)).toEqual(['welcome', 'disconnect'])

    // The other streams still get the next change.
    await admin.patch('page').set({title: 'Ändrad'}).commit()
    await Promise.all([
      others.until('mutation'),
      anonymous.until('mutation'),
      anonymousLive.until('message'),
    ])
    others.stop()
    anonymous.stop()
    anonymousLive.stop()
  })

  it('@sanity/client sees a DisconnectError and does not reconnect', async () => {
    const {token} = issueLoginToken(lake.server.storage, 'editor', 'Bo')
    const client = lake.client({dataset: DATASET, token})
    const failure = new Promise<Error>((resolve, reject) => {
      const subscription = client
        .listen('*[_type == "page"]', {}, {events: ['welcome', 'mutation']})
        .subscribe({
          next: (event) => {
            if (event.type !== 'welcome') return
            void fetch(`${lake.url}/v1/auth/logout`, {
              method: 'POST',
              headers: {Authorization: `Bearer ${token}`},
            }).catch(reject)
          },
          error: (error: Error) => {
            subscription.unsubscribe()
            resolve(error)
          },
        })
    })
    const error = await failure
    expect(error.name).toBe('DisconnectError')
    expect(error.message).toContain('revoked')
  })

  it('a revocation by another process (lake:token revoke) ends the streams within the poll', async () => {
    const token = lake.createToken('viewer')
    const id = tokenIdOf(token)
    const stream = rawStream(listenPath, token)
    const live = rawStream(livePath, token)
    await Promise.all([stream.until('welcome'), live.until('welcome')])
    // The CLI writes to the running lake's database from its own process.
    // Not spawnSync: the lake in this process keeps serving while the command runs.
    const child = spawn(process.execPath, [MAIN, 'token', 'revoke', id, '--data', lake.dataDir])
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const status = await new Promise<number | null>((resolve) => child.once('exit', resolve))
    expect(stderr).toBe('')
    expect(status).toBe(0)
    await stream.until('disconnect')
    await stream.ended
    await live.until('disconnect')
    await live.ended
  })

  it('a changed role ends the stream without disconnect, so the client reconnects', async () => {
    const token = lake.createToken('editor')
    const stream = rawStream(listenPath, token)
    await stream.until('welcome')
    registerToken(lake.server.storage, 'viewer', {token})
    await stream.ended
    expect(stream.events.map((e) => e.event)).toEqual(['welcome'])
    // Reconnecting with the same token works, now as a viewer.
    const again = rawStream(listenPath, token)
    await again.until('welcome')
    again.stop()
  })

  it('closes a presence socket with 4001 when its token is revoked, 1012 on a role change', async () => {
    const open = async (token: string) => {
      const ws = new WebSocket(`${lake.url.replace('http', 'ws')}/v1/socket/${DATASET}`)
      await new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve())
        ws.once('error', reject)
      })
      const authorised = new Promise<unknown>((resolve) =>
        ws.once('message', (data) => resolve(JSON.parse(data.toString()))),
      )
      ws.send(
        JSON.stringify({
          jsonrpc: '2.0',
          id: 1,
          method: 'authorization',
          params: {authorization: `Bearer ${token}`},
        }),
      )
      expect(await authorised).toMatchObject({id: 1, result: {}})
      const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)))
      return {ws, closed}
    }
    const revokedToken = lake.createToken('editor')
    const reRoledToken = lake.createToken('editor')
    const keptToken = lake.createToken('editor')
    const revoked = await open(revokedToken)
    const reRoled = await open(reRoledToken)
    const kept = await open(keptToken)

    lake.server.storage.deleteToken(tokenIdOf(revokedToken))
    registerToken(lake.server.storage, 'viewer', {token: reRoledToken})
    expect(await revoked.closed).toBe(SOCKET_CLOSE_TOKEN_REVOKED)
    expect(await reRoled.closed).toBe(SOCKET_CLOSE_ROLE_CHANGED)
    expect(kept.ws.readyState).toBe(WebSocket.OPEN)
    kept.ws.close()
    await kept.closed
  })
})
