/**
 * The Presentation tool ("Förhandsvisning"): the reference site in a frame beside the document,
 * in draft mode, with click-to-edit overlays. The same for the local lake and a hosted project:
 * the site's address comes from SANITY_STUDIO_PREVIEW_URL (baked in at build time like every
 * SANITY_STUDIO_* variable), by default the site `npm start` serves.
 */
import {definePlugin} from 'sanity'
import {presentationTool} from 'sanity/presentation'

import {DRAFT_MODE_PATHS} from '../../web/routes.ts'
import {presentationSwedish} from './locale.ts'
import {locationResolvers, mainDocuments} from './resolve.ts'

export const DEFAULT_PREVIEW_URL = 'http://localhost:3000'

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

/** The Presentation tool for the site at `previewUrl`, with its Swedish strings. */
export const sitePresentation = definePlugin<string | undefined>((previewUrl) => {
  const origin = resolvePreviewOrigin(previewUrl)
  return {
    name: 'stadskarna-presentation',
    plugins: [
      presentationTool({
        title: 'Förhandsvisning',
        previewUrl: {origin, initial: origin, previewMode: DRAFT_MODE_PATHS},
        allowOrigins: [origin],
        resolve: {locations: locationResolvers, mainDocuments},
      }),
    ],
    i18n: {bundles: [presentationSwedish]},
  }
})
