/**
 * The registry of streams opened with a token (lake/auth/openStreams.ts), over a token table in
 * memory: which streams end on a revocation or a role change, and that a change made through the
 * lake itself is acted on without waiting for the poll.
 */
import {describe, expect, it} from 'vitest'
import {OpenStreams, type StreamEnd, type TokenStates} from '../../../lake/auth/openStreams.ts'
import type {Caller, Role} from '../../../lake/core/types.ts'

function tokenTable(initial: Record<string, Role>) {
  const roles = new Map(Object.entries(initial))
  const listeners = new Set<() => void>()
  const states: TokenStates = {
    tokenRoles: (ids) =>
      new Map(ids.filter((id) => roles.has(id)).map((id) => [id, roles.get(id) as Role])),
    onTokensChanged(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
  }
  return {
    states,
    /** A change made by this lake: the store calls its change hook. */
    set(id: string, role: Role | null) {
      if (role) roles.set(id, role)
      else roles.delete(id)
      for (const listener of listeners) listener()
    },
    /** A change made by another process: nothing is notified. */
    setSilently(id: string, role: Role | null) {
      if (role) roles.set(id, role)
      else roles.delete(id)
    },
  }
}

const caller = (tokenId: string, role: Role): Caller => ({identity: `p-${tokenId}`, role, tokenId})
const NEVER = 2 ** 30

describe('OpenStreams', () => {
  it('ends the streams of a revoked token at the change hook, not waiting for the poll', async () => {
    const table = tokenTable({a: 'editor', b: 'editor'})
    const streams = new OpenStreams(table.states, {pollMs: NEVER})
    const endedA = new Promise<StreamEnd>((resolve) =>
      streams.track(caller('a', 'editor'), resolve),
    )
    const endedA2 = new Promise<StreamEnd>((resolve) =>
      streams.track(caller('a', 'editor'), resolve),
    )
    const endsB: StreamEnd[] = []
    streams.track(caller('b', 'editor'), (why) => endsB.push(why))
    expect(streams.size).toBe(3)
    table.set('a', null)
    expect(await endedA).toBe('revoked')
    expect(await endedA2).toBe('revoked')
    expect(endsB).toEqual([])
    expect(streams.size).toBe(1)
    streams.close()
  })

  it('tells a stream whose token changed role, and only once', async () => {
    const table = tokenTable({a: 'editor'})
    const streams = new OpenStreams(table.states, {pollMs: NEVER})
    const ends: StreamEnd[] = []
    const ended = new Promise<void>((resolve) =>
      streams.track(caller('a', 'editor'), (why) => {
        ends.push(why)
        resolve()
      }),
    )
    table.set('a', 'viewer')
    await ended
    table.set('a', null)
    streams.recheck()
    expect(ends).toEqual(['roleChanged'])
    streams.close()
  })

  it('finds a change made by another process on recheck (what the poll runs)', () => {
    const table = tokenTable({a: 'viewer'})
    const streams = new OpenStreams(table.states, {pollMs: NEVER})
    const ends: StreamEnd[] = []
    streams.track(caller('a', 'viewer'), (why) => ends.push(why))
    table.setSilently('a', null)
    expect(ends).toEqual([])
    streams.recheck()
    expect(ends).toEqual(['revoked'])
    streams.close()
  })

  it('ignores anonymous callers and streams that closed on their own', () => {
    const table = tokenTable({a: 'editor'})
    const streams = new OpenStreams(table.states, {pollMs: NEVER})
    const ends: StreamEnd[] = []
    streams.track({identity: null, role: null, tokenId: null}, (why) => ends.push(why))
    const untrack = streams.track(caller('a', 'editor'), (why) => ends.push(why))
    expect(streams.size).toBe(1)
    untrack()
    table.setSilently('a', null)
    streams.recheck()
    expect(ends).toEqual([])
    expect(streams.size).toBe(0)
    streams.close()
  })
})
