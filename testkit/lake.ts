/**
 * Starts a lake in-process on a free port with a fresh data directory, for tests and benchmarks
 * that talk to it over real HTTP with @sanity/client.
 */
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {createClient, type ClientPerspective, type SanityClient} from '@sanity/client'
import {generateToken, registerToken} from '../lake/auth/auth.ts'
import {createLakeServer, type LakeServer} from '../lake/http/server.ts'
import type {Role} from '../lake/core/types.ts'

export interface TestClientOptions {
  /** Defaults to the admin token; `null` = anonymous. */
  token?: string | null
  dataset?: string
  apiVersion?: string
  perspective?: ClientPerspective
}

export interface TestLake {
  url: string
  port: number
  adminToken: string
  /** The code the login form requires. */
  loginCode: string
  dataDir: string
  /** Log lines the lake wrote (404s, 500s, …). */
  logs: string[]
  server: LakeServer
  client(options?: TestClientOptions): SanityClient
  /** Registers a token with a role; returns the plaintext token. */
  createToken(role: Role): string
  stop(): Promise<void>
  /** Stops and starts again on the same port and data directory. */
  restart(): Promise<void>
}

export interface StartTestLakeOptions {
  dataDir?: string
  adminToken?: string
  loginCode?: string
}

export async function startTestLake(options: StartTestLakeOptions = {}): Promise<TestLake> {
  const ownDir = !options.dataDir
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'lake-test-'))
  const adminToken = options.adminToken ?? generateToken()
  const logs: string[] = []
  let loginCode = options.loginCode
  const start = async (port: number) => {
    const server = createLakeServer({
      dataDir,
      port,
      adminToken,
      loginCode,
      log: (line) => logs.push(line),
    })
    loginCode = server.loginCode.code
    const address = await server.listen()
    return {server, ...address}
  }
  let current = await start(0)
  const lake: TestLake = {
    url: current.url,
    port: current.port,
    adminToken,
    loginCode: current.server.loginCode.code,
    dataDir,
    logs,
    server: current.server,
    client(clientOptions = {}) {
      const token = clientOptions.token === undefined ? adminToken : clientOptions.token
      return createClient({
        projectId: 'test',
        dataset: clientOptions.dataset ?? 'test',
        apiHost: lake.url,
        useProjectHostname: false,
        apiVersion: clientOptions.apiVersion ?? '2025-02-19',
        useCdn: false,
        token: token ?? undefined,
        perspective: clientOptions.perspective,
        ignoreBrowserTokenWarning: true,
      })
    },
    createToken(role) {
      return registerToken(current.server.storage, role).token
    },
    async stop() {
      await current.server.close()
      if (ownDir) rmSync(dataDir, {recursive: true, force: true})
    },
    async restart() {
      await current.server.close()
      current = await start(lake.port)
      lake.server = current.server
    },
  }
  return lake
}

export interface RawResponse {
  status: number
  headers: Headers
  /** Parsed JSON, or the text when the body is not JSON. */
  body: unknown
  text: string
}

/** A plain `fetch` to the lake (admin token unless `token` is given; `null` = anonymous). */
export async function rawRequest(
  lake: TestLake,
  path: string,
  init: RequestInit = {},
  token: string | null = lake.adminToken,
): Promise<RawResponse> {
  const headers = new Headers(init.headers)
  if (token) headers.set('Authorization', `Bearer ${token}`)
  const res = await fetch(`${lake.url}${path}`, {...init, headers})
  const text = await res.text()
  let body: unknown = text
  try {
    body = JSON.parse(text)
  } catch {
    // not JSON
  }
  return {status: res.status, headers: res.headers, body, text}
}
