/**
 * The dataset commands, each against a resolved target (./target.ts). Export and import go
 * through Sanity's own `@sanity/export` and `@sanity/import`, so an archive made here is the same
 * `.tar.gz` (`<name>.ndjson` + `images/` + `files/`) as `sanity dataset export` makes, and either
 * tool imports the other's.
 *
 * Decisions:
 * - An export is written to `<file>.partial` and renamed when complete: a failed export leaves no
 *   file that looks like an archive.
 * - Import and copy create the target dataset when it is missing (as `sanity dataset import`
 *   offers to); documents that already exist fail the import unless `--replace` (overwrite) or
 *   `--missing` (skip) says otherwise. A dataset created for an import that then failed before
 *   writing anything is deleted again.
 * - Copy exports to a temporary archive and imports that: the same path for local ↔ hosted and
 *   lake ↔ lake, with drafts and asset files.
 */
import {createReadStream, existsSync, mkdtempSync, renameSync, rmSync, statSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join, resolve} from 'node:path'

import {exportDataset} from '@sanity/export'
import {sanityImport} from '@sanity/import'

import {isValidDatasetName} from '../../config/contentLake.ts'
import {DatasetCommandError, explain, tokenHint} from './errors.ts'
import {createProgress} from './progress.ts'
import type {DatasetTarget} from './target.ts'

export interface CommandIo {
  out(line: string): void
}

export type ImportMode = 'create' | 'replace' | 'missing'

const OPERATIONS = {
  create: 'create',
  replace: 'createOrReplace',
  missing: 'createIfNotExists',
} as const

export function checkDatasetName(name: string | undefined, role = 'dataset'): string {
  if (!name) {
    throw new DatasetCommandError(
      `Name the ${role}.`,
      'See `npm run dataset -- --help` for the commands.',
    )
  }
  if (!isValidDatasetName(name)) {
    throw new DatasetCommandError(
      `Bad ${role} name "${name}": use a-z, 0-9, - and _, starting with a letter or digit, at most 64 characters.`,
      'Choose a name like "production" or "staging-2".',
    )
  }
  return name
}

interface DatasetRow {
  name: string
  aclMode?: string
}

async function datasetsOf(target: DatasetTarget): Promise<DatasetRow[]> {
  try {
    return (await target.client('production').datasets.list()) as DatasetRow[]
  } catch (error) {
    throw explain(error, target, 'Listing datasets', 'administrator')
  }
}

function requireToken(target: DatasetTarget, role: 'administrator' | 'editor', what: string) {
  if (!target.config.token) {
    throw new DatasetCommandError(
      `${what} needs a token for ${target.label}.`,
      tokenHint(target, role),
    )
  }
}

export async function listDatasets(target: DatasetTarget, io: CommandIo): Promise<void> {
  const rows = await datasetsOf(target)
  if (rows.length === 0) {
    io.out(`No datasets on ${target.label}. Create one with \`npm run dataset -- create <name>\`.`)
    return
  }
  for (const row of rows) io.out(`${row.name}\t${row.aclMode ?? 'public'}`)
}

export async function createDataset(
  target: DatasetTarget,
  name: string,
  options: {private?: boolean},
  io: CommandIo,
): Promise<void> {
  requireToken(target, 'administrator', 'Creating a dataset')
  if ((await datasetsOf(target)).some((row) => row.name === name)) {
    throw new DatasetCommandError(
      `Dataset "${name}" already exists on ${target.label}.`,
      'Choose another name, or delete it first with `npm run dataset -- delete <name>`.',
    )
  }
  try {
    await target
      .client(name)
      .datasets.create(name, {aclMode: options.private ? 'private' : 'public'})
  } catch (error) {
    throw explain(error, target, `Creating dataset "${name}"`, 'administrator')
  }
  io.out(
    `Created dataset "${name}" (${options.private ? 'private' : 'public'}) on ${target.label}.`,
  )
}

export async function deleteDataset(
  target: DatasetTarget,
  name: string,
  io: CommandIo,
): Promise<void> {
  requireToken(target, 'administrator', 'Deleting a dataset')
  if (!(await datasetsOf(target)).some((row) => row.name === name)) {
    throw new DatasetCommandError(
      `There is no dataset "${name}" on ${target.label}.`,
      'List the datasets with `npm run dataset -- list`.',
    )
  }
  try {
    await target.client(name).datasets.delete(name)
  } catch (error) {
    throw explain(error, target, `Deleting dataset "${name}"`, 'administrator')
  }
  io.out(`Deleted dataset "${name}" on ${target.label}.`)
}

export interface ExportOptions {
  overwrite?: boolean
  assets?: boolean
  drafts?: boolean
  types?: string[]
  progressPrefix?: string
}

