/**
 * The route table: every endpoint of the lake, path pattern → handler. Paths are relative to the
 * `/v<apiVersion>` prefix. To add an endpoint family, add one file under lake/routes/ and its rows here.
 */
import {handleActions, handleActionsProbe} from '../routes/actions.ts'
import {
  handleCreateDataset,
  handleDeleteDataset,
  handleEditDataset,
  handleListDatasets,
  handleProject,
} from '../routes/datasets.ts'
import {handleDoc} from '../routes/doc.ts'
import {handleExport} from '../routes/export.ts'
import {handleHistoryDocuments, handleHistoryTransactions} from '../routes/history.ts'
import {handleImport} from '../routes/import.ts'
import {handleListen} from '../routes/listen.ts'
import {handleMutate} from '../routes/mutate.ts'
import {handleQuery} from '../routes/query.ts'
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
  {methods: ['GET'], pattern: '/projects/:projectId', handler: handleProject},
  {methods: ['GET'], pattern: '/projects/:projectId/datasets', handler: handleListDatasets},
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
