/**
 * Open streams and the tokens they were opened with (lake/README.md#tokens-and-visibility): a
 * request's token is checked when it arrives, but a long-lived response (a listener, the live
 * events stream, a presence socket) outlives that check. Every such stream opened with a token is
 * registered here; when its token is revoked, the stream is told `revoked`, and when the token's
 * role changes, `roleChanged` (the client reconnects and is authorised afresh). Anonymous streams
 * are not registered: nothing can be revoked from them.
 *
 * How the lake learns of a change:
 * - made by this lake (logout, a token registered again with another role): the storage's token
 *   change hook, re-checked in the next turn;
 * - made by another process (`lake:token revoke` against the folder of a running lake): polled.
 *   While a registered stream is open, the tokens of open streams are read every
 *   {@link TOKEN_POLL_MS} (one primary-key lookup per distinct token), so a revocation takes
 *   effect within about a second. Polling was chosen over watching the database file: SQLite in
 *   WAL mode gives no portable change notification across processes, and the lookup costs
 *   microseconds. Without open streams nothing is polled.
 */
import type {Caller, Role} from '../core/types.ts'

/** Why a stream is ended. */
export type StreamEnd = 'revoked' | 'roleChanged'

/** How often the tokens of open streams are re-read (other processes' revocations). */
export const TOKEN_POLL_MS = 1000

/** The message a client is given when its stream ends because of its token. */
export const STREAM_END_REASONS: Record<StreamEnd, string> = {
  revoked: 'The token this stream was opened with has been revoked',
  roleChanged: "The role of this stream's token has changed; reconnect to be authorised again",
}

/** What the registry reads: the current role of each token id that still exists. */
export interface TokenStates {
  tokenRoles(tokenIds: readonly string[]): Map<string, Role>
  onTokensChanged(listener: () => void): () => void
}

interface OpenStream {
  role: Role
  end: (why: StreamEnd) => void
}

export interface OpenStreamsOptions {
  pollMs?: number
  log?: (line: string) => void
}

export class OpenStreams {
  readonly #tokens: TokenStates
  readonly #pollMs: number
  readonly #log: (line: string) => void
  /** token id → the streams opened with it. */
  readonly #byToken = new Map<string, Set<OpenStream>>()
  readonly #unsubscribe: () => void
  #timer: ReturnType<typeof setInterval> | undefined
  #recheckQueued = false

  constructor(tokens: TokenStates, options: OpenStreamsOptions = {}) {
    this.#tokens = tokens
    this.#pollMs = options.pollMs ?? TOKEN_POLL_MS
    this.#log = options.log ?? (() => undefined)
    // Not synchronously: the change is made inside a request's handler (or a SQLite transaction).
    this.#unsubscribe = tokens.onTokensChanged(() => this.#queueRecheck())
  }

  /**
   * Registers a stream opened by `caller`; `end` is called at most once, when its token is revoked
   * or re-roled. Returns the function to call when the stream closes for any other reason.
   */
  track(caller: Caller, end: (why: StreamEnd) => void): () => void {
    const {tokenId, role} = caller
    if (!tokenId || !role) return () => undefined
    const stream: OpenStream = {role, end}
    let streams = this.#byToken.get(tokenId)
    if (!streams) {
      streams = new Set()
      this.#byToken.set(tokenId, streams)
    }
    streams.add(stream)
    this.#startPolling()
    return () => this.#remove(tokenId, stream)
  }

  /** The number of registered streams. */
  get size(): number {
    let size = 0
    for (const streams of this.#byToken.values()) size += streams.size
    return size
  }

  /** Reads the tokens of every open stream now and ends the streams whose token changed. */
  recheck(): void {
    if (this.#byToken.size === 0) return
    let roles: Map<string, Role>
    try {
      roles = this.#tokens.tokenRoles([...this.#byToken.keys()])
    } catch (error) {
      // A closed or briefly unreadable database: the next poll tries again.
      this.#log(`lake: could not re-check the tokens of open streams: ${String(error)}`)
      return
    }
    for (const [tokenId, streams] of [...this.#byToken]) {
      const role = roles.get(tokenId)
      for (const stream of [...streams]) {
        if (role === stream.role) continue
        this.#remove(tokenId, stream)
        try {
          stream.end(role === undefined ? 'revoked' : 'roleChanged')
        } catch (error) {
          this.#log(`lake: ending a stream of a changed token failed: ${String(error)}`)
        }
      }
    }
  }

  /** Stops polling and listening for changes (the lake is closing). */
  close(): void {
    this.#unsubscribe()
    this.#stopPolling()
    this.#byToken.clear()
  }

  #remove(tokenId: string, stream: OpenStream): void {
    const streams = this.#byToken.get(tokenId)
    if (!streams?.delete(stream)) return
    if (streams.size === 0) this.#byToken.delete(tokenId)
    if (this.#byToken.size === 0) this.#stopPolling()
  }

  #queueRecheck(): void {
    if (this.#recheckQueued || this.#byToken.size === 0) return
    this.#recheckQueued = true
    setImmediate(() => {
      this.#recheckQueued = false
      this.recheck()
    })
  }

  #startPolling(): void {
    if (this.#timer !== undefined) return
    this.#timer = setInterval(() => this.recheck(), this.#pollMs)
    this.#timer.unref()
  }

  #stopPolling(): void {
    if (this.#timer === undefined) return
    clearInterval(this.#timer)
    this.#timer = undefined
  }
}
