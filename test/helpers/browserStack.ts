/**
 * The setup the Studio's browser tests share (test/browser/studio.test.ts, releases.test.ts,
 * preview.test.ts): a lake with HTTPS (its certificate trusted by SPKI), optionally the fixture
 * content and the reference site, the project's Studio built for the lake's TLS host and served
 * statically, and headless Chromium. `close()` stops them in reverse order and removes the temp
 * folders.
 *
 * STUDIO_E2E_DIST=<dir> with STUDIO_E2E_TLS_PORT=<port> reuses a Studio already built for that
 * port (faster iteration); by default the Studio is built into a temp folder for the run.
 */
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {createClient, type SanityClient} from '@sanity/client'
import type {Browser} from 'playwright-core'

import {createContentClient} from '../../delivery/client.ts'
import {generateToken} from '../../lake/auth/auth.ts'
import {
  createLakeServer,
  type LakeListening,
  type LakeServer,
  type LakeServerOptions,
} from '../../lake/http/server.ts'
import {startSite, type RunningSite, type SiteOptions} from '../../web/server.tsx'
import {seedContent} from '../fixtures/content/index.ts'
import {launchChromium} from './browser.ts'
import {buildStudio, serveStatic, type StaticServer} from './studio.ts'

export interface BrowserStackOptions {
  /** Names the temp folders and the build-time log line (`<name>: Studio built in … ms`). */
  name: string
  /** The release scheduler's clock (test/helpers/testClock.ts). */
  clock?: LakeServerOptions['clock']
  /** Seed the fixture content (test/fixtures/content) before the site and Studio start. */
  seed?: boolean
  /**
   * Start the reference site against the lake with these options (its content client is made
   * here). It starts before the Studio is built, so its URL can be baked into the Studio.
   */
  site?: (lake: LakeServer, logs: string[]) => Omit<SiteOptions, 'client'> & {port?: number}
  /** More SANITY_STUDIO_* build variables, given the site's URL when there is a site. */
  studioEnv?: (siteUrl: string | undefined) => Record<string, string>
}

export interface BrowserStack {
  lake: LakeServer
  listening: LakeListening
  adminToken: string
  /** Administrator client over plain HTTP, raw perspective. */
  client: SanityClient
  /** The lake's log lines (and the site's, when its options say so). */
  logs: string[]
  site?: RunningSite
  /** `http://localhost:<port>` of the site, when there is one. */
  siteUrl?: string
  studio: StaticServer
  browser: Browser
  /** Lake log lines of requests it answered 404/405: endpoints the Studio uses that it lacks. */
  drift(): string[]
  close(): Promise<void>
}

const reuseDist = process.env.STUDIO_E2E_DIST
const fixedTlsPort = process.env.STUDIO_E2E_TLS_PORT ? Number(process.env.STUDIO_E2E_TLS_PORT) : 0

/** Starts the stack; whatever started is closed again if a later step fails. */
export async function startBrowserStack(options: BrowserStackOptions): Promise<BrowserStack> {
  const dirs: string[] = []
  const logs: string[] = []
  const adminToken = generateToken()
  const closers: Array<() => Promise<void>> = []
  const close = async () => {
    for (const closer of closers.splice(0).reverse()) await closer()
    for (const dir of dirs.splice(0)) rmSync(dir, {recursive: true, force: true})
  }
  try {
    const dataDir = mkdtempSync(join(tmpdir(), `lake-${options.name}-`))
    dirs.push(dataDir)
    const lake = createLakeServer({
      dataDir,
      port: 0,
      tlsPort: fixedTlsPort,
      adminToken,
      datasets: ['production'],
      clock: options.clock,
      log: (line) => logs.push(line),
    })
    const listening = await lake.listen()
    closers.push(() => lake.close())
    const client = createClient({
      projectId: 'local',
      dataset: 'production',
      apiHost: listening.url,
      useProjectHostname: false,
      apiVersion: '2025-02-19',
      useCdn: false,
      token: adminToken,
      perspective: 'raw',
    })
    if (options.seed) await seedContent(client)

    let site: RunningSite | undefined
    if (options.site) {
      const running = await startSite({
        client: createContentClient({
          env: {
            SANITY_API_HOST: listening.url,
            SANITY_PROJECT_ID: 'local',
            SANITY_DATASET: 'production',
          },
        }),
        ...options.site(lake, logs),
      })
      site = running
      closers.push(() => running.close())
    }
    const siteUrl = site && `http://localhost:${site.port}`

    let dist = reuseDist
    if (!dist) {
      dist = mkdtempSync(join(tmpdir(), `${options.name}-e2e-dist-`))
      dirs.push(dist)
      const started = Date.now()
      await buildStudio(listening.tlsUrl as string, dist, options.studioEnv?.(siteUrl))
      console.log(`${options.name}: Studio built in ${Date.now() - started} ms`)
    }
    const studio = await serveStatic(dist)
    closers.push(() => studio.close())
    const browser = await launchChromium({spki: [listening.certificate?.spki as string]})
    closers.push(() => browser.close())
    return {
      lake,
      listening,
      adminToken,
      client,
      logs,
      site,
      siteUrl,
      studio,
      browser,
      drift: () => logs.filter((line) => / 40[45] /.test(line)),
      close,
    }
  } catch (error) {
    await close()
    throw error
  }
}
