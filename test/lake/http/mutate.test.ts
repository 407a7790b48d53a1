/** POST /data/mutate (lake/http/routes/mutate.ts) over HTTP; the rules are in test/lake/write/. */
import {describe, expect, it} from 'vitest'
import {rawRequest} from '../../../testkit/lake.ts'
import {lakeForThisFile} from '../../helpers/lakeSuite.ts'

const lake = lakeForThisFile()

const raw = (path: string, init?: RequestInit, token?: string | null) =>
  rawRequest(lake, path, init, token)

describe('mutate', () => {
  it('is atomic: a failing second mutation writes nothing', async () => {
    const client = lake.client({dataset: 'atomic'})
    await client.create({_id: 'exists', _type: 'thing'})
    await expect(
      client
        .transaction()
        .create({_id: 'new-one', _type: 'thing'})
        .create({_id: 'exists', _type: 'thing'})
        .commit(),
    ).rejects.toMatchObject({statusCode: 409})
    expect(await client.getDocument('new-one')).toBeUndefined()
  })

  it('ifRevisionID mismatch is a 409', async () => {
    const client = lake.client({dataset: 'revs'})
    const doc = await client.create({_id: 'r1', _type: 'thing', n: 1})
    await client.patch('r1').ifRevisionId(doc._rev).set({n: 2}).commit()
    await expect(
      client.patch('r1').ifRevisionId(doc._rev).set({n: 3}).commit(),
    ).rejects.toMatchObject({
      statusCode: 409,
    })
    expect((await client.getDocument('r1'))?.n).toBe(2)
  })

  it('enforces reference integrity over HTTP', async () => {
    const client = lake.client({dataset: 'refs'})
    await expect(
      client.create({_id: 'src', _type: 'thing', ref: {_type: 'reference', _ref: 'target404'}}),
    ).rejects.toMatchObject({statusCode: 409})
    await client
      .transaction()
      .create({_id: 'target', _type: 'thing'})
      .create({_id: 'src', _type: 'thing', ref: {_type: 'reference', _ref: 'target'}})
      .commit()
    await expect(client.delete('target')).rejects.toMatchObject({statusCode: 409})
    expect(await client.getDocument('target')).toBeDefined()
  })

  it('keeps the delete check current through patches, deletes and imports', async () => {
    const client = lake.client({dataset: 'refs-follow'})
    await client
      .transaction()
      .create({_id: 'target', _type: 'thing'})
      .create({_id: 'a', _type: 'thing', ref: {_type: 'reference', _ref: 'target'}})
      .commit()
    // The first check builds the dataset's reference index; the commits below must update it.
    await expect(client.delete('target')).rejects.toMatchObject({statusCode: 409})
    await client.patch('a').unset(['ref']).commit()
    const imported = await raw('/v1/data/import/refs-follow', {
      method: 'POST',
      headers: {'content-type': 'application/x-ndjson'},
      body: JSON.stringify({_id: 'b', _type: 'thing', ref: {_type: 'reference', _ref: 'target'}}),
    })
    expect(imported.status).toBe(200)
    const refused = await client.delete('target').catch((error: unknown) => error)
    expect(refused).toMatchObject({
      statusCode: 409,
      response: {body: {error: {items: [{error: {referencingIDs: ['b']}}]}}},
    })
    await client.delete('b')
    await client.delete('target')
    expect(await client.getDocument('target')).toBeUndefined()
  })

  it('dryRun computes the response and writes nothing', async () => {
    const client = lake.client({dataset: 'dry'})
    await client.create({_id: 'base', _type: 'thing'})
    const res = await client.mutate([{create: {_id: 'dry-doc', _type: 'thing', t: 1}}], {
      dryRun: true,
      returnDocuments: true,
    })
    expect(res).toMatchObject([{_id: 'dry-doc', t: 1}])
    expect(await client.getDocument('dry-doc')).toBeUndefined()
  })

  it('echoes a supplied transactionId and rejects its reuse', async () => {
    const client = lake.client({dataset: 'txid'})
    const res = await client
      .transaction()
      .create({_id: 't1', _type: 'thing'})
      .commit({transactionId: 'my-tx-1', returnDocuments: false})
    expect(res.transactionId).toBe('my-tx-1')
    expect((await client.getDocument('t1'))?._rev).toBe('my-tx-1')
    await expect(
      client.transaction().create({_id: 't2', _type: 'thing'}).commit({transactionId: 'my-tx-1'}),
    ).rejects.toMatchObject({statusCode: 409})
    expect(await client.getDocument('t2')).toBeUndefined()
  })

  it('results carry ids and documents only when asked', async () => {
    const plain = await raw('/v1/data/mutate/results', {
      method: 'POST',
      headers: {'content-type': 'application/json'},
      body: JSON.stringify({mutations: [{create: {_id: 'a', _type: 'x'}}]}),
    })
    expect(plain.body).toMatchObject({results: [{operation: 'create'}]})
    expect((plain.body as {results: object[]}).results[0]).not.toHaveProperty('id')
    const full = await raw('/v1/data/mutate/results?returnIds=true&returnDocuments=true', {
      method: 'POST',
      headers: {'content-type': 'application/json'},
      body: JSON.stringify({
        mutations: [{createIfNotExists: {_id: 'a', _type: 'x'}}, {create: {_id: 'b', _type: 'x'}}],
      }),
    })
    expect(full.body).toMatchObject({
      results: [
        {id: 'a', operation: 'none'},
        {id: 'b', operation: 'create', document: {_id: 'b', _type: 'x'}},
      ],
    })
  })

  it('rejects malformed JSON and unknown mutations with 400, writing nothing', async () => {
    const bad = await raw('/v1/data/mutate/badinput', {
      method: 'POST',
      headers: {'content-type': 'application/json'},
      body: '{"mutations": [',
    })
    expect(bad.status).toBe(400)
    expect(bad.headers.get('content-type')).toBe('application/json; charset=utf-8')
    const unknown = await raw('/v1/data/mutate/badinput', {
      method: 'POST',
      headers: {'content-type': 'application/json'},
      body: JSON.stringify({mutations: [{create: {_id: 'ok', _type: 'x'}}, {explode: {id: 'x'}}]}),
    })
    expect(unknown.status).toBe(400)
    const invalidId = await raw('/v1/data/mutate/badinput', {
      method: 'POST',
      headers: {'content-type': 'application/json'},
      body: JSON.stringify({mutations: [{create: {_id: '-bad id', _type: 'x'}}]}),
    })
    expect(invalidId.status).toBe(400)
    const list = await lake.client().datasets.list()
    expect(list.map((d) => d.name)).not.toContain('badinput')
  })

  it('bodies over 4,000,000 bytes get 413 and the server keeps serving', async () => {
    const big = JSON.stringify({
      mutations: [{create: {_id: 'big', _type: 'x', s: 'x'.repeat(4_100_000)}}],
    })
    const res = await raw('/v1/data/mutate/big', {
      method: 'POST',
      headers: {'content-type': 'application/json'},
      body: big,
    })
    expect(res.status).toBe(413)
    expect(res.body).toMatchObject({message: 'Request body exceeds limit of 4000000 bytes'})
    const client = lake.client({dataset: 'big'})
    await client.create({_id: 'small', _type: 'x'})
    expect(await client.getDocument('big')).toBeUndefined()
  })
})
