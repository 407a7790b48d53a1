import type {Source} from 'sanity'
import {
  createStructureBuilder,
  type DocumentList,
  type ListBuilder,
  type ListItem,
  type StructureBuilder,
  type StructureResolverContext,
} from 'sanity/structure'
import {afterEach, beforeAll, describe, expect, it, vi} from 'vitest'

import {QM_STATUS_GROQ_FILTERS, qmStatusQueryParams} from '../domain/qmStatus.ts'
import {CreateRevisionAction} from '../studio/actions/createRevisionAction.ts'
import {STRUCTURE_API_VERSION, structure} from '../studio/structure.ts'
import {createTestWorkspace} from './helpers/studioWorkspace.ts'

let source: Source
let S: StructureBuilder

beforeAll(async () => {
  const workspace = await createTestWorkspace()
  source = workspace.unstable_sources[0]
  S = createStructureBuilder({source, perspectiveStack: ['drafts']})
})

afterEach(() => {
  vi.useRealTimers()
})

/**
 * Our resolver uses no context; the Studio passes a richer one (with a document store, which
 * would need the Content Lake), so a partial one is enough here.
 */
function resolveRoot(): ReturnType<ListBuilder['serialize']> {
  const context = {
    ...S.context,
    perspectiveStack: ['drafts'],
  } as unknown as StructureResolverContext
  const root = structure(S, context) as ListBuilder
  return root.serialize()
}

function listItems(list: {items?: unknown[]}): ListItem[] {
  return (list.items ?? []).filter(
    (item): item is ListItem => (item as ListItem).type === 'listItem',
  )
}

function itemByTitle(list: {items?: unknown[]}, title: string): ListItem {
  const item = listItems(list).find((candidate) => candidate.title === title)
  if (!item) throw new Error(`No item titled "${title}"`)
  return item
}

/** Opens a list item the way the structure tool does: calling its child resolver. */
async function openItem(item: ListItem): Promise<Record<string, unknown>> {
  const child = item.child
  const resolved =
    typeof child === 'function'
      ? await child(item.id, {
          parent: undefined,
          index: 0,
          splitIndex: 0,
          path: [],
          params: {},
          structureContext: S.context,
          serializeOptions: {path: []},
        } as never)
      : child
  const maybeBuilder = resolved as {serialize?: () => unknown}
  return (maybeBuilder?.serialize ? maybeBuilder.serialize() : resolved) as Record<string, unknown>
}

function pinToday(isoInstant: string) {
  vi.useFakeTimers({toFake: ['Date'], now: new Date(isoInstant)})
}

describe('structure', () => {
  it('is the structure the Studio is configured with', async () => {
    const workspace = await createTestWorkspace()
    const structureTool = workspace.tools.find((tool) => tool.name === 'structure')
    expect(structureTool?.options?.structure).toBe(structure)
  })

  it('offers "Skapa revidering" on certifications, and on nothing else', async () => {
    const workspace = await createTestWorkspace()
    const actionsFor = (schemaType: string) =>
      workspace.document.actions({schemaType, documentId: 'x'} as never)
    expect(actionsFor('qmCertification')).toContain(CreateRevisionAction)
    for (const schemaType of ['person', 'interview', 'award']) {
      expect(actionsFor(schemaType)).not.toContain(CreateRevisionAction)
    }
    // The Studio's own actions stay.
    expect(actionsFor('qmCertification').length).toBe(actionsFor('person').length + 1)
  })

  it('lists the content in Swedish', () => {
    const root = resolveRoot()
    expect(root.title).toBe('Innehåll')
    expect(listItems(root).map((item) => item.title)).toEqual([
      'Intervjuer',
      'Personer',
      'Organisationer',
      'Städer',
      'QM-certifieringar',
      'Faktablad',
      'Utmärkelser',
    ])
  })

  it.each([
    ['Intervjuer', 'interview'],
    ['Personer', 'person'],
    ['Organisationer', 'organization'],
    ['Städer', 'city'],
    ['Faktablad', 'qmFactSheet'],
    ['Utmärkelser', 'award'],
  ])('opens "%s" as the list of %s documents under the same title', async (title, typeName) => {
    const list = (await openItem(itemByTitle(resolveRoot(), title))) as unknown as DocumentList
    expect(list.type).toBe('documentList')
    expect(list.title).toBe(title)
    expect(list.schemaTypeName).toBe(typeName)
  })

  it('lists awards newest year first', async () => {
    const awards = (await openItem(itemByTitle(resolveRoot(), 'Utmärkelser'))) as unknown as {
      options: {defaultOrdering?: unknown}
    }
    expect(awards.options.defaultOrdering).toEqual([{field: 'year', direction: 'desc'}])
  })

  it('splits QM certifications by status, plus all of them', async () => {
    const certifications = await openItem(itemByTitle(resolveRoot(), 'QM-certifieringar'))
    expect(listItems(certifications).map((item) => item.title)).toEqual([
      'Giltiga',
      'Löper ut inom sex månader',
      'Utgångna',
      'Alla',
    ])
    const all = (await openItem(itemByTitle(certifications, 'Alla'))) as unknown as DocumentList
    expect(all.options.filter).toBe('_type == $type')
    expect(all.options.params).toEqual({type: 'qmCertification'})
  })

  it.each([
    ['Giltiga', 'valid'],
    ['Löper ut inom sex månader', 'expiring'],
    ['Utgångna', 'expired'],
  ] as const)('filters "%s" by the dates of the day it is opened', async (title, status) => {
    const certifications = await openItem(itemByTitle(resolveRoot(), 'QM-certifieringar'))
    const item = itemByTitle(certifications, title)

    pinToday('2027-06-16T08:00:00Z')
    const list = (await openItem(item)) as unknown as DocumentList
    expect(list.title).toBe(title)
    expect(list.schemaTypeName).toBe('qmCertification')
    expect(list.options.apiVersion).toBe(STRUCTURE_API_VERSION)
    expect(list.options.filter).toBe(`_type == $type && ${QM_STATUS_GROQ_FILTERS[status]}`)
    expect(list.options.params).toEqual({
      type: 'qmCertification',
      today: '2027-06-16',
      expiryHorizon: '2027-12-16',
      expiredIfCertifiedBefore: '2024-06-16',
      validIfCertifiedFrom: '2024-12-17',
    })

    // Opened again on a later day, the same item filters with that day's dates.
    pinToday('2028-02-29T08:00:00Z')
    const later = (await openItem(item)) as unknown as DocumentList
    expect(later.options.params).toEqual({
      type: 'qmCertification',
      ...qmStatusQueryParams('2028-02-29'),
    })
    expect(later.options.params).toMatchObject({today: '2028-02-29', expiryHorizon: '2028-08-29'})
  })
})
