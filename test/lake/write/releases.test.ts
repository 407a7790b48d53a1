/**
 * Content releases over HTTP with @sanity/client's `releases.*` against a real lake: the
 * lifecycle, the documents each step leaves, invalid transitions, version actions inside a
 * release, who may read release documents, and the Studio's release endpoints.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import type {ClientError, SanityClient} from '@sanity/client'

import {createContentClient} from '../../../delivery/client.ts'
import {mayRead} from '../../../lake/auth/access.ts'
import {startTestLake, type TestLake} from '../../../testkit/lake.ts'
import {requestFailure} from '../../helpers/lakeError.ts'

let lake: TestLake
let client: SanityClient
let raw: SanityClient

beforeAll(async () => {
  lake = await startTestLake()
  client = lake.client()
  raw = lake.client({perspective: 'raw'})
  await client.createOrReplace({_id: 'city-falun', _type: 'city', name: 'Falun'})
})

afterAll(async () => {
  await lake?.stop()
})

function itemError(error: ClientError): {type: string; description: string} {
  const body = error.response.body as {
    error: {items: Array<{error: {type: string; description: string}}>}
  }
  return body.error.items[0].error
}

describe('a release through its whole lifecycle', () => {
  it('create, edit, schedule, unschedule, archive, unarchive, publish and delete', async () => {
    const releaseId = 'rStad2027'
    const created = await client.releases.create({
      releaseId,
      metadata: {title: 'Årets Stadskärna 2027', releaseType: 'asap'},
    })
    expect(created.releaseId).toBe(releaseId)
    const release = await client.releases.get({releaseId})
    expect(release).toMatchObject({
      _id: `_.releases.${releaseId}`,
      _type: 'system.release',
      name: releaseId,
      state: 'active',
      metadata: {title: 'Årets Stadskärna 2027', releaseType: 'asap'},
    })
    expect(release?._rev).toBe(created.transactionId)

    await client.releases.edit({releaseId, patch: {set: {'metadata.title': 'Finalisterna 2027'}}})
    expect((await client.releases.get({releaseId}))?.metadata.title).toBe('Finalisterna 2027')

    const publishAt = new Date(Date.now() + 3_600_000).toISOString()
    await client.releases.schedule({releaseId, publishAt})
    expect(await client.releases.get({releaseId})).toMatchObject({state: 'scheduled', publishAt})
    await client.releases.unschedule({releaseId})
    const unscheduled = await client.releases.get({releaseId})
    expect(unscheduled?.state).toBe('active')
    expect(unscheduled?.publishAt).toBeUndefined()

    // A new interview, an edit of a published city, and an unpublish, all in the release.
    const interviewVersion = `versions.${releaseId}.interview-2027`
    await client.createVersion({
      releaseId,
      publishedId: 'interview-2027',
      document: {
        _id: interviewVersion,
        _type: 'interview',
        title: 'Vinnaren berättar',
        city: {_type: 'reference', _ref: 'city-falun', _weak: true, _strengthenOnPublish: {}},
      },
    })
    await client.createVersion({
      releaseId,
      publishedId: 'city-falun',
      baseId: 'city-falun',
    })
    await client.action({
      actionType: 'sanity.action.document.edit',
      draftId: `versions.${releaseId}.city-falun`,
      publishedId: 'city-falun',
      patch: {set: {name: 'Falun, Årets Stadskärna'}},
    })
    await client.createOrReplace({_id: 'city-gamla', _type: 'city', name: 'Gamla staden'})
    await client.createVersion({
      releaseId,
      publishedId: 'city-gamla',
      baseId: 'city-gamla',
    })
    await client.unpublishVersion({releaseId, publishedId: 'city-gamla'})

    const inRelease = await raw.releases.fetchDocuments({releaseId})
    expect(inRelease.result.map((doc) => doc._id).sort()).toEqual([
      `versions.${releaseId}.city-falun`,
      `versions.${releaseId}.city-gamla`,
      interviewVersion,
    ])

    await client.releases.archive({releaseId})
    const archived = await client.releases.get({releaseId})
    expect(archived?.state).toBe('archived')
    expect(archived?.finalDocumentStates?.map((entry) => entry.id).sort()).toHaveLength(3)
    expect(await raw.getDocument(interviewVersion)).toBeUndefined()

    await client.releases.unarchive({releaseId})
    expect((await client.releases.get({releaseId}))?.state).toBe('active')
    expect(await raw.getDocument(interviewVersion)).toMatchObject({title: 'Vinnaren berättar'})
    expect(await raw.getDocument(`versions.${releaseId}.city-gamla`)).toMatchObject({
      _system: {delete: true},
    })

    await client.releases.publish({releaseId})
    const published = await client.releases.get({releaseId})
    expect(published?.state).toBe('published')
    expect(Date.parse(published?.publishedAt ?? '')).toBeGreaterThan(Date.now() - 60_000)
    expect(published?.finalDocumentStates?.map((entry) => entry.id).sort()).toEqual([
      `versions.${releaseId}.city-falun`,
      `versions.${releaseId}.city-gamla`,
      interviewVersion,
    ])
    const interview = await client.getDocument('interview-2027')
    expect(interview).toMatchObject({title: 'Vinnaren berättar'})
    // _strengthenOnPublish made the reference strong.
    expect(interview?.city).toEqual({_type: 'reference', _ref: 'city-falun'})
    expect(await client.getDocument('city-falun')).toMatchObject({name: 'Falun, Årets Stadskärna'})
    expect(await client.getDocument('city-gamla')).toBeUndefined()
    expect((await raw.releases.fetchDocuments({releaseId})).result).toEqual([])
    // The Studio reads a published release's documents back from history.
    const history = await fetch(
      `${lake.url}/v2025-02-19/data/history/test/documents/${interviewVersion}?lastRevision=true`,
      {headers: {Authorization: `Bearer ${lake.adminToken}`}},
    )
    expect((await history.json()).documents[0]).toMatchObject({_id: interviewVersion})

    await client.releases.delete({releaseId})
    expect(await client.releases.get({releaseId})).toBeUndefined()
    expect(await client.getDocument('interview-2027')).toMatchObject({title: 'Vinnaren berättar'})
  })

  it('publishes every version in one transaction', async () => {
    const releaseId = 'rOneTx'
    await client.releases.create({releaseId})
    // one-a references one-b, which exists only in the release: both publish together, so the
    // strengthened reference holds.
    await client.createVersion({
      releaseId,
      publishedId: 'one-a',
      document: {
        _id: `versions.${releaseId}.one-a`,
        _type: 'city',
        name: 'a',
        twin: {_type: 'reference', _ref: 'one-b', _weak: true, _strengthenOnPublish: {}},
      },
    })
    await client.createVersion({
      releaseId,
      publishedId: 'one-b',
      document: {_id: `versions.${releaseId}.one-b`, _type: 'city', name: 'b'},
    })
    const {transactionId} = await client.releases.publish({releaseId})
    expect((await client.getDocument('one-a'))?.twin).toEqual({_type: 'reference', _ref: 'one-b'})
    // The reference is strong now: one-b cannot be deleted from under one-a.
    expect((await requestFailure(client.delete('one-b'))).statusCode).toBe(409)
    expect((await client.getDocument('one-a'))?._rev).toBe(transactionId)
    expect((await client.getDocument('one-b'))?._rev).toBe(transactionId)
    expect((await client.releases.get({releaseId}))?._rev).toBe(transactionId)
  })
})

describe('importing a release (sanity.action.release.import, as @sanity/import sends it)', () => {
  it('writes the release document, and fails, ignores or replaces an existing one', async () => {
    const document = {
      _id: '_.releases.rImported',
      _type: 'system.release',
      name: 'rImported',
      state: 'active',
      metadata: {title: 'Importerad', releaseType: 'asap'},
    }
    const importAction = (ifExists: 'fail' | 'ignore' | 'replace', title: string) =>
      client.action({
        actionType: 'sanity.action.release.import',
        releaseId: 'rImported',
        document: {...document, metadata: {...document.metadata, title}},
        ifExists,
      })
    await importAction('fail', 'Importerad')
    expect(await client.releases.get({releaseId: 'rImported'})).toMatchObject(document)
    expect((await requestFailure(importAction('fail', 'Igen'))).statusCode).toBe(409)
    await importAction('ignore', 'Ignorerad')
    expect((await client.releases.get({releaseId: 'rImported'}))?.metadata.title).toBe('Importerad')
    await importAction('replace', 'Ersatt')
    expect((await client.releases.get({releaseId: 'rImported'}))?.metadata.title).toBe('Ersatt')
  })
})

describe('invalid requests answer as Sanity does, and change nothing', () => {
  it('refuses transitions the state machine does not allow with 409', async () => {
    const releaseId = 'rStates'
    await client.releases.create({releaseId, metadata: {title: 'Tillstånd'}})
    const cases: Array<[Promise<unknown>, string]> = [
      [client.releases.delete({releaseId}), 'active to deleted'],
      [client.releases.unschedule({releaseId}), 'active to active'],
      [client.releases.unarchive({releaseId}), 'active to active'],
    ]
    for (const [request, transition] of cases) {
      const error = await requestFailure(request)
      expect(error.statusCode).toBe(409)
      expect(itemError(error)).toMatchObject({
        type: 'releaseStateTransitionError',
        description: `Release "${releaseId}" is not permitted to transition from state ${transition}`,
      })
    }
    await client.releases.schedule({releaseId, publishAt: '2099-01-01T00:00:00.000Z'})
    const publishScheduled = await requestFailure(client.releases.publish({releaseId}))
    expect(itemError(publishScheduled).description).toContain('from state scheduled to published')
    const archiveScheduled = await requestFailure(client.releases.archive({releaseId}))
    expect(itemError(archiveScheduled).description).toContain('from state scheduled to archived')
    expect((await client.releases.get({releaseId}))?.state).toBe('scheduled')
  })

  it('answers a missing release, a bad id and a bad publishAt clearly', async () => {
    const missing = await requestFailure(client.releases.publish({releaseId: 'rNope'}))
    expect(missing.statusCode).toBe(409)
    expect(itemError(missing)).toMatchObject({
      type: 'documentNotFoundError',
      description: 'Release "rNope" does not exist',
    })
    const badId = await requestFailure(client.releases.create({releaseId: 'r.dot'}))
    expect(badId.statusCode).toBe(400)
    await client.releases.create({releaseId: 'rBadTime'})
    const badTime = await requestFailure(
      client.releases.schedule({releaseId: 'rBadTime', publishAt: 'x'}),
    )
    expect(badTime.statusCode).toBe(400)
    expect(itemError(badTime).description).toBe('"publishAt" must be an ISO 8601 date-time')
    const taken = await requestFailure(client.releases.create({releaseId: 'rBadTime'}))
    expect(taken.statusCode).toBe(409)
  })

  it('lets edit change the metadata only', async () => {
    await client.releases.create({releaseId: 'rEdit'})
    const error = await requestFailure(
      client.releases.edit({releaseId: 'rEdit', patch: {set: {state: 'published'}}}),
    )
    expect(error.statusCode).toBe(400)
    expect(itemError(error).description).toBe('"edit" may only change "metadata", not "state"')
    expect((await client.releases.get({releaseId: 'rEdit'}))?.state).toBe('active')
  })

  it('checks reference integrity on publish and leaves the release as it was', async () => {
    const releaseId = 'rDangling'
    await client.releases.create({releaseId})
    await client.createVersion({
      releaseId,
      publishedId: 'dangling',
      document: {
        _id: `versions.${releaseId}.dangling`,
        _type: 'interview',
        city: {_type: 'reference', _ref: 'city-missing', _weak: true, _strengthenOnPublish: {}},
      },
    })
    const error = await requestFailure(client.releases.publish({releaseId}))
    expect(error.statusCode).toBe(409)
    expect(error.message).toContain('city-missing')
    expect((await client.releases.get({releaseId}))?.state).toBe('active')
    expect(await raw.getDocument(`versions.${releaseId}.dangling`)).toBeDefined()
    expect(await client.getDocument('dangling')).toBeUndefined()
  })

  it('locks the versions of a scheduled release against document actions', async () => {
    const releaseId = 'rLocked'
    await client.releases.create({releaseId})
    const versionId = `versions.${releaseId}.locked`
    await client.createVersion({
      releaseId,
      publishedId: 'locked',
      document: {_id: versionId, _type: 'city', name: 'Före'},
    })
    await client.releases.schedule({releaseId, publishAt: '2099-01-01T00:00:00.000Z'})
    const edit = await requestFailure(
      client.action({
        actionType: 'sanity.action.document.edit',
        draftId: versionId,
        publishedId: 'locked',
        patch: {set: {name: 'Efter'}},
      }),
    )
    expect(edit.statusCode).toBe(409)
    expect(itemError(edit).type).toBe('releaseLockedError')
    const discard = await requestFailure(client.discardVersion({releaseId, publishedId: 'locked'}))
    expect(discard.statusCode).toBe(409)
    expect(await raw.getDocument(versionId)).toMatchObject({name: 'Före'})
    await client.releases.unschedule({releaseId})
    await client.discardVersion({releaseId, publishedId: 'locked'})
    expect(await raw.getDocument(versionId)).toBeUndefined()
  })

  it('refuses a release beyond the open-release limit with releaseLimitExceededError', async () => {
    const limits = await fetch(`${lake.url}/vX/projects/test/new-content-release-allowed`, {
      headers: {Authorization: `Bearer ${lake.adminToken}`},
    })
    const {data} = await limits.json()
    const open = data.orgActiveReleaseCount as number
    const actions = Array.from({length: data.datasetReleaseLimit - open + 1}, (_, i) => ({
      actionType: 'sanity.action.release.create' as const,
      releaseId: `rLimit${i}`,
    }))
    const error = await requestFailure(client.action(actions))
    expect(error.statusCode).toBe(409)
    expect((error as ClientError & {details: unknown}).details).toMatchObject({
      type: 'releaseLimitExceededError',
      limit: data.datasetReleaseLimit,
    })
    expect(await client.releases.get({releaseId: 'rLimit0'})).toBeUndefined()
  })
})

describe('who may read releases', () => {
  it('puts release documents under the read rule for drafts: a token of any role', () => {
    for (const id of ['_.releases.rA', 'drafts.x', 'versions.rA.x']) {
      expect(mayRead('root', id)).toBe(false)
      expect(mayRead('none', id)).toBe(false)
      expect(mayRead('all', id)).toBe(true)
    }
  })

  it('shows release documents to token holders only: doc, query, export, history', async () => {
    await client.releases.create({releaseId: 'rRead', metadata: {title: 'Hemlig'}})
    const anonymous = lake.client({token: null})
    expect(await anonymous.getDocument('_.releases.rRead')).toBeUndefined()
    expect(await anonymous.fetch('*[_type == "system.release"]', {}, {perspective: 'raw'})).toEqual(
      [],
    )
    const viewer = lake.client({token: lake.createToken('viewer')})
    expect(await viewer.releases.get({releaseId: 'rRead'})).toMatchObject({
      metadata: {title: 'Hemlig'},
    })
    // The Studio dry-runs each release action to decide which buttons a user gets.
    const denied = await requestFailure(
      viewer.releases.archive({releaseId: 'rRead'}, {dryRun: true}),
    )
    expect(denied.statusCode).toBe(403)
    expect((denied as ClientError & {details: unknown}).details).toMatchObject({
      type: 'insufficientPermissionsError',
    })
    const events = await fetch(`${lake.url}/v2025-02-19/data/history/test/events/releases/rRead`)
    expect(events.status).toBe(401)
    const exported = await (await fetch(`${lake.url}/v2025-02-19/data/export/test`)).text()
    expect(exported).toContain('city-falun')
    expect(exported).not.toContain('_.releases.')
    const history = await fetch(
      `${lake.url}/v2025-02-19/data/history/test/documents/_.releases.rRead?lastRevision=true`,
    )
    expect((await history.json()).documents).toEqual([])
  })
})

describe("the Studio's release endpoints", () => {
  it('lists content releases and scheduled drafts among the features', async () => {
    const response = await fetch(`${lake.url}/v2025-02-19/features`)
    expect(await response.json()).toEqual(
      expect.arrayContaining(['contentReleases', 'scheduledPublishing', 'singleDocRelease']),
    )
  })

  it('counts open releases for the release-limit check, scheduled drafts unmetered', async () => {
    const get = async () => {
      const response = await fetch(`${lake.url}/vX/projects/test/new-content-release-allowed`, {
        headers: {Authorization: `Bearer ${lake.adminToken}`},
      })
      expect(response.status).toBe(200)
      return (await response.json()).data
    }
    const before = await get()
    expect(before).toMatchObject({datasetReleaseLimit: 100, orgActiveReleaseLimit: null})
    await client.releases.create({releaseId: 'rDraftOne', metadata: {cardinality: 'one'}})
    const after = await get()
    expect(after.orgActiveReleaseCount).toBe(before.orgActiveReleaseCount + 1)
    expect(after.orgMeteredActiveReleaseCount).toBe(before.orgMeteredActiveReleaseCount)
  })

  it("tells a release's history as events, newest first", async () => {
    const releaseId = 'rHistory'
    await client.releases.create({
      releaseId,
      metadata: {releaseType: 'scheduled', intendedPublishAt: '2099-01-01T00:00:00.000Z'},
    })
    await client.createVersion({
      releaseId,
      publishedId: 'hist',
      document: {_id: `versions.${releaseId}.hist`, _type: 'city', name: 'H'},
    })
    await client.createVersion({
      releaseId,
      publishedId: 'gone',
      document: {_id: `versions.${releaseId}.gone`, _type: 'city', name: 'G'},
    })
    await client.discardVersion({releaseId, publishedId: 'gone'})
    await client.releases.schedule({releaseId, publishAt: '2099-01-01T00:00:00.000Z'})
    await client.releases.unschedule({releaseId})
    await client.releases.archive({releaseId})
    await client.releases.unarchive({releaseId})
    await client.releases.publish({releaseId})
    const response = await fetch(
      `${lake.url}/v2025-02-19/data/history/test/events/releases/${releaseId}?limit=100`,
      {headers: {Authorization: `Bearer ${lake.adminToken}`}},
    )
    const body = await response.json()
    expect(body.nextCursor).toBe('')
    expect(body.events.map((event: {type: string}) => event.type)).toEqual([
      'publishRelease',
      'unarchiveRelease',
      'archiveRelease',
      'unscheduleRelease',
      'scheduleRelease',
      'discardDocumentFromRelease',
      'addDocumentToRelease',
      'addDocumentToRelease',
      'createRelease',
    ])
    expect(body.events[4]).toMatchObject({publishAt: '2099-01-01T00:00:00.000Z'})
    expect(body.events[6]).toMatchObject({
      documentId: 'gone',
      documentType: 'city',
      versionId: `versions.${releaseId}.gone`,
      releaseName: releaseId,
    })
    expect(body.events[8]).toMatchObject({
      change: {releaseType: 'scheduled', intendedPublishDate: '2099-01-01T00:00:00.000Z'},
    })
    const firstPage = await fetch(
      `${lake.url}/v2025-02-19/data/history/test/events/releases/${releaseId}?limit=2`,
      {headers: {Authorization: `Bearer ${lake.adminToken}`}},
    )
    const page = await firstPage.json()
    expect(page.events).toHaveLength(2)
    expect(page.nextCursor).toBe('2')
  })
})

describe('previewing a release with the delivery client', () => {
  it('shows the release stacked over drafts in preview, and only published content otherwise', async () => {
    const releaseId = 'rPreview'
    await client.createOrReplace({_id: 'city-preview', _type: 'city', name: 'Publicerad'})
    await client.createOrReplace({_id: 'drafts.city-other', _type: 'city', name: 'Utkast'})
    await client.releases.create({releaseId})
    await client.createVersion({
      releaseId,
      publishedId: 'city-preview',
      document: {_id: `versions.${releaseId}.city-preview`, _type: 'city', name: 'I releasen'},
    })
    const env = {SANITY_API_HOST: lake.url, SANITY_PROJECT_ID: 'test', SANITY_DATASET: 'test'}
    const query = '*[_id in ["city-preview", "city-other"]]{_id, name} | order(_id)'
    const visitor = createContentClient({env})
    expect(await visitor.fetch(query)).toEqual([{_id: 'city-preview', name: 'Publicerad'}])
    const reviewer = createContentClient({
      env: {...env, SANITY_API_TOKEN: lake.adminToken},
      preview: true,
      release: releaseId,
    })
    expect(await reviewer.fetch(query)).toEqual([
      {_id: 'city-other', name: 'Utkast'},
      {_id: 'city-preview', name: 'I releasen'},
    ])
    expect(() => createContentClient({env, release: releaseId})).toThrow(/only be shown in preview/)
  })
})
