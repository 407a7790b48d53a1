/**
 * The Studio `npm start` serves: when it is rebuilt (fingerprint), and how it is served
 * (compression, cache headers, SPA fallback). The real `sanity build` runs in
 * test/browser/studioStart.test.ts.
 */
import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {brotliDecompressSync, gunzipSync} from 'node:zlib'

import {request, type IncomingHttpHeaders} from 'node:http'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {
  FINGERPRINT_FILE,
  precompress,
  storedFingerprint,
  studioFingerprint,
} from '../../scripts/start/studioBuild.ts'
import {
  IMMUTABLE,
  REVALIDATE,
  serveStudio,
  type StudioServer,
} from '../../scripts/start/studioServer.ts'

const dirs: string[] = []
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'studio-start-'))
  dirs.push(dir)
  return dir
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, {recursive: true, force: true})
})

describe('studioFingerprint', () => {
  it('changes with the sources and the SANITY_STUDIO_* variables, nothing else', () => {
    const root = tempDir()
    mkdirSync(join(root, 'schemas'))
    writeFileSync(join(root, 'sanity.config.ts'), 'export default {}')
    writeFileSync(join(root, 'schemas', 'person.ts'), 'a')
    const env = {SANITY_STUDIO_API_HOST: 'https://localhost:3443', HOME: '/x'}
    const first = studioFingerprint(root, env)
    expect(studioFingerprint(root, {...env, HOME: '/y', SANITY_API_TOKEN: 't'})).toBe(first)
    expect(
      studioFingerprint(root, {...env, SANITY_STUDIO_API_HOST: 'https://localhost:4443'}),
    ).not.toBe(first)
    expect(studioFingerprint(root, {...env, SANITY_STUDIO_DATASET: 'staging'})).not.toBe(first)
    writeFileSync(join(root, 'schemas', 'person.ts'), 'b')
    const edited = studioFingerprint(root, env)
    expect(edited).not.toBe(first)
    writeFileSync(join(root, 'schemas', 'city.ts'), '')
    expect(studioFingerprint(root, env)).not.toBe(edited)
  })

  it('counts a build only when it is complete', () => {
    const out = tempDir()
    writeFileSync(join(out, FINGERPRINT_FILE), 'abc\n')
    expect(storedFingerprint(out)).toBeNull()
    writeFileSync(join(out, 'index.html'), '<html></html>')
    expect(storedFingerprint(out)).toBe('abc')
  })
})

describe('the Studio server', () => {
  let dist: string
  let server: StudioServer
  const script = `console.log(${JSON.stringify('x'.repeat(5000))})`
  const html = `<!DOCTYPE html><html><body>${'<p>Studio</p>'.repeat(200)}</body></html>`

  beforeAll(async () => {
    dist = tempDir()
    mkdirSync(join(dist, 'static'))
    writeFileSync(join(dist, 'index.html'), html)
    writeFileSync(join(dist, 'static', 'sanity-Bx3k9Qa1.js'), script)
    writeFileSync(join(dist, 'static', 'favicon.ico'), Buffer.alloc(10))
    writeFileSync(join(dist, FINGERPRINT_FILE), 'abc\n')
    expect(await precompress(dist)).toBe(2)
    server = await serveStudio({dir: dist, port: 0})
  })
  afterAll(() => server?.close())

  /** A raw request (fetch would decompress and normalise the path). */
  const get = (path: string, headers: Record<string, string> = {}, method = 'GET') =>
    new Promise<{status: number; headers: IncomingHttpHeaders; body: Buffer}>((resolve, reject) => {
      const req = request(`${server.url}${path}`, {headers, method}, (res) => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('end', () =>
          resolve({status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks)}),
        )
      })
      req.once('error', reject)
      req.end()
    })

  it('serves hashed assets compressed and immutable, index.html revalidated', async () => {
    const br = await get('/static/sanity-Bx3k9Qa1.js', {'accept-encoding': 'br, gzip'})
    expect(br.status).toBe(200)
    expect(br.headers['content-encoding']).toBe('br')
    expect(br.headers['cache-control']).toBe(IMMUTABLE)
    expect(br.headers.vary).toBe('Accept-Encoding')
    expect(br.body.byteLength).toBeLessThan(200)
    expect(br.body).toEqual(readFileSync(join(dist, 'static', 'sanity-Bx3k9Qa1.js.br')))
    expect(brotliDecompressSync(br.body).toString()).toBe(script)

    const index = await get('/', {'accept-encoding': 'gzip'})
    expect(index.headers['cache-control']).toBe(REVALIDATE)
    expect(index.headers['content-encoding']).toBe('gzip')
    expect(gunzipSync(index.body).toString()).toBe(html)
    const etag = index.headers.etag as string
    const again = await get('/', {'if-none-match': etag})
    expect(again.status).toBe(304)

    const plain = await get('/static/favicon.ico', {'accept-encoding': 'identity'})
    expect(plain.headers['content-encoding']).toBeUndefined()
    expect(plain.headers['cache-control']).not.toBe(IMMUTABLE)
  })

  it('answers Studio routes with index.html, and unknown files, dotfiles and escapes with 404', async () => {
    const route = await get('/structure/person;abc', {'accept-encoding': 'identity'})
    expect(route.status).toBe(200)
    expect(route.body.toString()).toBe(html)
    expect((await get('/static/missing-AAAAAAAA.js')).status).toBe(404)
    expect((await get(`/${FINGERPRINT_FILE}`)).status).toBe(404)
    // `..` cannot leave the build folder: the path stays inside it (here: a Studio route).
    const escape = await get('/../../../../etc/passwd', {'accept-encoding': 'identity'})
    expect(escape.body.toString()).toBe(html)
    expect((await get('/%E0%A4%A')).status).toBe(400)
    expect((await get('/', {}, 'POST')).status).toBe(405)
  })
})
