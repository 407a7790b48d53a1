/**
 * Failures of `npm run dataset`: each is one line saying what went wrong and one saying what to
 * do next. `explain` turns what the client, the network or the libraries throw into that shape.
 */
import type {DatasetTarget} from './target.ts'

export class DatasetCommandError extends Error {
  override name = 'DatasetCommandError'
  readonly hint: string

  constructor(message: string, hint: string) {
    super(message)
    this.hint = hint
  }
}

interface HttpLikeError {
  statusCode?: number
  response?: {statusCode?: number; body?: unknown}
  code?: string
  cause?: unknown
  message?: string
}

function statusOf(error: HttpLikeError): number | undefined {
  return error.statusCode ?? error.response?.statusCode
}

const NETWORK_CODES = /ECONNREFUSED|ENOTFOUND|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|EAI_AGAIN/

/** The network failure behind an error (fetch wraps it as "fetch failed" with a cause). */
function networkCode(error: unknown): string | undefined {
  for (let current = error as HttpLikeError | undefined, depth = 0; current && depth < 5; depth++) {
    if (typeof current.code === 'string' && NETWORK_CODES.test(current.code)) return current.code
    const inMessage = NETWORK_CODES.exec(current.message ?? '')
    if (inMessage) return inMessage[0]
    if (current.message === 'fetch failed') {
      const cause = current.cause as HttpLikeError | undefined
      return cause?.code ?? cause?.message ?? 'fetch failed'
    }
    current = current.cause as HttpLikeError | undefined
  }
  return undefined
}

/** What to do when a token is missing or wrong, for this target. */
export function tokenHint(target: DatasetTarget, role: 'administrator' | 'editor'): string {
  if (target.config.isLocal) {
    return (
      `Create a token with \`npm run lake:token -- --role ${role} --data .lake\` and set ` +
      'SANITY_API_TOKEN to it (or pass --from-token/--to-token for one side of a copy).'
    )
  }
  return (
    `Create a token with ${role === 'administrator' ? 'Administrator' : 'Editor'} rights at ` +
    `https://www.sanity.io/manage/project/${target.config.projectId}/api and set SANITY_API_TOKEN ` +
    '(or --from-token/--to-token for one side of a copy).'
  )
}

/** A DatasetCommandError for anything thrown while talking to `target`. */
export function explain(
  error: unknown,
  target: DatasetTarget,
  what: string,
  role: 'administrator' | 'editor' = 'editor',
): DatasetCommandError {
  if (error instanceof DatasetCommandError) return error
  const message = error instanceof Error ? error.message : String(error)
  const code = networkCode(error)
  if (code) {
    return new DatasetCommandError(
      `${what}: cannot reach ${target.label} (${code}).`,
      target.config.isLocal
        ? 'Start the lake (`npm start` or `npm run lake`), or point SANITY_API_HOST at a running one.'
        : 'Check your network connection and SANITY_PROJECT_ID, then run the command again.',
    )
  }
  const status = statusOf(error as HttpLikeError)
  if (status === 401) {
    return new DatasetCommandError(
      `${what}: ${target.label} rejected the token${target.tokenSource === 'none' ? ' (no token was given)' : ` (from ${target.tokenSource})`}.`,
      tokenHint(target, role),
    )
  }
  if (status === 403) {
    return new DatasetCommandError(
      `${what}: the token may not do this on ${target.label} (${message}).`,
      tokenHint(target, role === 'editor' ? 'editor' : 'administrator'),
    )
  }
  if (status === 404) {
    return new DatasetCommandError(
      `${what}: not found on ${target.label} (${message}).`,
      'List the datasets with `npm run dataset -- list` and check the name.',
    )
  }
  if (status === 409 || /already exists/i.test(message)) {
    return new DatasetCommandError(
      `${what}: ${message}`,
      'Rerun with --replace to overwrite existing documents, or --missing to skip them.',
    )
  }
  return new DatasetCommandError(
    `${what}: ${message}`,
    'Fix the cause above and run the command again.',
  )
}
