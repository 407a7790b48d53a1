/** The one port rule for the lake's command line and `npm start`: an integer 0-65535 (0 = free). */
export class PortError extends Error {
  override name = 'PortError'
}

export function parsePort(value: string, flag = 'port'): number {
  const port = /^\d{1,5}$/.test(value) ? Number(value) : NaN
  if (!(port >= 0 && port <= 65535)) {
    throw new PortError(`Bad port "${value}" for --${flag}: expected an integer 0-65535`)
  }
  return port
}
