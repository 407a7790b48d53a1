import {spawn, spawnSync} from 'node:child_process'
import {chmodSync, mkdtempSync, rmSync, statSync} from 'node:fs'
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

  it('lists tokens and revokes one: 401 at once on the running lake', async () => {
    const data = tempDir()
    // `npm run lake:token -- --role editor --data D` (the README's form) still creates one.
    const editor = run(['token', '--role', 'editor', '--data', data, '--label', 'redaktion'])
    expect(editor.status).toBe(0)
    const viewer = run(['token', 'create', '--role', 'viewer', '--data', data])
    const editorToken = editor.stdout.trim()
    const viewerToken = viewer.stdout.trim()

    const lake = start(['--port', '0', '--data', data])
    const url = /(http:\/\/[^ ]+)/.exec(await lake.ready)?.[1]
    const query = (token: string) =>
      fetch(`${url}/v2025-02-19/users/me`, {
        headers: {Authorization: `Bearer ${token}`},
      })
    expect((await query(editorToken)).status).toBe(200)

    const listed = run(['token', 'list', '--data', data])
    expect(listed.status).toBe(0)
    const lines = listed.stdout.trim().split('\n')
    expect(lines).toHaveLength(2)
    const [editorLine, viewerLine] = lines.map((line) => line.split('\t'))
    expect(editorLine.slice(1, 3)).toEqual(['editor', 'redaktion'])
    expect(editorLine[3]).toMatch(/^created \d{4}-\d\d-\d\dT/)
    expect(editorLine[4]).toMatch(/^last used \d{4}-\d\d-\d\dT/)
    expect(viewerLine.slice(1, 3)).toEqual(['viewer', '-'])
    expect(viewerLine[4]).toBe('last used never')

    const revoked = run(['token', 'revoke', editorLine[0], '--data', data])
    expect(revoked.status).toBe(0)
    expect(revoked.stdout).toContain(`Revoked token ${editorLine[0]} (editor, redaktion)`)
    expect((await query(editorToken)).status).toBe(401)
    expect((await query(viewerToken)).status).toBe(200)
    expect(run(['token', 'list', '--data', data]).stdout.trim().split('\n')).toHaveLength(1)

    const unknown = run(['token', 'revoke', 'nope', '--data', data])
    expect(unknown.status).toBe(1)
    expect(unknown.stderr).toContain('npm run lake:token -- list')
    expect(run(['token', 'revoke', '--data', data]).status).toBe(2)
    expect(run(['token', 'list', '--data', join(data, 'missing')]).status).toBe(1)
    lake.child.kill('SIGTERM')
    expect(await lake.exited).toBe(0)
  })

  it('creates a new data folder owner-only and warns when others can read an existing one', async () => {
    const parent = tempDir()
    const fresh = join(parent, 'fresh')
    expect(run(['token', 'create', '--role', 'viewer', '--data', fresh]).status).toBe(0)
    expect(statSync(fresh).mode & 0o777).toBe(0o700)

    chmodSync(fresh, 0o755)
    const lake = start(['--port', '0', '--data', fresh])
    const warning = new Promise<string>((resolve) =>
      createInterface({input: lake.child.stderr}).once('line', resolve),
    )
    await lake.ready
    expect(await warning).toMatch(/readable by other users.*chmod 700/)
    lake.child.kill('SIGTERM')
    expect(await lake.exited).toBe(0)
  })
})
