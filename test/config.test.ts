import {describe, expect, it} from 'vitest'

import {
  clientOptionsFor,
  ContentLakeConfigError,
  LOCAL_LAKE_HOST,
  readContentLakeConfig,
} from '../config/contentLake.ts'
import {LOCAL_STUDIO_API_HOST, resolveStudioApiTarget} from '../studio/apiTarget.ts'

describe('readContentLakeConfig', () => {
  it('targets the local lake when nothing is set', () => {
    const config = readContentLakeConfig({})
    expect(config).toEqual({
      apiHost: LOCAL_LAKE_HOST,
      projectId: 'local',
      dataset: 'production',
      token: undefined,
      apiVersion: '2025-02-19',
      isLocal: true,
    })
    expect(clientOptionsFor(config)).toMatchObject({
      apiHost: LOCAL_LAKE_HOST,
      useProjectHostname: false,
    })
  })

  it('targets the hosted API when a project id is set without a host', () => {
    const config = readContentLakeConfig({SANITY_PROJECT_ID: 'abc123', SANITY_API_TOKEN: 'tok'})
    expect(config.apiHost).toBeUndefined()
    expect(config.isLocal).toBe(false)
    expect(config.token).toBe('tok')
    expect(clientOptionsFor(config)).not.toHaveProperty('apiHost')
  })

  it('keeps an explicit host, trims a trailing slash and strips a v from the version', () => {
    const config = readContentLakeConfig({
      SANITY_API_HOST: 'http://127.0.0.1:4000/',
      SANITY_PROJECT_ID: 'demo',
      SANITY_API_VERSION: 'v2024-01-01',
    })
    expect(config.apiHost).toBe('http://127.0.0.1:4000')
    expect(config.apiVersion).toBe('2024-01-01')
    expect(config.isLocal).toBe(true)
  })

  it.each([
    [{SANITY_API_HOST: '127.0.0.1:3400'}, /SANITY_API_HOST/],
    [{SANITY_PROJECT_ID: 'Bad Project'}, /SANITY_PROJECT_ID/],
    [{SANITY_DATASET: 'Prod!'}, /SANITY_DATASET/],
    [{SANITY_API_VERSION: 'yesterday'}, /SANITY_API_VERSION/],
  ])('names the variable that is wrong: %j', (env, message) => {
    expect(() => readContentLakeConfig(env)).toThrow(ContentLakeConfigError)
    expect(() => readContentLakeConfig(env)).toThrow(message)
  })
})

describe('resolveStudioApiTarget', () => {
  it('defaults to the local lake over TLS', () => {
    expect(resolveStudioApiTarget({})).toEqual({
      projectId: 'local',
      dataset: 'production',
      apiHost: LOCAL_STUDIO_API_HOST,
      isLocal: true,
    })
  })

  it('uses the hosted API for a project id without a host', () => {
    const target = resolveStudioApiTarget({
      SANITY_STUDIO_PROJECT_ID: 'abc123',
      SANITY_STUDIO_DATASET: 'staging',
    })
    expect(target).toEqual({
      projectId: 'abc123',
      dataset: 'staging',
      apiHost: undefined,
      isLocal: false,
    })
  })

  it('uses an explicit lake host', () => {
    const target = resolveStudioApiTarget({SANITY_STUDIO_API_HOST: 'https://localhost:4443/'})
    expect(target.apiHost).toBe('https://localhost:4443')
    expect(target.isLocal).toBe(true)
  })
})
