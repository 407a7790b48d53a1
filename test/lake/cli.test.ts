import {spawn, spawnSync} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {createInterface} from 'node:readline'
import {afterAll, describe, expect, it} from 'vitest'
import {parseArgs} from '../../lake/cli.ts'

const MAIN = join(import.meta.dirname, '..', '..', 'lake', 'main.ts')
const dirs: string[] = []
function tempDir() {
  const dir = mkdtempSync(join(tmpdir(), 'lake-cli-'))
  dirs.push(dir)
  return dir
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, {recursive: true, force: true})
})

function run(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [MAIN, ...args], {
    encoding: 'utf8',
    env: {...process.env, ...env},
  })
}

/** Starts the lake, resolves with its ready line. */
function start(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [MAIN, ...args], {env: {...process.env, ...env}})
  const lines = createInterface({input: child.stdout})
  const ready = new Promise<string>((resolve, reject) => {
    lines.once('line', resolve)
    child.once('exit', (code) => reject(new Error(`exited with ${code}`)))
  })
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  )
  return {child, ready, exited}
}

describe('lake CLI', () => {
  it('parses arguments', () => {
    expect(parseArgs(['--port', '3401', '--data', 'x'])).toEqual({
      kind: 'serve',
      port: 3401,
      host: '127.0.0.1',
      dataDir: 'x',
    })
    expect(parseArgs(['token', 'create', '--role', 'viewer', '--label=ci'])).toMatchObject({
      kind: 'token-create',
      role: 'viewer',
      label: 'ci',
    })
  })

  it('exits with 2 and a clear message on bad arguments', () => {
    const unknown = run(['--nope'])
    expect(unknown.status).toBe(2)
    expect(unknown.stderr).toContain('Unknown flag "--nope"')
    const port = run(['--port', '99999'])
    expect(port.status).toBe(2)
    expect(port.stderr).toContain('Bad port "99999" for --port')
    const role = run(['token', 'create', '--role', 'king'])
    expect(role.status).toBe(2)
    expect(role.stderr).toContain('Unknown role "king"')
  })

  it('starts, logs one ready line, serves the admin token and a created token, stops on SIGTERM', async () => {
    const data = tempDir()
    const created = run(['token', 'create', '--role', 'editor', '--data', data, '--label', 'ci'])
    expect(created.status).toBe(0)
    const editorToken = created.stdout.trim()
    expect(editorToken).toMatch(/^sk[\w-]{32,}$/)

    const lake = start(['--port', '0', '--data', data], {
      LAKE_ADMIN_TOKEN: 'admin-secret-token-for-cli-test',
    })
    const line = await lake.ready
    const match = /^Content Lake listening on (http:\/\/127\.0\.0\.1:\d+) \(data: .+\)$/.exec(line)
    expect(match).not.toBeNull()
    const url = (match as RegExpExecArray)[1]
    const mutate = (token: string, id: string) =>
      fetch(`${url}/v2025-02-19/data/mutate/production`, {
        method: 'POST',
        headers: {Authorization: `Bearer ${token}`, 'content-type': 'application/json'},
        body: JSON.stringify({mutations: [{create: {_id: id, _type: 'x'}}]}),
      })
    expect((await mutate('admin-secret-token-for-cli-test', 'a')).status).toBe(200)
    expect((await mutate(editorToken, 'b')).status).toBe(200)
    expect((await mutate('wrong', 'c')).status).toBe(401)

    lake.child.kill('SIGTERM')
    expect(await lake.exited).toBe(0)

    // Data survives the restart.
    const again = start(['--port', '0', '--data', data], {
      LAKE_ADMIN_TOKEN: 'admin-secret-token-for-cli-test',
    })
    const url2 = /(http:\/\/[^ ]+)/.exec(await again.ready)?.[1]
    const res = await fetch(`${url2}/v1/data/query/production?query=count(*)`)
    expect(await res.json()).toMatchObject({result: 2})
    again.child.kill('SIGINT')
    expect(await again.exited).toBe(0)
  })
})
