/**
 * Validates documents against the project's schema with Sanity's own `validateDocument`, the same
 * rules editors see in the Studio, after an applying run changed them.
 */
import type {SanityDocument} from '@sanity/client'

import type {MigrateTarget} from './api.ts'
import {MigrateError} from './errors.ts'
import {messageOf} from '../shared/errors.ts'

export interface ValidationProblem {
  documentId: string
  documentType: string
  level: 'error' | 'warning' | 'info'
  path: string
  message: string
  /** Not there before the run changed the document (always true for documents it created). */
  introduced: boolean
}

export interface ValidationReport {
  /** Documents validated (changed documents of schema types that still exist). */
  checked: number
  problems: ValidationProblem[]
}

const MIGRATION_USER = {
  id: 'migration-runner',
  name: 'Migration runner',
  email: 'migrations@localhost',
  role: 'administrator',
  roles: [{name: 'administrator', title: 'Administrator'}],
}

type PathSegment = string | number | {_key?: string} | unknown[]

function pathText(path: readonly PathSegment[]): string {
  return path
    .map((segment, index) => {
      if (typeof segment === 'string') return index === 0 ? segment : `.${segment}`
      if (typeof segment === 'number') return `[${segment}]`
      if (Array.isArray(segment)) return `[${segment.join(':')}]`
      return `[_key=="${segment._key ?? ''}"]`
    })
    .join('')
}

/**
 * Validates the given documents; ids that no longer exist or have no schema type are skipped. With
 * `before` (the documents as they were before the run), problems they already had are marked as not
 * introduced by the run.
 */
export async function validateChangedDocuments(
  target: MigrateTarget,
  ids: readonly string[],
  before: ReadonlyMap<string, SanityDocument> = new Map(),
): Promise<ValidationReport> {
  const [{createWorkspaceFromConfig, validateDocument}, {schemaTypes}] = await Promise.all([
    import('sanity'),
    import('../../schemas/index.ts'),
  ])
  let workspace: Awaited<ReturnType<typeof createWorkspaceFromConfig>>
  try {
    workspace = await createWorkspaceFromConfig({
      name: 'default',
      projectId: target.config.projectId,
      dataset: target.config.dataset,
      schema: {types: schemaTypes},
      currentUser: MIGRATION_USER,
      // Custom rules (e.g. slug uniqueness) query the same Content Lake the migration changed.
      getClient: () => target.client as never,
    })
  } catch (error) {
    throw new MigrateError(`Cannot load the schema for validation: ${messageOf(error)}`)
  }
  const exists = new Map<string, Promise<boolean>>()
  const getDocumentExists = ({id}: {id: string}) => {
    let known = exists.get(id)
    if (!known) {
      known = target.client.fetch<number>('count(*[_id == $id])', {id}).then((count) => count > 0)
      exists.set(id, known)
    }
    return known
  }
  const report: ValidationReport = {checked: 0, problems: []}
  const documents: SanityDocument[] = []
  for (let start = 0; start < ids.length; start += 100) {
    const found = await target.client.getDocuments<SanityDocument>(ids.slice(start, start + 100))
    documents.push(...found.filter((doc): doc is SanityDocument => doc !== null))
  }
  const validate = async (document: SanityDocument) =>
    (
      await validateDocument({
        document: document as never,
        workspace,
        environment: 'cli',
        getDocumentExists,
      })
    ).map((marker) => ({
      level: marker.level,
      path: pathText(marker.path as PathSegment[]),
      message: marker.message,
    }))
  for (const document of documents) {
    if (!workspace.schema.get(document._type)) continue
    report.checked++
    const previous = before.get(document._id)
    const known = new Set(
      (previous && workspace.schema.get(previous._type) ? await validate(previous) : []).map(
        (marker) => `${marker.level}|${marker.path}|${marker.message}`,
      ),
    )
    for (const marker of await validate(document)) {
      report.problems.push({
        documentId: document._id,
        documentType: document._type,
        ...marker,
        introduced: !known.has(`${marker.level}|${marker.path}|${marker.message}`),
      })
    }
  }
  return report
}
