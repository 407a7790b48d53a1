/** Input that is not an interview, with the line where parsing gave up (1-based). */
export class InterviewParseError extends Error {
  override name = 'InterviewParseError'
  readonly file: string
  readonly line: number
  readonly reason: string

  constructor(file: string, line: number, reason: string) {
    super(`${file}:${line}: ${reason}`)
    this.file = file
    this.line = line
    this.reason = reason
  }
}

/** A note about the input that did not stop the import. */
export interface ParseWarning {
  line: number
  message: string
}
