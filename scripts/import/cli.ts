import {parseArgs} from 'node:util'

import {createClient, type SanityClient} from '@sanity/client'

import {
  clientOptionsFor,
  ContentLakeConfigError,
  readScriptConfig,
  type ContentLakeConfig,
} from '../../config/contentLake.ts'
import {importFiles} from './importInterviews.ts'

export const USAGE = `Usage: npm run import -- <file.md|folder> [more …] [--dataset D] [--dry-run]

Imports QM interviews written as Markdown into the Content Lake configured by SANITY_API_HOST,
SANITY_PROJECT_ID, SANITY_DATASET and SANITY_API_TOKEN (the local lake unless told otherwise).

  --dataset D   import into dataset D instead of SANITY_DATASET
  --dry-run     show what would be created or changed, write nothing
  --help        show this text`

export interface CliIo {
  env?: Record<string, string | undefined>
  out?: (line: string) => void
  err?: (line: string) => void
  /** Makes the client; by default `createClient` with the configuration's options. */
  createClient?: (config: ContentLakeConfig) => SanityClient
}

/** Runs the import command; resolves to the process exit code (0 when every file imported). */
export async function main(args: string[], io: CliIo = {}): Promise<number> {
  const out = io.out ?? ((line: string) => console.log(line))
  const err = io.err ?? ((line: string) => console.error(line))
  let values: {dataset?: string; 'dry-run'?: boolean; help?: boolean}
  let positionals: string[]
  try {
    ;({values, positionals} = parseArgs({
      args,
      allowPositionals: true,
      options: {
        dataset: {type: 'string'},
        'dry-run': {type: 'boolean'},
        help: {type: 'boolean', short: 'h'},
      },
    }))
  } catch (error) {
    err(`${(error as Error).message}\n\n${USAGE}`)
    return 2
  }
  if (values.help) {
    out(USAGE)
    return 0
  }
  if (positionals.length === 0) {
    err(`Name at least one interview file or folder.\n\n${USAGE}`)
    return 2
  }

  let config: ContentLakeConfig
  try {
    const env = io.env ?? process.env
    config = readScriptConfig(
      values.dataset === undefined ? env : {...env, SANITY_DATASET: values.dataset},
    )
  } catch (error) {
    if (!(error instanceof ContentLakeConfigError)) throw error
    err(error.message)
    return 2
  }
  const client = (io.createClient ?? ((c) => createClient(clientOptionsFor(c))))(config)
  const target = `${config.apiHost ?? 'the hosted Sanity API'}, project ${config.projectId}, dataset ${config.dataset}`
  out(`${values['dry-run'] ? 'Dry run against' : 'Importing into'} ${target}`)
  if (!values['dry-run'] && !config.token) {
    out('Note: SANITY_API_TOKEN is not set; the Content Lake may refuse to write.')
  }

  const summary = await importFiles(positionals, {
    client,
    dryRun: values['dry-run'] ?? false,
    log: out,
    logError: err,
  })
  return summary.ok ? 0 : 1
}
