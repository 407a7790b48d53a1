/** Data survives a restart on the same data directory (lake/store/). */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {startTestLake, type TestLake} from '../../../testkit/lake.ts'

let lake: TestLake

beforeAll(async () => {
  lake = await startTestLake()
})
afterAll(async () => {
  await lake?.stop()
})

describe('persistence', () => {
  it('keeps data across a restart on the same data dir', async () => {
    const client = lake.client({dataset: 'persist'})
    await client.create({_id: 'keep', _type: 'thing', v: 42})
    await lake.restart()
    expect(await lake.client({dataset: 'persist'}).fetch('*[_id == "keep"][0].v')).toBe(42)
    expect(await lake.client({dataset: 'persist'}).getDocument('keep')).toMatchObject({v: 42})
  })
})
