/**
 * Interrupting synchronous GROQ work after a time limit, on the thread that runs it.
 *
 * `vm.runInContext` with `timeout` stops any JavaScript running in this isolate when the limit
 * passes (V8 terminates the execution and node turns it into an error), including functions of
 * the main context such as groq-js's parser and evaluator, so a runaway `match` or a quadratic
 * parse is cut off without killing the thread. Only synchronous work is covered: promises it
 * leaves behind run later, outside the limit.
 */
import {createContext, runInContext} from 'node:vm'

export class TimeLimitExceeded extends Error {
  readonly limitMs: number
  constructor(limitMs: number) {
    super(`GROQ evaluation exceeded its time limit of ${limitMs} ms`)
    this.name = 'TimeLimitExceeded'
    this.limitMs = limitMs
  }
}

const holder: {task: (() => unknown) | null} = {task: null}
const context = createContext({holder})

/** Runs `task` synchronously; throws TimeLimitExceeded if it takes longer than `limitMs`. */
export function withTimeLimit<T>(task: () => T, limitMs: number): T {
  holder.task = task
  try {
    return runInContext('holder.task()', context, {timeout: limitMs}) as T
  } catch (error) {
    if ((error as {code?: unknown} | null)?.code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') {
      throw new TimeLimitExceeded(limitMs)
    }
    throw error
  } finally {
    holder.task = null
  }
}
