/**
 * Presence over the bifur socket (studio-offline §6.5): real lakes, real WebSockets (`ws`), on the
 * plain listener and over TLS as the Studio uses it.
 */
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {WebSocket} from 'ws'
import {generateToken} from '../../../lake/auth/auth.ts'
import {createLakeServer, type LakeServer} from '../../../lake/http/server.ts'
import {startTestLake, type TestLake} from '../../../testkit/lake.ts'

let lake: TestLake
beforeAll(async () => {
  lake = await startTestLake()
  await lake.client({dataset: 'production'}).create({_id: 'seed', _type: 'seed'})
})
afterAll(async () => {
  await lake.stop()
})

interface Frame {
  id?: string | number | null
  result?: unknown
  error?: {code: number; message: string}
  method?: string
  params?: {subscription: string; result: Record<string, unknown>}
}

/** A socket with a queue of received frames, so a test can await the next one. */
class Client {
  readonly frames: Frame[] = []
  readonly ws: WebSocket
  readonly #waiters: Array<() => void> = []
  #nextId = 1

  constructor(ws: WebSocket) {
    this.ws = ws
    ws.on('message', (data) => {
      this.frames.push(JSON.parse(data.toString()) as Frame)
      this.#waiters.splice(0).forEach((wake) => wake())
    })
  }

  static async open(url: string, options: {ca?: string} = {}): Promise<Client> {
    const ws = new WebSocket(url, {ca: options.ca})
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve())
      ws.once('error', reject)
    })
    return new Client(ws)
  }

  /** The next frame matching `predicate`, removed from the queue. */
  async next(predicate: (frame: Frame) => boolean = () => true): Promise<Frame> {
    for (;;) {
      const index = this.frames.findIndex(predicate)
      if (index !== -1) return this.frames.splice(index, 1)[0]
      await new Promise<void>((wake) => this.#waiters.push(wake))
    }
  }

  async call(method: string, params: unknown): Promise<Frame> {
    const id = String(this.#nextId++)
    this.ws.send(JSON.stringify({jsonrpc: '2.0', method, params, id}))
    return this.next((frame) => frame.id === id)
  }

  /** Authorises and subscribes; resolves with the subscription id. */
  async join(token: string): Promise<string> {
    expect((await this.call('authorization', {authorization: `Bearer ${token}`})).result).toEqual(
      {},
    )
    const subscribed = await this.call('presence_subscribe', [])
    expect(typeof subscribed.result).toBe('string')
    return subscribed.result as string
  }

  pushed(): Promise<Frame> {
    return this.next((frame) => frame.method === 'presence_subscription')
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.ws.once('close', () => resolve())
      this.ws.close()
    })
  }
}

async function identityOf(token: string): Promise<string> {
  const me = await fetch(`${lake.url}/v2025-02-19/users/me`, {
    headers: {Authorization: `Bearer ${token}`},
  })
  return ((await me.json()) as {id: string}).id
}

const socketUrl = () =>
  `${lake.url.replace('http:', 'ws:')}/v2022-06-30/socket/production?tag=sanity.studio`

describe('presence socket', () => {
  it('fans announcements, roll calls and disconnects out to the other editors', async () => {
    const annaToken = lake.createToken('editor')
    const boToken = lake.createToken('editor')
    const anna = await Client.open(socketUrl())
    const bo = await Client.open(socketUrl())
    const annaSubscription = await anna.join(annaToken)
    await bo.join(boToken)
    const boId = await identityOf(boToken)

    const locations = [
      {type: 'document', documentId: 'interview-1', path: ['title'], lastActiveAt: 'now'},
    ]
    const announced = await bo.call('presence_announce', {data: {sessionId: 'bo-1', locations}})
    expect(announced.error).toBeUndefined()
    expect(await anna.pushed()).toEqual({
      jsonrpc: '2.0',
      method: 'presence_subscription',
      params: {
        subscription: annaSubscription,
        result: {type: 'state', i: boId, m: {sessionId: 'bo-1', locations}},
      },
    })

    await anna.call('presence_rollcall', {session: 'anna-1'})
    const annaId = await identityOf(annaToken)
    expect((await bo.pushed()).params?.result).toEqual({
      type: 'rollCall',
      i: annaId,
      session: 'anna-1',
    })

    // Closing Bo's socket disconnects the session he announced.
    await bo.close()
    expect((await anna.pushed()).params?.result).toEqual({
      type: 'disconnect',
      i: boId,
      m: {session: 'bo-1'},
    })
    // Nobody echoes Anna's own calls back to her.
    expect(anna.frames).toEqual([])
    await anna.close()
  })

  it('answers bad frames with JSON-RPC errors and needs a token first', async () => {
    const client = await Client.open(socketUrl())
    client.ws.send('not json')
    expect((await client.next()).error?.code).toBe(-32700)
    expect((await client.call('presence_subscribe', [])).error?.code).toBe(401)
    expect(
      (await client.call('authorization', {authorization: 'Bearer nope'})).error?.message,
    ).toMatch(/token/i)
    await client.join(lake.createToken('viewer'))
    expect((await client.call('presence_teleport', {})).error?.code).toBe(-32601)
    expect((await client.call('presence_announce', {data: {}})).error?.code).toBe(-32602)
    client.ws.send('♥')
    expect((await client.call('presence_rollcall', {session: 's'})).error).toBeUndefined()
    await client.close()
  })

  it('refuses unknown datasets and plain requests', async () => {
    const refused = new WebSocket(`${lake.url.replace('http:', 'ws:')}/v2022-06-30/socket/nope`)
    const status = await new Promise<number>((resolve) => {
      refused.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0))
      refused.once('error', () => resolve(-1))
    })
    expect(status).toBe(404)
    const plain = await fetch(`${lake.url}/v2022-06-30/socket/production`)
    expect(plain.status).toBe(426)
    expect(lake.logs.some((line) => line.includes('404 upgrade /v2022-06-30/socket/nope'))).toBe(
      true,
    )
  })

  it('works over TLS, as the Studio connects to the HTTPS listener', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'lake-presence-'))
    const adminToken = generateToken()
    const secure: LakeServer = createLakeServer({
      dataDir,
      port: 0,
      tlsPort: 0,
      adminToken,
      datasets: ['production'],
      log: () => undefined,
    })
    try {
      const {tlsPort, certificate} = await secure.listen()
      const url = `wss://localhost:${tlsPort}/v2022-06-30/socket/production?tag=sanity.studio`
      const client = await Client.open(url, {ca: certificate?.cert})
      await client.join(adminToken)
      await client.close()
    } finally {
      await secure.close()
      rmSync(dataDir, {recursive: true, force: true})
    }
  })
})
