/**
 * The release scheduler with a test clock, on a real lake over HTTP: a scheduled release
 * publishes at its time and not before, a schedule missed while the lake was down publishes once
 * at start, a failing publish is reported on the release, and a second lake on the same data
 * folder is refused (also when the first was killed, its lock must not block a restart).
 */
import {spawn} from 'node:child_process'
import {once} from 'node:events'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'
import {createClient, type SanityClient} from '@sanity/client'
import {afterEach, describe, expect, it} from 'vitest'

import {generateToken} from '../../../lake/auth/auth.ts'
import {runCli} from '../../../lake/cli.ts'
import {createLakeServer, type LakeServer} from '../../../lake/http/server.ts'
import {acquireDataLock, DataFolderInUseError} from '../../../lake/store/dataLock.ts'
import {TestClock} from '../../helpers/testClock.ts'

const dirs: string[] = []
const servers: LakeServer[] = []

afterEach(async () => {
  for (const server of servers.splice(0)) await server.close()
  for (const dir of dirs.splice(0)) rmSync(dir, {recursive: true, force: true})
})

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lake-scheduler-'))
  dirs.push(dir)
  return dir
}

interface Started {
  server: LakeServer
  client: SanityClient
}

async function startLake(dataDir: string, clock: TestClock, adminToken: string): Promise<Started> {
  const server = createLakeServer({dataDir, port: 0, adminToken, clock, log: () => undefined})
  servers.push(server)
  const {url} = await server.listen()
  const client = createClient({
    projectId: 'test',
    dataset: 'test',
    apiHost: url,
    useProjectHostname: false,
    apiVersion: '2025-02-19',
    useCdn: false,
    token: adminToken,
  })
  return {server, client}
}

async function stop(server: LakeServer): Promise<void> {
  servers.splice(servers.indexOf(server), 1)
  await server.close()
}

/** A release with a new interview in it, scheduled for `publishAt`. */
async function scheduleRelease(client: SanityClient, releaseId: string, publishAt: string) {
  await client.releases.create({
    releaseId,
    metadata: {title: 'Årets Stadskärna 2027', releaseType: 'scheduled'},
  })
  await client.createVersion({
    releaseId,
    publishedId: `interview-${releaseId}`,
    document: {_id: `versions.${releaseId}.interview-${releaseId}`, _type: 'interview', title: 'V'},
  })
  await client.releases.schedule({releaseId, publishAt})
}

/** Transactions that published the release (its state became `published`). */
function publishTransactions(server: LakeServer, releaseId: string) {
  return server.storage
    .transactions('test', {ids: [`_.releases.${releaseId}`]})
    .filter((tx) =>
      tx.documents.some(
        (doc) => doc.after?.state === 'published' && doc.before?.state !== 'published',
      ),
    )
}

