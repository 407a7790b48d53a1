/**
 * The lake's TLS certificate: a self-signed certificate for `localhost`, `<projectId>.localhost`
 * (one SAN per project id; browsers reject `*.localhost` wildcards) and the loopback addresses.
 * Created in pure JS (the `selfsigned` package, WebCrypto) on first start and kept in
 * `<data>/tls/cert.pem` + `key.pem`, so an editor trusts it once. A kept certificate is reused
 * while it is valid for at least another 30 days and covers every requested host name; otherwise
 * a new one is made (its SPKI fingerprint changes, so it must be trusted again).
 */
import {createHash, X509Certificate} from 'node:crypto'
import {existsSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import {isIP} from 'node:net'
import {join} from 'node:path'
import {generate} from 'selfsigned'
import {isValidProjectId} from '../core/ids.ts'

/** Project ids whose `<id>.localhost` is always in the certificate. */
export const DEFAULT_TLS_PROJECT_IDS: readonly string[] = ['local']

const VALIDITY_DAYS = 825
const RENEW_BEFORE_MS = 30 * 24 * 3600 * 1000

export interface LakeCertificate {
  cert: string
  key: string
  certPath: string
  keyPath: string
  /** base64(sha256(SubjectPublicKeyInfo DER)), for Chromium's `--ignore-certificate-errors-spki-list`. */
  spki: string
  /** The DNS names and IP addresses in the certificate. */
  hosts: string[]
  created: boolean
}

/** The host names a certificate for these project ids must cover. */
export function certificateHosts(
  projectIds: readonly string[] = DEFAULT_TLS_PROJECT_IDS,
): string[] {
  const ids = [...new Set([...DEFAULT_TLS_PROJECT_IDS, ...projectIds])]
  for (const id of ids) {
    if (!isValidProjectId(id)) throw new Error(`Invalid project id "${id}" for the certificate`)
  }
  return ['localhost', ...ids.map((id) => `${id}.localhost`), '127.0.0.1', '::1']
}

/** base64 sha256 of the certificate's SubjectPublicKeyInfo (DER). */
export function spkiFingerprint(certPem: string): string {
  const der = new X509Certificate(certPem).publicKey.export({type: 'spki', format: 'der'})
  return createHash('sha256').update(der).digest('base64')
}

/** The DNS names and IP addresses of a certificate's subjectAltName. */
export function certificateSubjectAltNames(certPem: string): string[] {
  const san = new X509Certificate(certPem).subjectAltName ?? ''
  return san
    .split(/,\s*/)
    .map((entry) => /^(?:DNS|IP Address):(.*)$/.exec(entry.trim())?.[1])
    .filter((name): name is string => Boolean(name))
    .map((name) => name.toLowerCase())
}

function usable(certPem: string, keyPem: string, hosts: readonly string[]): boolean {
  try {
    const cert = new X509Certificate(certPem)
    if (Date.parse(cert.validTo) - Date.now() < RENEW_BEFORE_MS) return false
    if (!keyPem.includes('PRIVATE KEY')) return false
    const names = new Set(certificateSubjectAltNames(certPem))
    return hosts.every((host) => names.has(normalizeHost(host)))
  } catch {
    return false
  }
}

function normalizeHost(host: string): string {
  // Node prints IPv6 SANs expanded (0:0:0:0:0:0:0:1).
  return host === '::1' ? '0:0:0:0:0:0:0:1' : host.toLowerCase()
}

/**
 * Loads `<dataDir>/tls/{cert,key}.pem`, or creates them when missing, expiring or not covering
 * `projectIds`' host names.
 */
export async function ensureCertificate(
  dataDir: string,
  projectIds: readonly string[] = DEFAULT_TLS_PROJECT_IDS,
): Promise<LakeCertificate> {
  const dir = join(dataDir, 'tls')
  const certPath = join(dir, 'cert.pem')
  const keyPath = join(dir, 'key.pem')
  const hosts = certificateHosts(projectIds)
  if (existsSync(certPath) && existsSync(keyPath)) {
    const cert = readFileSync(certPath, 'utf8')
    const key = readFileSync(keyPath, 'utf8')
    if (usable(cert, key, hosts)) {
      return {
        cert,
        key,
        certPath,
        keyPath,
        spki: spkiFingerprint(cert),
        hosts: certificateSubjectAltNames(cert),
        created: false,
      }
    }
  }
  const notBeforeDate = new Date(Date.now() - 60_000)
  const notAfterDate = new Date(notBeforeDate.getTime() + VALIDITY_DAYS * 24 * 3600 * 1000)
  const pems = await generate([{name: 'commonName', value: 'localhost'}], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    extensions: [
      {name: 'basicConstraints', cA: false, critical: true},
      {name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true},
      {name: 'extKeyUsage', serverAuth: true},
      {
        name: 'subjectAltName',
        altNames: hosts.map((host) => (isIP(host) ? {type: 7, ip: host} : {type: 2, value: host})),
      },
    ],
  })
  mkdirSync(dir, {recursive: true, mode: 0o700})
  writeFileSync(keyPath, pems.private, {mode: 0o600})
  writeFileSync(certPath, pems.cert, {mode: 0o644})
  return {
    cert: pems.cert,
    key: pems.private,
    certPath,
    keyPath,
    spki: spkiFingerprint(pems.cert),
    hosts: certificateSubjectAltNames(pems.cert),
    created: true,
  }
}
