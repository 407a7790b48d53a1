/**
 * A large /data/import is written in the import writer's thread (lake/write/importWriter.ts)
 * while the storage's write gate holds other writes (lake/store/writeGate.ts): the lake keeps
 * answering reads during it, a mutation sent meanwhile is applied after the import, and nothing
 * is lost.
 */
import {describe, expect, it, vi} from 'vitest'
import {rawRequest} from '../../../testkit/lake.ts'
import {lakeForThisFile} from '../../helpers/lakeSuite.ts'

const lake = lakeForThisFile()

const COUNT = 20_000
const ndjson = Array.from({length: COUNT}, (_, index) =>
  JSON.stringify({
    _id: `imp-${index}`,
    _type: 'imported',
    title: `Dokument ${index}`,
    body: 'Ett stycke text om Södertälje. '.repeat(20),
  }),
).join('\n')

/** Creates the dataset with one document, so it can be queried before the large import ends. */
async function seedDataset(dataset: string): Promise<void> {
  const res = await rawRequest(lake, `/v1/data/import/${dataset}`, {
    method: 'POST',
    body: '{"_id": "seed", "_type": "seed"}',
  })
  expect(res.status).toBe(200)
}

describe('an import in progress', () => {
  it('lets reads through, and queues writes until it committed', async () => {
    const gate = lake.server.storage.writeGate
    await seedDataset('big')
    const finished: string[] = []
    const imported = rawRequest(lake, '/v1/data/import/big', {method: 'POST', body: ndjson}).then(
      (res) => (finished.push('import'), res),
    )
    await vi.waitFor(() => expect(gate.busy).toBe(true), {timeout: 30_000, interval: 1})

    const ping = await rawRequest(lake, '/v1/ping', {}, null)
    const counted = await lake.client({dataset: 'big'}).fetch('count(*[_type == "imported"])')
    // Both answered while the import was still being written.
    expect(gate.busy).toBe(true)
    expect(ping.status).toBe(200)
    expect(counted).toBe(0)

    // A patch of an imported document can only succeed once the import committed.
    const mutated = lake
      .client({dataset: 'big'})
      .transaction()
      .patch('imp-7', (patch) => patch.set({title: 'Ändrad under importen'}))
      .create({_id: 'during', _type: 'note'})
      .commit()
      .then((result) => (finished.push('mutation'), result))

    const [importResponse, mutation] = await Promise.all([imported, mutated])
    expect(importResponse.status).toBe(200)
    expect(importResponse.body).toMatchObject({count: COUNT})
    expect(finished).toEqual(['import', 'mutation'])
    expect(mutation.results).toHaveLength(2)
    expect(gate.busy).toBe(false)

    const client = lake.client({dataset: 'big'})
    expect(await client.fetch('count(*[_type == "imported"])')).toBe(COUNT)
    expect(await client.fetch('*[_id == "imp-7"][0].title')).toBe('Ändrad under importen')
    expect(await client.fetch('defined(*[_id == "during"][0])')).toBe(true)
    const history = await rawRequest(
      lake,
      '/v1/data/history/big/transactions/imp-7?excludeContent=true',
    )
    expect(history.text.trim().split('\n')).toHaveLength(2)
  }, 120_000)

  it('writes nothing when a line is bad, and frees the gate', async () => {
    await seedDataset('broken')
    const bad = `${ndjson.split('\n').slice(0, 3000).join('\n')}\n{"_id": "x"`
    const res = await rawRequest(lake, '/v1/data/import/broken', {method: 'POST', body: bad})
    expect(res.status).toBe(400)
    expect(res.text).toContain('3001')
    expect(lake.server.storage.writeGate.busy).toBe(false)
    expect(await lake.client({dataset: 'broken'}).fetch('count(*)')).toBe(1)
    const after = await rawRequest(lake, '/v1/data/import/broken', {
      method: 'POST',
      body: '{"_id": "ok", "_type": "t"}',
    })
    expect(after.body).toMatchObject({count: 1})
    expect(await lake.client({dataset: 'broken'}).fetch('count(*)')).toBe(2)
  }, 60_000)
})
