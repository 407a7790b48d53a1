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
  /** 1-based line (Word: paragraph number); 0 when the note is about the whole file. */
  line: number
  message: string
}

/** `file:line: message`; notes from the Word converter have no line (0). */
export function formatWarning(file: string, warning: ParseWarning): string {
  return warning.line > 0
    ? `${file}:${warning.line}: ${warning.message}`
    : `${file}: ${warning.message}`
}
