/**
 * The presence protocol itself (lake/realtime/presence.ts), without sockets: connections are
 * `PresenceHub.connect` with a `send` that records frames, and a caller resolver standing in for
 * the token lookup.
 */
import {describe, expect, it} from 'vitest'
import {HEARTBEAT, PresenceHub, type PresenceConnection} from '../../../lake/realtime/presence.ts'
import type {Caller} from '../../../lake/core/types.ts'

const USERS: Record<string, Caller> = {
  'Bearer alice': {identity: 'p-alice', role: 'editor', tokenId: 't1'},
  'Bearer bo': {identity: 'p-bo', role: 'viewer', tokenId: 't2'},
}

function resolveCaller(authorization: string): Caller {
  const caller = USERS[authorization]
  if (!caller) throw new Error('Session not found')
  return caller
}

interface Peer {
  connection: PresenceConnection
  frames: Array<Record<string, unknown>>
  call(method: string, params?: unknown): Record<string, unknown>
}

let nextId = 1

function join(hub: PresenceHub, dataset: string): Peer {
  const frames: Array<Record<string, unknown>> = []
  const connection = hub.connect(
    dataset,
    (frame) => frames.push(JSON.parse(frame) as Record<string, unknown>),
    resolveCaller,
  )
  return {
    connection,
    frames,
    call(method, params = {}) {
      const id = nextId++
      connection.receive(JSON.stringify({jsonrpc: '2.0', id, method, params}))
      const answer = frames.find((frame) => frame.id === id)
      if (!answer) throw new Error(`no answer to ${method}`)
      return answer
    },
  }
}

/** Authorises and subscribes; returns the subscription id. */
function enter(peer: Peer, token: string): string {
  expect(peer.call('authorization', {authorization: `Bearer ${token}`})).toMatchObject({result: {}})
  return peer.call('presence_subscribe').result as string
}

function pushes(peer: Peer): Array<Record<string, unknown>> {
  return peer.frames
    .filter((frame) => frame.method === 'presence_subscription')
    .map((frame) => (frame.params as {result: Record<string, unknown>}).result)
}

describe('PresenceHub', () => {
  it('fans an announce out to the other subscribers of the same dataset, with the token user', () => {
    const hub = new PresenceHub()
    const alice = join(hub, 'production')
    const bo = join(hub, 'production')
    const elsewhere = join(hub, 'staging')
    enter(alice, 'alice')
    const subscription = enter(bo, 'bo')
    enter(elsewhere, 'bo')
    const locations = [{type: 'document', documentId: 'interview-1', path: ['title']}]
    alice.call('presence_announce', {data: {sessionId: 's-alice', locations, userId: 'p-forged'}})
    expect(pushes(bo)).toEqual([
      {type: 'state', i: 'p-alice', m: {sessionId: 's-alice', locations}},
    ])
    expect(bo.frames.at(-1)).toMatchObject({params: {subscription}})
    expect(pushes(alice)).toEqual([])
    expect(pushes(elsewhere)).toEqual([])
  })

  it('passes roll calls and disconnects on, and a closed connection disconnects its sessions', () => {
    const hub = new PresenceHub()
    const alice = join(hub, 'production')
    const bo = join(hub, 'production')
    enter(alice, 'alice')
    enter(bo, 'bo')
    bo.call('presence_rollcall', {session: 's-bo'})
    expect(pushes(alice)).toEqual([{type: 'rollCall', i: 'p-bo', session: 's-bo'}])
    alice.call('presence_announce', {data: {sessionId: 's-1', locations: []}})
    alice.call('presence_announce', {data: {sessionId: 's-2', locations: []}})
    alice.call('presence_disconnect', {session: 's-1'})
    expect(hub.size).toBe(2)
    alice.connection.close()
    expect(hub.size).toBe(1)
    expect(pushes(bo).filter((event) => event.type === 'disconnect')).toEqual([
      {type: 'disconnect', i: 'p-alice', m: {session: 's-1'}},
      {type: 'disconnect', i: 'p-alice', m: {session: 's-2'}},
    ])
  })

  it('stops pushing after unsubscribe', () => {
    const hub = new PresenceHub()
    const alice = join(hub, 'production')
    const bo = join(hub, 'production')
    enter(alice, 'alice')
    const subscription = enter(bo, 'bo')
    expect(bo.call('presence_unsubscribe', [subscription])).toMatchObject({result: true})
    alice.call('presence_announce', {data: {sessionId: 's', locations: []}})
    expect(pushes(bo)).toEqual([])
  })

  it('answers bad frames with JSON-RPC errors and ignores heartbeats', () => {
    const hub = new PresenceHub()
    const peer = join(hub, 'production')
    peer.connection.receive(HEARTBEAT)
    expect(peer.frames).toEqual([])
    peer.connection.receive('{not json')
    expect(peer.frames.at(-1)).toMatchObject({id: null, error: {code: -32700}})
    expect(peer.call('presence_subscribe')).toMatchObject({error: {code: 401}})
    expect(peer.call('authorization', {authorization: 'Bearer nobody'})).toMatchObject({
      error: {code: 401},
    })
    enter(peer, 'alice')
    expect(peer.call('presence_announce', {data: {}})).toMatchObject({error: {code: -32602}})
    expect(peer.call('presence_rollcall', {})).toMatchObject({error: {code: -32602}})
    expect(peer.call('presence_teleport')).toMatchObject({error: {code: -32601}})
  })
})
