/**
 * The perspective a draft session shows, as the Studio's Presentation tool reports it: on the
 * preview URL (`sanity-preview-perspective`, comma-separated, which `validatePreviewUrl` returns
 * as `studioPreviewPerspective`) and afterwards over comlink (`presentation/perspective`, which
 * `@sanity/visual-editing` hands to `onPerspectiveChange` as a string or an array).
 *
 * Only three shapes are accepted: `published`, `drafts`, or a release stack, i.e. one or more
 * release ids followed by `drafts` (what the Studio sends when a release is selected in its
 * perspective menu). Anything else (unknown names, `raw`, a stack without `drafts`, malformed
 * ids, too many layers) becomes `drafts`: the value comes from the browser, and a wrong one
 * should show the editor the default preview, never an error page.
 */
import type {ClientPerspective} from '@sanity/client'

/** Where the overlay script reports a perspective change (web/server.tsx). */
export const PREVIEW_PERSPECTIVE_PATH = '/api/draft-mode/perspective'

export type PreviewPerspective = 'published' | 'drafts' | readonly string[]

export const DEFAULT_PREVIEW_PERSPECTIVE: PreviewPerspective = 'drafts'

/** Release ids as Sanity generates and accepts them (e.g. `rK3fX9aLp`). */
const RELEASE_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/
const RESERVED = new Set(['drafts', 'published', 'raw', 'previewDrafts'])
/** More layers than any Studio stacks; bounds what a cookie or request can carry. */
const MAX_RELEASES = 20

export function parsePreviewPerspective(value: unknown): PreviewPerspective {
  const parts = typeof value === 'string' ? value.split(',').map((part) => part.trim()) : value
  if (!Array.isArray(parts) || !parts.every((part) => typeof part === 'string'))
    return DEFAULT_PREVIEW_PERSPECTIVE
  if (parts.length === 1 && (parts[0] === 'published' || parts[0] === 'drafts')) return parts[0]
  const releases = parts.slice(0, -1)
  const valid =
    parts.at(-1) === 'drafts' &&
    releases.length >= 1 &&
    releases.length <= MAX_RELEASES &&
    new Set(releases).size === releases.length &&
    releases.every((id) => RELEASE_ID.test(id) && !RESERVED.has(id))
  return valid ? [...releases, 'drafts'] : DEFAULT_PREVIEW_PERSPECTIVE
}

/** The comma-separated form the Studio puts on URLs; equal perspectives encode equally. */
export function encodePreviewPerspective(perspective: PreviewPerspective): string {
  return typeof perspective === 'string' ? perspective : perspective.join(',')
}

/** The perspective for `@sanity/client`. */
export function clientPerspective(perspective: PreviewPerspective): ClientPerspective {
  return typeof perspective === 'string' ? perspective : [...perspective]
}

/** The draft banner's words for what the editor sees. */
export function describePreviewPerspective(perspective: PreviewPerspective): string {
  if (perspective === 'published') return 'du ser publicerat innehåll'
  if (perspective === 'drafts') return 'du ser utkast'
  return 'du ser innehållet i en release'
}
