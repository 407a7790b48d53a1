/**
 * Who may see and do what (lake/auth/access.ts), over every read and write endpoint: anonymous,
 * viewer, editor and administrator, on a public dataset holding a published document, its draft,
 * a release version and system documents (`_.groups.*`, another dotted id), and a private dataset.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {png} from '../../helpers/png.ts'
import {startTestLake, type TestLake} from '../../../testkit/lake.ts'

type Caller = 'anonymous' | 'viewer' | 'editor' | 'administrator'
const CALLERS: Caller[] = ['anonymous', 'viewer', 'editor', 'administrator']

const PUBLIC_IDS = ['pub', 'drafts.pub', 'versions.r1.pub', '_.groups.team', 'settings.site']
const ALL_IDS = [...PUBLIC_IDS].sort()

let lake: TestLake
const tokens: Record<Caller, string | null> = {
  anonymous: null,
  viewer: null,
  editor: null,
  administrator: null,
}

beforeAll(async () => {
  lake = await startTestLake()
  tokens.viewer = lake.createToken('viewer')
  tokens.editor = lake.createToken('editor')
  tokens.administrator = lake.adminToken
  const admin = lake.client({dataset: 'matrix'})
  await lake.client().datasets.create('matrix', {aclMode: 'public'})
  await lake.client().datasets.create('secret', {aclMode: 'private'})
  await lake.client().datasets.create('other', {aclMode: 'public'})
  // One transaction, so history shows visible and hidden ids side by side.
  await admin.mutate(
    PUBLIC_IDS.map((id) => ({createOrReplace: {_id: id, _type: 'doc', title: `title of ${id}`}})),
  )
  await lake.client({dataset: 'secret'}).create({_id: 'hidden', _type: 'doc'})
  const crossRef = {_type: 'crossDatasetReference', _ref: 'pub', _dataset: 'matrix', _weak: true}
  await lake
    .client({dataset: 'other'})
    .mutate([
      {createOrReplace: {_id: 'refpub', _type: 'doc', ref: crossRef}},
      {createOrReplace: {_id: 'drafts.refdraft', _type: 'doc', ref: crossRef}},
    ])
})
afterAll(async () => {
  await lake.stop()
})

function headers(caller: Caller, extra: Record<string, string> = {}): Record<string, string> {
  const token = tokens[caller]
  return {...extra, ...(token ? {authorization: `Bearer ${token}`} : {})}
}

async function get(caller: Caller, path: string) {
  const res = await fetch(`${lake.url}${path}`, {headers: headers(caller)})
  const text = await res.text()
  return {status: res.status, text}
}

async function getJson(caller: Caller, path: string) {
  const {status, text} = await get(caller, path)
  return {status, body: JSON.parse(text)}
}

function ndjson(text: string): Array<Record<string, unknown>> {
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line))
}

/** What a caller may read of the public dataset. */
function visibleIds(caller: Caller): string[] {
  return caller === 'anonymous' ? ['pub'] : ALL_IDS
}

const ids = PUBLIC_IDS.join(',')

