/**
 * Login and session endpoints for the Studio (lake/README.md#studio-endpoints):
 * - `GET /auth/login/local?origin=…` — the local login provider's form (lake/auth/loginPage.ts);
 * - `POST /auth/login/local` — issues a token and redirects to `<origin>#token=<token>`;
 * - `GET /auth/id`, `POST /auth/logout`, `GET /auth/providers`.
 *
 * Safety: the lake listens on 127.0.0.1 only; `origin` must be an http(s) URL on localhost,
 * 127.0.0.1, [::1] or `*.localhost` (no open redirect); the form always
 * requires the login code the lake printed at start (lake/auth/loginCode.ts), compared in
 * constant time, with repeated wrong codes throttled per client address.
 */
import {isRole} from '../../auth/auth.ts'
import {codeMatches} from '../../auth/loginCode.ts'
import {unauthorized} from '../../core/errors.ts'
import {readText} from '../body.ts'
import type {RequestContext} from '../context.ts'
import {http1, sendJson} from '../respond.ts'
import {renderLoginErrorPage, renderLoginPage} from '../../auth/loginPage.ts'
import type {Role} from '../../core/types.ts'
import {issueLoginToken, normalizeDisplayName, revokeLoginToken} from '../../auth/users.ts'

export const LOGIN_PATH = '/v1/auth/login/local'

/**
 * The Studio origin to redirect back to, or null when it is not an http(s) URL on a loopback
 * host name. The fragment is dropped (the token goes there).
 */
export function validateOrigin(value: string | null | undefined): string | null {
  if (!value) return null
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return null
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null
  if (url.username || url.password) return null
  const host = url.hostname.toLowerCase()
  const loopback =
    host === 'localhost' ||
    host === '127.0.0.1' ||
    host === '[::1]' ||
    (host.endsWith('.localhost') && /^[a-z0-9.-]+$/.test(host))
  if (!loopback) return null
  url.hash = ''
  return url.toString()
}

function sendHtml(ctx: RequestContext, status: number, html: string): void {
  const {res} = ctx
  res.setHeader('Content-Type', 'text/html; charset=utf-8')
  res.setHeader('Content-Length', Buffer.byteLength(html))
  res.setHeader('Cache-Control', 'no-store')
  res.setHeader('X-Frame-Options', 'DENY')
  res.setHeader(
    'Content-Security-Policy',
    "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
  )
  res.setHeader('Referrer-Policy', 'no-referrer')
  http1(res).writeHead(status)
  http1(res).end(html)
}

export function handleLoginForm(ctx: RequestContext): void {
  const origin = validateOrigin(ctx.search.get('origin'))
  if (!origin) {
    sendHtml(
      ctx,
      400,
      renderLoginErrorPage(
        'Adressen att återvända till saknas eller är inte en lokal adress (localhost). Öppna Studion och logga in därifrån.',
      ),
    )
    return
  }
  sendHtml(ctx, 200, renderLoginPage({action: LOGIN_PATH, origin}))
}

export async function handleLoginSubmit(ctx: RequestContext): Promise<void> {
  const form = new URLSearchParams(await readText(ctx.req, 16 * 1024))
  const origin = validateOrigin(form.get('origin'))
  if (!origin) {
    sendHtml(
      ctx,
      400,
      renderLoginErrorPage('Adressen att återvända till är inte en lokal adress (localhost).'),
    )
    return
  }
  const roleValue = form.get('role') ?? ''
  const role: Role = isRole(roleValue) ? roleValue : 'editor'
  const name = normalizeDisplayName(form.get('name') ?? '')
  const {code, throttle} = ctx.lake.login
  const client = ctx.req.socket?.remoteAddress ?? 'unknown'
  const again = (status: number, error: string) =>
    sendHtml(ctx, status, renderLoginPage({action: LOGIN_PATH, origin, error, name, role}))
  if (!isRole(roleValue)) {
    again(400, 'Välj en roll.')
    return
  }
  if (!name) {
    again(400, 'Skriv ditt namn.')
    return
  }
  if (throttle.blocked(client)) {
    ctx.lake.log(`lake: login refused for "${name}": too many wrong login codes from ${client}`)
    again(429, 'För många felaktiga försök. Vänta en minut och försök igen.')
    return
  }
  if (!codeMatches(code, (form.get('code') ?? '').trim())) {
    throttle.recordFailure(client)
    ctx.lake.log(`lake: login refused for "${name}": wrong login code`)
    again(403, 'Fel inloggningskod.')
    return
  }
  throttle.recordSuccess(client)
  const {storage} = ctx.lake
  const {token, user} = await storage.writeGate.whenFree(() => issueLoginToken(storage, role, name))
  ctx.lake.log(`lake: login: "${user.name}" (${user.id}) as ${role}`)
  const {res} = ctx
  res.setHeader('Location', `${origin}#token=${token}`)
  res.setHeader('Cache-Control', 'no-store')
  res.setHeader('Referrer-Policy', 'no-referrer')
  http1(res).writeHead(303)
  res.end()
}

export function handleAuthId(ctx: RequestContext): void {
  if (!ctx.caller.identity) throw unauthorized()
  // Tokens do not expire; report a day ahead like a fresh session.
  sendJson(ctx.res, 200, {id: ctx.caller.identity, expiry: Math.floor(Date.now() / 1000) + 86400})
}

export async function handleLogout(ctx: RequestContext): Promise<void> {
  const {storage} = ctx.lake
  await storage.writeGate.whenFree(() => revokeLoginToken(storage, ctx.caller))
  sendJson(ctx.res, 200, {})
}

export function handleProviders(ctx: RequestContext): void {
  const host = ctx.req.headers.host ?? (ctx.req.headers[':authority'] as string | undefined)
  const scheme = isTls(ctx) ? 'https' : 'http'
  const base = host ? `${scheme}://${bareHost(host)}` : ''
  sendJson(ctx.res, 200, {
    providers: [
      {name: 'local', title: 'Lokal Content Lake', url: `${base}${LOGIN_PATH}`, logo: null},
    ],
    thirdPartyLogin: false,
  })
}

/** Whether the request came in over TLS (HTTP/2 or HTTPS/1.1). */
export function isTls(ctx: RequestContext): boolean {
  if (ctx.req.headers[':scheme'] === 'https') return true
  const socket = ctx.req.socket as {encrypted?: boolean} | undefined
  return socket?.encrypted === true
}

/** `local.localhost:3443` → `localhost:3443` (asset and provider URLs use the bare host). */
export function bareHost(host: string): string {
  return host.replace(/^[-a-z0-9]+\.localhost(?=$|:)/i, 'localhost')
}
