/**
 * The route table: every endpoint of the lake, path pattern → handler. Paths are relative to the
 * `/v<apiVersion>` prefix. To add an endpoint family, add one file under lake/routes/ and its rows here.
 */
import {handleActions, handleActionsProbe} from './routes/actions.ts'
import {
  handleFileUpload,
  handleImageUpload,
  handleServeFile,
  handleServeImage,
} from './routes/assets.ts'
import {
  handleAuthId,
  handleLoginForm,
  handleLoginSubmit,
  handleLogout,
  handleProviders,
} from './routes/auth.ts'
import {
  handleCreateDataset,
  handleDeleteDataset,
  handleEditDataset,
  handleListDatasets,
} from './routes/datasets.ts'
import {handleDoc} from './routes/doc.ts'
import {handleExport} from './routes/export.ts'
import {handleHistoryDocuments, handleHistoryTransactions} from './routes/history.ts'
import {handleImport} from './routes/import.ts'
import {handleListen} from './routes/listen.ts'
import {handleLiveEvents} from './routes/live.ts'
import {handleMutate} from './routes/mutate.ts'
import {handleCorsCheck, handleDataPing, handlePing} from './routes/ping.ts'
import {
  handleDatasetAcl,
  handleEmbeddingsSettings,
  handleProject,
  handleProjects,
  handleProjectDatasets,
  handleProjectGrants,
  handleUserApplications,
} from './routes/projects.ts'
import {handleQuery} from './routes/query.ts'
import {handleReleaseEvents, handleReleaseLimits} from './routes/releases.ts'
import {handleCrossDatasetReferences} from './routes/references.ts'
import {handleSocketWithoutUpgrade} from './routes/socket.ts'
import {
  handleAccessRequests,
  handleDocumentEvents,
  handleFeatures,
  handleHelp,
  handleIntakeBatch,
  handleJourney,
  handleTelemetryStatus,
} from './routes/studio.ts'
import {
  handleGetKeyValues,
  handleSetKeyValues,
  handleUsersByIds,
  handleUsersMe,
} from './routes/users.ts'
import type {RequestContext} from './context.ts'

export type Handler = (ctx: RequestContext) => void | Promise<void>

export interface Route {
  methods: readonly string[]
  /** e.g. `/data/doc/:dataset/:ids`; a `:param` matches one path segment. */
  pattern: string
  handler: Handler
}

