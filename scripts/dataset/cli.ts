/**
 * `npm run dataset -- <command>`: list, create, delete, export, import and copy datasets on the
 * configured Content Lake (config/contentLake.ts), or between two targets (`copy`).
 * Exit codes: 0 done, 1 the command failed (the message says what to do next), 2 bad usage.
 */
import {createInterface} from 'node:readline/promises'
import {parseArgs} from 'node:util'

import {
  checkDatasetName,
  copyDataset,
  createDataset,
  deleteDataset,
  exportToFile,
  importFromFile,
  listDatasets,
  type ImportMode,
} from './commands.ts'
import {DatasetCommandError} from './errors.ts'
import {resolveTarget, type DatasetTarget} from './target.ts'

const USAGE = `Usage: npm run dataset -- <command>
  list                                  the datasets of the target
  create <name> [--private]             a new dataset (public unless --private)
  delete <name> [--force]               deletes a dataset and its documents (asks unless --force)
  export <name> <file.tar.gz>           documents, drafts and asset files, like \`sanity dataset export\`
         [--no-assets] [--no-drafts] [--types a,b] [--overwrite]
  import <file> <name>                  a .tar.gz/.ndjson export (from here or \`sanity dataset export\`)
         [--replace | --missing] [--allow-failing-assets]
  copy <from> <to> [--replace | --missing]
         [--from-project <id>] [--from-host <url>] [--from-token <token>]
         [--to-project <id>] [--to-host <url>] [--to-token <token>]
The target is the configured Content Lake: the local lake (http://127.0.0.1:3400) unless
SANITY_API_HOST / SANITY_PROJECT_ID say otherwise; the token is SANITY_API_TOKEN, or for a lake
on this machine the token \`npm start\` keeps in .lake/editor-token. A copy side with
--*-project and no --*-host is a hosted Sanity project.`

export interface DatasetCliIo {
  out(line: string): void
  err(line: string): void
  env?: Record<string, string | undefined>
  /** Asks a question on the terminal; absent or non-interactive: no prompt. */
  ask?: (question: string) => Promise<string>
}

const OPTIONS = {
  private: {type: 'boolean'},
  force: {type: 'boolean'},
  'no-assets': {type: 'boolean'},
  'no-drafts': {type: 'boolean'},
  types: {type: 'string'},
  overwrite: {type: 'boolean'},
  replace: {type: 'boolean'},
  missing: {type: 'boolean'},
  'allow-failing-assets': {type: 'boolean'},
  'from-project': {type: 'string'},
  'from-host': {type: 'string'},
  'from-token': {type: 'string'},
  'to-project': {type: 'string'},
  'to-host': {type: 'string'},
  'to-token': {type: 'string'},
  help: {type: 'boolean', short: 'h'},
} as const

/** Which options each command takes; anything else is a usage error. */
const COMMAND_OPTIONS: Record<string, {args: string[]; options: string[]}> = {
  list: {args: [], options: []},
  create: {args: ['name'], options: ['private']},
  delete: {args: ['name'], options: ['force']},
  export: {args: ['name', 'file'], options: ['no-assets', 'no-drafts', 'types', 'overwrite']},
  import: {args: ['file', 'name'], options: ['replace', 'missing', 'allow-failing-assets']},
  copy: {
    args: ['from', 'to'],
    options: [
      'replace',
      'missing',
      'from-project',
      'from-host',
      'from-token',
      'to-project',
      'to-host',
      'to-token',
    ],
  },
}

class UsageError extends Error {}

export function terminalAsk(): DatasetCliIo['ask'] {
  if (!process.stdin.isTTY) return undefined
  return async (question) => {
    const rl = createInterface({input: process.stdin, output: process.stdout})
    try {
      return await rl.question(question)
    } finally {
      rl.close()
    }
  }
}

function importMode(values: {replace?: boolean; missing?: boolean}): ImportMode {
  if (values.replace && values.missing)
    throw new UsageError('Use --replace or --missing, not both.')
  return values.replace ? 'replace' : values.missing ? 'missing' : 'create'
}

