/**
 * `/socket/:dataset` — the Studio's presence socket (bifur, a WebSocket upgrade). The protocol is
 * in lake/realtime/presence.ts; this file only accepts the upgrade (on the HTTP and the HTTPS listener)
 * and wires frames to a {@link PresenceConnection}. A plain GET without the upgrade gets a 426.
 */
import type {IncomingMessage} from 'node:http'
import type {Duplex} from 'node:stream'
import {WebSocketServer, type WebSocket} from 'ws'
import {resolveCaller} from '../../auth/auth.ts'
import {isValidDatasetName} from '../../core/ids.ts'
import type {Lake, RequestContext} from '../context.ts'
import {upgradeRequired} from '../../core/errors.ts'
import {sendError} from '../respond.ts'
import {PresenceHub} from '../../realtime/presence.ts'

const SOCKET_PATH = /^\/v[^/]+\/socket\/([^/?]+)$/
/**
 * Close codes for a socket whose token changed: bifur's own UNAUTHORIZED (`ERROR_CODES` of
 * @sanity/bifur-client) when it was revoked; 1012 "service restart" (RFC 6455 §7.4, registered)
 * when its role changed, so the client reconnects and authorises with the new role.
 */
export const SOCKET_CLOSE_TOKEN_REVOKED = 4001
export const SOCKET_CLOSE_ROLE_CHANGED = 1012

export function handleSocketWithoutUpgrade(ctx: RequestContext): void {
  sendError(ctx.res, upgradeRequired('Upgrade Required: the presence socket is a WebSocket'))
}

export interface PresenceSockets {
  /** For the `upgrade` event of both listeners. */
  onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void
  close(): void
}

export function createPresenceSockets(lake: Lake): PresenceSockets {
  const hub = new PresenceHub()
  const server = new WebSocketServer({noServer: true})
  const sockets = new Set<WebSocket>()

  /** Unknown socket paths are logged like unknown endpoints, so drift shows up. */
  const refuse = (socket: Duplex, where: string) => {
    lake.log(`lake: 404 upgrade ${where}`)
    socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')
  }

  return {
    onUpgrade(req, socket, head) {
      const pathname = new URL(req.url ?? '/', 'http://lake.invalid').pathname
      const dataset = SOCKET_PATH.exec(pathname)?.[1]
      if (dataset === undefined) return refuse(socket, pathname)
      if (!isValidDatasetName(dataset) || !lake.storage.getDataset(dataset)) {
        return refuse(socket, pathname)
      }
      server.handleUpgrade(req, socket, head, (ws) => {
        sockets.add(ws)
        // The socket authorises in a frame; from then on, a revoked token closes it.
        let untrack: (() => void) | undefined
        const connection = hub.connect(
          dataset,
          (frame) => ws.send(frame),
          (authorization) => {
            const caller = resolveCaller(lake.storage, authorization)
            untrack?.()
            untrack = lake.openStreams.track(caller, (why) =>
              why === 'revoked'
                ? ws.close(SOCKET_CLOSE_TOKEN_REVOKED, 'Token revoked')
                : ws.close(SOCKET_CLOSE_ROLE_CHANGED, 'Token role changed'),
            )
            return caller
          },
        )
        ws.on('message', (data, isBinary) => {
          if (isBinary) return
          try {
            connection.receive(data.toString())
          } catch (error) {
            // A bug in one frame's handling must not take the lake down.
            lake.log(`lake: presence frame failed: ${String(error)}`)
          }
        })
        ws.on('close', () => {
          untrack?.()
          sockets.delete(ws)
          connection.close()
        })
        ws.on('error', () => ws.terminate())
      })
    },
    close() {
      for (const ws of sockets) ws.terminate()
      sockets.clear()
      server.close()
    },
  }
}
