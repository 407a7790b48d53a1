/**
 * Draft mode for editors previewing the site from the Studio's Presentation tool.
 *
 * - `GET /api/draft-mode/enable?sanity-preview-secret=…&sanity-preview-pathname=…` checks the
 *   secret the Studio just wrote into the dataset (`@sanity/preview-url-secret`, with the
 *   server-side read token `SANITY_API_READ_TOKEN`), then sets a signed, HttpOnly session cookie
 *   and redirects to the pathname. An unknown, expired (older than an hour) or other dataset's
 *   secret gets 401 and no cookie.
 * - `GET /api/draft-mode/disable[?redirect=/path]` clears the cookie and redirects.
 * - `POST /api/draft-mode/perspective` (JSON `{"perspective": …}`, same origin, a valid session)
 *   re-issues the cookie with the perspective the Studio's menu switched to (the overlay script
 *   sends it when Presentation reports a change), then the page refreshes itself.
 * - A request with a valid cookie is rendered with the session's perspective
 *   (web/previewPerspective.ts: `drafts`, `published` or a release stack; at first the preview
 *   URL's `sanity-preview-perspective`) and stega.
 *
 * The cookie holds no token, only the Studio's origin, the perspective and an expiry, signed with
 * HMAC-SHA256 under a key that lives in the site's memory (`draftModeKey`), so nobody can forge
 * one and a restart of the site ends every draft session (the Studio starts a new one when it
 * reloads the preview).
 */
import {createHmac, randomBytes, timingSafeEqual} from 'node:crypto'
import type {IncomingMessage} from 'node:http'
import type {SanityClient} from '@sanity/client'

import {
  clientPerspective,
  parsePreviewPerspective,
  type PreviewPerspective,
} from './previewPerspective.ts'

export const DRAFT_MODE_COOKIE = 'stadskarna-draft-mode'
/** How long a draft session lasts after the Studio enabled it. */
export const DRAFT_SESSION_MS = 12 * 60 * 60 * 1000

export interface DraftSession {
  /** The Studio's origin, which may frame the site and which stega links point at. */
  studioOrigin: string | null
  /** What the Studio's perspective menu shows; validated again on every read. */
  perspective: PreviewPerspective
  /** Milliseconds since the epoch. */
  expires: number
}

export interface DraftModeCookies {
  /** The `Set-Cookie` value that starts a session. */
  issue(session: DraftSession, req: IncomingMessage): string
  /** The `Set-Cookie` value that ends it. */
  clear(req: IncomingMessage): string
  /** The request's valid, unexpired session, or null. */
  read(req: IncomingMessage, now?: number): DraftSession | null
}

export function createDraftModeKey(): Buffer {
  return randomBytes(32)
}

export function draftModeCookies(key: Buffer): DraftModeCookies {
  const sign = (payload: string) => createHmac('sha256', key).update(payload).digest('base64url')
  return {
    issue(session, req) {
      const payload = Buffer.from(JSON.stringify(session)).toString('base64url')
      return `${DRAFT_MODE_COOKIE}=${payload}.${sign(payload)}; ${cookieAttributes(req)}`
    },
    clear(req) {
      return `${DRAFT_MODE_COOKIE}=; Max-Age=0; ${cookieAttributes(req)}`
    },
    read(req, now = Date.now()) {
      const value = cookieValue(req.headers.cookie, DRAFT_MODE_COOKIE)
      if (!value) return null
      const [payload, signature] = value.split('.')
      if (!payload || !signature) return null
      const expected = Buffer.from(sign(payload))
      const given = Buffer.from(signature)
      if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null
      let session: unknown
      try {
        session = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'))
      } catch {
        return null
      }
      if (!isDraftSession(session) || session.expires <= now) return null
      return {
        studioOrigin: session.studioOrigin,
        perspective: parsePreviewPerspective(session.perspective),
        expires: session.expires,
      }
    },
  }
}

function isDraftSession(value: unknown): value is Omit<DraftSession, 'perspective'> & {
  perspective?: unknown
} {
  if (typeof value !== 'object' || value === null) return false
  const {studioOrigin, expires} = value as Record<string, unknown>
  return (typeof studioOrigin === 'string' || studioOrigin === null) && typeof expires === 'number'
}

/**
 * A Studio on another site (e.g. `*.sanity.studio`) frames the site cross-site, where only
 * `SameSite=None; Secure` cookies are sent. Browsers accept `Secure` over HTTPS and on localhost;
 * plain HTTP elsewhere gets `SameSite=Lax`, which still works for a Studio on the same site.
 */
function cookieAttributes(req: IncomingMessage): string {
  const host = (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase()
  const secure =
    ('encrypted' in req.socket && req.socket.encrypted === true) ||
    req.headers['x-forwarded-proto'] === 'https' ||
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    host === '127.0.0.1' ||
    host === '[::1]'
  return `Path=/; HttpOnly; ${secure ? 'SameSite=None; Secure' : 'SameSite=Lax'}`
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=')
    if (key === name) return rest.join('=')
  }
  return undefined
}

/**
 * A path on this site to redirect to: a `/`-rooted path, never `//host` or `/\host` (which
 * browsers read as another origin). Anything else becomes `/`.
 */
export function safeRedirectPath(value: string | null | undefined): string {
  if (!value || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\'))
    return '/'
  return /[\u0000-\u001f]/.test(value) ? '/' : value
}

/**
 * The fields whose strings carry stega edit intents in draft mode: visible text only. Everything
 * else stays clean, because the site compares or links with it (award kinds, counties, slugs,
 * languages, dates) or puts it in an attribute (image `alt`).
 */
const STEGA_FIELDS = new Set([
  'title',
  'name',
  'lead',
  'question',
  'text',
  'attribution',
  'role',
  'description',
])

/**
 * The client for draft sessions from one Studio: the read token, drafts on top of published, and
 * stega. `withPerspective` gives the session's perspective.
 */
export function draftClient(
  client: SanityClient,
  readToken: string,
  studioOrigin: string | null,
): SanityClient {
  return client.withConfig({
    token: readToken,
    perspective: 'drafts',
    useCdn: false,
    stega: {
      enabled: true,
      studioUrl: studioOrigin ?? '/',
      filter: (props) => {
        const last = props.sourcePath.at(-1)
        return typeof last === 'string' && STEGA_FIELDS.has(last) && props.filterDefault(props)
      },
    },
  })
}

/** The draft client reading with a session's perspective. */
export function withPerspective(
  draft: SanityClient,
  perspective: PreviewPerspective,
): SanityClient {
  return perspective === 'drafts'
    ? draft
    : draft.withConfig({perspective: clientPerspective(perspective)})
}
