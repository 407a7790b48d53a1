/**
 * Every error the lake answers with, by family, each with one body shape (see lake/README.md,
 * "Errors"). Modules throw these named constructors; the HTTP layer only copies `status` and `body`
 * onto the response, so the shape `@sanity/client` parses is decided here and nowhere else.
 *
 * Families and their bodies:
 * - gateway (routing, auth, projects/datasets/users APIs, assets, body limit, not found):
 *   `{statusCode, error: <status name>, message[, errorCode]}` — the client shows `error - message`.
 * - request (a malformed data API request: body, parameters, import lines):
 *   `{error: {type, description}}`.
 * - query (GROQ parse, missing params, unsupported functions):
 *   `{error: {type: 'queryParseError' | 'queryExecutionError', description, query?, start?, end?}}`.
 * - mutation: `{error: {type: 'mutationError', description[, items: [{index, error}]]}}`.
 * - action: `{error: {type: 'actionError', description, items: [{index, error}]}}`.
 */

/** A Sanity-shaped API error: the HTTP layer turns it into the response. */
export class LakeError extends Error {
  readonly status: number
  readonly body: unknown
  constructor(status: number, body: unknown, message?: string) {
    super(message ?? bodyDescription(body))
    this.name = 'LakeError'
    this.status = status
    this.body = body
  }
}

function bodyDescription(body: unknown): string {
  if (body && typeof body === 'object') {
    const b = body as {error?: {description?: string} | string; message?: string}
    if (typeof b.error === 'object' && b.error?.description) return b.error.description
    if (typeof b.message === 'string') return b.message
  }
  return 'Lake error'
}

/** The human-readable description of any error (a LakeError's body description or message). */
export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

// ------------------------------------------------------------------ gateway family

const STATUS_NAMES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  426: 'Upgrade Required',
  500: 'Internal Server Error',
}

function gateway(status: number, message: string, extra: Record<string, unknown> = {}): LakeError {
  return new LakeError(status, {
    statusCode: status,
    error: STATUS_NAMES[status] ?? 'Error',
    message,
    ...extra,
  })
}

/** 401 for an unknown or revoked token (on reads too). */
export function unauthorized(): LakeError {
  return gateway(401, 'Session not found', {errorCode: 'SIO-401-ANF'})
}

/** 401 for an anonymous caller asking for something only a token may see (e.g. live drafts). */
export function authenticationRequired(message: string): LakeError {
  return gateway(401, message)
}

/** 403 for a caller whose role does not allow the operation (outside the data API's writes). */
export function forbidden(reason: string): LakeError {
  return gateway(403, `You are not allowed to access this resource (${reason})`)
}

/** 404 for anything addressed by name or id that does not exist. */
export function notFound(message: string): LakeError {
  return gateway(404, message)
}

/** The hosted API's 404 for an unknown dataset (its own shape; @sanity/client and groq-store match on it). */
export function datasetNotFound(name: string, projectId: string): LakeError {
  return new LakeError(404, {
    error: 'Dataset not found',
    message: `Dataset "${name}" not found for project ID "${projectId}"`,
  })
}

export function assetNotFound(): LakeError {
  return notFound('Asset not found')
}

/** 404 or 405 from the router. */
export function unknownEndpoint(where: string): LakeError {
  return notFound(`Unknown endpoint: ${where}`)
}

export function methodNotAllowed(where: string): LakeError {
  return gateway(405, `Method not allowed: ${where}`)
}

/** 400 for invalid input to the gateway-style APIs (dataset names, projects, users, assets). */
export function invalidInput(message: string): LakeError {
  return gateway(400, message)
}

export function bodyTooLarge(limit: number): LakeError {
  return gateway(413, `Request body exceeds limit of ${limit} bytes`)
}

export function upgradeRequired(message: string): LakeError {
  return gateway(426, message)
}

/** 500: the details go to the log, never to the caller. */
export function internalError(): LakeError {
  return gateway(500, 'Internal server error')
}

// ------------------------------------------------------------------ request family

function request(status: number, type: string, description: string): LakeError {
  return new LakeError(status, {error: {type, description}})
}

/** 400 for a malformed data API request (body, parameters). */
export function badRequest(description: string): LakeError {
  return request(400, 'httpBadRequest', description)
}

/** 400 for a parameter value the data API does not accept (e.g. a perspective). */
export function validationError(description: string): LakeError {
  return request(400, 'validationError', description)
}

/** 400 for one line of an NDJSON import. */
export function importError(line: number, description: string): LakeError {
  return request(400, 'importError', `Line ${line}: ${description}`)
}

