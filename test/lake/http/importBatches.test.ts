/**
 * /data/import writes its one transaction in batches of lines (lake/write/importWriter.ts,
 * lake/store/importSession.ts): a later line with an id an earlier batch already wrote replaces
 * it (its log row, text and references), documents that existed are updated against their
 * committed revision, and what the main thread's memory copy holds is what SQL holds after a
 * restart.
 */
import {describe, expect, it} from 'vitest'
import {rawRequest} from '../../../testkit/lake.ts'
import {lakeForThisFile} from '../../helpers/lakeSuite.ts'

const lake = lakeForThisFile()
const DATASET = 'batches'

const stamp = {
  _rev: 'r0',
  _createdAt: '2026-01-01T00:00:00.000Z',
  _updatedAt: '2026-01-01T00:00:00.000Z',
}
const ref = (id: string) => ({_type: 'reference', _ref: id})

/** 2,600 lines (batches of 1,000): `dup` on line 1,200 and again on line 2,450. */
function importBody(): string {
  const lines: unknown[] = [
    // Replaces a committed document: its reference moves from place-1 to place-2.
    {...stamp, _id: 'org-1', _type: 'organization', name: 'Ny förening', city: ref('place-2')},
  ]
  for (let index = 2; index <= 2600; index++) {
    if (index === 1200) {
      lines.push({
        ...stamp,
        _id: 'dup',
        _type: 'note',
        title: 'Första Borås',
        place: ref('place-1'),
      })
    } else if (index === 2450) {
      lines.push({...stamp, _id: 'dup', _type: 'note', title: 'Sista Kiruna'})
    } else lines.push({...stamp, _id: `filler-${index}`, _type: 'filler', title: `Rad ${index}`})
  }
  const json = lines.map((line) => JSON.stringify(line))
  // A line with whitespace is stored as it came; one without `_rev` is completed.
  json[2] =
    '{ "_id": "spaced",  "_type": "note", "_rev": "r1", "_createdAt": "2026-01-02T00:00:00.000Z", "_updatedAt": "2026-01-02T00:00:00.000Z", "title": "Mellanrum" }'
  json[3] = JSON.stringify({_id: 'stamped', _type: 'note', title: 'Utan revision'})
  return json.join('\n')
}

describe('an import written in batches', () => {
  it('replaces earlier lines, updates committed documents and keeps SQL and memory equal', async () => {
    const client = lake.client({dataset: DATASET})
    await client
      .transaction()
      .create({_id: 'place-1', _type: 'city', name: 'Plats ett'})
      .create({_id: 'place-2', _type: 'city', name: 'Plats två'})
      .create({_id: 'org-1', _type: 'organization', name: 'Gammal förening', city: ref('place-1')})
      .commit()

    const res = await rawRequest(lake, `/v1/data/import/${DATASET}`, {
      method: 'POST',
      body: importBody(),
    })
    expect(res.status).toBe(200)
    const {transactionId, count} = res.body as {transactionId: string; count: number}
    // 2,600 lines, one id twice.
    expect(count).toBe(2599)

    const check = async () => {
      expect(await client.fetch('count(*)')).toBe(2601)
      expect(await client.fetch('*[_id == "dup"][0].title')).toBe('Sista Kiruna')
      expect(await client.fetch('*[references("place-1")]._id')).toEqual([])
      expect(await client.fetch('*[references("place-2")]._id')).toEqual(['org-1'])
      expect(await client.fetch('*[_id == "spaced"][0]{title, _rev}')).toEqual({
        title: 'Mellanrum',
        _rev: 'r1',
      })
      expect(await client.fetch('*[_id == "stamped"][0]._rev')).toBe(transactionId)
      const storage = lake.server.storage
      expect(storage.searchText(DATASET, 'kiruna')).toEqual(['dup'])
      expect(storage.searchText(DATASET, 'borås')).toEqual([])
      expect(storage.searchText(DATASET, 'gammal')).toEqual([])
      expect(storage.searchText(DATASET, 'förening')).toEqual(['org-1'])
    }
    await check()

    // The history has the import once per document, with the committed revision as `before`.
    const history = await rawRequest(
      lake,
      `/v1/data/history/${DATASET}/transactions/org-1,dup?excludeContent=true`,
    )
    const transactions = history.text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line))
    expect(transactions.map((tx: {id: string}) => tx.id)).toEqual([
      expect.any(String),
      transactionId,
    ])
    const state = lake.server.storage.documentStateAt(DATASET, 'org-1', {})
    expect(state?.before?.name).toBe('Gammal förening')
    expect(state?.after?.name).toBe('Ny förening')
    expect(lake.server.storage.documentStateAt(DATASET, 'dup', {})?.after?.title).toBe(
      'Sista Kiruna',
    )

    // place-1 is no longer referenced: it can be deleted.
    await client.delete('place-1')
    await client.create({_id: 'place-1', _type: 'city', name: 'Plats ett'})

    // After a restart everything is read back from SQL.
    await lake.restart()
    await check()
  }, 120_000)
})
