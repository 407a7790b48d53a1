/**
 * The local lake's token file: `npm start` writes an editor token into the lake's data folder
 * (`<data>/editor-token`, owner-only), and scripts that target the local lake read it when
 * `SANITY_API_TOKEN` is unset, so nobody has to copy a token by hand.
 *
 * It is only ever sent to a loopback address: a configuration that points anywhere else never
 * picks it up, so the token cannot leak to another host.
 */
import {chmodSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import type {ContentLakeConfig} from './contentLake.ts'

export const LOCAL_TOKEN_FILE = 'editor-token'
export const DEFAULT_LAKE_DATA_DIR = '.lake'

type Env = Record<string, string | undefined>

/** Where the local token lives: `$LAKE_DATA_DIR/editor-token`, by default `.lake/editor-token`. */
export function localTokenPath(env: Env = process.env): string {
  return join(env.LAKE_DATA_DIR?.trim() || DEFAULT_LAKE_DATA_DIR, LOCAL_TOKEN_FILE)
}

/** Writes the token with owner-only permissions (0600), also when the file already existed. */
export function writeLocalToken(dataDir: string, token: string): string {
  const path = join(dataDir, LOCAL_TOKEN_FILE)
  writeFileSync(path, `${token}\n`, {mode: 0o600})
  chmodSync(path, 0o600)
  return path
}

/** The token in the file, or undefined when there is none. */
export function readLocalToken(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim() || undefined
  } catch {
    return undefined
  }
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
  const token = readLocalToken(localTokenPath(env))
  return token
    ? {...config, token, tokenSource: 'local token file'}
    : {...config, tokenSource: 'none'}
}