export async function exportToFile(
  target: DatasetTarget,
  name: string,
  file: string,
  options: ExportOptions,
  io: CommandIo,
): Promise<{documents: number; assets: number}> {
  const path = resolve(file)
  if (!existsSync(dirname(path))) {
    throw new DatasetCommandError(
      `The folder ${dirname(path)} does not exist.`,
      'Create it, or name a file in an existing folder.',
    )
  }
  if (existsSync(path) && !options.overwrite) {
    throw new DatasetCommandError(
      `${file} already exists.`,
      'Name another file, or add --overwrite to replace it.',
    )
  }
  if (!(await datasetsOf(target)).some((row) => row.name === name)) {
    throw new DatasetCommandError(
      `There is no dataset "${name}" on ${target.label}.`,
      'List the datasets with `npm run dataset -- list`.',
    )
  }
  const partial = `${path}.partial`
  try {
    const result = await exportDataset({
      client: target.client(name),
      dataset: name,
      outputPath: partial,
      assets: options.assets ?? true,
      drafts: options.drafts ?? true,
      types: options.types,
      onProgress: createProgress(io.out, {prefix: options.progressPrefix ?? 'export'}),
    })
    renameSync(partial, path)
    return {documents: result.documentCount, assets: result.assetCount}
  } catch (error) {
    rmSync(partial, {force: true})
    throw explain(error, target, `Exporting dataset "${name}"`)
  }
}

export interface ImportOptions {
  mode?: ImportMode
  allowFailingAssets?: boolean
  progressPrefix?: string
}

export async function importFromFile(
  target: DatasetTarget,
  file: string,
  name: string,
  options: ImportOptions,
  io: CommandIo,
): Promise<{documents: number}> {
  const path = resolve(file)
  if (!existsSync(path)) {
    throw new DatasetCommandError(
      `${file} does not exist.`,
      'Name a .tar.gz or .ndjson file made by `npm run dataset -- export` or `sanity dataset export`, or a folder holding one .ndjson file.',
    )
  }
  requireToken(target, 'editor', 'Importing')
  let created = false
  if (!(await datasetsOf(target)).some((row) => row.name === name)) {
    try {
      await target.client(name).datasets.create(name)
    } catch (error) {
      throw explain(error, target, `Creating dataset "${name}" for the import`, 'administrator')
    }
    created = true
    io.out(`Created dataset "${name}" on ${target.label}.`)
  }
  const input = statSync(path).isDirectory() ? path : createReadStream(path)
  try {
    const result = await sanityImport(input, {
      client: target.client(name),
      operation: OPERATIONS[options.mode ?? 'create'],
      allowFailingAssets: options.allowFailingAssets ?? false,
      tag: 'dataset-cli.import',
      onProgress: createProgress(io.out, {prefix: options.progressPrefix ?? 'import'}),
    })
    for (const warning of result.warnings) io.out(`Warning: ${warning.message}`)
    return {documents: result.numDocs}
  } catch (error) {
    if (created) await removeIfEmpty(target, name, io)
    const message = error instanceof Error ? error.message : String(error)
    if (/Failed to parse|ndjson|tarball/i.test(message)) {
      throw new DatasetCommandError(
        `${file} is not a dataset export: ${message.split('\n')[0]}`,
        'Name a .tar.gz or .ndjson file made by `npm run dataset -- export` or `sanity dataset export`.',
      )
    }
    throw explain(error, target, `Importing ${file} into "${name}"`)
  }
}

/** Deletes a dataset this import created when the import failed before writing anything. */
async function removeIfEmpty(target: DatasetTarget, name: string, io: CommandIo): Promise<void> {
  try {
    const client = target.client(name)
    const count = await client.fetch<number>('count(*)', {}, {perspective: 'raw'})
    if (count === 0) {
      await client.datasets.delete(name)
      io.out(`Removed the empty dataset "${name}" the import had created.`)
    }
  } catch {
    // Best effort: the failure being reported matters more than this clean-up.
  }
}

export async function copyDataset(
  from: {target: DatasetTarget; name: string},
  to: {target: DatasetTarget; name: string},
  options: ImportOptions,
  io: CommandIo,
): Promise<{documents: number; assets: number}> {
  if (from.target.label === to.target.label && from.name === to.name) {
    throw new DatasetCommandError(
      `Copying "${from.name}" onto itself on ${from.target.label}.`,
      'Name another target dataset, or another target with --to-project/--to-host.',
    )
  }
  requireToken(to.target, 'editor', 'Copying')
  const dir = mkdtempSync(join(tmpdir(), 'dataset-copy-'))
  try {
    const archive = join(dir, `${from.name}.tar.gz`)
    const exported = await exportToFile(from.target, from.name, archive, {}, io)
    io.out(
      `Exported ${exported.documents} documents and ${exported.assets} assets from "${from.name}" on ${from.target.label}.`,
    )
    const imported = await importFromFile(to.target, archive, to.name, options, io)
    return {documents: imported.documents, assets: exported.assets}
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
}
