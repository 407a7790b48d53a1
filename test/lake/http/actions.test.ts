/** POST /data/actions (lake/http/routes/actions.ts) over HTTP; the rules are in test/lake/write/. */
import {describe, expect, it} from 'vitest'
import {rawRequest} from '../../../testkit/lake.ts'
import {lakeForThisFile} from '../../helpers/lakeSuite.ts'

const lake = lakeForThisFile()

const raw = (path: string, init?: RequestInit, token?: string | null) =>
  rawRequest(lake, path, init, token)

describe('actions', () => {
  it('answers the feature probe and echoes the transaction id', async () => {
    const probe = await raw('/v2025-02-19/data/actions/acts')
    expect(probe.body).toEqual({enabled: true, compatibleStudioVersions: '*'})
    const client = lake.client({dataset: 'acts'})
    await client.create({_id: 'seed', _type: 'x'})
    const res = await raw('/v2025-02-19/data/actions/acts', {
      method: 'POST',
      headers: {'content-type': 'application/json'},
      body: JSON.stringify({
        transactionId: 'act-tx-1',
        actions: [
          {
            actionType: 'sanity.action.document.create',
            publishedId: 'a1',
            attributes: {_id: 'drafts.a1', _type: 'post', title: 'x'},
            ifExists: 'fail',
          },
          {actionType: 'sanity.action.document.publish', draftId: 'drafts.a1', publishedId: 'a1'},
        ],
      }),
    })
    expect(res.body).toEqual({transactionId: 'act-tx-1'})
    expect(await client.getDocument('a1')).toMatchObject({title: 'x', _rev: 'act-tx-1'})
    expect(await client.getDocument('drafts.a1')).toBeUndefined()
  })
})
