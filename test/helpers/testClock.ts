/** A hand-driven clock for the release scheduler (lake/write/releaseScheduler.ts) in tests. */
import type {SchedulerClock} from '../../lake/write/releaseScheduler.ts'

/** A clock that moves only when told to, firing due timers in order. */
export class TestClock implements SchedulerClock {
  time: number
  readonly #timers = new Map<number, {at: number; callback: () => void}>()
  #nextId = 1

  constructor(start: string) {
    this.time = Date.parse(start)
  }

  now(): number {
    return this.time
  }

  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.#nextId++
    this.#timers.set(id, {at: this.time + ms, callback})
    return id
  }

  clearTimeout(handle: unknown): void {
    this.#timers.delete(handle as number)
  }

  /** Moves to `iso`, running every timer due on the way (including ones they arm). */
  advanceTo(iso: string): void {
    const target = Date.parse(iso)
    for (;;) {
      const due = [...this.#timers.entries()]
        .filter(([, timer]) => timer.at <= target)
        .sort((a, b) => a[1].at - b[1].at)[0]
      if (!due) break
      this.#timers.delete(due[0])
      this.time = Math.max(this.time, due[1].at)
      due[1].callback()
    }
    this.time = target
  }
}
