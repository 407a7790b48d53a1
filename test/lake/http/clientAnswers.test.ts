/** Answers @sanity/client and groq-store match on: unknown dataset, projects list, embeddings. */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {startTestLake, type TestLake} from '../../../testkit/lake.ts'

let lake: TestLake
beforeAll(async () => {
  lake = await startTestLake()
  await lake.client().datasets.create('test')
})
afterAll(async () => {
  await lake.stop()
})

describe('answers clients match on', () => {
  it('names an unknown dataset and the project in a 404', async () => {
    const res = await fetch(`${lake.url}/v2025-02-19/data/query/x?query=*`, {
      headers: {'x-sanity-project-id': 'y'},
    })
    expect(res.status).toBe(404)
    expect(await res.json()).toEqual({
      error: 'Dataset not found',
      message: 'Dataset "x" not found for project ID "y"',
    })
    const error = await lake
      .client({dataset: 'nosuch'})
      .fetch('*')
      .catch((e: {statusCode: number; message: string}) => e)
    expect(error).toMatchObject({statusCode: 404})
    expect((error as Error).message).toContain('Dataset "nosuch" not found for project ID')
  })

  it('lists the project (client.projects.list())', async () => {
    const projects = await lake.client().projects.list()
    expect(projects).toEqual([expect.objectContaining({id: 'test', isBlocked: false})])
  })

  it('answers embeddings settings as disabled', async () => {
    const settings = await lake.client().datasets.getEmbeddingsSettings('test')
    expect(settings).toEqual({enabled: false, status: 'disabled'})
    const unknown = await fetch(
      `${lake.url}/v2025-02-19/projects/local/datasets/nosuch/settings/embeddings`,
    )
    expect(unknown.status).toBe(404)
  })
})
