/** Data survives a restart on the same data directory (lake/store/). */
import {describe, expect, it} from 'vitest'
import {lakeForThisFile} from '../../helpers/lakeSuite.ts'

const lake = lakeForThisFile()

describe('persistence', () => {
  it('keeps data across a restart on the same data dir', async () => {
    const client = lake.client({dataset: 'persist'})
    await client.create({_id: 'keep', _type: 'thing', v: 42})
    await lake.restart()
    expect(await lake.client({dataset: 'persist'}).fetch('*[_id == "keep"][0].v')).toBe(42)
    expect(await lake.client({dataset: 'persist'}).getDocument('keep')).toMatchObject({v: 42})
  })
})
