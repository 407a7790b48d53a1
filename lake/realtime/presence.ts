/**
 * Presence for the Studio's "who is here" avatars, over the bifur socket protocol
 * (lake/README.md#presence): JSON-RPC 2.0 text frames on `/socket/:dataset`.
 *
 * The client authorises with its token, subscribes, then announces where it is
 * (`presence_announce`), asks the others to announce (`presence_rollcall`) and leaves
 * (`presence_disconnect`). Each of those is fanned out, as a `presence_subscription` push, to the
 * other subscribed connections on the same dataset; the user id comes from the token, never from
 * the client. A connection that closes counts as a disconnect of every session it announced.
 *
 * No I/O here: connections get a `send` callback, so the protocol is testable without sockets.
 */
import {randomBase62} from '../core/ids.ts'
import {isRecord, type Caller} from '../core/types.ts'

/** What the presence store reads: `state`, `rollCall` or `disconnect`, with the user id as `i`. */
export type PresenceEvent =
  | {type: 'state'; i: string; m: {sessionId: string; locations: unknown[]}}
  | {type: 'rollCall'; i: string; session: string}
  | {type: 'disconnect'; i: string; m: {session: string}}

interface RpcRequest {
  id?: unknown
  method?: unknown
  params?: unknown
}

/** JSON-RPC error codes used here (the standard ones, plus an authorisation failure). */
const PARSE_ERROR = -32700
const INVALID_REQUEST = -32600
const METHOD_NOT_FOUND = -32601
const INVALID_PARAMS = -32602
const UNAUTHORIZED = 401

/** The bifur client's keep-alive frame. */
export const HEARTBEAT = '♥'

export class PresenceConnection {
  readonly #hub: PresenceHub
  readonly #send: (frame: string) => void
  readonly #resolveCaller: (authorization: string) => Caller
  readonly dataset: string
  userId: string | null = null
  readonly subscriptions = new Set<string>()
  /** Sessions this connection announced, so closing it can disconnect them. */
  readonly sessions = new Set<string>()

  constructor(
    hub: PresenceHub,
    dataset: string,
    send: (frame: string) => void,
    resolveCaller: (authorization: string) => Caller,
  ) {
    this.#hub = hub
    this.dataset = dataset
    this.#send = send
    this.#resolveCaller = resolveCaller
  }

  push(subscription: string, event: PresenceEvent): void {
    this.#send(
      JSON.stringify({
        jsonrpc: '2.0',
        method: 'presence_subscription',
        params: {subscription, result: event},
      }),
    )
  }

  /** Handles one text frame from the client. */
  receive(frame: string): void {
    if (frame === HEARTBEAT) return
    let parsed: unknown
    try {
      parsed = JSON.parse(frame)
    } catch {
      this.#error(null, PARSE_ERROR, 'Parse error: the frame is not JSON')
      return
    }
    const request: RpcRequest = isRecord(parsed) ? parsed : {}
    const id = typeof request.id === 'string' || typeof request.id === 'number' ? request.id : null
    if (typeof request.method !== 'string') {
      this.#error(id, INVALID_REQUEST, 'Invalid request')
      return
    }
    const params = isRecord(request.params) ? request.params : {}
    if (request.method === 'authorization') {
      let caller: Caller | null = null
      try {
        caller = this.#resolveCaller(String(params.authorization ?? ''))
      } catch {
        // An unknown or revoked token: answered below like a missing one.
      }
      if (!caller?.identity) {
        this.#error(id, UNAUTHORIZED, 'Invalid or missing token')
        return
      }
      this.userId = caller.identity
      this.#result(id, {})
      return
    }
    if (!this.userId) {
      this.#error(id, UNAUTHORIZED, 'Authorise first (method "authorization")')
      return
    }
    switch (request.method) {
      case 'presence_subscribe': {
        const subscription = randomBase62(16)
        this.subscriptions.add(subscription)
        this.#result(id, subscription)
        return
      }
      case 'presence_unsubscribe': {
        const [subscription] = Array.isArray(request.params) ? request.params : []
        this.subscriptions.delete(String(subscription))
        this.#result(id, true)
        return
      }
      case 'presence_announce': {
        const data = isRecord(params.data) ? params.data : null
        if (!data || typeof data.sessionId !== 'string') {
          this.#error(id, INVALID_PARAMS, 'presence_announce needs data.sessionId')
          return
        }
        this.sessions.add(data.sessionId)
        const locations = Array.isArray(data.locations) ? data.locations : []
        this.#hub.broadcast(this, {
          type: 'state',
          i: this.userId,
          m: {sessionId: data.sessionId, locations},
        })
        this.#result(id, null)
        return
      }
      case 'presence_rollcall': {
        if (typeof params.session !== 'string') {
          this.#error(id, INVALID_PARAMS, 'presence_rollcall needs session')
          return
        }
        this.#hub.broadcast(this, {type: 'rollCall', i: this.userId, session: params.session})
        this.#result(id, null)
        return
      }
      case 'presence_disconnect': {
        if (typeof params.session !== 'string') {
          this.#error(id, INVALID_PARAMS, 'presence_disconnect needs session')
          return
        }
        this.sessions.delete(params.session)
        this.#hub.broadcast(this, {
          type: 'disconnect',
          i: this.userId,
          m: {session: params.session},
        })
        this.#result(id, null)
        return
      }
      default:
        this.#error(id, METHOD_NOT_FOUND, `Unknown method "${request.method}"`)
    }
  }

  /** The socket went away: the others hear that its sessions left. */
  close(): void {
    this.#hub.remove(this)
    if (!this.userId) return
    for (const session of this.sessions) {
      this.#hub.broadcast(this, {type: 'disconnect', i: this.userId, m: {session}})
    }
    this.sessions.clear()
  }

  #result(id: string | number | null, result: unknown): void {
    if (id === null) return
    this.#send(JSON.stringify({jsonrpc: '2.0', id, result}))
  }

  #error(id: string | number | null, code: number, message: string): void {
    this.#send(JSON.stringify({jsonrpc: '2.0', id, error: {code, message}}))
  }
}

/** All presence connections of a lake, grouped by dataset only when fanning out. */
export class PresenceHub {
  readonly #connections = new Set<PresenceConnection>()

  connect(
    dataset: string,
    send: (frame: string) => void,
    resolveCaller: (authorization: string) => Caller,
  ): PresenceConnection {
    const connection = new PresenceConnection(this, dataset, send, resolveCaller)
    this.#connections.add(connection)
    return connection
  }

  remove(connection: PresenceConnection): void {
    this.#connections.delete(connection)
  }

  get size(): number {
    return this.#connections.size
  }

  /** Sends `event` to every other subscribed connection on the sender's dataset. */
  broadcast(sender: PresenceConnection, event: PresenceEvent): void {
    for (const connection of this.#connections) {
      if (connection === sender || connection.dataset !== sender.dataset) continue
      for (const subscription of connection.subscriptions) connection.push(subscription, event)
    }
  }
}
