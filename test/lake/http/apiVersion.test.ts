/** Which API versions the lake serves: `1`, `X` and real dates up to tomorrow (lake/core/apiVersion.ts). */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {isAcceptedApiVersion} from '../../../lake/core/apiVersion.ts'
import {startTestLake, type TestLake} from '../../../testkit/lake.ts'

let lake: TestLake
beforeAll(async () => {
  lake = await startTestLake()
})
afterAll(async () => {
  await lake.stop()
})

describe('API versions', () => {
  const now = new Date('2026-06-15T23:30:00Z')
  it('accepts 1, X and calendar dates from 2021-03-25 to tomorrow (UTC)', () => {
    for (const version of ['1', 'X', '2021-03-25', '2025-02-19', '2024-02-29', '2026-06-16']) {
      expect(isAcceptedApiVersion(version, now), version).toBe(true)
    }
    for (const version of [
      'foo',
      '0',
      '2',
      'x',
      '2025-13-45',
      '2025-02-30',
      '2023-02-29',
      '2021-03-24',
      '2026-06-17',
      '99999-01-01',
      '1\u0000',
      '2025-2-19',
      '',
    ]) {
      expect(isAcceptedApiVersion(version, now), version).toBe(false)
    }
  })

  it('answers a bad version with 400 in the gateway shape, on every route', async () => {
    for (const prefix of ['/vfoo', '/v2025-13-45', '/v0', '/v99999-01-01', '/v1%00']) {
      const res = await fetch(`${lake.url}${prefix}/data/query/test?query=*`)
      expect(res.status, prefix).toBe(400)
      const body = await res.json()
      expect(body).toMatchObject({statusCode: 400, error: 'Bad Request'})
      expect(body.message).toContain('Invalid API version')
    }
    expect((await fetch(`${lake.url}/vX/ping`)).status).toBe(200)
    expect((await fetch(`${lake.url}/v1/ping`)).status).toBe(200)
    expect((await fetch(`${lake.url}/ping`)).status).toBe(200)
  })
})
