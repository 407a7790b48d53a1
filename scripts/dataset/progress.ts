/**
 * Progress lines for long exports and imports: one line when a step starts, then its count at
 * most once per interval and when it completes. Plain lines (no cursor tricks), so the output
 * reads the same in a terminal, a log file and CI.
 */
export interface ProgressEvent {
  step: string
  current?: number
  total?: number | string
}

export function createProgress(
  write: (line: string) => void,
  options: {prefix?: string; intervalMs?: number; now?: () => number} = {},
): (event: ProgressEvent) => void {
  const intervalMs = options.intervalMs ?? 1000
  const now = options.now ?? Date.now
  const prefix = options.prefix ? `[${options.prefix}] ` : ''
  let step = ''
  let lastAt = 0
  let lastLine = ''
  return (event) => {
    const step_ = event.step.replace(/\.\.\.$|…$/, '')
    const counted = typeof event.current === 'number'
    const total = event.total === undefined || event.total === '?' ? undefined : event.total
    const line = `${prefix}${step_}${counted ? `: ${event.current}${total === undefined ? '' : `/${total}`}` : ''}`
    const done = counted && total !== undefined && event.current === Number(total)
    const fresh = step_ !== step
    if (line === lastLine) return
    if (!fresh && !done && now() - lastAt < intervalMs) return
    step = step_
    lastAt = now()
    lastLine = line
    write(line)
  }
}
