/**
 * Importing interview files into a Content Lake.
 *
 * Decisions:
 * - One transaction per file: all of its documents (and their import markers) are written, or
 *   none. Files are imported one after another; a file that fails leaves nothing behind.
 * - Unchanged documents are not written, so importing an unchanged file makes no mutation.
 * - Each document the import owns has a marker (importState.ts) with a hash per field it wrote.
 *   A field whose value differs from its marker was edited in the Studio: when the file still says
 *   what it said, the editor's value is kept; when the file changed too, the file fails with the
 *   document and field named, unless `force` is set.
 * - Images are uploaded just before the transaction (content-addressed, so never twice).
 */
import {readdir, readFile, stat} from 'node:fs/promises'
import {extname, join} from 'node:path'

import type {SanityClient} from '@sanity/client'

import {messageOf} from '../shared/errors.ts'
import {formatWarning, InterviewParseError, type ParseWarning} from './errors.ts'
import {resolveImages, type ResolvedImage} from './images.ts'
import {ABSENT, STATE_TYPE, stateIdFor, valueHash, type ImportState} from './importState.ts'
import {describeFile} from './report.ts'
import {parseInterview, recogniseInterview, type ParsedInterview} from './parseInterview.ts'
import {
  cityNameCandidates,
  normalizeName,
  toDocuments,
  type PlannedDocument,
} from './toDocuments.ts'
import {wordBlocks, WordReadError} from './wordSource.ts'

export type ChangeAction = 'create' | 'update' | 'unchanged'

