/**
 * The Presentation tool ("Förhandsvisning"): the reference site in a frame beside the document,
 * in draft mode, with click-to-edit overlays. The same for the local lake and a hosted project:
 * the site's address comes from SANITY_STUDIO_PREVIEW_URL (baked in at build time like every
 * SANITY_STUDIO_* variable), by default the site `npm start` serves.
 */
import {presentationTool} from 'sanity/presentation'

import {locationResolvers, mainDocuments} from './resolve.ts'

export const DEFAULT_PREVIEW_URL = 'http://localhost:3000'

/** The site's draft-mode endpoints (web/draftMode.ts); the paths Sanity's templates use. */
export const DRAFT_MODE_PATHS = {
  enable: '/api/draft-mode/enable',
  disable: '/api/draft-mode/disable',
} as const

/** The site's origin, or a clear error naming the variable. */
export function resolvePreviewOrigin(value: string | undefined): string {
  const raw = value?.trim() || DEFAULT_PREVIEW_URL
  try {
    return new URL(raw).origin
  } catch {
    throw new Error(
      `SANITY_STUDIO_PREVIEW_URL must be a URL, e.g. ${DEFAULT_PREVIEW_URL} (got "${raw}")`,
    )
  }
}

export function sitePresentation(previewUrl: string | undefined) {
  const origin = resolvePreviewOrigin(previewUrl)
  return presentationTool({
    title: 'Förhandsvisning',
    previewUrl: {origin, initial: origin, previewMode: DRAFT_MODE_PATHS},
    allowOrigins: [origin],
    resolve: {locations: locationResolvers, mainDocuments},
  })
}
