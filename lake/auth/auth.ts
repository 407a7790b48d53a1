/**
 * API tokens and permissions (lake/README.md#tokens-and-visibility). Tokens are random `sk…` strings; only their sha256 is stored.
 * Each token has a role (administrator, editor, viewer) and an identity `p-<id>` that feeds GROQ
 * `identity()`, listener events and the transaction log.
 */
import {createHash, randomBytes} from 'node:crypto'
import {randomBase62} from '../core/ids.ts'
import type {LakeStorage} from '../store/storage.ts'
import {unauthorized} from '../core/errors.ts'
import type {Caller, Role} from '../core/types.ts'

export const ROLES: readonly Role[] = ['administrator', 'editor', 'viewer']

export const ANONYMOUS: Caller = {identity: null, role: null, tokenId: null}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value)
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex')
}

/** A new random token: `sk` + 43 base64url chars (256 bits). */
export function generateToken(): string {
  return `sk${randomBytes(32).toString('base64url')}`
}

/** Registers `token` (or a new random one) with `role`; returns the plaintext token and its identity. */
export function registerToken(
  storage: LakeStorage,
  role: Role,
  options: {token?: string; label?: string | null; stableId?: boolean} = {},
): {token: string; identity: string; id: string} {
  const token = options.token ?? generateToken()
  const hash = hashToken(token)
  const existing = storage.tokenByHash(hash)
  const id = existing?.id ?? (options.stableId ? hash.slice(0, 12) : randomBase62(12))
  const identity = existing?.identity ?? `p-${id}`
  storage.insertToken({
    id,
    hash,
    role,
    label: options.label ?? null,
    identity,
    createdAt: new Date().toISOString(),
  })
  return {token, identity, id}
}

/** Resolves the caller from an `Authorization` header; unknown tokens are a 401 even on reads. */
export function resolveCaller(storage: LakeStorage, authorization: string | undefined): Caller {
  if (!authorization) return ANONYMOUS
  const match = /^Bearer\s+(.*)$/i.exec(authorization.trim())
  const token = match ? match[1].trim() : ''
  if (!token) {
    if (match) return ANONYMOUS
    throw unauthorized()
  }
  // Looked up on every request, never cached: a revoked token fails on its next request.
  const record = storage.tokenByHash(hashToken(token))
  if (!record) throw unauthorized()
  storage.recordTokenUse(record.id)
  return {identity: record.identity, role: record.role, tokenId: record.id}
}
