/** Per-request context and the shared state the route handlers work with. */
import type {ListenerHub} from '../realtime/listeners.ts'
import type {EventStream} from '../realtime/sse.ts'
import {readAccess, type ReadAccess} from '../auth/access.ts'
import type {LoginThrottle} from '../auth/loginCode.ts'
import type {OpenStreams} from '../auth/openStreams.ts'
import {isValidDatasetName} from '../core/ids.ts'
import type {QueryPool} from '../groq/pool.ts'
import type {DatasetInfo, LakeStorage} from '../store/storage.ts'
import {datasetNotFound, invalidInput, queryParseError} from '../core/errors.ts'
import type {Caller} from '../core/types.ts'
import {jsonDepthExceeds, MAX_JSON_DEPTH} from './body.ts'
import type {LakeRequest, LakeResponse} from './respond.ts'

/** What every handler can reach: storage, the listener hub, open streams, logging. */
export interface Lake {
  storage: LakeStorage
  hub: ListenerHub
  streams: Set<EventStream>
  /** Streams opened with a token, ended when it is revoked (lake/auth/openStreams.ts). */
  openStreams: OpenStreams
  /** Where queries are evaluated (worker threads with a time limit per query). */
  queries: QueryPool
  log(line: string): void
  /** The login form's code and its wrong-code throttle (lake/auth/loginCode.ts). */
  login: {code: string; throttle: LoginThrottle}
}

export interface RequestContext {
  req: LakeRequest
  res: LakeResponse
  method: string
  /** The path without the `/v<version>` prefix, e.g. `/data/query/production`. */
  path: string
  /** `1`, `X` or `YYYY-MM-DD` ('1' when the path had no version). */
  apiVersion: string
  projectId: string
  search: URLSearchParams
  caller: Caller
  /** Route params (`:dataset`, `:ids`, …), URL-decoded. */
  params: Record<string, string>
  lake: Lake
}

export function validateDatasetName(name: string): void {
  if (!isValidDatasetName(name)) {
    throw invalidInput(
      `Invalid dataset name "${name}": must match /^(~[a-z0-9][-\\w]{0,63}|[a-z0-9][-\\w]{0,63})$/`,
    )
  }
}

/** The dataset of a read route; 404 when it does not exist. */
export function requireDataset(ctx: RequestContext, name = ctx.params.dataset): DatasetInfo {
  validateDatasetName(name)
  const dataset = ctx.lake.storage.getDataset(name)
  if (!dataset) throw datasetNotFound(name, ctx.projectId)
  return dataset
}

export function accessFor(ctx: RequestContext, dataset: DatasetInfo): ReadAccess {
  return readAccess(ctx.caller, dataset.aclMode)
}

/** A comma-separated path or query value (`:ids`, `:keys`, `types`): trimmed, empty items dropped. */
export function commaList(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean)
}

/** `true`/`false` query flags as the client sends them (`String(value)`). */
export function flag(search: URLSearchParams, name: string, fallback = false): boolean {
  const value = search.get(name)
  if (value === null || value === '') return fallback
  return value !== 'false' && value !== '0'
}

/** `$name=<json>` params from the query string (form-decoded). */
export function queryStringParams(search: URLSearchParams): Record<string, unknown> {
  const params: Record<string, unknown> = {}
  for (const [key, value] of search) {
    if (!key.startsWith('$')) continue
    if (jsonDepthExceeds(value)) {
      throw queryParseError(`Value of "${key}" nests deeper than ${MAX_JSON_DEPTH} levels`)
    }
    try {
      params[key.slice(1)] = JSON.parse(value)
    } catch {
      throw queryParseError(
        `Unable to parse value of "${key}=${value}". Please quote string values.`,
      )
    }
  }
  return params
}
