/**
 * `npm run dataset` end to end: two real lakes (the second stands in for a hosted project: same
 * API), the commands run as the CLI runs them, archives made by `@sanity/export`.
 */
import {spawnSync} from 'node:child_process'
import {createServer, type AddressInfo} from 'node:net'
import {existsSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import type {SanityClient} from '@sanity/client'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {writeLocalToken} from '../config/localToken.ts'
import {main} from '../scripts/dataset/cli.ts'
import {resolveTarget} from '../scripts/dataset/target.ts'
import {startTestLake, type TestLake} from '../testkit/lake.ts'
import {png} from './helpers/png.ts'

let source: TestLake
let target: TestLake
const dirs: string[] = []

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'dataset-test-'))
  dirs.push(dir)
  return dir
}

/** Runs `npm run dataset -- <argv>` in-process against `lake` (or the given env). */
async function dataset(argv: string[], env: Record<string, string | undefined>) {
  const out: string[] = []
  const err: string[] = []
  const code = await main(argv, {out: (l) => out.push(l), err: (l) => err.push(l), env})
  return {code, out: out.join('\n'), err: err.join('\n')}
}

const envFor = (lake: TestLake, token = lake.adminToken) => ({
  SANITY_API_HOST: lake.url,
  SANITY_PROJECT_ID: 'test',
  SANITY_API_TOKEN: token,
  LAKE_DATA_DIR: join(tmpdir(), 'no-lake-here'),
})

/** A port nothing listens on: bound once, then released. */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const {port} = server.address() as AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}

type Doc = Record<string, unknown> & {_id: string; _type: string}

/**
 * Every document (drafts included) without what a write necessarily renews: `_rev`,
 * `_updatedAt`, and for asset documents, which `@sanity/import` re-creates by uploading the file
 * again (as against a hosted project), the upload's own `_createdAt`, `uploadId`, `path` and `url`.
 */
async function contentOf(client: SanityClient): Promise<Doc[]> {
  const docs = await client.fetch<Doc[]>(
    '*[!(_id in path("_.**"))] | order(_id asc)',
    {},
    {perspective: 'raw'},
  )
  return docs.map((doc) => {
    const {_rev, _updatedAt, ...rest} = doc
    void _rev
    void _updatedAt
    if (!doc._type.startsWith('sanity.') || !doc._type.endsWith('Asset')) return rest as Doc
    const {_createdAt, uploadId, url, path, ...asset} = rest
    void [_createdAt, uploadId, url, path]
    return asset as Doc
  })
}

async function assetBytes(client: SanityClient): Promise<Record<string, string>> {
  const assets = await client.fetch<Array<{_id: string; url: string}>>(
    '*[_type in ["sanity.imageAsset", "sanity.fileAsset"]]{_id, url}',
    {},
    {perspective: 'raw'},
  )
  const entries = await Promise.all(
    assets.map(async (asset) => {
      const res = await fetch(asset.url)
      expect(res.status).toBe(200)
      return [asset._id, Buffer.from(await res.arrayBuffer()).toString('base64')] as const
    }),
  )
  return Object.fromEntries(entries)
}

async function seedSource(): Promise<void> {
  const client = source.client({dataset: 'production'})
  const image = await client.assets.upload('image', png(6, 4, [10, 120, 200]), {
    filename: 'stad.png',
  })
  const file = await client.assets.upload('file', Buffer.from('Kvalitetsmärkt stadskärna\n'), {
    filename: 'fakta.txt',
    contentType: 'text/plain',
  })
  await client
    .transaction()
    .create({
      _id: 'person-1',
      _type: 'person',
      name: 'Åsa Öberg',
      portrait: {_type: 'image', asset: {_type: 'reference', _ref: image._id}},
    })
    .create({_id: 'drafts.person-1', _type: 'person', name: 'Åsa Öberg (utkast)'})
    .create({_id: 'drafts.person-2', _type: 'person', name: 'Bara utkast'})
    .create({
      _id: 'interview-1',
      _type: 'interview',
      title: 'Intervju',
      interviewee: {_type: 'reference', _ref: 'person-1'},
      factSheet: {_type: 'file', asset: {_type: 'reference', _ref: file._id}},
    })
    .commit()
}

beforeAll(async () => {
  source = await startTestLake()
  target = await startTestLake()
  await seedSource()
})

