/**
 * Studio users on top of the lake's API tokens (lake/auth/auth.ts): the local login provider issues a
 * token per login, stored hashed with its role; the token's identity `p-<id>` is the user id
 * (GROQ `identity()`, listener events, the transaction log). A login's display name is kept in the
 * token's label as `studio:<name>`, and the same name always maps to the same identity, so an
 * editor who logs in again stays the same author in the history.
 *
 */
import {createHash} from 'node:crypto'
import {generateToken, hashToken} from './auth.ts'
import {randomBase62} from '../core/ids.ts'
import type {LakeStorage} from '../store/storage.ts'
import type {Caller, Role} from '../core/types.ts'

const STUDIO_LABEL_PREFIX = 'studio:'

/** Swedish role titles, as the Studio shows them. */
export const ROLE_TITLES: Record<Role, string> = {
  administrator: 'Administratör',
  editor: 'Redaktör',
  viewer: 'Läsare',
}

export const MAX_DISPLAY_NAME_LENGTH = 80

export interface StudioUser {
  id: string
  name: string
  role: Role
}

/** Trims, collapses whitespace, drops control characters. Empty when nothing is left. */
export function normalizeDisplayName(name: string): string {
  return name
    .replace(/[\u0000-\u001f\u007f]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, MAX_DISPLAY_NAME_LENGTH)
}

/** The identity of a display name: stable across logins, `p-` + 12 hex chars. */
export function identityForName(name: string): string {
  const digest = createHash('sha256').update(`studio-user:${name.toLowerCase()}`).digest('hex')
  return `p-${digest.slice(0, 12)}`
}

/** Issues a token for a login; returns the plaintext token (shown once, in the redirect). */
export function issueLoginToken(
  storage: LakeStorage,
  role: Role,
  displayName: string,
): {token: string; user: StudioUser} {
  const name = normalizeDisplayName(displayName)
  const token = generateToken()
  const identity = identityForName(name)
  storage.insertToken({
    id: randomBase62(12),
    hash: hashToken(token),
    role,
    label: `${STUDIO_LABEL_PREFIX}${name}`,
    identity,
    createdAt: new Date().toISOString(),
  })
  return {token, user: {id: identity, name, role}}
}

function displayNameOf(label: string | null, role: Role): string {
  if (label?.startsWith(STUDIO_LABEL_PREFIX)) return label.slice(STUDIO_LABEL_PREFIX.length)
  return label ? `${ROLE_TITLES[role]} (${label})` : ROLE_TITLES[role]
}

/** The user behind the caller's token, or null for anonymous callers. */
export function currentUser(storage: LakeStorage, caller: Caller): StudioUser | null {
  if (!caller.identity || !caller.role || !caller.tokenId) return null
  const label = storage.tokenLabel(caller.tokenId)
  return {id: caller.identity, name: displayNameOf(label, caller.role), role: caller.role}
}

/** Users by identity (the most recent token of each); unknown ids are left out. */
export function usersByIds(storage: LakeStorage, ids: readonly string[]): StudioUser[] {
  const users: StudioUser[] = []
  for (const id of ids) {
    const token = storage.latestTokenOf(id)
    if (token) users.push({id, name: displayNameOf(token.label, token.role), role: token.role})
  }
  return users
}

/** Revokes a token issued by the login page (CLI and admin tokens are left alone). */
export function revokeLoginToken(storage: LakeStorage, caller: Caller): boolean {
  if (!caller.tokenId) return false
  return storage.deleteTokenWithLabelPrefix(caller.tokenId, STUDIO_LABEL_PREFIX)
}

/** The `/users/me` body (lake/README.md#studio-endpoints). */
export function currentUserBody(user: StudioUser): Record<string, unknown> {
  return {
    id: user.id,
    name: user.name,
    email: `${user.id}@lake.localhost`,
    profileImage: null,
    provider: 'local',
    role: user.role,
    roles: [{name: user.role, title: ROLE_TITLES[user.role]}],
  }
}
