/**
 * The lake's HTTP server: a `(req, res)` handler usable with `node:http` and the `node:http2`
 * compat API, plus lifecycle (listen, clean shutdown).
 *
 * Projects: the project id is taken from a `<projectId>.localhost` host, else the
 * `X-Sanity-Project-ID` header, else `local`, and is only reported back (sanity::projectId(),
 * /projects). One lake holds ONE set of datasets, not namespaced by project, because
 * @sanity/client's listener sends no project header and namespacing would split listeners from
 * their data.
 */
import {mkdirSync} from 'node:fs'
import {createServer, type Server} from 'node:http'
import {createSecureServer, type Http2SecureServer, type Http2Session} from 'node:http2'
import type {AddressInfo, Socket} from 'node:net'
import {registerToken, resolveCaller} from '../auth/auth.ts'
import {LoginThrottle, resolveLoginCode, type LoginCode} from '../auth/loginCode.ts'
import {OpenStreams} from '../auth/openStreams.ts'
import {BodyTooLargeError} from './body.ts'
import type {Lake, RequestContext} from './context.ts'
import {
  http1,
  sendError,
  sendPreflight,
  setCorsHeaders,
  type LakeRequest,
  type LakeResponse,
} from './respond.ts'
import {Router} from './router.ts'
import {requireApiVersion} from '../core/apiVersion.ts'
import {nextTurn, turnsWaiting} from './turns.ts'
import {isValidProjectId} from '../core/ids.ts'
import {QueryPool} from '../groq/pool.ts'
import type {QueryLimits} from '../groq/limits.ts'
import {ListenerHub} from '../realtime/listeners.ts'
import {createPresenceSockets} from './routes/socket.ts'
import type {EventStream} from '../realtime/sse.ts'
import {LakeStorage} from '../store/storage.ts'
import {acquireDataLock} from '../store/dataLock.ts'
import {ReleaseScheduler, type SchedulerClock} from '../write/releaseScheduler.ts'
import {ensureCertificate, type LakeCertificate} from './tls.ts'
import {internalError, LakeError, methodNotAllowed, unknownEndpoint} from '../core/errors.ts'

export const DEFAULT_PROJECT_ID = 'local'

/**
 * How long an idle keep-alive connection stays open (Node's default is 5 s). A client's next
 * request can already be in the socket while the main thread is busy; when the wait outlasts
 * this timeout, the timer fires before the request is read and the client gets ECONNRESET (POSTs
 * are not retried). Long-lived, as behind hosted Sanity's load balancers, so only a truly idle
 * connection is closed (and clients, which drop theirs sooner, close it first).
 */
export const KEEP_ALIVE_TIMEOUT_MS = 65_000

export interface LakeServerOptions {
  dataDir: string
  host?: string
  /** 0 picks a free port. */
  port?: number
  /** Registered as an administrator token at start (`LAKE_ADMIN_TOKEN`). */
  adminToken?: string
  log?: (line: string) => void
  /**
   * Also serve HTTPS with HTTP/2 (HTTP/1.1 fallback) on this port; 0 picks a free port. Undefined:
   * plain HTTP only. The certificate is kept in `<dataDir>/tls/` (lake/http/tls.ts).
   */
  tlsPort?: number
  /** Project ids whose `<id>.localhost` the certificate must cover (besides `local`). */
  tlsProjectIds?: string[]
  /** Datasets created (public) at start when missing, e.g. the Studio's `production`. */
  datasets?: string[]
  /**
   * The code the login form requires. Default: `LAKE_LOGIN_CODE`, else generated at start (see
   * {@link LakeServer.loginCode}; the CLI prints it).
   */
  loginCode?: string
  /** Overrides of the query limits (lake/groq/limits.ts; default from the environment). */
  queryLimits?: Partial<QueryLimits>
  /** The release scheduler's clock (tests); default the system clock. */
  clock?: SchedulerClock
}

