/** The lake over TLS: HTTP/2 by ALPN, HTTP/1.1 fallback, certificate SANs, kept across restarts. */
import {X509Certificate} from 'node:crypto'
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {connect, constants} from 'node:http2'
import {request} from 'node:https'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {connect as tlsConnect} from 'node:tls'
import {afterAll, describe, expect, it} from 'vitest'
import {generateToken} from '../../../lake/auth/auth.ts'
import {createLakeServer, type LakeServer} from '../../../lake/http/server.ts'
import {
  certificateSubjectAltNames,
  ensureCertificate,
  spkiFingerprint,
} from '../../../lake/http/tls.ts'

const dirs: string[] = []
const servers: LakeServer[] = []
afterAll(async () => {
  for (const server of servers) await server.close()
  for (const dir of dirs) rmSync(dir, {recursive: true, force: true})
})

function tempDir() {
  const dir = mkdtempSync(join(tmpdir(), 'lake-tls-'))
  dirs.push(dir)
  return dir
}

async function start(dataDir: string, adminToken = generateToken()) {
  const server = createLakeServer({dataDir, port: 0, tlsPort: 0, adminToken, log: () => undefined})
  servers.push(server)
  return {server, adminToken, ...(await server.listen())}
}

/** One HTTP/2 GET; resolves with status, headers and body. */
function h2get(port: number, ca: string, path: string, authority = `localhost:${port}`) {
  return new Promise<{status: number; body: string; alpn: string | false}>((resolve, reject) => {
    const session = connect(`https://${authority}`, {
      ca,
      host: '127.0.0.1',
      port,
      servername: authority.split(':')[0],
    } as never)
    session.once('error', reject)
    const stream = session.request({
      [constants.HTTP2_HEADER_PATH]: path,
      [constants.HTTP2_HEADER_AUTHORITY]: authority,
    })
    let status = 0
    let body = ''
    stream.on('response', (headers) => (status = Number(headers[':status'])))
    stream.setEncoding('utf8')
    stream.on('data', (chunk: string) => (body += chunk))
    stream.on('end', () => {
      const alpn = session.alpnProtocol ?? false
      session.close()
      resolve({status, body, alpn})
    })
    stream.on('error', reject)
  })
}

describe('TLS listener', () => {
  it('speaks HTTP/2 (ALPN h2) with a certificate for localhost and local.localhost', async () => {
    const dir = tempDir()
    const {tlsPort, certificate} = await start(dir)
    expect(tlsPort).toBeGreaterThan(0)
    const ca = certificate?.cert as string
    const ping = await h2get(tlsPort as number, ca, '/v2025-03-01/ping')
    expect(ping).toMatchObject({status: 200, alpn: 'h2'})
    expect(JSON.parse(ping.body)).toEqual({pong: true})
    // The project host name verifies against the same certificate.
    const project = await h2get(
      tlsPort as number,
      ca,
      '/v2025-02-19/data/query/production?query=1',
      `local.localhost:${tlsPort}`,
    )
    expect(project.status).toBe(404) // the dataset does not exist: the lake answered over h2

    const sans = certificateSubjectAltNames(ca)
    expect(sans).toEqual(expect.arrayContaining(['localhost', 'local.localhost', '127.0.0.1']))
    expect(sans.some((name) => name.startsWith('*'))).toBe(false)
    expect(new X509Certificate(ca).checkHost('local.localhost')).toBe('local.localhost')
  })

  it('negotiates h2 by ALPN and still serves HTTP/1.1 over TLS', async () => {
    const {tlsPort, certificate} = await start(tempDir())
    const ca = certificate?.cert as string
    const alpn = await new Promise<string | false>((resolve, reject) => {
      const socket = tlsConnect(
        {
          host: '127.0.0.1',
          port: tlsPort,
          servername: 'localhost',
          ca,
          ALPNProtocols: ['h2', 'http/1.1'],
        },
        () => {
          resolve(socket.alpnProtocol ?? false)
          socket.end()
        },
      )
      socket.once('error', reject)
    })
    expect(alpn).toBe('h2')
    const body = await new Promise<string>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: tlsPort,
          servername: 'localhost',
          ca,
          path: '/ping',
          headers: {host: `localhost:${tlsPort}`},
        },
        (res) => {
          let text = ''
          res.setEncoding('utf8')
          res.on('data', (chunk: string) => (text += chunk))
          res.on('end', () => resolve(`${res.httpVersion} ${text}`))
        },
      )
      req.once('error', reject)
      req.end()
    })
    expect(body).toBe('1.1 {"pong":true}')
  })

  it('keeps the certificate in <data>/tls across restarts', async () => {
    const dir = tempDir()
    const first = await start(dir)
    const pem = readFileSync(join(dir, 'tls', 'cert.pem'), 'utf8')
    expect(readFileSync(join(dir, 'tls', 'key.pem'), 'utf8')).toContain('PRIVATE KEY')
    expect(first.certificate?.created).toBe(true)
    await first.server.close()
    const second = await start(dir)
    expect(second.certificate?.created).toBe(false)
    expect(second.certificate?.cert).toBe(pem)
    expect(second.certificate?.spki).toBe(first.certificate?.spki)
  })

  it('computes the SPKI fingerprint for Chromium and adds project host names on request', async () => {
    const dir = tempDir()
    const cert = await ensureCertificate(dir)
    expect(cert.spki).toMatch(/^[A-Za-z0-9+/]{43}=$/)
    expect(spkiFingerprint(cert.cert)).toBe(cert.spki)
    const more = await ensureCertificate(dir, ['kommun'])
    expect(more.created).toBe(true)
    expect(more.hosts).toContain('kommun.localhost')
    expect((await ensureCertificate(dir, ['kommun'])).created).toBe(false)
  })
})
