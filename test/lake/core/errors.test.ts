/** One body shape per error family (lake/core/errors.ts), as @sanity/client parses them. */
import {describe, expect, it} from 'vitest'
import {
  actionError,
  badRequest,
  datasetNotFound,
  describeError,
  insufficientPermissions,
  missingParam,
  mutationError,
  queryParseError,
  unauthorized,
} from '../../../lake/core/errors.ts'

describe('lake errors', () => {
  it('gateway family: {statusCode, error, message}', () => {
    expect(unauthorized()).toMatchObject({
      status: 401,
      body: {statusCode: 401, error: 'Unauthorized', message: 'Session not found'},
    })
    // An unknown dataset has the hosted API's own shape, which clients match on.
    expect(datasetNotFound('x', 'y')).toMatchObject({
      status: 404,
      body: {error: 'Dataset not found', message: 'Dataset "x" not found for project ID "y"'},
    })
    expect(unauthorized().body).toEqual({
      statusCode: 401,
      error: 'Unauthorized',
      message: 'Session not found',
      errorCode: 'SIO-401-ANF',
    })
  })

  it('request and query families: {error: {type, description, …}}', () => {
    expect(badRequest('no').body).toEqual({error: {type: 'httpBadRequest', description: 'no'}})
    expect(missingParam('y', '*[a == $y]', {start: 8, end: 10}).body).toEqual({
      error: {
        type: 'queryParseError',
        description: 'param $y referenced, but not provided',
        query: '*[a == $y]',
        start: 8,
        end: 10,
      },
    })
    expect(queryParseError('bad').body).toEqual({
      error: {type: 'queryParseError', description: 'bad'},
    })
  })

  it('mutation and action families carry items with the failing index', () => {
    const item = {index: 1, error: {type: 'documentAlreadyExistsError', description: 'exists'}}
    expect(mutationError(409, [item]).body).toEqual({
      error: {type: 'mutationError', description: 'Mutation failed: exists', items: [item]},
    })
    expect(insufficientPermissions('create').status).toBe(403)
    expect(actionError(409, 'conflict', [item]).body).toEqual({
      error: {type: 'actionError', description: 'conflict', items: [item]},
    })
  })

  it('describes any error by its description', () => {
    expect(describeError(datasetNotFound('x', 'y'))).toBe(
      'Dataset "x" not found for project ID "y"',
    )
    expect(describeError(badRequest('no'))).toBe('no')
    expect(describeError('plain')).toBe('plain')
  })
})