export const routes: Route[] = [
  {methods: ['GET', 'POST'], pattern: '/data/query/:dataset', handler: handleQuery},
  {methods: ['GET'], pattern: '/data/doc/:dataset/:ids', handler: handleDoc},
  {methods: ['POST'], pattern: '/data/mutate/:dataset', handler: handleMutate},
  {methods: ['GET'], pattern: '/data/actions/:dataset', handler: handleActionsProbe},
  {methods: ['POST'], pattern: '/data/actions/:dataset', handler: handleActions},
  {methods: ['GET'], pattern: '/data/listen/:dataset', handler: handleListen},
  {methods: ['GET'], pattern: '/data/live/events/:dataset', handler: handleLiveEvents},
  {methods: ['GET'], pattern: '/data/export/:dataset', handler: handleExport},
  {methods: ['POST'], pattern: '/data/import/:dataset', handler: handleImport},
  {
    methods: ['GET'],
    pattern: '/data/history/:dataset/documents/:ids',
    handler: handleHistoryDocuments,
  },
  {
    methods: ['GET'],
    pattern: '/data/history/:dataset/transactions/:ids',
    handler: handleHistoryTransactions,
  },
  {
    methods: ['GET'],
    pattern: '/data/history/:dataset/events/documents/:id',
    handler: handleDocumentEvents,
  },
  {
    methods: ['GET'],
    pattern: '/data/history/:dataset/events/releases/:releaseId',
    handler: handleReleaseEvents,
  },
  {
    methods: ['GET'],
    pattern: '/data/references/:dataset/documents/:id/to',
    handler: handleCrossDatasetReferences,
  },
  {methods: ['GET'], pattern: '/data/ping/:dataset', handler: handleDataPing},
  // Studio: login, users, project, and the endpoints that only need to degrade.
  {methods: ['GET'], pattern: '/auth/login/local', handler: handleLoginForm},
  {methods: ['POST'], pattern: '/auth/login/local', handler: handleLoginSubmit},
  {methods: ['GET'], pattern: '/auth/id', handler: handleAuthId},
  {methods: ['POST'], pattern: '/auth/logout', handler: handleLogout},
  {methods: ['GET'], pattern: '/auth/providers', handler: handleProviders},
  {methods: ['GET'], pattern: '/users/me', handler: handleUsersMe},
  {methods: ['GET'], pattern: '/users/me/keyvalue/:keys', handler: handleGetKeyValues},
  {methods: ['PUT'], pattern: '/users/me/keyvalue', handler: handleSetKeyValues},
  {methods: ['GET'], pattern: '/users/:ids', handler: handleUsersByIds},
  {methods: ['GET'], pattern: '/projects', handler: handleProjects},
  {methods: ['GET'], pattern: '/projects/:projectId', handler: handleProject},
  {
    methods: ['GET'],
    pattern: '/projects/:projectId/datasets/:dataset/settings/embeddings',
    handler: handleEmbeddingsSettings,
  },
  {
    methods: ['GET'],
    pattern: '/datasets/:dataset/settings/embeddings',
    handler: handleEmbeddingsSettings,
  },
  {
    methods: ['GET'],
    pattern: '/projects/:projectId/datasets/:dataset/acl',
    handler: handleDatasetAcl,
  },
  {methods: ['GET'], pattern: '/projects/:projectId/grants', handler: handleProjectGrants},
  {
    methods: ['GET'],
    pattern: '/projects/:projectId/user-applications',
    handler: handleUserApplications,
  },
  {methods: ['GET'], pattern: '/features', handler: handleFeatures},
  {
    methods: ['GET'],
    pattern: '/projects/:projectId/new-content-release-allowed',
    handler: handleReleaseLimits,
  },
  {methods: ['GET'], pattern: '/intake/telemetry-status', handler: handleTelemetryStatus},
  {methods: ['POST'], pattern: '/intake/batch', handler: handleIntakeBatch},
  {methods: ['GET'], pattern: '/journey/:name', handler: handleJourney},
  {methods: ['GET'], pattern: '/help', handler: handleHelp},
  {methods: ['GET'], pattern: '/access/requests/me', handler: handleAccessRequests},
  {methods: ['GET'], pattern: '/ping', handler: handlePing},
  {methods: ['GET'], pattern: '/check/cors', handler: handleCorsCheck},
  {methods: ['GET'], pattern: '/socket/:dataset', handler: handleSocketWithoutUpgrade},
  // Assets: uploads, and the bytes on the bare host (`/images/…` has no version prefix).
  {methods: ['POST'], pattern: '/assets/images/:dataset', handler: handleImageUpload},
  {methods: ['POST'], pattern: '/assets/files/:dataset', handler: handleFileUpload},
  {
    methods: ['GET', 'HEAD'],
    pattern: '/images/:projectId/:dataset/:file',
    handler: handleServeImage,
  },
  {
    methods: ['GET', 'HEAD'],
    pattern: '/images/:projectId/:dataset/:file/:vanity',
    handler: handleServeImage,
  },
  {methods: ['GET', 'HEAD'], pattern: '/files/:projectId/:dataset/:file', handler: handleServeFile},
  {
    methods: ['GET', 'HEAD'],
    pattern: '/files/:projectId/:dataset/:file/:vanity',
    handler: handleServeFile,
  },
  {methods: ['GET'], pattern: '/projects/:projectId/datasets', handler: handleProjectDatasets},
  {methods: ['GET'], pattern: '/datasets', handler: handleListDatasets},
  {methods: ['PUT'], pattern: '/datasets/:name', handler: handleCreateDataset},
  {methods: ['PATCH'], pattern: '/datasets/:name', handler: handleEditDataset},
  {methods: ['DELETE'], pattern: '/datasets/:name', handler: handleDeleteDataset},
  {methods: ['PUT'], pattern: '/projects/:projectId/datasets/:name', handler: handleCreateDataset},
  {methods: ['PATCH'], pattern: '/projects/:projectId/datasets/:name', handler: handleEditDataset},
  {
    methods: ['DELETE'],
    pattern: '/projects/:projectId/datasets/:name',
    handler: handleDeleteDataset,
  },
]

interface CompiledRoute extends Route {
  regex: RegExp
  names: string[]
}

function compile(route: Route): CompiledRoute {
  const names: string[] = []
  const source = route.pattern.replace(/:(\w+)/g, (_, name: string) => {
    names.push(name)
    return '([^/]+)'
  })
  return {...route, regex: new RegExp(`^${source}/?$`), names}
}

export interface RouteMatch {
  handler: Handler
  params: Record<string, string>
}

export class Router {
  private readonly compiled: CompiledRoute[]

  constructor(table: Route[] = routes) {
    this.compiled = table.map(compile)
  }

  /** The handler for a path; `'method'` when the path exists with other methods; null if unknown. */
  match(method: string, path: string): RouteMatch | 'method' | null {
    let pathMatched = false
    for (const route of this.compiled) {
      const match = route.regex.exec(path)
      if (!match) continue
      pathMatched = true
      if (!route.methods.includes(method)) continue
      const params: Record<string, string> = {}
      route.names.forEach((name, i) => {
        params[name] = safeDecode(match[i + 1])
      })
      return {handler: route.handler, params}
    }
    return pathMatched ? 'method' : null
  }
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value)
  } catch {
    return value
  }
}
