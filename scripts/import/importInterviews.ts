import {readdir, readFile, stat} from 'node:fs/promises'
import {join} from 'node:path'

import type {SanityClient} from '@sanity/client'

import {messageOf} from '../shared/errors.ts'
import {InterviewParseError, type ParseWarning} from './errors.ts'
import {parseInterview} from './parseInterview.ts'
import {toDocuments, type PlannedDocument} from './toDocuments.ts'

export type ChangeAction = 'create' | 'update' | 'unchanged'

/** What the import does to one document. */
export interface DocumentChange {
  id: string
  type: string
  action: ChangeAction
  /** For updates: the fields that change. */
  fields?: string[]
  /** True when an existing document with the same name (and another id) is reused. */
  reused?: boolean
}

export interface FileResult {
  file: string
  ok: boolean
  /** The interview's document id, when the file parsed. */
  interviewId?: string
  changes: DocumentChange[]
  warnings: ParseWarning[]
  /** One line, `file:line: reason` for input that is not an interview. */
  error?: string
}

export interface ImportSummary {
  ok: boolean
  files: FileResult[]
}

export interface ImportOptions {
  client: SanityClient
  /** Report what would change and write nothing. */
  dryRun?: boolean
  /** Receives the report, one line at a time; silent when not given. */
  log?: (line: string) => void
  /** Receives the failures, one line each; `log` when not given. */
  logError?: (line: string) => void
}

interface ExistingDocument {
  _id: string
  _type: string
  _rev: string
  _createdAt?: string
  name?: string
  [field: string]: unknown
}

interface Mutation {
  change: DocumentChange
  create?: Record<string, unknown> & {_id: string; _type: string}
  patch?: {
    id: string
    rev: string
    set?: Record<string, unknown>
    unset?: string[]
    setIfMissing?: Record<string, unknown>
  }
}

const SHARED_TYPES = ['person', 'organization', 'city']

/**
 * Imports interview files and folders of them (every `*.md` directly inside), one transaction per
 * file and the files one after another. A file that fails is reported and leaves nothing behind;
 * the others are still imported.
 */
export async function importFiles(paths: string[], options: ImportOptions): Promise<ImportSummary> {
  const files: FileResult[] = []
  for (const path of paths) {
    let expanded: string[]
    try {
      expanded = await expandPath(path)
    } catch (error) {
      const result = failed(path, `${path}: ${describeFsError(error)}`)
      reportError(options, result.error)
      files.push(result)
      continue
    }
    if (expanded.length === 0) options.log?.(`${path}: no .md files in this folder`)
    for (const file of expanded) {
      let source: string
      try {
        source = await readFile(file, 'utf8')
      } catch (error) {
        const result = failed(file, `${file}: ${describeFsError(error)}`)
        reportError(options, result.error)
        files.push(result)
        continue
      }
      files.push(await importInterview(source, file, options))
    }
  }
  const failures = files.filter((file) => !file.ok).length
  const documents = files.flatMap((file) => file.changes)
  const count = (action: ChangeAction) => documents.filter((d) => d.action === action).length
  options.log?.(
    `${options.dryRun ? 'Dry run: would have imported' : 'Imported'} ${files.length - failures} of ` +
      `${files.length} file(s): ${count('create')} created, ${count('update')} updated, ` +
      `${count('unchanged')} unchanged` +
      (failures > 0 ? `; ${failures} file(s) failed` : ''),
  )
  return {ok: failures === 0 && files.length > 0, files}
}

