/**
 * A release's own document (`_.releases.<id>`) changes only through the release actions
 * (lake/auth/access.ts, the release rule): /data/mutate gets a 403 `mutationError` naming the
 * mutation, whether it names the document or reaches it by query, and the document actions get a
 * 400; nothing is written. Version documents (`versions.<release>.<id>`) stay writable through
 * both, as the Studio needs, and /data/import (the administrator's verbatim restore) may still
 * write release documents.
 */
import type {SanityClient} from '@sanity/client'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {rawRequest, startTestLake, type TestLake} from '../../../testkit/lake.ts'
import {requestFailure} from '../../helpers/lakeError.ts'

const RELEASE = 'rGuard'
const RELEASE_ID = `_.releases.${RELEASE}`

let lake: TestLake
let editor: SanityClient
let admin: SanityClient

beforeAll(async () => {
  lake = await startTestLake()
  admin = lake.client({perspective: 'raw'})
  editor = lake.client({token: lake.createToken('editor'), perspective: 'raw'})
  await admin.createOrReplace({_id: 'city-mora', _type: 'city', name: 'Mora'})
  await editor.releases.create({
    releaseId: RELEASE,
    metadata: {title: 'Vaktad', releaseType: 'asap'},
  })
})
afterAll(async () => {
  await lake.stop()
})

interface ErrorBody {
  error: {
    type: string
    description: string
    items?: Array<{index: number; error: {type: string; description: string}}>
  }
}

const refusal = `Document "${RELEASE_ID}" is a content release: change it through the release actions (sanity.action.release.* on /data/actions)`

describe('release documents through /data/mutate', () => {
  it('refuses create, patch and delete by id, for every role, with the mutation index', async () => {
    const release = await admin.getDocument(RELEASE_ID)
    const attempts: Array<{mutations: unknown[]; index: number}> = [
      {
        mutations: [
          {create: {_id: 'city-leksand', _type: 'city'}},
          {createOrReplace: {_id: RELEASE_ID, _type: 'system.release', state: 'published'}},
        ],
        index: 1,
      },
      {mutations: [{patch: {id: RELEASE_ID, set: {state: 'archived'}}}], index: 0},
      {mutations: [{delete: {id: RELEASE_ID}}], index: 0},
      {
        mutations: [{createIfNotExists: {_id: '_.releases.rNew', _type: 'system.release'}}],
        index: 0,
      },
    ]
    for (const client of [editor, admin]) {
      for (const {mutations, index} of attempts) {
        const error = await requestFailure(client.mutate(mutations as never))
        expect(error.statusCode).toBe(403)
        const body = error.response.body as ErrorBody
        expect(body.error.type).toBe('mutationError')
        expect(body.error.items?.[0]).toMatchObject({
          index,
          error: {type: 'permissionDeniedError'},
        })
        expect(body.error.description).toContain('is a content release')
      }
    }
    // Nothing was written, not even the other mutation of the transaction.
    expect(await admin.getDocument(RELEASE_ID)).toEqual(release)
    expect(await admin.getDocument('city-leksand')).toBeUndefined()
    expect(await admin.getDocument('_.releases.rNew')).toBeUndefined()
  })

  it('refuses a delete or patch by query that reaches a release document, and a dry run', async () => {
    const byQuery = await requestFailure(
      editor.mutate([
        {patch: {id: 'city-mora', set: {name: 'Mora kommun'}}},
        {delete: {query: '*[_type == "system.release"]'}},
      ] as never),
    )
    expect(byQuery.statusCode).toBe(403)
    expect((byQuery.response.body as ErrorBody).error.items?.[0].index).toBe(1)
    const patched = await requestFailure(
      editor.patch({query: '*[_id in path("_.releases.*")]'}).set({state: 'published'}).commit(),
    )
    expect(patched.statusCode).toBe(403)
    const dryRun = await rawRequest(lake, '/v2025-02-19/data/mutate/test?dryRun=true', {
      method: 'POST',
      headers: {'content-type': 'application/json'},
      body: JSON.stringify({mutations: [{delete: {id: RELEASE_ID}}]}),
    })
    expect(dryRun.status).toBe(403)
    expect((dryRun.body as ErrorBody).error.description).toBe(`Mutation failed: ${refusal}`)
    expect(await admin.getDocument(RELEASE_ID)).toMatchObject({state: 'active'})
    expect((await admin.getDocument('city-mora'))?.name).toBe('Mora')
  })

  it('keeps version documents writable by mutations, and the release actions working', async () => {
    const versionId = `versions.${RELEASE}.city-mora`
    await editor.createOrReplace({_id: versionId, _type: 'city', name: 'Mora (utkast)'})
    await editor.patch(versionId).set({name: 'Mora i releasen'}).commit()
    expect((await admin.getDocument(versionId))?.name).toBe('Mora i releasen')
    await editor.releases.edit({releaseId: RELEASE, patch: {set: {'metadata.title': 'Ny titel'}}})
    expect((await admin.getDocument(RELEASE_ID))?.metadata).toMatchObject({title: 'Ny titel'})
    await editor.delete(versionId)
    expect(await admin.getDocument(versionId)).toBeUndefined()
  })
})