// ------------------------------------------------------------------ query family

/** Where in the query an error is, as character offsets (the client draws a code frame). */
export interface QuerySpan {
  start: number
  end: number
}

function queryError(
  type: string,
  description: string,
  query: string | undefined,
  span: QuerySpan | undefined,
  status = 400,
): LakeError {
  return new LakeError(status, {
    error: {type, description, ...(query === undefined ? {} : {query}), ...(span ?? {})},
  })
}

/** 400 for a query that does not parse, a missing `$param` or an unreadable param value. */
export function queryParseError(description: string, query?: string, span?: QuerySpan): LakeError {
  return queryError('queryParseError', description, query, span)
}

export function missingParam(name: string, query: string, span?: QuerySpan): LakeError {
  return queryParseError(`param $${name} referenced, but not provided`, query, span)
}

/** 400 for a query that parses but cannot be evaluated here (e.g. an unsupported function). */
export function queryExecutionError(
  description: string,
  query: string,
  span?: QuerySpan,
): LakeError {
  return queryError('queryExecutionError', description, query, span)
}

/** 413 for a query over the size limit (hosted Sanity: "Query Size Exceeded", 300 KB). */
export function queryTooLarge(query: string, maxBytes: number): LakeError {
  const bytes = Buffer.byteLength(query)
  return new LakeError(413, {
    error: {
      type: 'queryTooLargeError',
      description: `Query size exceeded: the query is ${bytes} bytes, the limit is ${maxBytes} bytes`,
    },
  })
}

/** 400 for a query nested too deeply for groq-js's recursive parser or evaluator. */
export function queryTooComplex(query: string): LakeError {
  return queryParseError('query is too complex (nested too deeply to evaluate)', query, {
    start: 0,
    end: query.length,
  })
}

/** 408 for a query stopped at its time limit (lake/groq/limits.ts). */
export function queryTimeout(query: string, limitMs: number): LakeError {
  return queryError(
    'queryTimeoutError',
    `Query timed out: it ran longer than the limit of ${limitMs} ms`,
    query,
    undefined,
    408,
  )
}

// ------------------------------------------------------------------ mutation family

/** The inner `error` of one `items[]` entry of a mutation or action error. */
export interface ErrorItemDetail {
  type: string
  description: string
  [field: string]: unknown
}

export interface ErrorItem {
  index: number
  error: ErrorItemDetail
}

/** A transaction rejected because of its mutations; `items[].index` is the failing mutation. */
export function mutationError(status: number, items: ErrorItem[]): LakeError {
  const first = items[0]?.error.description ?? 'Unknown error'
  return new LakeError(status, {
    error: {type: 'mutationError', description: `Mutation failed: ${first}`, items},
  })
}

/** A transaction rejected as a whole (no single mutation is at fault). */
function transactionFailed(status: number, description: string): LakeError {
  return new LakeError(status, {error: {type: 'mutationError', description}})
}

/** 403 for a write the caller's token does not allow. */
export function insufficientPermissions(permission: string): LakeError {
  return transactionFailed(
    403,
    `transaction failed: Insufficient permissions; permission "${permission}" required`,
  )
}

/** 409 when a transaction id was already used in the dataset. */
export function transactionIdConflict(transactionId: string): LakeError {
  return transactionFailed(409, `Transaction ID "${transactionId}" already exists in this dataset`)
}

// ------------------------------------------------------------------ action family

/** An action (or the request that carries actions) rejected: 400 invalid, 409 conflict. */
export function actionError(
  status: number,
  description: string,
  items: ErrorItem[] = [],
): LakeError {
  return new LakeError(status, {
    error: {type: 'actionError', description, ...(items.length ? {items} : {})},
  })
}

/** 409 when a content release would exceed the open-release limit; the Studio reads `type` and
 *  `limit` (its `isReleaseLimitError`). */
export function releaseLimitExceeded(limit: number): LakeError {
  return new LakeError(409, {
    error: {
      type: 'releaseLimitExceededError',
      description: `Release limit exceeded: at most ${limit} open releases per dataset`,
      limit,
    },
  })
}

/** 403 for an Actions API request the caller's token may not make. The Studio's release permission
 *  check (a dry run of each release action) recognises `insufficientPermissionsError`. */
export function actionPermissionDenied(): LakeError {
  return new LakeError(403, {
    error: {
      type: 'insufficientPermissionsError',
      description: 'Insufficient permissions; permission "update" required',
    },
  })
}
