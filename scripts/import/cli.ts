import {parseArgs} from 'node:util'

import {createClient, type SanityClient} from '@sanity/client'

import {
  clientOptionsFor,
  ContentLakeConfigError,
  readScriptConfig,
  type ContentLakeConfig,
} from '../../config/contentLake.ts'
import {describeLakeError, importFiles, TOKEN_HINT} from './importInterviews.ts'
import {summaryAsJson} from './report.ts'

export const USAGE = `Usage: npm run import -- <file.md|file.docx|folder> [more …] [--dataset D] [--dry-run] [--json] [--force]

Imports QM interviews written as Markdown or Word documents into the Content Lake configured by
SANITY_API_HOST, SANITY_PROJECT_ID, SANITY_DATASET and SANITY_API_TOKEN (the local lake unless
told otherwise). A folder means every .md and .docx file directly inside it.

  --dataset D   import into dataset D instead of SANITY_DATASET
  --dry-run     show what would be created or changed (the interview's fields and the related
                documents), write nothing
  --json        print the outcome as JSON on stdout (for tools), nothing else
  --force       overwrite fields edited in the Studio since the last import
  --help        show this text

A token: for the local lake run \`npm run lake:token -- --role editor\` and pass the printed token
as SANITY_API_TOKEN, e.g. SANITY_API_TOKEN=<token> npm run import -- intervju.docx`

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
  let values: {
    dataset?: string
    'dry-run'?: boolean
    json?: boolean
    force?: boolean
    help?: boolean
  }
  let positionals: string[]
  try {
    ;({values, positionals} = parseArgs({
      args,
      allowPositionals: true,
      options: {
        dataset: {type: 'string'},
        'dry-run': {type: 'boolean'},
        json: {type: 'boolean'},
        force: {type: 'boolean'},
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
  const dryRun = values['dry-run'] ?? false
  const json = values.json ?? false

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
  if (!dryRun && !config.token) {
    err(
      `SANITY_API_TOKEN is not set, and writing to the Content Lake needs a token: ${TOKEN_HINT}` +
        ' (add `--data <folder>` when your lake keeps its data elsewhere than .lake; a lake started' +
        ' with `npm start` leaves one in its data folder that scripts use by themselves). ' +
        '`--dry-run` works without one.',
    )
    return 2
  }
  const client = (io.createClient ?? ((c) => createClient(clientOptionsFor(c))))(config)
  const target = `${config.apiHost ?? 'the hosted Sanity API'}, project ${config.projectId}, dataset ${config.dataset}`
  const log = json ? undefined : out
  log?.(`${dryRun ? 'Dry run against' : 'Importing into'} ${target}`)

  const dataset = await prepareDataset(client, config, dryRun)
  if (dataset.error) {
    err(dataset.error)
    return 1
  }
  if (dataset.note) log?.(dataset.note)

  const summary = await importFiles(positionals, {
    client,
    dryRun,
    force: values.force ?? false,
    datasetMissing: dataset.missing ?? false,
    log,
    logError: json ? undefined : err,
  })
  if (json) out(summaryAsJson(summary, dryRun))
  return summary.ok ? 0 : 1
}

/**
 * Makes sure the dataset exists. On the local lake a missing dataset is created (that takes an
 * administrator token); elsewhere the message says how to create it.
 */
async function prepareDataset(
  client: SanityClient,
  config: ContentLakeConfig,
  dryRun: boolean,
): Promise<{error?: string; note?: string; missing?: boolean}> {
  try {
    await client.fetch('count(*[_id == "importer.probe"])')
    return {}
  } catch (error) {
    if ((error as {statusCode?: number}).statusCode !== 404) {
      return {error: `Cannot read dataset "${config.dataset}": ${describeLakeError(error)}`}
    }
  }
  if (!config.isLocal) {
    return {
      error: `Dataset "${config.dataset}" does not exist in project ${config.projectId}. Create it with \`npx sanity dataset create ${config.dataset}\` or pick another with --dataset.`,
    }
  }
  if (dryRun) {
    return {
      missing: true,
      note: `Dataset "${config.dataset}" does not exist yet; a real import creates it.`,
    }
  }
  try {
    await client.datasets.create(config.dataset)
    return {note: `Created dataset "${config.dataset}" on the local lake.`}
  } catch (error) {
    const status = (error as {statusCode?: number}).statusCode
    if (status === 401 || status === 403) {
      return {
        error:
          `Dataset "${config.dataset}" does not exist on the local lake, and creating it needs an administrator token ` +
          `(SANITY_API_TOKEN is an editor's or viewer's). Get one with \`npm run lake:token -- --role administrator\` ` +
          `and run the import with it once, or pick an existing dataset with --dataset.`,
      }
    }
    return {error: `Could not create dataset "${config.dataset}": ${describeLakeError(error)}`}
  }
}