describe('release documents through document actions', () => {
  it('refuses a document action that would delete, publish or unpublish a release document', async () => {
    const actions = [
      {actionType: 'sanity.action.document.delete', publishedId: RELEASE_ID, includeDrafts: []},
      {
        actionType: 'sanity.action.document.unpublish',
        draftId: `drafts.${RELEASE_ID}`,
        publishedId: RELEASE_ID,
      },
    ]
    for (const action of actions) {
      const error = await requestFailure(editor.action(action as never))
      expect(error.statusCode).toBe(400)
      const body = error.response.body as ErrorBody
      expect(body.error.type).toBe('actionError')
      expect(body.error.items?.[0].error.description).toBe(refusal)
    }
    // A draft of the release id, published: the publish is what is refused.
    await editor.createOrReplace({
      _id: `drafts.${RELEASE_ID}`,
      _type: 'system.release',
      state: 'published',
    })
    const publish = await requestFailure(
      editor.action({
        actionType: 'sanity.action.document.publish',
        draftId: `drafts.${RELEASE_ID}`,
        publishedId: RELEASE_ID,
      } as never),
    )
    expect(publish.statusCode).toBe(400)
    expect(await admin.getDocument(RELEASE_ID)).toMatchObject({state: 'active'})
  })

  it('keeps the version actions working (create, edit, discard)', async () => {
    const versionId = `versions.${RELEASE}.city-mora`
    await editor.createVersion({
      releaseId: RELEASE,
      publishedId: 'city-mora',
      document: {_type: 'city', name: 'Mora via åtgärd'},
    })
    expect((await admin.getDocument(versionId))?.name).toBe('Mora via åtgärd')
    await editor.action({
      actionType: 'sanity.action.document.edit',
      draftId: versionId,
      publishedId: 'city-mora',
      patch: {set: {name: 'Mora redigerad'}},
    } as never)
    expect((await admin.getDocument(versionId))?.name).toBe('Mora redigerad')
    await editor.discardVersion({releaseId: RELEASE, publishedId: 'city-mora'})
    expect(await admin.getDocument(versionId)).toBeUndefined()
  })
})

describe('release documents through /data/import', () => {
  it('lets the administrator restore a release document verbatim', async () => {
    const line = JSON.stringify({
      _id: '_.releases.rRestored',
      _type: 'system.release',
      _rev: 'tx-restored',
      name: 'rRestored',
      state: 'archived',
      metadata: {title: 'Återställd', releaseType: 'undecided'},
    })
    const res = await rawRequest(lake, '/v2025-02-19/data/import/test', {
      method: 'POST',
      headers: {'content-type': 'application/x-ndjson'},
      body: `${line}\n`,
    })
    expect(res.status).toBe(200)
    expect(await admin.getDocument('_.releases.rRestored')).toMatchObject({state: 'archived'})
  })
})