/** What the import does to one document. */
export interface DocumentChange {
  id: string
  type: string
  action: ChangeAction
  /** For updates: the fields that change. */
  fields?: string[]
  /** Fields edited in the Studio since the last import that the import leaves as they are. */
  kept?: string[]
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
  /** The documents as they would be stored (fields the import sets), for reports. */
  documents?: PlannedDocument[]
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
  /** Overwrite fields edited in the Studio since the last import. */
  force?: boolean
  /** The dataset does not exist yet (a dry run before the first import): plan against nothing. */
  datasetMissing?: boolean
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

export interface Mutation {
  change: DocumentChange
  create?: Record<string, unknown> & {_id: string; _type: string}
  patch?: {
    id: string
    rev: string
    set?: Record<string, unknown>
    unset?: string[]
    setIfMissing?: Record<string, unknown>
  }
  /** The marker to write with the document: created, or its hashes replaced. */
  state?: {create?: ImportState; patch?: {id: string; rev?: string; hashes: Record<string, string>}}
}

/** A field edited in the Studio that this file would overwrite. */
export interface Conflict {
  id: string
  field: string
  /** The document has a draft in the Studio that publishing would put over the import. */
  draft?: boolean
}

export interface Plan {
  mutations: Mutation[]
  conflicts: Conflict[]
}

const SHARED_TYPES = ['person', 'organization', 'city']
const INTERVIEW_EXTENSIONS = new Set(['.md', '.markdown', '.docx'])

/**
 * Imports interview files and folders of them (every `*.md` and `*.docx` directly inside), one
 * transaction per file and the files one after another.
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
    if (expanded.length === 0) options.log?.(`${path}: no .md or .docx files in this folder`)
    for (const file of expanded) {
      let bytes: Buffer
      try {
        bytes = await readFile(file)
      } catch (error) {
        const result = failed(file, `${file}: ${describeFsError(error)}`)
        reportError(options, result.error)
        files.push(result)
        continue
      }
      files.push(await importInterview(bytes, file, options))
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

/** Parses a Markdown or Word file (by its extension, or Word when it starts like a zip). */
export async function parseFile(
  source: string | Uint8Array,
  file: string,
): Promise<ParsedInterview> {
  const isWord =
    extname(file).toLowerCase() === '.docx' ||
    (typeof source !== 'string' && source[0] === 0x50 && source[1] === 0x4b)
  if (!isWord) {
    if (extname(file).toLowerCase() === '.doc') {
      throw new InterviewParseError(
        file,
        1,
        'this is an old Word file (.doc); open it in Word and save it as .docx, then import that',
      )
    }
    const {text, encoding} = typeof source === 'string' ? {text: source} : decodeText(source)
    if (text.includes('\u0000')) {
      throw new InterviewParseError(
        file,
        1,
        'this is not a text file; expected Markdown (.md) or a Word document (.docx)',
      )
    }
    const parsed = parseInterview(text, file)
    if (encoding) {
      parsed.warnings.unshift({
        line: 0,
        message: `the file is not UTF-8; it was read as ${encoding} (save it as UTF-8 to be sure of å, ä and ö)`,
      })
    }
    return parsed
  }
  const bytes = typeof source === 'string' ? Buffer.from(source, 'binary') : source
  let conversion
  try {
    conversion = await wordBlocks(bytes)
  } catch (error) {
    if (error instanceof WordReadError) throw new InterviewParseError(file, 1, error.message)
    throw error
  }
  const warnings: ParseWarning[] = conversion.messages
    .filter((message) => !/^Unrecognised (paragraph|run) style/.test(message))
    .map((message) => ({line: 0, message: `Word conversion: ${message}`}))
  return recogniseInterview({format: 'word', blocks: conversion.blocks}, file, {warnings})
}

/** Imports one interview given as Markdown text or a file's bytes; `file` names it in the report. */
export async function importInterview(
  source: string | Uint8Array,
  file: string,
  options: ImportOptions,
): Promise<FileResult> {
  const {client, dryRun = false, force = false, datasetMissing = false, log} = options
  let parsed: ParsedInterview
  try {
    parsed = await parseFile(source, file)
  } catch (error) {
    if (!(error instanceof InterviewParseError)) throw error
    reportError(options, error.message)
    return failed(file, error.message)
  }
  const {warnings} = parsed
  let planned: PlannedDocument[]
  let mutations: Mutation[]
  let images: ResolvedImage[]
  try {
    images = await resolveImages(parsed, file, warnings)
    const known = datasetMissing ? new Map() : await knownOrganizations(client, parsed)
    const cityNames = cityNameCandidates(parsed)
    const knownCities =
      datasetMissing || cityNames.length < 2
        ? []
        : await client.fetch<string[]>(
            '*[_type == "city" && lower(name) in $names && !(_id in path("drafts.**"))].name',
            {names: cityNames.map(normalizeName)},
          )
    const existingAssets = new Set(
      images.length === 0 || datasetMissing
        ? []
        : await client.fetch<string[]>('*[_id in $ids]._id', {ids: images.map((i) => i.assetId)}),
    )
    planned = toDocuments(parsed, {
      knownOrganizations: known,
      assetIds: new Map(images.map((image) => [image.image, image.assetId])),
      knownCities,
    })
    const interviewId = planned.find((document) => document._type === 'interview')?._id
    log?.(`${file}${dryRun ? ' (dry run: nothing is written)' : ''}`)
    for (const warning of warnings) log?.(`  warning ${formatWarning(file, warning)}`)

    const existing = datasetMissing ? [] : await fetchExisting(client, planned)
    const states = datasetMissing ? [] : await fetchStates(client, planned)
    const drafts = datasetMissing ? new Set<string>() : await fetchDraftIds(client, planned)
    const plan = planMutations(planned, existing, states, {force, drafts})
    if (plan.conflicts.length > 0) {
      const message = conflictMessage(file, plan.conflicts)
      reportError(options, message)
      return {...failed(file, message), interviewId, warnings, documents: planned}
    }
    mutations = plan.mutations
    const writes = mutations.filter((m) => m.create || m.patch || m.state)
    if (!dryRun && writes.length > 0) {
      const replacements = new Map<string, string>()
      for (const image of images) {
        if (existingAssets.has(image.assetId)) continue
        const asset = await client.assets.upload('image', Buffer.from(image.bytes), {
          filename: image.filename,
        })
        if (asset._id !== image.assetId) replacements.set(image.assetId, asset._id)
      }
      const transaction = client.transaction()
      for (const mutation of writes) {
        const {create, patch, state} = withAssetIds(mutation, replacements)
        if (create) transaction.create(create)
        if (patch) {
          transaction.patch(patch.id, {
            ...(patch.set ? {set: patch.set} : {}),
            ...(patch.unset ? {unset: patch.unset} : {}),
            ...(patch.setIfMissing ? {setIfMissing: patch.setIfMissing} : {}),
            ifRevisionID: patch.rev,
          })
        }
        if (state?.create) transaction.create(state.create)
        if (state?.patch) {
          transaction.patch(state.patch.id, {
            set: {hashes: state.patch.hashes},
            ...(state.patch.rev ? {ifRevisionID: state.patch.rev} : {}),
          })
        }
      }
      await transaction.commit({visibility: 'sync'})
    }
    const changes = mutations.map((mutation) => mutation.change)
    const result: FileResult = {file, ok: true, interviewId, changes, warnings, documents: planned}
    if (dryRun) for (const line of describeFile(result)) log?.(line)
    for (const change of changes) log?.(`  ${formatChange(change, dryRun)}`)
    return result
  } catch (error) {
    const message = `${file}: nothing was written: ${describeLakeError(error)}`
    reportError(options, message)
    return {...failed(file, message), warnings}
  }
}

/** UTF-8, or Windows-1252 (what older Windows editors save) when the bytes are not UTF-8. */
function decodeText(bytes: Uint8Array): {text: string; encoding?: string} {
  try {
    return {text: new TextDecoder('utf-8', {fatal: true}).decode(bytes)}
  } catch {
    return {text: new TextDecoder('windows-1252').decode(bytes), encoding: 'Windows-1252'}
  }
}

function withAssetIds(mutation: Mutation, replacements: Map<string, string>): Mutation {
  if (replacements.size === 0) return mutation
  return replaceReferences(mutation, replacements) as Mutation
}

/**
 * Turns planned documents, what the lake holds and the import markers into creates and patches,
 * and lists the fields edited in the Studio that the file would overwrite (none with `force`).
 */
export function planMutations(
  planned: PlannedDocument[],
  existing: ExistingDocument[],
  states: ImportState[] = [],
  options: {force?: boolean; drafts?: Set<string>} = {},
): Plan {
  const byId = new Map(existing.map((document) => [document._id, document]))
  const stateById = new Map(states.map((state) => [state.documentId, state]))
  const conflicts: Conflict[] = []
  // Reuse people, organisations and cities that exist under the same name with another id.
  const replacements = new Map<string, string>()
  for (const document of planned) {
    if (byId.has(document._id) || document.matchName === undefined) continue
    const match = findByName(existing, document._type, document.matchName)
    if (match) replacements.set(document._id, match._id)
  }

  const mutations = planned.map((document): Mutation => {
    const id = replacements.get(document._id) ?? document._id
    const reused = id !== document._id
    const fields = replaceReferences(document.fields, replacements) as Record<string, unknown>
    const current = byId.get(id)
    const state = stateById.get(id)
    const managed = [
      ...Object.keys(fields),
      ...document.ownedFields.filter((field) => !(field in fields)),
    ]
    const hashesOf = (values: Record<string, unknown>) =>
      Object.fromEntries(managed.map((field) => [field, valueHash(values[field])]))
    if (!current) {
      // A marker without its document: the document was deleted in the Studio; make it again.
      return {
        change: {id, type: document._type, action: 'create'},
        create: {_id: id, _type: document._type, ...fields},
        state: state
          ? {patch: {id: state._id, rev: state._rev, hashes: hashesOf(fields)}}
          : {create: newState(id, hashesOf(fields))},
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
    const set: Record<string, unknown> = {}
    const unset: string[] = []
    const kept: string[] = []
    const written: Record<string, string> = {...state?.hashes}
    for (const field of managed) {
      const value = fields[field]
      const ownedOnly = !(field in fields)
      if (ownedOnly && current[field] === undefined) {
        written[field] = ABSENT
        continue
      }
      if (!ownedOnly && deepEqual(current[field], value)) {
        written[field] = valueHash(value)
        continue
      }
      const recorded = state?.hashes[field]
      const editedInStudio =
        state !== undefined && valueHash(current[field]) !== (recorded ?? ABSENT)
      if (editedInStudio && valueHash(value) === (recorded ?? ABSENT)) {
        // The file still says what was imported last time: the editor's change stands.
        kept.push(field)
        continue
      }
      if (editedInStudio && !options.force) conflicts.push({id, field})
      if (ownedOnly) unset.push(field)
      else set[field] = value
      written[field] = valueHash(value)
    }
    const changed = [...Object.keys(set), ...unset]
    if (changed.length > 0 && options.drafts?.has(id) && !options.force) {
      for (const field of changed) conflicts.push({id, field, draft: true})
    }
    const stateChanged = !state || !deepEqual(state.hashes, written)
    const stateWrite = stateChanged
      ? state
        ? {patch: {id: state._id, rev: state._rev, hashes: written}}
        : {create: newState(id, written)}
      : undefined
    const change: DocumentChange = {
      id,
      type: document._type,
      action: changed.length === 0 ? 'unchanged' : 'update',
      ...(changed.length > 0 ? {fields: changed} : {}),
      ...(kept.length > 0 ? {kept} : {}),
    }
    return {
      change,
      ...(changed.length > 0
        ? {
            patch: {
              id,
              rev: current._rev,
              ...(Object.keys(set).length > 0 ? {set} : {}),
              ...(unset.length > 0 ? {unset} : {}),
            },
          }
        : {}),
      ...(stateWrite ? {state: stateWrite} : {}),
    }
  })
  return {mutations, conflicts}
}

function newState(documentId: string, hashes: Record<string, string>): ImportState {
  return {_id: stateIdFor(documentId), _type: STATE_TYPE, documentId, hashes}
}

function conflictMessage(file: string, conflicts: Conflict[]): string {
  const describe = (items: Conflict[]) => {
    const byDocument = new Map<string, string[]>()
    for (const {id, field} of items) byDocument.set(id, [...(byDocument.get(id) ?? []), field])
    return [...byDocument].map(([id, fields]) => `${id} (${fields.join(', ')})`).join('; ')
  }
  const edited = conflicts.filter((conflict) => !conflict.draft)
  const drafts = conflicts.filter((conflict) => conflict.draft)
  const reasons = [
    edited.length > 0
      ? `edited in the Studio since the last import, and changed in the file too: ${describe(edited)}`
      : '',
    drafts.length > 0
      ? `unpublished changes in the Studio that publishing would put over the import: ${describe(drafts)}; publish or discard them first`
      : '',
  ].filter(Boolean)
  return (
    `${file}: nothing was written: ${reasons.join('; and ')}. ` +
    `Import with --force to overwrite the Studio's changes with the file's`
  )
}

/** Existing organisations whose names a contact's role line might give. */
async function knownOrganizations(
  client: SanityClient,
  parsed: ParsedInterview,
): Promise<Map<string, string>> {
  const names = (parsed.contact?.people ?? []).flatMap((person) =>
    person.organization ? [normalizeName(person.organization)] : [],
  )
  if (names.length === 0) return new Map()
  const found = await client.fetch<Array<{_id: string; name: string; _createdAt?: string}>>(
    '*[_type == "organization" && lower(name) in $names && !(_id in path("drafts.**"))] | order(_createdAt asc){_id, name, _createdAt}',
    {names},
  )
  const known = new Map<string, string>()
  for (const organization of found) {
    const key = normalizeName(organization.name)
    if (!known.has(key)) known.set(key, organization._id)
  }
  return known
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

/** Ids of planned documents that have a draft in the Studio. */
async function fetchDraftIds(
  client: SanityClient,
  planned: PlannedDocument[],
): Promise<Set<string>> {
  const found = await client.fetch<string[]>(
    '*[_id in $ids]._id',
    {ids: planned.map((document) => `drafts.${document._id}`)},
    {perspective: 'raw'},
  )
  return new Set(found.map((id) => id.slice('drafts.'.length)))
}

async function fetchStates(
  client: SanityClient,
  planned: PlannedDocument[],
): Promise<ImportState[]> {
  const ids = planned.map((document) => stateIdFor(document._id))
  return client.fetch<ImportState[]>('*[_type == $type && _id in $ids]', {type: STATE_TYPE, ids})
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
    .filter(
      (entry) =>
        entry.isFile() &&
        INTERVIEW_EXTENSIONS.has(extname(entry.name).toLowerCase()) &&
        !entry.name.startsWith('.') &&
        !entry.name.startsWith('~$'),
    )
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
    change.kept ? `[kept the Studio's edit of ${change.kept.join(', ')}]` : '',
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

/** How to get a token for the local lake; printed wherever a token is missing or refused. */
export const TOKEN_HINT =
  'get a token for the local lake with `npm run lake:token -- --role editor` and set SANITY_API_TOKEN to it'

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
    return `${error.message} (SANITY_API_TOKEN must be a token that may write: ${TOKEN_HINT})`
  }
  return error.message
}
