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

/** A browser script the site serves from a content-hashed, immutable URL. */
export interface ClientScript {
  path: string
  code: string
  /** The CSS its packages import (the overlays' `@sanity/ui` styles), served beside it. */
  stylesheet?: {path: string; code: string}
}

export interface ClientScripts {
  /** Draft mode only: `@sanity/visual-editing` overlays and refresh in place. */
  visualEditing: ClientScript
  /** Readers, with `--live`: reloads a page when its content is published anew. */
  liveReload: ClientScript
}

async function bundleClientScript(name: string, format: 'esm' | 'iife'): Promise<ClientScript> {
  const result = await build({
    entryPoints: [join(projectRoot, 'web', 'client', `${name}.ts`)],
    bundle: true,
    write: false,
    platform: 'browser',
    format,
    target: 'es2022',
    minify: true,
    legalComments: 'none',
    define: {'process.env.NODE_ENV': '"production"'},
    logLevel: 'warning',
    outdir: join(BUILD_DIR, 'client'),
  })
  const hashed = (code: string) => createHash('sha256').update(code).digest('hex').slice(0, 10)
  const code = result.outputFiles.find((file) => file.path.endsWith('.js'))!.text
  const css = result.outputFiles.find((file) => file.path.endsWith('.css'))?.text
  return {
    path: `/assets/${name}-${hashed(code)}.js`,
    code,
    ...(css ? {stylesheet: {path: `/assets/${name}-${hashed(css)}.css`, code: css}} : {}),
  }
}

/** Bundles the browser scripts in web/client/ (in memory; about a second for both). */
export async function buildClientScripts(): Promise<ClientScripts> {
  const [visualEditing, liveReload] = await Promise.all([
    bundleClientScript('visualEditing', 'esm'),
    // A classic script, so it can read its own `data-*` attributes through `document.currentScript`.
    bundleClientScript('liveReload', 'iife'),
  ])
  return {visualEditing, liveReload}
}

/** Builds the site and its browser scripts, and imports the site. */
export async function loadSite(
  outdir?: string,
): Promise<typeof SiteModule & {build: SiteBuild; scripts: ClientScripts}> {
  const [siteBuild, scripts] = await Promise.all([buildSite(outdir), buildClientScripts()])
  const module = (await import(pathToFileURL(siteBuild.file).href)) as typeof SiteModule
  return {...module, build: siteBuild, scripts}
}