afterAll(async () => {
  // @sanity/export and @sanity/import found every endpoint they use on the lake.
  expect(
    [...(source?.logs ?? []), ...(target?.logs ?? [])].filter((l) => / 40[45] /.test(l)),
  ).toEqual([])
  await source?.stop()
  await target?.stop()
  for (const dir of dirs) rmSync(dir, {recursive: true, force: true})
})

describe('copy targets', () => {
  const env = {SANITY_API_TOKEN: 'sk-configured', LAKE_DATA_DIR: join(tmpdir(), 'no-lake-here')}

  it('takes a side with --*-project alone as a hosted project, with its own token only', () => {
    const hosted = resolveTarget(env, {project: 'abc123'}, 'to-')
    expect(hosted.config).toMatchObject({apiHost: undefined, projectId: 'abc123', isLocal: false})
    expect(hosted.config.token).toBeUndefined()
    expect(hosted.label).toBe('project abc123 (hosted Sanity)')
    expect(resolveTarget(env, {project: 'abc123', token: 'sk-hosted'}).config.token).toBe(
      'sk-hosted',
    )
    expect(resolveTarget(env, {project: 'abc123', token: 'sk-hosted'}).tokenSource).toBe('flag')
  })

  it('uses the configured target and its token for a side without flags', () => {
    const configured = resolveTarget(env)
    expect(configured.config).toMatchObject({apiHost: 'http://127.0.0.1:3400', isLocal: true})
    expect(configured.config.token).toBe('sk-configured')
    const other = resolveTarget(env, {host: 'http://127.0.0.1:4400'})
    expect(other.config.apiHost).toBe('http://127.0.0.1:4400')
    expect(other.config.token).toBeUndefined()
  })

  it('names the flag that is wrong', () => {
    expect(() => resolveTarget(env, {host: 'localhost:3400'}, 'from-')).toThrow(/--from-host/)
    expect(() => resolveTarget(env, {project: 'Bad Id'}, 'to-')).toThrow(/--to-project/)
  })
})

