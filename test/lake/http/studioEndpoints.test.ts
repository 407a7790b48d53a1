/**
 * The endpoints the Studio calls besides the data API (studio-offline §5, §6): login provider,
 * users, project and ACL, and the stubs it only needs to degrade.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {validateOrigin} from '../../../lake/http/routes/auth.ts'
import {startTestLake, type TestLake} from '../../../testkit/lake.ts'

let lake: TestLake
beforeAll(async () => {
  lake = await startTestLake()
})
afterAll(async () => {
  await lake.stop()
})

const STUDIO = 'http://localhost:3333/'

function get(path: string, token?: string, headers: Record<string, string> = {}) {
  return fetch(`${lake.url}${path}`, {
    headers: {...headers, ...(token ? {Authorization: `Bearer ${token}`} : {})},
  })
}

function login(form: Record<string, string>) {
  return fetch(`${lake.url}/v1/auth/login/local`, {
    method: 'POST',
    headers: {'content-type': 'application/x-www-form-urlencoded'},
    body: new URLSearchParams(form).toString(),
    redirect: 'manual',
  })
}

/** Logs in through the form; returns the token from the redirect's fragment. */
async function loginToken(name: string, role: string): Promise<string> {
  const res = await login({origin: STUDIO, name, role, code: lake.loginCode})
  expect(res.status).toBe(303)
  const location = res.headers.get('location') ?? ''
  const match = /^http:\/\/localhost:3333\/#token=(.+)$/.exec(location)
  expect(match).not.toBeNull()
  return (match as RegExpExecArray)[1]
}