export interface LakeListening {
  port: number
  url: string
  /** Set when TLS is on: the port, `https://localhost:<port>` and the certificate. */
  tlsPort?: number
  tlsUrl?: string
  certificate?: LakeCertificate
}

export interface LakeServer extends Lake {
  /** The login form's code; `generated` when the lake made it (it must be shown to the user). */
  loginCode: LoginCode
  handler: (req: LakeRequest, res: LakeResponse) => void
  listen(): Promise<LakeListening>
  close(): Promise<void>
}

/** `/v2025-02-19/data/…` → apiVersion `2025-02-19`, path `/data/…`. */
export function splitVersion(pathname: string): {apiVersion: string; path: string} {
  const match = /^\/v([^/]+)(\/.*)?$/.exec(pathname)
  if (!match) return {apiVersion: '1', path: pathname}
  return {apiVersion: match[1], path: match[2] ?? '/'}
}

export function projectIdOf(req: LakeRequest): string {
  const host = req.headers.host ?? (req.headers[':authority'] as string | undefined) ?? ''
  const hostname = host.replace(/:\d+$/, '').toLowerCase()
  const sub = /^([-a-z0-9]+)\.localhost$/.exec(hostname)
  if (sub && isValidProjectId(sub[1])) return sub[1]
  const header = req.headers['x-sanity-project-id']
  if (typeof header === 'string' && isValidProjectId(header)) return header
  return DEFAULT_PROJECT_ID
}

