/**
 * The lake's write gate: at most one writer holds the database's write lock at a time. Ordinary
 * commits are synchronous and short, so they only check the gate; a long write that runs in
 * another thread (an import: lake/store/importWriter.ts) holds it across event-loop turns, and
 * every other write WAITS for it (awaits) instead of blocking the main thread on SQLite's busy
 * handler or failing with SQLITE_BUSY. Reads never wait (WAL).
 */
export class WriteGate {
  #holder: Promise<void> | null = null

  /** Whether a long write holds the gate now. */
  get busy(): boolean {
    return this.#holder !== null
  }

  /** Runs `write` (synchronous) as soon as no long write holds the gate, in the same turn as
   *  that check, so nothing can take the gate in between. */
  async whenFree<T>(write: () => T): Promise<T> {
    while (this.#holder) await this.#holder
    return write()
  }

  /** Holds the gate while `write` runs (after earlier holders finished). */
  async hold<T>(write: () => Promise<T>): Promise<T> {
    while (this.#holder) await this.#holder
    let release!: () => void
    this.#holder = new Promise<void>((resolve) => (release = resolve))
    try {
      return await write()
    } finally {
      this.#holder = null
      release()
    }
  }
}