describe('local login provider', () => {
  it('shows a Swedish form for a loopback origin', async () => {
    const res = await get(
      `/v1/auth/login/local?origin=${encodeURIComponent(STUDIO)}&projectId=local&withSid=true`,
    )
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('text/html')
    expect(res.headers.get('x-frame-options')).toBe('DENY')
    const html = await res.text()
    expect(html).toContain('lang="sv"')
    for (const word of ['Redaktör', 'Administratör', 'Läsare', 'Ditt namn'])
      expect(html).toContain(word)
    expect(html).toContain(`value="${STUDIO}"`)
    expect(html).toContain('Inloggningskod')
  })

  it('refuses non-local origins (no open redirect)', async () => {
    expect(validateOrigin('https://evil.example/')).toBeNull()
    expect(validateOrigin('javascript:alert(1)')).toBeNull()
    expect(validateOrigin('http://localhost.evil.example/')).toBeNull()
    expect(validateOrigin('http://user:pw@localhost/')).toBeNull()
    expect(validateOrigin('http://localhost:3333/studio#x')).toBe('http://localhost:3333/studio')
    expect(validateOrigin('https://local.localhost:3443/')).toBe('https://local.localhost:3443/')
    expect(validateOrigin('http://127.0.0.1:3333/')).toBe('http://127.0.0.1:3333/')
    const page = await get(
      `/v1/auth/login/local?origin=${encodeURIComponent('https://evil.example/')}`,
    )
    expect(page.status).toBe(400)
    const post = await login({
      origin: 'https://evil.example/',
      name: 'X',
      role: 'editor',
      code: lake.loginCode,
    })
    expect(post.status).toBe(400)
    expect(post.headers.get('location')).toBeNull()
  })

  it('issues a ≥32-char token with the chosen role and redirects to #token=', async () => {
    const token = await loginToken('Anna Andersson', 'editor')
    expect(token.length).toBeGreaterThanOrEqual(32)
    const me = await (await get('/v2026-05-04/users/me', token)).json()
    expect(me).toMatchObject({
      id: expect.stringMatching(/^p-[0-9a-f]{12}$/),
      name: 'Anna Andersson',
      provider: 'local',
      role: 'editor',
      roles: [{name: 'editor', title: 'Redaktör'}],
    })
    // Stored hashed: the plaintext is nowhere in the database.
    const rows = lake.server.storage.db.prepare('SELECT hash FROM tokens').all()
    expect(rows.some((row) => String(row.hash) === token)).toBe(false)
    // The same name is the same user on the next login.
    const again = await loginToken('Anna Andersson', 'editor')
    expect((await (await get('/users/me', again)).json()).id).toBe(me.id)
  })

  it('asks again for a missing name or role', async () => {
    const noName = await login({origin: STUDIO, name: '  ', role: 'editor'})
    expect(noName.status).toBe(400)
    expect(await noName.text()).toContain('Skriv ditt namn.')
    const noRole = await login({origin: STUDIO, name: 'Anna', role: 'king'})
    expect(noRole.status).toBe(400)
  })

  it('requires the login code', async () => {
    const wrong = await login({origin: STUDIO, name: 'Anna', role: 'editor', code: 'fel'})
    expect(wrong.status).toBe(403)
    expect(await wrong.text()).toContain('Fel inloggningskod.')
    const right = await login({origin: STUDIO, name: 'Anna', role: 'editor', code: lake.loginCode})
    expect(right.status).toBe(303)
    expect(right.headers.get('location')).toMatch(/#token=.{32,}$/)
  })
})

describe('users, auth and project', () => {
  it('answers /users/me with {} without a token, 401 for an unknown token', async () => {
    expect(await (await get('/v2026-05-04/users/me')).json()).toEqual({})
    const bad = await get('/v2026-05-04/users/me', 'not-a-token')
    expect(bad.status).toBe(401)
    expect(await bad.json()).toMatchObject({errorCode: 'SIO-401-ANF'})
  })

  it('describes CLI tokens by role', async () => {
    const me = await (await get('/users/me', lake.adminToken)).json()
    expect(me).toMatchObject({role: 'administrator', roles: [{name: 'administrator'}]})
  })

  it('looks users up by id', async () => {
    const token = await loginToken('Bo Berg', 'viewer')
    const me = await (await get('/users/me', token)).json()
    const users = await (await get(`/v2021-06-07/users/${me.id},p-unknown`, token)).json()
    expect(users).toEqual([
      expect.objectContaining({id: me.id, displayName: 'Bo Berg', imageUrl: null}),
    ])
  })

  it('answers /auth/id and revokes a login token on logout', async () => {
    const token = await loginToken('Cecilia', 'editor')
    const id = await (await get('/v2026-05-04/auth/id', token)).json()
    expect(id).toMatchObject({id: expect.stringMatching(/^p-/), expiry: expect.any(Number)})
    expect((await get('/auth/id')).status).toBe(401)
    const out = await fetch(`${lake.url}/v2021-06-07/auth/logout`, {
      method: 'POST',
      headers: {Authorization: `Bearer ${token}`},
    })
    expect(out.status).toBe(200)
    expect((await get('/users/me', token)).status).toBe(401)
  })

  it('grants by role in the dataset ACL', async () => {
    const editor = await loginToken('Redaktören', 'editor')
    const viewer = await loginToken('Läsaren', 'viewer')
    const acl = (token: string) =>
      get('/v2021-06-07/projects/local/datasets/production/acl', token).then((r) => r.json())
    expect(await acl(editor)).toEqual([
      {
        filter: '_id in path("**")',
        permissions: ['read', 'create', 'update', 'history', 'editHistory'],
      },
    ])
    expect(await acl(lake.adminToken)).toEqual(await acl(editor))
    expect(await acl(viewer)).toEqual([{filter: '_id in path("**")', permissions: ['read']}])
    expect((await get('/v2021-06-07/projects/local/datasets/production/acl')).status).toBe(401)
  })

  it('describes the project without an organization', async () => {
    const project = await (await get('/v2021-12-15/projects/local', lake.adminToken)).json()
    expect(project).toMatchObject({
      id: 'local',
      organizationId: null,
      members: [],
      isBlocked: false,
    })
    expect(await (await get('/projects/local/grants', lake.adminToken)).json()).toEqual({})
    expect(await (await get('/projects/local/user-applications', lake.adminToken)).json()).toEqual(
      [],
    )
    const addon = await get('/projects/local/datasets?datasetProfile=comments&addonFor=production')
    expect(await addon.json()).toEqual([])
  })

  it('keeps key-value UI state per user', async () => {
    const anna = await loginToken('Anna KV', 'editor')
    const bo = await loginToken('Bo KV', 'editor')
    const put = await fetch(`${lake.url}/v2025-02-19/users/me/keyvalue`, {
      method: 'PUT',
      headers: {Authorization: `Bearer ${anna}`, 'content-type': 'application/json'},
      body: JSON.stringify([{key: 'studio.layout', value: {width: 300}}]),
    })
    expect(await put.json()).toEqual([{key: 'studio.layout', value: {width: 300}}])
    const keys = '/v2025-02-19/users/me/keyvalue/studio.layout,studio.other'
    expect(await (await get(keys, anna)).json()).toEqual([
      {key: 'studio.layout', value: {width: 300}},
      {key: 'studio.other', value: null},
    ])
    expect(await (await get(keys, bo)).json()).toEqual([
      {key: 'studio.layout', value: null},
      {key: 'studio.other', value: null},
    ])
  })
})

describe('endpoints the Studio only needs to degrade', () => {
  it('answers with the documented empty shapes', async () => {
    const token = lake.adminToken
    expect(await (await get('/v2025-02-19/features', token)).json()).toEqual([
      'contentReleases',
      'scheduledPublishing',
      'singleDocRelease',
    ])
    expect(await (await get('/intake/telemetry-status', token)).json()).toEqual({status: 'denied'})
    const batch = await fetch(`${lake.url}/v2023-12-11/intake/batch`, {method: 'POST', body: '[]'})
    expect(batch.status).toBe(200)
    expect(await (await get('/v2023-12-11/journey/trial?studioVersion=6.9.2', token)).json()).toBe(
      null,
    )
    expect(await (await get('/v1/help?m=sanity%406.9.2&locale=sv-SE', token)).json()).toEqual({})
    expect(await (await get('/v2024-07-01/access/requests/me', token)).json()).toEqual([])
    expect(await (await get('/check/cors')).json()).toEqual({
      result: {allowed: true, withCredentials: true},
    })
    expect(
      await (await get('/data/history/production/events/documents/x?limit=10', token)).json(),
    ).toEqual({events: {}, nextCursor: ''})
  })

  it('lists cross-dataset references from the other datasets to a document', async () => {
    const production = lake.client({dataset: 'production'})
    const archive = production.withConfig({dataset: 'arkiv'})
    await production.createOrReplace({_id: 'city-visby', _type: 'city', name: 'Visby'})
    const crossRef = {_type: 'crossDatasetReference', _ref: 'city-visby', _dataset: 'production'}
    await archive.createOrReplace({_id: 'old-note', _type: 'note', city: crossRef})
    await archive.createOrReplace({
      _id: 'drafts.note-2',
      _type: 'note',
      list: [{...crossRef, _key: 'a'}],
    })
    await archive.createOrReplace({_id: 'unrelated', _type: 'note', city: {...crossRef, _ref: 'x'}})
    const path = '/v2025-02-19/data/references/production/documents/drafts.city-visby/to'
    const query = '?excludeInternalReferences=true&excludePaths=true'
    const body = await (await get(path + query, lake.adminToken)).json()
    expect(body.totalCount).toBe(2)
    expect(body.references).toEqual(
      expect.arrayContaining([
        {documentId: 'old-note', datasetName: 'arkiv', projectId: expect.any(String)},
        {documentId: 'drafts.note-2', datasetName: 'arkiv', projectId: expect.any(String)},
      ]),
    )
    // Anonymous callers of a public dataset see published documents only.
    expect(await (await get(path + query)).json()).toEqual({
      totalCount: 1,
      references: [{documentId: 'old-note', datasetName: 'arkiv', projectId: expect.any(String)}],
    })
    expect(
      (await get('/v2025-02-19/data/references/nope/documents/x/to', lake.adminToken)).status,
    ).toBe(404)
  })

  it('pings with timing and shard headers', async () => {
    const ping = await get('/v2025-03-01/ping?tag=sanity.studio.protocol-check', undefined, {
      Origin: 'http://localhost:3333',
    })
    expect(ping.headers.get('timing-allow-origin')).toBe('*')
    expect(await ping.json()).toEqual({pong: true})
    const data = await get('/v2025-02-19/data/ping/production', lake.adminToken, {
      Origin: 'http://localhost:3333',
    })
    expect(data.headers.get('x-sanity-shard')).toBe('local')
    expect(data.headers.get('access-control-expose-headers')).toContain('X-Sanity-Shard')
  })

  it('still logs unknown endpoints as 404 drift', async () => {
    const res = await get('/v2025-02-19/nothing/here', lake.adminToken)
    expect(res.status).toBe(404)
    expect(lake.logs).toContain('lake: 404 GET /v2025-02-19/nothing/here')
  })
})