/** Imports one interview given as text; `file` names it in the report. */
export async function importInterview(
  source: string,
  file: string,
  options: ImportOptions,
): Promise<FileResult> {
  const {client, dryRun = false, log} = options
  let planned: PlannedDocument[]
  let warnings: ParseWarning[]
  try {
    const parsed = parseInterview(source, file)
    warnings = parsed.warnings
    planned = toDocuments(parsed)
  } catch (error) {
    if (!(error instanceof InterviewParseError)) throw error
    reportError(options, error.message)
    return failed(file, error.message)
  }
  const interviewId = planned.find((document) => document._type === 'interview')?._id
  log?.(`${file}${dryRun ? ' (dry run: nothing is written)' : ''}`)
  for (const warning of warnings) log?.(`  warning ${file}:${warning.line}: ${warning.message}`)

  let mutations: Mutation[]
  try {
    const existing = await fetchExisting(client, planned)
    mutations = planMutations(planned, existing)
    const writes = mutations.filter((mutation) => mutation.create || mutation.patch)
    if (!dryRun && writes.length > 0) {
      const transaction = client.transaction()
      for (const {create, patch} of writes) {
        if (create) transaction.create(create)
        if (patch) {
          transaction.patch(patch.id, {
            ...(patch.set ? {set: patch.set} : {}),
            ...(patch.unset ? {unset: patch.unset} : {}),
            ...(patch.setIfMissing ? {setIfMissing: patch.setIfMissing} : {}),
            ifRevisionID: patch.rev,
          })
        }
      }
      await transaction.commit({visibility: 'sync'})
    }
  } catch (error) {
    const message = `${file}: nothing was written: ${describeLakeError(error)}`
    reportError(options, message)
    return {...failed(file, message), interviewId, warnings}
  }

  const changes = mutations.map((mutation) => mutation.change)
  for (const change of changes) log?.(`  ${formatChange(change, dryRun)}`)
  return {file, ok: true, interviewId, changes, warnings}
}

/** Turns planned documents and what the lake holds into creates and patches. */
export function planMutations(
  planned: PlannedDocument[],
  existing: ExistingDocument[],
): Mutation[] {
  const byId = new Map(existing.map((document) => [document._id, document]))
  // Reuse people, organisations and cities that exist under the same name with another id.
  const replacements = new Map<string, string>()
  for (const document of planned) {
    if (byId.has(document._id) || document.matchName === undefined) continue
    const match = findByName(existing, document._type, document.matchName)
    if (match) replacements.set(document._id, match._id)
  }

  return planned.map((document): Mutation => {
    const id = replacements.get(document._id) ?? document._id
    const reused = id !== document._id
    const fields = replaceReferences(document.fields, replacements) as Record<string, unknown>
    const current = byId.get(id)
    if (!current) {
      return {
        change: {id, type: document._type, action: 'create'},
        create: {_id: id, _type: document._type, ...fields},
      }
    }
    if (reused) {
      // A document made by hand: only fill in what it lacks, never overwrite an editor's work.
      const missing = Object.fromEntries(
        Object.entries(fields).filter(([field]) => isEmpty(current[field])),
      )
      const names = Object.keys(missing)
      return names.length === 0
        ? {change: {id, type: document._type, action: 'unchanged', reused}}
        : {
            change: {id, type: document._type, action: 'update', fields: names, reused},
            patch: {id, rev: current._rev, setIfMissing: missing},
          }
    }
    const set = Object.fromEntries(
      Object.entries(fields).filter(([field, value]) => !deepEqual(current[field], value)),
    )
    const unset = document.ownedFields.filter(
      (field) => !(field in fields) && current[field] !== undefined,
    )
    const changed = [...Object.keys(set), ...unset]
    if (changed.length === 0) return {change: {id, type: document._type, action: 'unchanged'}}
    return {
      change: {id, type: document._type, action: 'update', fields: changed},
      patch: {
        id,
        rev: current._rev,
        ...(Object.keys(set).length > 0 ? {set} : {}),
        ...(unset.length > 0 ? {unset} : {}),
      },
    }
  })
}

async function fetchExisting(
  client: SanityClient,
  planned: PlannedDocument[],
): Promise<ExistingDocument[]> {
  const ids = planned.map((document) => document._id)
  const names = planned.flatMap((document) =>
    document.matchName === undefined ? [] : [normalizeName(document.matchName)],
  )
  const documents = await client.fetch<ExistingDocument[]>(
    '*[_id in $ids || (_type in $types && lower(name) in $names)]',
    {ids, types: SHARED_TYPES, names},
  )
  return documents.filter(
    (document) => !document._id.startsWith('drafts.') && !document._id.startsWith('versions.'),
  )
}