export async function main(argv: string[], io: DatasetCliIo): Promise<number> {
  const env = io.env ?? process.env
  let parsed
  try {
    parsed = parseArgs({args: argv, options: OPTIONS, allowPositionals: true, strict: true})
  } catch (error) {
    io.err(`${(error as Error).message}\n\n${USAGE}`)
    return 2
  }
  const {values, positionals} = parsed
  if (values.help || positionals.length === 0) {
    ;(values.help ? io.out : io.err)(USAGE)
    return values.help ? 0 : 2
  }
  const [command, ...args] = positionals
  const spec = COMMAND_OPTIONS[command]
  try {
    if (!spec) throw new UsageError(`Unknown command "${command}".`)
    const stray = Object.keys(values).filter((key) => !spec.options.includes(key))
    if (stray.length > 0) throw new UsageError(`"${command}" takes no --${stray[0]}.`)
    if (args.length > spec.args.length)
      throw new UsageError(`"${command}" takes ${spec.args.length} arguments, got ${args.length}.`)
    if (args.length < spec.args.length)
      throw new UsageError(`"${command}" needs <${spec.args.slice(args.length).join('> <')}>.`)
  } catch (error) {
    if (!(error instanceof UsageError)) throw error
    io.err(`${error.message}\n\n${USAGE}`)
    return 2
  }

  try {
    const started = Date.now()
    const seconds = () => `${((Date.now() - started) / 1000).toFixed(1)} s`
    const target = (): DatasetTarget => resolveTarget(env)
    switch (command) {
      case 'list':
        await listDatasets(target(), io)
        break
      case 'create':
        await createDataset(target(), checkDatasetName(args[0]), {private: values.private}, io)
        break
      case 'delete': {
        const name = checkDatasetName(args[0])
        const where = target()
        if (!values.force) {
          if (!io.ask) {
            throw new DatasetCommandError(
              `Deleting "${name}" needs a confirmation.`,
              'Run it in a terminal, or add --force to delete without asking.',
            )
          }
          const answer = await io.ask(
            `This deletes "${name}" and all its documents on ${where.label}. Type the name to confirm: `,
          )
          if (answer.trim() !== name) {
            throw new DatasetCommandError(
              'Not confirmed; nothing was deleted.',
              'Type the exact name to delete.',
            )
          }
        }
        await deleteDataset(where, name, io)
        break
      }
      case 'export': {
        const name = checkDatasetName(args[0])
        const where = target()
        const result = await exportToFile(
          where,
          name,
          args[1],
          {
            overwrite: values.overwrite,
            assets: !values['no-assets'],
            drafts: !values['no-drafts'],
            types: values.types
              ?.split(',')
              .map((type) => type.trim())
              .filter(Boolean),
          },
          io,
        )
        io.out(
          `Exported ${result.documents} documents and ${result.assets} assets from "${name}" on ${where.label} to ${args[1]} in ${seconds()}.`,
        )
        break
      }
      case 'import': {
        const name = checkDatasetName(args[1])
        const where = target()
        const mode = importMode(values)
        const result = await importFromFile(
          where,
          args[0],
          name,
          {mode, allowFailingAssets: values['allow-failing-assets']},
          io,
        )
        io.out(
          `Imported ${result.documents} documents into "${name}" on ${where.label} in ${seconds()}.`,
        )
        break
      }
      case 'copy': {
        const mode = importMode(values)
        const from = resolveTarget(
          env,
          {project: values['from-project'], host: values['from-host'], token: values['from-token']},
          'from-',
        )
        const to = resolveTarget(
          env,
          {project: values['to-project'], host: values['to-host'], token: values['to-token']},
          'to-',
        )
        const fromName = checkDatasetName(args[0], 'source dataset')
        const toName = checkDatasetName(args[1], 'target dataset')
        const result = await copyDataset(
          {target: from, name: fromName},
          {target: to, name: toName},
          {mode},
          io,
        )
        io.out(
          `Copied ${result.documents} documents and ${result.assets} assets from "${fromName}" on ${from.label} to "${toName}" on ${to.label} in ${seconds()}.`,
        )
        break
      }
    }
    return 0
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`${error.message}\n\n${USAGE}`)
      return 2
    }
    if (error instanceof DatasetCommandError) {
      io.err(`${error.message}\nNext: ${error.hint}`)
      return 1
    }
    throw error
  }
}
