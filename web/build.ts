/**
 * Bundles the site's server code (TSX) into one ES module with esbuild, so plain `node` can run
 * it: Node strips TypeScript types natively but does not compile JSX. Dependencies stay external
 * and load from node_modules. Takes a fraction of a second; `npm run web` does it at every start.
 */
import {mkdirSync, writeFileSync} from 'node:fs'
import {createHash} from 'node:crypto'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'
import {build} from 'esbuild'

import type * as SiteModule from './server.tsx'

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..')

/** Where bundles go: ignored by git (under node_modules), next to the packages they import. */
export const BUILD_DIR = join(projectRoot, 'node_modules', '.cache', 'stadskarna-web')

export interface SiteBuild {
  file: string
  bytes: number
  milliseconds: number
}

/** Bundles web/server.tsx; the file name carries a content hash, so builds never overwrite each other. */
export async function buildSite(outdir = BUILD_DIR): Promise<SiteBuild> {
  const started = performance.now()
  const result = await build({
    entryPoints: [join(projectRoot, 'web', 'server.tsx')],
    bundle: true,
    write: false,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    jsx: 'automatic',
    packages: 'external',
    sourcemap: 'inline',
    logLevel: 'warning',
    outfile: join(outdir, 'site.mjs'),
  })
  const code = result.outputFiles[0].contents
  const hash = createHash('sha256').update(code).digest('hex').slice(0, 12)
  const file = join(outdir, `site-${hash}.mjs`)
  mkdirSync(outdir, {recursive: true})
  writeFileSync(file, code)
  return {file, bytes: code.length, milliseconds: performance.now() - started}
}

/** Builds the site and imports it. */
export async function loadSite(outdir?: string): Promise<typeof SiteModule & {build: SiteBuild}> {
  const siteBuild = await buildSite(outdir)
  const module = (await import(pathToFileURL(siteBuild.file).href)) as typeof SiteModule
  return {...module, build: siteBuild}
}
