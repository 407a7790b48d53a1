/**
 * The Studio `npm start` serves: built once with `sanity build` for the configured lake address,
 * and rebuilt only when what goes into the bundle changes. A fingerprint (SHA-256 over the Studio's
 * sources, the lock file and every `SANITY_STUDIO_*` variable, which are baked in at build time) is
 * stored beside the build; a matching fingerprint means the build is reused as it is.
 *
 * The build goes to a fresh folder that replaces the old one only when it succeeded, so a failed
 * or interrupted build never leaves a half-written Studio behind a valid fingerprint. Text assets
 * are compressed once here (brotli and gzip files beside them) so serving costs no CPU.
 */
import {spawn} from 'node:child_process'
import {createHash} from 'node:crypto'
import {
  existsSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import {basename, dirname, join, relative} from 'node:path'
import {brotliCompress, constants, gzip} from 'node:zlib'
import {promisify} from 'node:util'

/** What the Studio bundle is made of, relative to the project root. */
export const STUDIO_SOURCES = [
  'sanity.config.ts',
  'sanity.cli.ts',
  'schemas',
  'studio',
  'domain',
  'static',
  'package-lock.json',
  'tsconfig.json',
]

export const FINGERPRINT_FILE = '.studio-fingerprint'

/** Text types worth compressing; images and fonts are compressed already. */
const COMPRESSIBLE = /\.(?:js|mjs|css|html|json|svg|txt|map|xml)$/
const MIN_COMPRESS_BYTES = 1024

type Env = Record<string, string | undefined>

function filesUnder(root: string, path: string): string[] {
  const full = join(root, path)
  if (!existsSync(full)) return []
  if (!statSync(full).isDirectory()) return [path]
  return readdirSync(full, {withFileTypes: true})
    .filter((entry) => !entry.name.startsWith('.') && entry.name !== 'node_modules')
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .flatMap((entry) => filesUnder(root, join(path, entry.name)))
}

/** The fingerprint of a Studio build: sources under `root` plus the `SANITY_STUDIO_*` variables. */
export function studioFingerprint(
  root: string,
  env: Env,
  sources: readonly string[] = STUDIO_SOURCES,
): string {
  const hash = createHash('sha256')
  for (const file of sources.flatMap((source) => filesUnder(root, source))) {
    hash.update(`file ${file}\n`)
    hash.update(readFileSync(join(root, file)))
  }
  const studioVariables = Object.keys(env)
    .filter((key) => key.startsWith('SANITY_STUDIO_') && env[key] !== undefined)
    .sort()
  for (const key of studioVariables) hash.update(`env ${key}=${env[key]}\n`)
  return hash.digest('hex')
}

/** The fingerprint stored with the build in `outDir`, or null when there is no complete build. */
export function storedFingerprint(outDir: string): string | null {
  const path = join(outDir, FINGERPRINT_FILE)
  if (!existsSync(join(outDir, 'index.html')) || !existsSync(path)) return null
  return readFileSync(path, 'utf8').trim()
}

/** Writes `<file>.br` and `<file>.gz` beside every compressible file of `dir`. */
export async function precompress(dir: string): Promise<number> {
  const brotli = promisify(brotliCompress)
  const gz = promisify(gzip)
  let count = 0
  for (const file of filesUnder(dir, '.')) {
    if (!COMPRESSIBLE.test(file)) continue
    const path = join(dir, file)
    const bytes = readFileSync(path)
    if (bytes.byteLength < MIN_COMPRESS_BYTES) continue
    const [br, gzipped] = await Promise.all([
      brotli(bytes, {
        params: {
          [constants.BROTLI_PARAM_QUALITY]: 9,
          [constants.BROTLI_PARAM_SIZE_HINT]: bytes.byteLength,
        },
      }),
      gz(bytes, {level: 9}),
    ])
    writeFileSync(`${path}.br`, br)
    writeFileSync(`${path}.gz`, gzipped)
    count++
  }
  return count
}

function runSanityBuild(root: string, outDir: string, env: Env): Promise<void> {
  const bin = join(root, 'node_modules', '.bin', 'sanity')
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, 'build', outDir, '--yes'], {
      cwd: root,
      env: {...process.env, ...env, DO_NOT_TRACK: '1', NO_UPDATE_NOTIFIER: '1'},
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.once('error', reject)
    child.once('exit', (code) => {
      if (code === 0 && existsSync(join(outDir, 'index.html'))) resolve()
      else reject(new Error(`sanity build exited with code ${code}:\n${output.trim()}`))
    })
  })
}

export interface StudioBuildResult {
  outDir: string
  /** False when the stored build matched and was reused. */
  built: boolean
  fingerprint: string
  ms: number
}

/**
 * Makes sure `outDir` holds a Studio built for `env` from the sources under `root`: reuses it
 * when the fingerprint matches, else builds into a sibling folder and swaps it in.
 */
export async function ensureStudioBuild(options: {
  root: string
  outDir: string
  env: Env
  log?: (line: string) => void
}): Promise<StudioBuildResult> {
  const started = Date.now()
  const {root, outDir, env} = options
  const log = options.log ?? (() => undefined)
  const fingerprint = studioFingerprint(root, env)
  if (storedFingerprint(outDir) === fingerprint) {
    return {outDir, built: false, fingerprint, ms: Date.now() - started}
  }
  log(
    existsSync(outDir)
      ? 'Building the Studio: its code or configuration changed (about a minute)…'
      : 'Building the Studio once for this lake (about a minute; later starts reuse it)…',
  )
  const fresh = join(dirname(outDir), `${basename(outDir)}.building-${process.pid}`)
  rmSync(fresh, {recursive: true, force: true})
  try {
    await runSanityBuild(root, fresh, env)
    const compressed = await precompress(fresh)
    writeFileSync(join(fresh, FINGERPRINT_FILE), `${fingerprint}\n`)
    const old = `${outDir}.old-${process.pid}`
    if (existsSync(outDir)) renameSync(outDir, old)
    renameSync(fresh, outDir)
    rmSync(old, {recursive: true, force: true})
    log(
      `Studio built in ${((Date.now() - started) / 1000).toFixed(0)} s (${compressed} files compressed) into ${relative(root, outDir) || outDir}.`,
    )
  } catch (error) {
    rmSync(fresh, {recursive: true, force: true})
    throw error
  }
  return {outDir, built: true, fingerprint, ms: Date.now() - started}
}
