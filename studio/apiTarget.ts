/**
 * Where the Studio reads and writes content. By default the local lake (`npm run lake`, TLS port);
 * a hosted Sanity project when SANITY_STUDIO_PROJECT_ID is set without SANITY_STUDIO_API_HOST.
 * Only SANITY_STUDIO_* variables reach the Studio bundle, so this reads those.
 */

export const LOCAL_STUDIO_API_HOST = 'https://localhost:3443'

export interface StudioApiTarget {
  projectId: string
  dataset: string
  /** Undefined for the hosted API. */
  apiHost: string | undefined
  isLocal: boolean
}

type Env = Record<string, string | undefined>

export function resolveStudioApiTarget(env: Env): StudioApiTarget {
  const apiHost = env.SANITY_STUDIO_API_HOST?.trim() || undefined
  const projectId = env.SANITY_STUDIO_PROJECT_ID?.trim() || undefined
  const dataset = env.SANITY_STUDIO_DATASET?.trim() || 'production'
  const isLocal = apiHost !== undefined || projectId === undefined
  return {
    projectId: projectId ?? 'local',
    dataset,
    apiHost: apiHost?.replace(/\/+$/, '') ?? (isLocal ? LOCAL_STUDIO_API_HOST : undefined),
    isLocal,
  }
}
