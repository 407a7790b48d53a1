/**
 * Draft mode only: `@sanity/visual-editing` overlays (click a text to open its field in the
 * Studio, from the stega characters the server rendered into it), the URL kept in step with the
 * Presentation tool, and refresh in place: when the Studio reports that the document changed,
 * the page is fetched again (the server renders the draft) and its `<main>` is swapped, so the
 * editor keeps the scroll position and the frame never reloads. When the Studio's perspective
 * menu changes (published, drafts, a release), the new perspective goes to the site's session
 * cookie and the page refreshes the same way; passing `onPerspectiveChange` also tells
 * Presentation that the frame follows perspectives itself, so it does not reload the frame.
 */
import type {ClientPerspective} from '@sanity/client'
import {enableVisualEditing, type HistoryAdapterNavigate} from '@sanity/visual-editing'

import {PREVIEW_PERSPECTIVE_PATH} from '../previewPerspective.ts'

let latest = 0

async function refreshInPlace(): Promise<void> {
  const request = ++latest
  const response = await fetch(window.location.href, {
    credentials: 'same-origin',
    cache: 'no-store',
  })
  const html = await response.text()
  // A newer refresh started while this one was on its way: let it win.
  if (request !== latest) return
  const next = new DOMParser().parseFromString(html, 'text/html')
  for (const selector of ['main', '.draft-banner']) {
    const fresh = next.querySelector(selector)
    const current = document.querySelector(selector)
    if (fresh && current) current.replaceWith(fresh)
  }
  document.title = next.title
}

/** The perspective the server rendered this page with (the banner says it). */
const shownPerspective = () =>
  document.querySelector<HTMLElement>('.draft-banner')?.dataset.perspective ?? null

/** One change at a time, in the order the Studio sent them. */
let perspectiveChanges = Promise.resolve()

function followPerspective(perspective: ClientPerspective): void {
  perspectiveChanges = perspectiveChanges
    .then(async () => {
      const wanted = Array.isArray(perspective) ? perspective.join(',') : perspective
      if (wanted === shownPerspective()) return
      const response = await fetch(PREVIEW_PERSPECTIVE_PATH, {
        method: 'POST',
        credentials: 'same-origin',
        headers: {'Content-Type': 'application/json'},
        body: JSON.stringify({perspective}),
      })
      if (response.ok) await refreshInPlace()
    })
    .catch((error: unknown) =>
      console.error('Förhandsvisning: perspektivet kunde inte bytas', error),
    )
}

const currentUrl = () =>
  `${window.location.pathname}${window.location.search}${window.location.hash}`

enableVisualEditing({
  history: {
    subscribe(navigate: HistoryAdapterNavigate) {
      navigate({type: 'push', url: currentUrl()})
      const onPop = () => navigate({type: 'pop', url: currentUrl()})
      window.addEventListener('popstate', onPop)
      return () => window.removeEventListener('popstate', onPop)
    },
    update(update) {
      if (update.type === 'pop') window.history.back()
      else if (update.url !== currentUrl()) {
        if (update.type === 'replace') window.location.replace(update.url)
        else window.location.assign(update.url)
      }
    },
  },
  refresh: () => refreshInPlace(),
  onPerspectiveChange: followPerspective,
})
