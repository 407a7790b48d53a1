/**
 * The built Studio for browser tests: `sanity build` into a temp folder with the lake's TLS host
 * baked in (SANITY_STUDIO_* variables are read at build time), and a tiny static server for it
 * with the SPA fallback to index.html.
 */
import {spawn} from 'node:child_process'
import {existsSync, readFileSync, statSync} from 'node:fs'
import {createServer, type Server} from 'node:http'
import type {AddressInfo} from 'node:net'
import {extname, join, normalize, resolve, sep} from 'node:path'

const ROOT = resolve(import.meta.dirname, '..', '..')

/**
 * Builds the Studio into `outDir` for `apiHost` (plus any other `SANITY_STUDIO_*` variables in
 * `env`); rejects with the build output on failure.
 */
export function buildStudio(
  apiHost: string,
  outDir: string,
  env: Record<string, string> = {},
): Promise<void> {
  const bin = join(ROOT, 'node_modules', '.bin', 'sanity')
  return new Promise((resolvePromise, reject) => {
    const child = spawn(bin, ['build', outDir, '--yes'], {
      cwd: ROOT,
      env: {
        ...process.env,
        ...env,
        SANITY_STUDIO_API_HOST: apiHost,
        DO_NOT_TRACK: '1',
        NO_UPDATE_NOTIFIER: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.once('error', reject)
    child.once('exit', (code) => {
      if (code === 0 && existsSync(join(outDir, 'index.html'))) resolvePromise()
      else reject(new Error(`sanity build exited with ${code}:\n${output}`))
    })
  })
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
}

export interface StaticServer {
  url: string
  close(): Promise<void>
}

/** Serves `dir` on 127.0.0.1 (free port); unknown paths without an extension get index.html. */
export async function serveStatic(dir: string): Promise<StaticServer> {
  const root = resolve(dir)
  const server: Server = createServer((req, res) => {
    const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)
    let file = normalize(join(root, pathname))
    if (file !== root && !file.startsWith(root + sep)) {
      res.writeHead(403).end()
      return
    }
    if (!existsSync(file) || statSync(file).isDirectory()) {
      if (extname(pathname)) {
        res.writeHead(404).end()
        return
      }
      file = join(root, 'index.html')
    }
    const body = readFileSync(file)
    res.writeHead(200, {
      'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
      'Content-Length': body.byteLength,
      'Cache-Control': file.endsWith('index.html') ? 'no-cache' : 'public, max-age=3600',
    })
    res.end(body)
  })
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  const {port} = server.address() as AddressInfo
  return {
    url: `http://localhost:${port}`,
    close: () =>
      new Promise<void>((done) => {
        server.close(() => done())
        server.closeAllConnections()
      }),
  }
}