describe('npm run dataset', () => {
  it('creates, lists and deletes datasets, and says what to do when it cannot', async () => {
    const env = envFor(target)
    expect(await dataset(['create', 'staging'], env)).toMatchObject({code: 0})
    expect(await dataset(['create', 'secret', '--private'], env)).toMatchObject({code: 0})
    const listed = await dataset(['list'], env)
    expect(listed.code).toBe(0)
    expect(listed.out.split('\n')).toEqual(
      expect.arrayContaining(['staging\tpublic', 'secret\tprivate']),
    )

    const again = await dataset(['create', 'staging'], env)
    expect(again).toMatchObject({code: 1})
    expect(again.err).toMatch(/already exists[\s\S]*Next:/)

    const unconfirmed = await dataset(['delete', 'staging'], env)
    expect(unconfirmed.code).toBe(1)
    expect(unconfirmed.err).toContain('--force')
    expect(await dataset(['delete', 'staging', '--force'], env)).toMatchObject({code: 0})
    expect((await dataset(['list'], env)).out).not.toContain('staging')
    const missing = await dataset(['delete', 'staging', '--force'], env)
    expect(missing.err).toMatch(/no dataset "staging"[\s\S]*npm run dataset -- list/)

    const editor = await dataset(['create', 'x'], envFor(target, target.createToken('editor')))
    expect(editor.code).toBe(1)
    expect(editor.err).toMatch(/may not[\s\S]*--role administrator/)
    const wrongToken = await dataset(['create', 'x'], envFor(target, 'sk-wrong'))
    expect(wrongToken.err).toMatch(/rejected the token[\s\S]*lake:token/)
    const bad = await dataset(['create', 'Bad Name'], env)
    expect(bad).toMatchObject({code: 1})
    expect(bad.err).toContain('Bad dataset name')
    expect((await dataset(['frobnicate'], env)).code).toBe(2)
    expect((await dataset(['list', '--private'], env)).code).toBe(2)
  })

  it('exports and imports with documents, drafts and asset bytes identical', async () => {
    const archive = join(tempDir(), 'production.tar.gz')
    const exported = await dataset(['export', 'production', archive], envFor(source))
    expect(exported.err).toBe('')
    expect(exported.code).toBe(0)
    expect(exported.out).toMatch(/\[export\] Exporting documents/)
    expect(exported.out).toMatch(/Exported 4 documents and 2 assets/)
    expect(existsSync(archive)).toBe(true)
    expect(existsSync(`${archive}.partial`)).toBe(false)

    const env = envFor(target)
    const imported = await dataset(['import', archive, 'copy-of-production'], env)
    expect(imported.err).toBe('')
    expect(imported.code).toBe(0)
    expect(imported.out).toMatch(/\[import\] Importing documents/)

    const from = source.client({dataset: 'production'})
    const to = target.client({dataset: 'copy-of-production'})
    const expected = await contentOf(from)
    expect(expected.map((doc) => doc._id)).toContain('drafts.person-2')
    expect(await contentOf(to)).toEqual(expected)
    const bytes = await assetBytes(from)
    expect(Object.keys(bytes)).toHaveLength(2)
    expect(await assetBytes(to)).toEqual(bytes)

    // Importing again: existing documents fail unless --replace / --missing says otherwise.
    const twice = await dataset(['import', archive, 'copy-of-production'], env)
    expect(twice.code).toBe(1)
    expect(twice.err).toMatch(/--replace[\s\S]*--missing/)
    expect(
      await dataset(['import', archive, 'copy-of-production', '--missing'], env),
    ).toMatchObject({code: 0})
    expect(
      await dataset(['import', archive, 'copy-of-production', '--replace'], env),
    ).toMatchObject({code: 0})
    expect(await contentOf(to)).toEqual(expected)

    const overwrite = await dataset(['export', 'production', archive], envFor(source))
    expect(overwrite.err).toMatch(/already exists[\s\S]*--overwrite/)
    const noFile = await dataset(['import', join(tempDir(), 'nope.tar.gz'), 'x'], env)
    expect(noFile.err).toMatch(/does not exist/)
    const garbage = join(tempDir(), 'garbage.tar.gz')
    writeFileSync(garbage, 'hello world')
    const notExport = await dataset(['import', garbage, 'never-created'], env)
    expect(notExport.code).toBe(1)
    expect(notExport.err).toMatch(/is not a dataset export[\s\S]*Next: Name a \.tar\.gz/)
    expect((await dataset(['list'], env)).out).not.toContain('never-created')
  })

  it('copies a dataset within one lake', async () => {
    const result = await dataset(['copy', 'production', 'production-2'], envFor(source))
    expect(result.err).toBe('')
    expect(result.out).toMatch(/Copied 4 documents and 2 assets/)
    expect(await contentOf(source.client({dataset: 'production-2'}))).toEqual(
      await contentOf(source.client({dataset: 'production'})),
    )
    const onto = await dataset(['copy', 'production', 'production'], envFor(source))
    expect(onto.err).toMatch(/onto itself[\s\S]*Next:/)
  })

  it('copies a dataset between two lakes, each side with its own host and token', async () => {
    const result = await dataset(
      [
        'copy',
        'production',
        'mirror',
        '--from-host',
        source.url,
        '--from-token',
        source.adminToken,
        '--to-host',
        target.url,
        '--to-token',
        target.adminToken,
      ],
      {LAKE_DATA_DIR: join(tmpdir(), 'no-lake-here')},
    )
    expect(result.err).toBe('')
    expect(result.code).toBe(0)
    expect(result.out).toMatch(/Copied 4 documents and 2 assets/)
    const from = source.client({dataset: 'production'})
    const to = target.client({dataset: 'mirror'})
    expect(await contentOf(to)).toEqual(await contentOf(from))
    expect(await assetBytes(to)).toEqual(await assetBytes(from))
  })

  it('uses the token `npm start` keeps in the data folder when SANITY_API_TOKEN is unset', async () => {
    const dir = tempDir()
    const env = {SANITY_API_HOST: target.url, LAKE_DATA_DIR: dir}
    const without = await dataset(['create', 'from-file'], env)
    expect(without.err).toMatch(/needs a token[\s\S]*lake:token/)
    writeLocalToken(dir, target.adminToken, target.url)
    expect(await dataset(['create', 'from-file'], env)).toMatchObject({code: 0})
  })

  it('runs as `npm run dataset` and tells the user to start a lake that is not running', async () => {
    const port = await closedPort()
    const run = spawnSync(
      process.execPath,
      [join(import.meta.dirname, '..', 'scripts', 'dataset.ts'), 'list'],
      {
        encoding: 'utf8',
        env: {
          ...process.env,
          SANITY_API_HOST: `http://127.0.0.1:${port}`,
          SANITY_PROJECT_ID: 'test',
        },
      },
    )
    expect(run.status).toBe(1)
    expect(run.stderr).toMatch(
      new RegExp(
        `cannot reach the lake at http://127.0.0.1:${port} \\(ECONNREFUSED\\)[\\s\\S]*npm start`,
      ),
    )
  })
})
