import {
  type CurrentUser,
  createWorkspaceFromConfig,
  type SanityClient,
  type Workspace,
} from 'sanity'

import studioConfig from '../../sanity.config.ts'

/** The message every Content Lake request fails with in unit tests. */
export const NO_CONTENT_LAKE_MESSAGE = 'No Content Lake in unit tests'

const testUser: CurrentUser = {
  id: 'test-editor',
  name: 'Test Redaktör',
  email: 'redaktor@exempel.se',
  role: 'administrator',
  roles: [{name: 'administrator', title: 'Administrator'}],
}

/**
 * Just enough of a client for the Studio to resolve a workspace offline. Anything that would
 * really talk to the Content Lake (e.g. the slug uniqueness check) fails with
 * NO_CONTENT_LAKE_MESSAGE, so tests cannot pass by accident on fake data.
 */
function offlineClient(): SanityClient {
  const client = {
    config: () => ({
      projectId: 'test',
      dataset: 'test',
      apiVersion: '2025-02-19',
      url: 'http://localhost:1/v2025-02-19',
    }),
    withConfig: () => client,
    fetch: () => Promise.reject(new Error(NO_CONTENT_LAKE_MESSAGE)),
  }
  return client as unknown as SanityClient
}

/**
 * The Studio's real configuration (schema, plugins, structure) resolved in Node. Pass a client of a
 * running lake (testkit/lake.ts) where the Studio would ask the Content Lake, e.g. for slug
 * uniqueness; without one, such requests fail with NO_CONTENT_LAKE_MESSAGE.
 */
export function createTestWorkspace(client?: SanityClient): Promise<Workspace> {
  return createWorkspaceFromConfig({
    ...studioConfig,
    currentUser: testUser,
    getClient: client ? (options) => client.withConfig(options) : offlineClient,
  })
}
