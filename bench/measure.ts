/** Small timing helpers shared by the benchmarks: percentiles, a sampler and a text table. */

export interface Stats {
  p50: number
  p95: number
}

export function percentile(sorted: number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[index]
}

/**
 * Times `run` `iterations` times after `warmup` untimed runs. `prepare`, when given, runs before
 * each timed run and is not timed (e.g. to clear a cache for the baseline).
 */
export async function sample(
  run: () => Promise<unknown>,
  options: {iterations: number; warmup?: number; prepare?: () => void},
): Promise<Stats> {
  for (let i = 0; i < (options.warmup ?? 20); i++) await run()
  const samples: number[] = []
  for (let i = 0; i < options.iterations; i++) {
    options.prepare?.()
    const started = performance.now()
    await run()
    samples.push(performance.now() - started)
  }
  samples.sort((a, b) => a - b)
  return {p50: percentile(samples, 50), p95: percentile(samples, 95)}
}

/** A left-aligned first column, right-aligned numbers, with a dashed rule under the header. */
export function table(headers: string[], rows: (string | number)[][]): string {
  const cells = [headers, ...rows.map((row) => row.map(String))]
  const widths = headers.map((_, column) => Math.max(...cells.map((row) => row[column].length)))
  const line = (row: string[]) =>
    row
      .map((cell, column) =>
        column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]),
      )
      .join('  ')
  return [
    line(headers),
    widths.map((width) => '-'.repeat(width)).join('  '),
    ...cells.slice(1).map(line),
  ].join('\n')
}

export const ms = (value: number) => (value < 10 ? value.toFixed(2) : value.toFixed(1))
