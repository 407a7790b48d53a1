/** Catching and reading the Sanity-shaped errors the pure lake modules throw, for their tests. */
import type {ClientError} from '@sanity/client'
import {expect} from 'vitest'

import {LakeError} from '../../lake/core/errors.ts'

/** Runs `operation`, expects it to throw a LakeError, and returns that error. */
export function catchLakeError(operation: () => unknown, expectation: string): LakeError {
  try {
    operation()
  } catch (error) {
    expect(error).toBeInstanceOf(LakeError)
    return error as LakeError
  }
  throw new Error(expectation)
}

/** The body of a mutationError or actionError. */
export interface LakeErrorBody {
  error: {
    type: string
    description: string
    items: Array<{
      index: number
      error: Record<string, unknown> & {type: string; description: string}
    }>
  }
}

export function lakeErrorBody(error: LakeError): LakeErrorBody {
  return error.body as LakeErrorBody
}

/** Awaits a request that must fail (a @sanity/client call) and returns its ClientError. */
export async function requestFailure(promise: Promise<unknown>): Promise<ClientError> {
  try {
    await promise
  } catch (error) {
    return error as ClientError
  }
  throw new Error('expected the request to fail')
}
