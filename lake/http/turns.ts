/**
 * Main-thread work in turns: one request's synchronous work per event-loop iteration.
 *
 * Node accepts at most ONE new connection per event-loop iteration. When a single iteration
 * runs the work of every request that became ready (dozens of commits, each a few milliseconds
 * to a few hundred when the disk is busy), a burst of new connections is accepted one per
 * iteration, so the k-th new client waits k long iterations: under load (200 clients) the first
 * requests of new connections waited 5–30 s while established ones were answered in under a
 * second. Handing out the work one piece per iteration (`await nextTurn()` before it) keeps
 * every iteration short, so connections are accepted, and sockets read, between any two pieces.
 */
const waiting: Array<() => void> = []
let scheduled = false

function pump(): void {
  scheduled = false
  // Its continuation runs in the microtasks right after this callback, still in this turn.
  waiting.shift()?.()
  // Scheduled from the check phase, the next pump runs in the next iteration, after I/O.
  if (waiting.length > 0) schedule()
}

function schedule(): void {
  if (scheduled) return
  scheduled = true
  setImmediate(pump)
}

/** Resolves in a later event-loop turn, in FIFO order with every other caller. */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => {
    waiting.push(resolve)
    schedule()
  })
}

/** Whether requests are waiting for their turn (the listener hub coalesces deliveries then). */
export function turnsWaiting(): boolean {
  return waiting.length > 0
}
