/** GET /data/history (lake/http/routes/history.ts): documents at a revision or time, the transaction log. */
import {describe, expect, it} from 'vitest'
import {rawRequest} from '../../../testkit/lake.ts'
import {lakeForThisFile} from '../../helpers/lakeSuite.ts'

const lake = lakeForThisFile()

const raw = (path: string, init?: RequestInit, token?: string | null) =>
  rawRequest(lake, path, init, token)

describe('history', () => {
  it('serves documents at a past revision and the transaction log', async () => {
    const client = lake.client({dataset: 'hist'})
    const v1 = await client.create({_id: 'h1', _type: 'thing', n: 1})
    const v2 = await client.patch('h1').set({n: 2}).commit()
    await client.delete('h1')
    const at1 = await raw(`/v1/data/history/hist/documents/h1?revision=${v1._rev}`)
    expect(at1.body).toMatchObject({documents: [{_id: 'h1', n: 1, _rev: v1._rev}]})
    const at2 = await raw(`/v1/data/history/hist/documents/h1?revision=${v2._rev}`)
    expect(at2.body).toMatchObject({documents: [{n: 2}]})
    const last = await raw('/v2025-02-19/data/history/hist/documents/h1?lastRevision=true')
    expect(last.body).toMatchObject({documents: [{n: 2}]})
    const byTime = await raw(
      `/v1/data/history/hist/documents/h1?time=${encodeURIComponent(v1._createdAt)}`,
    )
    expect((byTime.body as {documents: unknown[]}).documents.length).toBeLessThanOrEqual(1)

    const log = await raw(
      '/v1/data/history/hist/transactions/h1?excludeContent=true&effectFormat=mendoza',
    )
    expect(log.headers.get('content-type')).toBe('application/x-ndjson')
    const txs = log.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    expect(txs).toHaveLength(3)
    expect(txs[0]).toMatchObject({
      id: v1._rev,
      documentIDs: ['h1'],
      author: expect.stringMatching(/^p-/),
    })
    expect(txs[2].effects.h1).toEqual({
      apply: [0, null],
      revert: [0, expect.objectContaining({n: 2})],
    })
    const limited = await raw(
      '/v1/data/history/hist/transactions/h1?reverse=true&limit=1&excludeMutations=true',
    )
    const [newest] = limited.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    expect(newest).not.toHaveProperty('mutations')
    expect(newest.id).toBe(txs[2].id)
  })
})
