/** The local token file `npm start` writes and the scripts read (config/localToken.ts). */
import {mkdtempSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, describe, expect, it} from 'vitest'

import {readContentLakeConfig, readScriptConfig} from '../config/contentLake.ts'
import {
  isLoopbackHost,
  LOCAL_TOKEN_FILE,
  readLocalToken,
  writeLocalToken,
} from '../config/localToken.ts'

const dirs: string[] = []
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'local-token-'))
  dirs.push(dir)
  return dir
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, {recursive: true, force: true})
})

describe('the local token file', () => {
  it('is written owner-only and read only for the lake it was made for', () => {
    const dir = tempDir()
    const path = writeLocalToken(dir, 'sk-local', 'http://127.0.0.1:3400')
    expect(path).toBe(join(dir, LOCAL_TOKEN_FILE))
    expect(statSync(path).mode & 0o777).toBe(0o600)
    expect(readLocalToken(path, 'http://127.0.0.1:3400')).toBe('sk-local')
    expect(readLocalToken(path, 'http://localhost:3400/')).toBe('sk-local')
    expect(readLocalToken(path, 'http://127.0.0.1:3401')).toBeUndefined()
    expect(readLocalToken(path, 'https://127.0.0.1:3400')).toBeUndefined()
    expect(readLocalToken(path, 'http://lake.example.com:3400')).toBeUndefined()
    expect(readLocalToken(join(dir, 'missing'), 'http://127.0.0.1:3400')).toBeUndefined()
    writeFileSync(path, 'not json')
    expect(readLocalToken(path, 'http://127.0.0.1:3400')).toBeUndefined()
  })

  it('fills in the token for scripts when SANITY_API_TOKEN is unset and the target is that lake', () => {
    const dir = tempDir()
    writeLocalToken(dir, 'sk-local', 'http://127.0.0.1:3400')
    expect(readScriptConfig({LAKE_DATA_DIR: dir}).token).toBe('sk-local')
    expect(readScriptConfig({LAKE_DATA_DIR: dir, SANITY_API_TOKEN: 'sk-env'}).token).toBe('sk-env')
    expect(
      readScriptConfig({LAKE_DATA_DIR: dir, SANITY_API_HOST: 'http://127.0.0.1:4000'}).token,
    ).toBeUndefined()
    expect(
      readScriptConfig({LAKE_DATA_DIR: dir, SANITY_PROJECT_ID: 'abc123'}).token,
    ).toBeUndefined()
    // The delivery library and sites read the plain configuration: never the file.
    expect(readContentLakeConfig({LAKE_DATA_DIR: dir}).token).toBeUndefined()
  })

  it('knows loopback addresses', () => {
    for (const host of [
      'http://127.0.0.1:3400',
      'http://localhost',
      'https://local.localhost:3443',
      'http://[::1]:3400',
    ]) {
      expect(isLoopbackHost(host)).toBe(true)
    }
    for (const host of [
      'http://10.0.0.1',
      'https://abc.api.sanity.io',
      'http://localhost.example.com',
      'nonsense',
      undefined,
    ]) {
      expect(isLoopbackHost(host)).toBe(false)
    }
  })
})
