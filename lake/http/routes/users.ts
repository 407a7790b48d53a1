/**
 * User endpoints the Studio calls (lake/README.md#studio-endpoints): `GET /users/me`,
 * `GET /users/:ids`, and the per-user UI state `GET /users/me/keyvalue/:keys`,
 * `PUT /users/me/keyvalue`.
 */
import {invalidInput, unauthorized} from '../../core/errors.ts'
import {readJson} from '../body.ts'
import {commaList, type RequestContext} from '../context.ts'
import {sendJson} from '../respond.ts'
import {currentUser, currentUserBody, usersByIds} from '../../auth/users.ts'

/** The token's user; `200 {}` (logged out, as the hosted API answers) without a token. */
export function handleUsersMe(ctx: RequestContext): void {
  const user = currentUser(ctx.lake.storage, ctx.caller)
  sendJson(ctx.res, 200, user ? currentUserBody(user) : {})
}

/** `[{id, displayName, imageUrl, …}]` for the known ids (`me` is the caller). */
export function handleUsersByIds(ctx: RequestContext): void {
  if (!ctx.caller.identity) throw unauthorized()
  const ids = commaList(ctx.params.ids).map((id) =>
    id === 'me' ? (ctx.caller.identity as string) : id,
  )
  const users = usersByIds(ctx.lake.storage, ids).map((user) => ({
    id: user.id,
    displayName: user.name,
    familyName: null,
    givenName: null,
    middleName: null,
    imageUrl: null,
    createdAt: null,
    updatedAt: null,
    isCurrentUser: user.id === ctx.caller.identity,
    projectId: ctx.projectId,
    sanityUserId: user.id,
  }))
  sendJson(ctx.res, 200, users)
}

export function handleGetKeyValues(ctx: RequestContext): void {
  if (!ctx.caller.identity) throw unauthorized()
  const keys = commaList(ctx.params.keys)
  sendJson(ctx.res, 200, ctx.lake.storage.keyValues(ctx.caller.identity, keys))
}

export async function handleSetKeyValues(ctx: RequestContext): Promise<void> {
  if (!ctx.caller.identity) throw unauthorized()
  const body = await readJson(ctx.req, 1_000_000)
  const pairs = Array.isArray(body) ? body : [body]
  for (const pair of pairs) {
    if (
      !pair ||
      typeof pair !== 'object' ||
      typeof (pair as {key?: unknown}).key !== 'string' ||
      !(pair as {key: string}).key
    ) {
      throw invalidInput('Body must be [{"key": "<key>", "value": <json>}, …]')
    }
  }
  const valid = (pairs as Array<{key: string; value?: unknown}>).map(({key, value}) => ({
    key,
    value: value ?? null,
  }))
  const {storage} = ctx.lake
  const identity = ctx.caller.identity
  await storage.writeGate.whenFree(() => storage.setKeyValues(identity, valid))
  sendJson(ctx.res, 200, valid)
}