describe('reads', () => {
  for (const caller of CALLERS) {
    describe(caller, () => {
      it('query (raw perspective)', async () => {
        const q = encodeURIComponent('*[_type == "doc"]._id')
        const {body} = await getJson(
          caller,
          `/v2025-02-19/data/query/matrix?query=${q}&perspective=raw`,
        )
        expect([...body.result].sort()).toEqual(visibleIds(caller))
        const drafts = await getJson(
          caller,
          `/v2025-02-19/data/query/matrix?query=${q}&perspective=drafts`,
        )
        // Drafts overlay their published ids; other dotted ids stay as they are.
        expect([...drafts.body.result].sort()).toEqual(
          caller === 'anonymous' ? ['pub'] : ['_.groups.team', 'pub', 'settings.site'],
        )
        const title = await getJson(
          caller,
          `/v2025-02-19/data/query/matrix?query=${encodeURIComponent('*[_id == "pub"][0].title')}&perspective=drafts`,
        )
        // The draft overlays the published document only for callers who may read it.
        expect(title.body.result).toBe(
          caller === 'anonymous' ? 'title of pub' : 'title of drafts.pub',
        )
      })

      it('doc (with includeAllVersions)', async () => {
        const {body} = await getJson(caller, `/v2025-02-19/data/doc/matrix/${ids}`)
        expect(body.documents.map((d: {_id: string}) => d._id).sort()).toEqual(visibleIds(caller))
        const hidden = PUBLIC_IDS.filter((id) => !visibleIds(caller).includes(id))
        expect(body.omitted).toEqual(hidden.map((id) => ({id, reason: 'permission'})))
        const all = await getJson(
          caller,
          '/v2025-02-19/data/doc/matrix/pub?includeAllVersions=true',
        )
        expect(all.body.documents.map((d: {_id: string}) => d._id).sort()).toEqual(
          caller === 'anonymous' ? ['pub'] : ['drafts.pub', 'pub', 'versions.r1.pub'],
        )
      })

      it('export', async () => {
        const {text} = await get(caller, '/v2025-02-19/data/export/matrix')
        expect(
          ndjson(text)
            .map((d) => d._id)
            .sort(),
        ).toEqual(visibleIds(caller))
      })

      it('history documents and transactions', async () => {
        const docs = await getJson(
          caller,
          `/v2025-02-19/data/history/matrix/documents/${ids}?lastRevision=true`,
        )
        expect(docs.body.documents.map((d: {_id: string}) => d._id).sort()).toEqual(
          visibleIds(caller),
        )
        const {text} = await get(
          caller,
          `/v2025-02-19/data/history/matrix/transactions/${ids}?effectFormat=mendoza`,
        )
        const [tx] = ndjson(text) as Array<{
          documentIDs: string[]
          mutations: Array<{createOrReplace: {_id: string}}>
          effects: Record<string, unknown>
        }>
        expect([...tx.documentIDs].sort()).toEqual(visibleIds(caller))
        expect(tx.mutations.map((m) => m.createOrReplace._id).sort()).toEqual(visibleIds(caller))
        expect(Object.keys(tx.effects).sort()).toEqual(visibleIds(caller))
      })

      it('references from other datasets', async () => {
        const {body} = await getJson(
          caller,
          '/v2025-02-19/data/references/matrix/documents/pub/to?excludeInternalReferences=true',
        )
        expect(body.references.map((r: {documentId: string}) => r.documentId).sort()).toEqual(
          caller === 'anonymous' ? ['refpub'] : ['drafts.refdraft', 'refpub'],
        )
      })

      it('a private dataset', async () => {
        const q = encodeURIComponent('*._id')
        const query = await getJson(
          caller,
          `/v2025-02-19/data/query/secret?query=${q}&perspective=raw`,
        )
        expect(query.body.result).toEqual(caller === 'anonymous' ? [] : ['hidden'])
        const doc = await getJson(caller, '/v2025-02-19/data/doc/secret/hidden')
        expect(doc.body.documents).toHaveLength(caller === 'anonymous' ? 0 : 1)
        const exported = await get(caller, '/v2025-02-19/data/export/secret')
        expect(ndjson(exported.text)).toHaveLength(caller === 'anonymous' ? 0 : 1)
      })

      it('live events with drafts', async () => {
        const controller = new AbortController()
        const res = await fetch(
          `${lake.url}/v2025-02-19/data/live/events/matrix?includeDrafts=true`,
          {headers: headers(caller), signal: controller.signal},
        )
        expect(res.status).toBe(caller === 'anonymous' ? 401 : 200)
        controller.abort()
      })
    })
  }

  it('listen: an anonymous listener gets no events for drafts or system documents', async () => {
    const received: Record<'anonymous' | 'viewer', string[]> = {anonymous: [], viewer: []}
    const done = (['anonymous', 'viewer'] as const).map((caller) => {
      const client = lake.client({dataset: 'matrix', token: tokens[caller], apiVersion: '1'})
      return new Promise<void>((resolve, reject) => {
        const subscription = client
          .listen('*[_type == "live"]', {}, {includeResult: false, events: ['welcome', 'mutation']})
          .subscribe({
            next: (event) => {
              if (event.type === 'welcome') {
                ready.push(caller)
                if (ready.length === 2) void writeLiveDocuments()
                return
              }
              received[caller].push(event.documentId)
              if (event.documentId === 'live-last') {
                subscription.unsubscribe()
                resolve()
              }
            },
            error: reject,
          })
      })
    })
    const ready: string[] = []
    async function writeLiveDocuments() {
      const admin = lake.client({dataset: 'matrix'})
      await admin.create({_id: 'drafts.live-draft', _type: 'live'})
      await admin.create({_id: '_.live-system', _type: 'live'})
      await admin.create({_id: 'live-last', _type: 'live'})
    }
    await Promise.all(done)
    expect(received.anonymous).toEqual(['live-last'])
    expect(received.viewer).toEqual(['drafts.live-draft', '_.live-system', 'live-last'])
  })
})

