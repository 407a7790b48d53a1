/** Shared by the command-line scripts (import, migrate, start): one line about any thrown value. */

/** The message of anything thrown, without a stack. */
export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message
  return String(error)
}
