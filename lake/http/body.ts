/** Request body reading with the Content Lake's 4,000,000-byte limit (§16). */
import {badRequest, bodyTooLarge} from '../core/errors.ts'
import type {LakeRequest} from './respond.ts'

export const BODY_LIMIT = 4_000_000
/** After rejecting an oversized body we keep draining (discarding) at most this much, then cut. */
const DRAIN_LIMIT = 64 * 1024 * 1024

/** Reads the whole body; rejects with 413 as soon as it exceeds `limit` (the rest is discarded). */
export function readBody(req: LakeRequest, limit = BODY_LIMIT): Promise<Buffer> {
  const declared = Number(req.headers['content-length'])
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    let failed = false
    const fail = () => {
      failed = true
      chunks.length = 0
      let drained = 0
      req.removeListener('data', onData)
      req.on('data', (chunk: Buffer) => {
        drained += chunk.length
        if (drained > DRAIN_LIMIT) req.destroy()
      })
      reject(bodyTooLarge(limit))
    }
    const onData = (chunk: Buffer) => {
      if (failed) return
      size += chunk.length
      if (size > limit) fail()
      else chunks.push(chunk)
    }
    if (Number.isFinite(declared) && declared > limit) {
      req.on('data', onData)
      fail()
      return
    }
    req.on('data', onData)
    req.on('end', () => {
      if (!failed) resolve(Buffer.concat(chunks))
    })
    req.on('error', (error: Error) => {
      if (!failed) reject(error)
    })
  })
}

/** Reads and parses a JSON body (empty body → undefined). */
export async function readJson(req: LakeRequest, limit = BODY_LIMIT): Promise<unknown> {
  const buffer = await readBody(req, limit)
  if (buffer.length === 0) return undefined
  try {
    return JSON.parse(buffer.toString('utf8'))
  } catch (error) {
    throw badRequest(`Unable to parse request body as JSON: ${(error as Error).message}`)
  }
}
