/**
 * The dataset-wide lock: one document, `migrations.lock`. Taking it is a `create` (fails if the
 * document exists) or a patch with `ifRevisionID` (fails if someone else changed it meanwhile), so
 * of two runners racing exactly one wins. Every transaction an applying run commits also patches
 * the lock with `ifRevisionID` = the revision we last wrote (a fencing token): a runner whose lock
 * was broken cannot write another change.
 */
import {randomUUID} from 'node:crypto'
import {hostname} from 'node:os'
import type {SanityClient} from '@sanity/client'

import {statusCodeOf} from './api.ts'
import {LockHeldError, MigrateError} from './errors.ts'
import {messageOf} from '../shared/errors.ts'
import {LOCK_ID, LOCK_TYPE} from './ledger.ts'

/** A lock with no heartbeat for this long is reported as probably stale. */
export const STALE_LOCK_MS = 15 * 60 * 1000

export interface LockInfo {
  holder: string
  pid: number
  host: string
  command: string
  runId: string
  acquiredAt: string
  heartbeatAt: string
}

interface LockDocument extends Partial<LockInfo> {
  _id: string
  _type: string
  _rev: string
  state?: 'held' | 'free'
  releasedAt?: string
  brokenFrom?: LockInfo
}

export interface LockHandle {
  info: LockInfo
  /** The lock document's revision we wrote last; every write must present it. */
  rev: string
}

export interface AcquireLockOptions {
  holder: string
  command: string
  now?: () => Date
  /** Take the lock even when someone holds it (for a runner known to be dead). */
  breakLock?: boolean
  /** How long to wait for a held lock before refusing; 0 = refuse at once. */
  waitMs?: number
  pollMs?: number
  /** Called each time the runner waits for a held lock (tests, progress output). */
  onWait?: (holder: LockInfo) => void | Promise<void>
  log?: (line: string) => void
}

export function describeLock(lock: Partial<LockInfo>, now: Date): string {
  const since = lock.acquiredAt ?? 'an unknown time'
  const heartbeat = lock.heartbeatAt ? Date.parse(lock.heartbeatAt) : NaN
  const stale =
    Number.isFinite(heartbeat) && now.getTime() - heartbeat > STALE_LOCK_MS
      ? ` (no sign of life since ${lock.heartbeatAt}: probably stale)`
      : ''
  return `${lock.holder ?? 'unknown'} (pid ${lock.pid ?? '?'} on ${lock.host ?? '?'}, running "${
    lock.command ?? '?'
  }") since ${since}${stale}`
}

function isHeld(doc: LockDocument | null | undefined): doc is LockDocument & LockInfo {
  return Boolean(doc && doc.state === 'held')
}

export async function readLock(client: SanityClient): Promise<(LockDocument & LockInfo) | null> {
  const doc = await client.getDocument<LockDocument>(LOCK_ID)
  return isHeld(doc) ? doc : null
}

async function commit(client: SanityClient, mutations: unknown[], transactionId: string) {
  await client.mutate(mutations as never, {
    transactionId,
    visibility: 'sync',
    returnDocuments: false,
  })
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Takes the lock or throws LockHeldError naming the holder. */
export async function acquireLock(
  client: SanityClient,
  options: AcquireLockOptions,
): Promise<LockHandle> {
  const now = options.now ?? (() => new Date())
  const waitMs = options.waitMs ?? 0
  const pollMs = options.pollMs ?? 2000
  const started = Date.now()
  for (;;) {
    const at = now().toISOString()
    const info: LockInfo = {
      holder: options.holder,
      pid: process.pid,
      host: hostname(),
      command: options.command,
      runId: randomUUID(),
      acquiredAt: at,
      heartbeatAt: at,
    }
    const transactionId = randomUUID()
    const current = await client.getDocument<LockDocument>(LOCK_ID)
    try {
      if (!current) {
        await commit(
          client,
          [{create: {_id: LOCK_ID, _type: LOCK_TYPE, state: 'held', ...info}}],
          transactionId,
        )
        return {info, rev: transactionId}
      }
      if (!isHeld(current) || options.breakLock) {
        const brokenFrom = isHeld(current) ? pickLockInfo(current) : undefined
        if (brokenFrom) {
          options.log?.(`Breaking the lock held by ${describeLock(brokenFrom, now())}`)
        }
        await commit(
          client,
          [
            {
              patch: {
                id: LOCK_ID,
                ifRevisionID: current._rev,
                set: {state: 'held', ...info, ...(brokenFrom ? {brokenFrom} : {})},
                ...(brokenFrom ? {} : {unset: ['brokenFrom', 'releasedAt']}),
              },
            },
          ],
          transactionId,
        )
        return {info, rev: transactionId}
      }
    } catch (error) {
      // 409: another runner created or changed the lock between our read and our write. Look again.
      if (statusCodeOf(error) !== 409) {
        throw new MigrateError(`Cannot take the migration lock: ${messageOf(error)}`)
      }
      continue
    }
    if (Date.now() - started >= waitMs) {
      throw new LockHeldError(
        `Another migration runner holds the lock on this dataset: ${describeLock(current, now())}. ` +
          'Wait for it to finish (--wait <seconds>), or if it is gone, rerun with --break-lock.',
      )
    }
    await options.onWait?.(current)
    await delay(pollMs)
  }
}

function pickLockInfo(doc: LockInfo): LockInfo {
  const {holder, pid, host, command, runId, acquiredAt, heartbeatAt} = doc
  return {holder, pid, host, command, runId, acquiredAt, heartbeatAt}
}

/** The fencing patch every applying transaction carries; afterwards the lock's rev is the tx id. */
export function lockFencePatch(handle: LockHandle, now: Date): unknown {
  return {
    patch: {id: LOCK_ID, ifRevisionID: handle.rev, set: {heartbeatAt: now.toISOString()}},
  }
}

/** Releases the lock if it is still ours; returns false when someone broke it meanwhile. */
export async function releaseLock(
  client: SanityClient,
  handle: LockHandle,
  now: Date = new Date(),
): Promise<boolean> {
  const transactionId = randomUUID()
  try {
    await commit(
      client,
      [
        {
          patch: {
            id: LOCK_ID,
            ifRevisionID: handle.rev,
            set: {state: 'free', releasedAt: now.toISOString(), heartbeatAt: now.toISOString()},
          },
        },
      ],
      transactionId,
    )
    handle.rev = transactionId
    return true
  } catch (error) {
    if (statusCodeOf(error) === 409) return false
    throw new MigrateError(`Cannot release the migration lock: ${messageOf(error)}`)
  }
}