describe('writes', () => {
  const CONTENT_WRITERS: Caller[] = ['editor', 'administrator']

  async function count(dataset: string): Promise<number> {
    return lake.client({dataset}).fetch('count(*)', {}, {perspective: 'raw'})
  }

  async function send(caller: Caller, method: string, path: string, body?: BodyInit) {
    const res = await fetch(`${lake.url}${path}`, {
      method,
      headers: headers(caller, {'content-type': 'application/json'}),
      body,
    })
    return {status: res.status, body: await res.json()}
  }

  for (const caller of CALLERS) {
    it(`${caller}: mutate, actions, uploads, keyvalue`, async () => {
      const may = CONTENT_WRITERS.includes(caller)
      const expected = caller === 'anonymous' ? 401 : may ? 200 : 403
      const before = await count('matrix')
      const mutate = await send(
        caller,
        'POST',
        '/v2025-02-19/data/mutate/matrix',
        JSON.stringify({mutations: [{create: {_id: `m-${caller}`, _type: 'w'}}]}),
      )
      expect(mutate.status).toBe(expected)
      if (caller === 'viewer') expect(mutate.body.error.type).toBe('mutationError')
      if (caller === 'anonymous') expect(mutate.body).toMatchObject({statusCode: 401})
      const action = await send(
        caller,
        'POST',
        '/v2025-02-19/data/actions/matrix',
        JSON.stringify({
          actions: [
            {
              actionType: 'sanity.action.document.create',
              publishedId: `a-${caller}`,
              attributes: {_id: `drafts.a-${caller}`, _type: 'w'},
              ifExists: 'fail',
            },
          ],
        }),
      )
      expect(action.status).toBe(expected)
      const upload = await send(
        caller,
        'POST',
        '/v2025-02-19/assets/images/matrix',
        new Uint8Array(png(2 + CALLERS.indexOf(caller), 2)),
      )
      expect(upload.status).toBe(expected)
      expect(await count('matrix')).toBe(before + (may ? 3 : 0))
      const keyvalue = await send(
        caller,
        'PUT',
        '/v2025-02-19/users/me/keyvalue',
        JSON.stringify([{key: 'studio.x', value: 1}]),
      )
      expect(keyvalue.status).toBe(caller === 'anonymous' ? 401 : 200)
    })

    it(`${caller}: import and dataset administration`, async () => {
      const expected = caller === 'anonymous' ? 401 : caller === 'administrator' ? 200 : 403
      const before = await count('matrix')
      const imported = await send(
        caller,
        'POST',
        '/v2025-02-19/data/import/matrix',
        JSON.stringify({_id: `i-${caller}`, _type: 'w'}),
      )
      expect(imported.status).toBe(expected)
      expect(await count('matrix')).toBe(before + (expected === 200 ? 1 : 0))
      const name = `ds-${caller}`
      const created = await send(caller, 'PUT', `/v2025-02-19/projects/test/datasets/${name}`, '{}')
      expect(created.status).toBe(expected)
      const edited = await send(
        caller,
        'PATCH',
        '/v2025-02-19/projects/test/datasets/matrix',
        JSON.stringify({aclMode: 'public'}),
      )
      expect(edited.status).toBe(expected)
      const deleted = await send(caller, 'DELETE', `/v2025-02-19/projects/test/datasets/other`)
      expect(deleted.status).toBe(caller === 'administrator' ? 200 : expected)
      if (caller !== 'administrator') {
        const names = (await lake.client().datasets.list()).map((d) => d.name)
        expect(names).toContain('other')
        expect(names).not.toContain(name)
      } else {
        // Restore the dataset the reads above use.
        await lake.client().datasets.create('other', {aclMode: 'public'})
      }
    })
  }
})
