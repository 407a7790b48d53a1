/**
 * The login form never issues a token without the secret: with no LAKE_LOGIN_CODE the lake makes
 * a code at start and prints it; wrong codes are refused and, repeated, throttled.
 */
import {spawn} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {createInterface} from 'node:readline'
import {afterEach, describe, expect, it} from 'vitest'
import {
  codeMatches,
  FAILURE_WINDOW_MS,
  LoginThrottle,
  MAX_FAILURES,
  resolveLoginCode,
} from '../../../lake/auth/loginCode.ts'
import {startTestLake, type TestLake} from '../../../testkit/lake.ts'

const STUDIO = 'http://localhost:3333/'
const MAIN = join(import.meta.dirname, '..', '..', '..', 'lake', 'main.ts')

let lake: TestLake | undefined
afterEach(async () => {
  await lake?.stop()
  lake = undefined
})

function login(base: string, form: Record<string, string>) {
  return fetch(`${base}/v1/auth/login/local`, {
    method: 'POST',
    headers: {'content-type': 'application/x-www-form-urlencoded'},
    body: new URLSearchParams(form).toString(),
    redirect: 'manual',
  })
}

describe('login code', () => {
  it('refuses an administrator token to a caller without the code', async () => {
    const saved = process.env.LAKE_LOGIN_CODE
    delete process.env.LAKE_LOGIN_CODE
    try {
      lake = await startTestLake()
    } finally {
      if (saved !== undefined) process.env.LAKE_LOGIN_CODE = saved
    }
    expect(lake.server.loginCode.generated).toBe(true)
    expect(lake.loginCode).toMatch(/^\d{10}$/)
    const forms: Array<Record<string, string>> = [
      {origin: STUDIO, name: 'Mallory', role: 'administrator'},
      {origin: STUDIO, name: 'Mallory', role: 'administrator', code: ''},
      {origin: STUDIO, name: 'Mallory', role: 'administrator', code: '0000000000'},
    ]
    for (const form of forms) {
      const res = await login(lake.url, form)
      expect(res.status).toBe(403)
      expect(res.headers.get('location')).toBeNull()
      expect(await res.text()).not.toContain('token=')
    }
    const tokens = lake.server.storage.db.prepare('SELECT count(*) AS n FROM tokens').get()
    expect(Number(tokens?.n)).toBe(1) // only the test's admin token
    const right = await login(lake.url, {
      origin: STUDIO,
      name: 'Ada',
      role: 'administrator',
      code: lake.loginCode,
    })
    expect(right.status).toBe(303)
    expect(right.headers.get('location')).toMatch(/#token=sk/)
  })

  it('throttles repeated wrong codes, even when the right code follows', async () => {
    lake = await startTestLake({loginCode: 'rätt-kod'})
    for (let i = 0; i < MAX_FAILURES; i++) {
      const res = await login(lake.url, {origin: STUDIO, name: 'Eve', role: 'editor', code: `${i}`})
      expect(res.status).toBe(403)
    }
    const blocked = await login(lake.url, {
      origin: STUDIO,
      name: 'Eve',
      role: 'editor',
      code: 'rätt-kod',
    })
    expect(blocked.status).toBe(429)
    expect(blocked.headers.get('location')).toBeNull()
    expect(await blocked.text()).toContain('För många felaktiga försök')
  })

  it('lets a client in again after the window, and compares codes exactly', () => {
    let now = 0
    const throttle = new LoginThrottle(() => now)
    for (let i = 0; i < MAX_FAILURES; i++) throttle.recordFailure('a')
    expect(throttle.blocked('a')).toBe(true)
    expect(throttle.blocked('b')).toBe(false)
    now += 60_001
    expect(throttle.blocked('a')).toBe(false)
    expect(codeMatches('123', '123')).toBe(true)
    expect(codeMatches('123', '1234')).toBe(false)
    expect(resolveLoginCode('  egen  ')).toEqual({code: 'egen', generated: false})
    expect(resolveLoginCode('').generated).toBe(true)
  })

  it('forgets a client once its failures leave the window, and tracks a bounded number', () => {
    let now = 0
    const throttle = new LoginThrottle(() => now, 3)
    throttle.recordFailure('once-a')
    now += 10_000
    throttle.recordFailure('once-b')
    expect(throttle.size).toBe(2)
    // Neither client comes back: their entries expire anyway.
    now += FAILURE_WINDOW_MS - 5_000
    expect(throttle.size).toBe(1)
    now += 10_000
    expect(throttle.size).toBe(0)

    // More clients than the bound: the one whose last failure is oldest is dropped.
    for (const client of ['c1', 'c2', 'c3']) throttle.recordFailure(client)
    throttle.recordFailure('c1')
    throttle.recordFailure('c4')
    expect(throttle.size).toBe(3)
    for (let i = 0; i < MAX_FAILURES; i++) throttle.recordFailure('c4')
    expect(throttle.blocked('c4')).toBe(true)
    expect(throttle.blocked('c1')).toBe(false)
    expect(throttle.size).toBe(3)
    for (const client of ['c5', 'c6']) throttle.recordFailure(client)
    expect(throttle.size).toBe(3)
    // c4, the most recent, is still blocked; c1 was dropped first.
    expect(throttle.blocked('c4')).toBe(true)
  })

  it('prints the generated code in the lake’s ready output', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'lake-login-'))
    const env = {...process.env}
    delete env.LAKE_LOGIN_CODE
    const child = spawn(process.execPath, [MAIN, '--port', '0', '--data', dataDir], {env})
    try {
      const code = await new Promise<string>((resolve, reject) => {
        createInterface({input: child.stdout}).on('line', (line) => {
          const match = /^Studio login code: (\d{10})$/.exec(line)
          if (match) resolve(match[1])
        })
        child.once('exit', (status) => reject(new Error(`lake exited with ${status}`)))
      })
      expect(code).toMatch(/^\d{10}$/)
    } finally {
      child.kill('SIGTERM')
      await new Promise((resolve) => child.once('exit', resolve))
      rmSync(dataDir, {recursive: true, force: true})
    }
  })
})
