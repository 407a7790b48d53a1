/**
 * `npm run web -- --port 3000 [--host 127.0.0.1] [--site-url https://www.example.se] [--live]`:
 * serves the reference site against the Content Lake configured by the SANITY_* variables (the
 * local lake by default), the same configuration as the rest of the project. With
 * `SANITY_API_READ_TOKEN` set, the Studio's Presentation tool can put the site in draft mode.
 */
import {parseArgs} from 'node:util'

import {
  ContentLakeConfigError,
  createContentClient,
  resolveContentConfig,
} from '../delivery/client.ts'
import {loadSite} from './build.ts'

const USAGE =
  'Usage: npm run web -- [--port 3000] [--host 127.0.0.1] [--site-url <origin>] [--live]\n' +
  "  --live   readers' pages reload when their content is published anew (a small script)"

async function main(argv: string[]): Promise<number> {
  let values: {port?: string; host?: string; 'site-url'?: string; live?: boolean; help?: boolean}
  try {
    ;({values} = parseArgs({
      args: argv,
      options: {
        port: {type: 'string', default: process.env.PORT ?? '3000'},
        host: {type: 'string', default: '127.0.0.1'},
        'site-url': {type: 'string', default: process.env.SITE_URL},
        live: {type: 'boolean', default: false},
        help: {type: 'boolean', short: 'h'},
      },
    }))
  } catch (error) {
    console.error(`web: ${(error as Error).message}\n${USAGE}`)
    return 2
  }
  if (values.help) {
    console.log(USAGE)
    return 0
  }
  const port = Number(values.port)
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`web: --port must be a port number (got "${values.port}")\n${USAGE}`)
    return 2
  }
  let siteOrigin: string | undefined
  if (values['site-url']) {
    try {
      siteOrigin = new URL(values['site-url']).origin
    } catch {
      console.error(`web: --site-url / SITE_URL must be a URL (got "${values['site-url']}")`)
      return 2
    }
  }

  let client
  let target: string
  try {
    const config = resolveContentConfig()
    client = createContentClient()
    target = `${config.apiHost ?? `https://${config.projectId}.api.sanity.io`} (project ${config.projectId}, dataset ${config.dataset})`
  } catch (error) {
    if (error instanceof ContentLakeConfigError) {
      console.error(`web: configuration error: ${error.message}`)
      return 2
    }
    throw error
  }

  // Server-side only: it reads preview secrets and drafts, and never goes into a page.
  const readToken = process.env.SANITY_API_READ_TOKEN?.trim() || undefined
  const {startSite, build, scripts} = await loadSite()
  const site = await startSite({
    client,
    port,
    host: values.host,
    siteOrigin,
    scripts,
    live: values.live,
    ...(readToken ? {draftMode: {readToken}} : {}),
  })
  console.log(`web: built in ${Math.round(build.milliseconds)} ms`)
  console.log(`web: content from ${target}, published perspective`)
  console.log(
    readToken
      ? 'web: draft mode for the Studio at /api/draft-mode/enable'
      : 'web: draft mode off (set SANITY_API_READ_TOKEN to preview drafts from the Studio)',
  )
  if (values.live) console.log('web: live reload on (pages reload when their content is published)')
  console.log(`web: listening on ${site.url}`)

  await new Promise<void>((resolve) => {
    const stop = () => resolve()
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
  })
  await site.close()
  return 0
}

process.exitCode = await main(process.argv.slice(2))
