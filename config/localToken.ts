/**
 * The local lake's token file: `npm start` writes an editor token into the lake's data folder
 * (`<data>/editor-token`, owner-only, JSON `{token, apiHost}`), and scripts that target that lake
 * read it when `SANITY_API_TOKEN` is unset, so nobody has to copy a token by hand.
 *
 * The token is only used for the lake it was made for: a loopback address with the same port as
 * the `apiHost` in the file. Any other target (another host, another lake on this machine, a test
 * lake on a random port) never picks it up, so the token cannot leak.
 */
import {chmodSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import type {ContentLakeConfig} from './contentLake.ts'

export const LOCAL_TOKEN_FILE = 'editor-token'
const DEFAULT_LAKE_DATA_DIR = '.lake'

type Env = Record<string, string | undefined>

/** Where the local token lives: `$LAKE_DATA_DIR/editor-token`, by default `.lake/editor-token`. */
export function localTokenPath(env: Env = process.env): string {
  return join(env.LAKE_DATA_DIR?.trim() || DEFAULT_LAKE_DATA_DIR, LOCAL_TOKEN_FILE)
}

interface LocalTokenFile {
  token: string
  /** The lake the token is for, e.g. `http://127.0.0.1:3400`. */
  apiHost: string
}

/** Writes the token for the lake at `apiHost` with owner-only permissions (0600). */
export function writeLocalToken(dataDir: string, token: string, apiHost: string): string {
  const path = join(dataDir, LOCAL_TOKEN_FILE)
  const content: LocalTokenFile = {token, apiHost}
  writeFileSync(path, `${JSON.stringify(content)}\n`, {mode: 0o600})
  chmodSync(path, 0o600)
  return path
}

/** The file's token when it is for the lake at `apiHost` (any loopback name, same port). */
export function readLocalToken(path: string, apiHost: string | undefined): string | undefined {
  let content: Partial<LocalTokenFile>
  try {
    content = JSON.parse(readFileSync(path, 'utf8')) as Partial<LocalTokenFile>
  } catch {
    return undefined
  }
  if (typeof content.token !== 'string' || typeof content.apiHost !== 'string') return undefined
  return sameLocalLake(content.apiHost, apiHost) ? content.token : undefined
}

function portOf(url: URL): string {
  return url.port || (url.protocol === 'https:' ? '443' : '80')
}

/** Both loopback addresses with the same protocol and port. */
function sameLocalLake(a: string, b: string | undefined): boolean {
  if (!b || !isLoopbackHost(a) || !isLoopbackHost(b)) return false
  const [urlA, urlB] = [new URL(a), new URL(b)]
  return urlA.protocol === urlB.protocol && portOf(urlA) === portOf(urlB)
}

/** True for `http(s)://127.x.x.x`, `localhost` (and `*.localhost`) and `[::1]`. */
export function isLoopbackHost(apiHost: string | undefined): boolean {
  if (!apiHost) return false
  let hostname: string
  try {
    hostname = new URL(apiHost).hostname
  } catch {
    return false
  }
  return (
    hostname === 'localhost' ||
    hostname.endsWith('.localhost') ||
    hostname === '[::1]' ||
    /^127(\.\d{1,3}){3}$/.test(hostname)
  )
}

/**
 * The configuration with the local token filled in when it has no token and targets a lake on
 * this machine; `tokenSource` says where the token came from (for messages).
 */
export function withLocalToken(
  config: ContentLakeConfig,
  env: Env = process.env,
): ContentLakeConfig & {tokenSource: 'SANITY_API_TOKEN' | 'local token file' | 'none'} {
  if (config.token) return {...config, tokenSource: 'SANITY_API_TOKEN'}
  if (!config.isLocal || !isLoopbackHost(config.apiHost)) return {...config, tokenSource: 'none'}
  const token = readLocalToken(localTokenPath(env), config.apiHost)
  return token
    ? {...config, token, tokenSource: 'local token file'}
    : {...config, tokenSource: 'none'}
}