/** The oldest published document of `type` whose name is `name`, ignoring case and spacing. */
function findByName(
  existing: ExistingDocument[],
  type: string,
  name: string,
): ExistingDocument | undefined {
  const wanted = normalizeName(name)
  return existing
    .filter((document) => document._type === type && typeof document.name === 'string')
    .filter((document) => normalizeName(document.name as string) === wanted)
    .sort(
      (a, b) =>
        (a._createdAt ?? '').localeCompare(b._createdAt ?? '') || a._id.localeCompare(b._id),
    )[0]
}

function normalizeName(name: string): string {
  return name.replace(/\s+/g, ' ').trim().toLowerCase()
}

function replaceReferences(value: unknown, replacements: Map<string, string>): unknown {
  if (Array.isArray(value)) return value.map((item) => replaceReferences(item, replacements))
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [
        key,
        key === '_ref' && typeof item === 'string'
          ? (replacements.get(item) ?? item)
          : replaceReferences(item, replacements),
      ]),
    )
  }
  return value
}

function isEmpty(value: unknown): boolean {
  return (
    value === undefined ||
    value === null ||
    value === '' ||
    (Array.isArray(value) && value.length === 0)
  )
}

/** Structural equality of JSON values; object key order and undefined fields do not matter. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) &&
      Array.isArray(b) &&
      a.length === b.length &&
      a.every((item, index) => deepEqual(item, b[index]))
    )
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keysOf = (object: object) =>
      Object.entries(object)
        .filter(([, value]) => value !== undefined)
        .map(([key]) => key)
    const aKeys = keysOf(a)
    const bKeys = keysOf(b)
    return (
      aKeys.length === bKeys.length &&
      aKeys.every((key) =>
        deepEqual((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]),
      )
    )
  }
  return false
}

async function expandPath(path: string): Promise<string[]> {
  const info = await stat(path)
  if (!info.isDirectory()) return [path]
  const entries = await readdir(path, {withFileTypes: true})
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.md') && !entry.name.startsWith('.'))
    .map((entry) => join(path, entry.name))
    .sort((a, b) => a.localeCompare(b))
}

function reportError(options: ImportOptions, line: string | undefined): void {
  if (line !== undefined) (options.logError ?? options.log)?.(line)
}

function failed(file: string, error: string): FileResult {
  return {file, ok: false, changes: [], warnings: [], error}
}

function formatChange(change: DocumentChange, dryRun: boolean): string {
  const verb = dryRun && change.action !== 'unchanged' ? `would ${change.action}` : change.action
  const details = [
    change.fields ? `(${change.fields.join(', ')})` : '',
    change.reused ? '[existing document with the same name]' : '',
  ]
    .filter(Boolean)
    .join(' ')
  return `${verb.padEnd(12)} ${change.type.padEnd(13)} ${change.id}${details ? ` ${details}` : ''}`
}

function describeFsError(error: unknown): string {
  const code = (error as {code?: string}).code
  if (code === 'ENOENT') return 'no such file or folder'
  if (code === 'EACCES') return 'permission denied'
  return messageOf(error)
}

/** A one-line description of a failed request, without a stack trace. */
export function describeLakeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error)
  const cause = (error as {cause?: {code?: string}}).cause
  const code = (error as {code?: string}).code ?? cause?.code
  if (code === 'ECONNREFUSED') {
    return 'the Content Lake did not answer (is it running? see SANITY_API_HOST)'
  }
  const statusCode = (error as {statusCode?: number}).statusCode
  if (statusCode === 401 || statusCode === 403) {
    return `${error.message} (set SANITY_API_TOKEN to a token that may write)`
  }
  return error.message
}