describe('the release scheduler', () => {
  it('publishes a scheduled release at publishAt, not before', async () => {
    // Not on a whole second: the scheduler wakes at publishAt itself, not at its next 1 s look.
    const clock = new TestClock('2027-03-01T08:00:00.250Z')
    const {server, client} = await startLake(tempDir(), clock, generateToken())
    const publishAt = '2027-03-01T12:00:00.000Z'
    await scheduleRelease(client, 'rGala', publishAt)

    clock.advanceTo('2027-03-01T11:59:59.000Z')
    expect((await client.releases.get({releaseId: 'rGala'}))?.state).toBe('scheduled')
    expect(await client.getDocument('interview-rGala')).toBeUndefined()

    clock.advanceTo(publishAt)
    const release = await client.releases.get({releaseId: 'rGala'})
    expect(release).toMatchObject({state: 'published', publishedAt: publishAt})
    expect(await client.getDocument('interview-rGala')).toMatchObject({title: 'V'})
    const [publish] = publishTransactions(server, 'rGala')
    expect(publish.timestamp).toBe(publishAt)
    // Credited to whoever scheduled it, not to an anonymous system user.
    expect(publish.author).toMatch(/^p-/)

    clock.advanceTo('2027-03-02T12:00:00.000Z')
    expect(publishTransactions(server, 'rGala')).toHaveLength(1)
  })

  it('publishes a rescheduled release (a scheduled draft moved later) at its new time only', async () => {
    const clock = new TestClock('2027-03-01T08:00:00.000Z')
    const {client} = await startLake(tempDir(), clock, generateToken())
    await scheduleRelease(client, 'rMoved', '2027-03-01T09:00:00.000Z')
    // The Studio reschedules a scheduled draft by editing its metadata and scheduling again.
    await client.releases.edit({
      releaseId: 'rMoved',
      patch: {set: {'metadata.intendedPublishAt': '2027-03-01T11:00:00.000Z'}},
    })
    await client.releases.schedule({releaseId: 'rMoved', publishAt: '2027-03-01T11:00:00.000Z'})
    clock.advanceTo('2027-03-01T10:59:59.999Z')
    expect((await client.releases.get({releaseId: 'rMoved'}))?.state).toBe('scheduled')
    clock.advanceTo('2027-03-01T11:00:00.000Z')
    expect(await client.releases.get({releaseId: 'rMoved'})).toMatchObject({
      state: 'published',
      publishedAt: '2027-03-01T11:00:00.000Z',
    })
  })

  it("publishes a scheduled draft made with the Studio's calls", async () => {
    const clock = new TestClock('2027-03-01T08:00:00.000Z')
    const {client} = await startLake(tempDir(), clock, generateToken())
    await client.create({_id: 'drafts.city-lund', _type: 'city', name: 'Lund'})
    // useScheduleDraftOperations: a release of cardinality one, a version copied from the draft at
    // its revision, then the schedule.
    await client.releases.create({
      releaseId: 'rDraft',
      metadata: {
        title: 'Schemalagt utkast',
        releaseType: 'scheduled',
        cardinality: 'one',
        intendedPublishAt: '2027-03-01T09:30:00.000Z',
      },
    })
    const draft = await client.getDocument('drafts.city-lund')
    await client.createVersion({
      releaseId: 'rDraft',
      publishedId: 'city-lund',
      baseId: 'drafts.city-lund',
      ifBaseRevisionId: draft?._rev,
    })
    await client.releases.schedule({releaseId: 'rDraft', publishAt: '2027-03-01T09:30:00.000Z'})
    clock.advanceTo('2027-03-01T09:30:00.000Z')
    expect((await client.releases.get({releaseId: 'rDraft'}))?.state).toBe('published')
    expect(await client.getDocument('city-lund')).toMatchObject({name: 'Lund'})
  })

  it('leaves an unscheduled release alone at its old time', async () => {
    const clock = new TestClock('2027-03-01T08:00:00.000Z')
    const {client} = await startLake(tempDir(), clock, generateToken())
    await scheduleRelease(client, 'rPaused', '2027-03-01T09:00:00.000Z')
    await client.releases.unschedule({releaseId: 'rPaused'})
    clock.advanceTo('2027-03-01T10:00:00.000Z')
    expect((await client.releases.get({releaseId: 'rPaused'}))?.state).toBe('active')
    expect(await client.getDocument('interview-rPaused')).toBeUndefined()
  })

  it('publishes a schedule missed while the lake was down at start, once', async () => {
    const dataDir = tempDir()
    const adminToken = generateToken()
    const before = new TestClock('2027-03-01T08:00:00.000Z')
    const first = await startLake(dataDir, before, adminToken)
    await scheduleRelease(first.client, 'rMissed', '2027-03-01T12:00:00.000Z')
    await stop(first.server)

    const after = new TestClock('2027-03-01T15:00:00.000Z')
    const second = await startLake(dataDir, after, adminToken)
    expect(await second.client.releases.get({releaseId: 'rMissed'})).toMatchObject({
      state: 'published',
      publishedAt: '2027-03-01T15:00:00.000Z',
    })
    expect(await second.client.getDocument('interview-rMissed')).toMatchObject({title: 'V'})
    await stop(second.server)

    const third = await startLake(dataDir, new TestClock('2027-03-02T15:00:00.000Z'), adminToken)
    expect(publishTransactions(third.server, 'rMissed')).toHaveLength(1)
  })

  it('reports a publish that fails on the release and changes no document', async () => {
    const clock = new TestClock('2027-03-01T08:00:00.000Z')
    const {client} = await startLake(tempDir(), clock, generateToken())
    await client.releases.create({releaseId: 'rBroken'})
    await client.createVersion({
      releaseId: 'rBroken',
      publishedId: 'broken',
      document: {
        _id: 'versions.rBroken.broken',
        _type: 'interview',
        city: {_type: 'reference', _ref: 'city-nowhere', _weak: true, _strengthenOnPublish: {}},
      },
    })
    await client.releases.schedule({releaseId: 'rBroken', publishAt: '2027-03-01T09:00:00.000Z'})
    clock.advanceTo('2027-03-01T09:00:00.000Z')
    const release = await client.releases.get({releaseId: 'rBroken'})
    expect(release?.state).toBe('active')
    expect(release?.publishAt).toBeUndefined()
    expect(release?.error?.message).toContain('city-nowhere')
    expect(await client.getDocument('broken')).toBeUndefined()
  })
})

describe('one lake per data folder', () => {
  it('refuses a second lake on a folder a running lake holds, and allows it once stopped', async () => {
    const dataDir = tempDir()
    const first = await startLake(dataDir, new TestClock('2027-01-01T00:00:00Z'), generateToken())
    expect(() => createLakeServer({dataDir, port: 0, log: () => undefined})).toThrow(
      DataFolderInUseError,
    )
    const errors: string[] = []
    const original = console.error
    console.error = (line: string) => errors.push(line)
    try {
      expect(await runCli(['--port', '0', '--data', dataDir], {})).toBe(1)
    } finally {
      console.error = original
    }
    expect(errors.join('\n')).toContain(`is in use by another running lake (pid ${process.pid})`)
    await stop(first.server)
    const again = await startLake(dataDir, new TestClock('2027-01-01T00:00:00Z'), generateToken())
    expect(again.server.storage.listDatasets()).toEqual([])
  })

  it('is not blocked by the lock of a lake that was killed', async () => {
    const dataDir = tempDir()
    const lockModule = resolve('lake/store/dataLock.ts')
    const child = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const {acquireDataLock} = await import(${JSON.stringify(lockModule)});
         acquireDataLock(${JSON.stringify(dataDir)}); console.log('locked'); setInterval(() => {}, 1000)`,
      ],
      {stdio: ['ignore', 'pipe', 'inherit']},
    )
    const [chunk] = (await once(child.stdout, 'data')) as [Buffer]
    expect(chunk.toString()).toContain('locked')
    let refusal: unknown
    try {
      acquireDataLock(dataDir)
    } catch (error) {
      refusal = error
    }
    expect(refusal).toBeInstanceOf(DataFolderInUseError)
    expect((refusal as DataFolderInUseError).holderPid).toBe(child.pid)

    child.kill('SIGKILL')
    await once(child, 'exit')
    const lock = acquireDataLock(dataDir)
    lock.release()
  })
})