export function createLakeServer(options: LakeServerOptions): LakeServer {
  const log = options.log ?? ((line: string) => console.error(line))
  mkdirSync(options.dataDir, {recursive: true})
  // Throws DataFolderInUseError when another lake runs on this folder.
  const dataLock = acquireDataLock(options.dataDir)
  let storage: LakeStorage
  try {
    storage = new LakeStorage(options.dataDir)
  } catch (error) {
    dataLock.release()
    throw error
  }
  if (options.adminToken) {
    registerToken(storage, 'administrator', {
      token: options.adminToken,
      label: 'LAKE_ADMIN_TOKEN',
      stableId: true,
    })
  }
  for (const name of options.datasets ?? []) {
    if (!storage.getDataset(name)) storage.createDataset(name)
  }
  const hub = new ListenerHub({
    onError: (error, spec) =>
      log(`lake: listener ${JSON.stringify(spec.query)} failed: ${String(error)}`),
    onWatchError: (error) => log(`lake: live event stream failed: ${String(error)}`),
    busy: turnsWaiting,
  })
  const streams = new Set<EventStream>()
  const router = new Router()
  let server: Server | undefined
  let secureServer: Http2SecureServer | undefined
  const sessions = new Set<Http2Session>()
  const secureSockets = new Set<Socket>()
  const loginCode = resolveLoginCode(options.loginCode ?? process.env.LAKE_LOGIN_CODE)
  const queries = new QueryPool({
    databasePath: storage.path,
    workerUrl: new URL('./queryWorker.ts', import.meta.url),
    limits: options.queryLimits,
    log,
  })
  // Query workers catch up with each commit in the background (lake/groq/workerSource.ts).
  hub.watch((tx) => queries.refresh(tx.dataset))
  const lake: Lake = {
    storage,
    hub,
    streams,
    openStreams: new OpenStreams(storage, {log}),
    queries,
    log,
    login: {code: loginCode.code, throttle: new LoginThrottle()},
  }
  const presence = createPresenceSockets(lake)
  const scheduler = new ReleaseScheduler({storage, hub, clock: options.clock, log})

  const fail = (req: LakeRequest, res: LakeResponse, error: unknown, where: string) => {
    if (!(error instanceof LakeError)) {
      log(
        `lake: 500 ${where}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      )
    }
    const answer = error instanceof LakeError ? error : internalError()
    if (res.headersSent) {
      res.destroy()
      return
    }
    // An oversized body not read to its end: close, or the rest would be parsed as a request.
    if (answer instanceof BodyTooLargeError && !answer.drained && req.httpVersionMajor === 1) {
      http1(res).setHeader('Connection', 'close')
    }
    sendError(res, answer)
  }

  const handle = async (req: LakeRequest, res: LakeResponse) => {
    const method = (req.method ?? 'GET').toUpperCase()
    const url = new URL(req.url ?? '/', 'http://lake.invalid')
    const where = `${method} ${url.pathname}`
    try {
      setCorsHeaders(req, res)
      if (method === 'OPTIONS') {
        sendPreflight(req, res)
        return
      }
      const {apiVersion, path} = splitVersion(url.pathname)
      requireApiVersion(apiVersion)
      const match = router.match(method, path)
      if (match === null || match === 'method') {
        const error = match === null ? unknownEndpoint(where) : methodNotAllowed(where)
        log(`lake: ${error.status} ${where}`)
        sendError(res, error)
        return
      }
      const authorization = req.headers.authorization
      const ctx: RequestContext = {
        req,
        res,
        method,
        path,
        apiVersion,
        projectId: projectIdOf(req),
        search: url.searchParams,
        caller: resolveCaller(
          storage,
          typeof authorization === 'string' ? authorization : undefined,
        ),
        params: match.params,
        lake,
      }
      await match.handler(ctx)
    } catch (error) {
      fail(req, res, error, where)
    }
  }

  const handler = (req: LakeRequest, res: LakeResponse) => {
    // One request's synchronous work per event-loop turn (see lake/http/turns.ts).
    void nextTurn().then(() => handle(req, res))
  }

  return {
    ...lake,
    loginCode,
    handler,
    async listen() {
      scheduler.start()
      const plain = await new Promise<{port: number; url: string}>((resolve, reject) => {
        server = createServer(handler)
        server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS
        // Node requires the headers timeout to outlast the keep-alive one.
        server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1_000
        server.on('upgrade', presence.onUpgrade)
        server.once('error', reject)
        server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
          server?.off('error', reject)
          const {port, address} = server?.address() as AddressInfo
          resolve({port, url: `http://${address}:${port}`})
        })
      })
      if (options.tlsPort === undefined) return plain
      const certificate = await ensureCertificate(options.dataDir, options.tlsProjectIds)
      const tlsPort = await new Promise<number>((resolve, reject) => {
        const secure = createSecureServer(
          {cert: certificate.cert, key: certificate.key, allowHTTP1: true},
          handler,
        )
        secureServer = secure
        secure.on('upgrade', presence.onUpgrade)
        secure.on('session', (session: Http2Session) => {
          sessions.add(session)
          session.once('close', () => sessions.delete(session))
        })
        secure.on('secureConnection', (socket: Socket) => {
          secureSockets.add(socket)
          socket.once('close', () => secureSockets.delete(socket))
        })
        // A client that fails the handshake (an untrusted certificate) is not an error of ours.
        secure.on('tlsClientError', () => undefined)
        secure.once('error', reject)
        secure.listen(options.tlsPort, options.host ?? '127.0.0.1', () => {
          secure.off('error', reject)
          resolve((secure.address() as AddressInfo).port)
        })
      })
      return {...plain, tlsPort, tlsUrl: `https://localhost:${tlsPort}`, certificate}
    },
    async close() {
      scheduler.stop()
      presence.close()
      for (const stream of [...streams]) stream.close()
      streams.clear()
      lake.openStreams.close()
      if (secureServer) {
        const secure = secureServer
        const closing = new Promise<void>((resolve) => secure.close(() => resolve()))
        for (const session of sessions) session.destroy()
        for (const socket of secureSockets) socket.destroy()
        await closing
        secureServer = undefined
      }
      if (server) {
        const closing = new Promise<void>((resolve) => server?.close(() => resolve()))
        server.closeAllConnections()
        await closing
        server = undefined
      }
      await queries.close()
      storage.close()
      dataLock.release()
    },
  }
}
