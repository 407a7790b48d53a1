/**
 * Draft mode only: `@sanity/visual-editing` overlays (click a text to open its field in the
 * Studio, from the stega characters the server rendered into it), the URL kept in step with the
 * Presentation tool, and refresh in place: when the Studio reports that the document changed,
 * the page is fetched again (the server renders the draft) and its `<main>` is swapped, so the
 * editor keeps the scroll position and the frame never reloads.
 */
import {enableVisualEditing, type HistoryAdapterNavigate} from '@sanity/visual-editing'

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
  const main = next.querySelector('main')
  const current = document.querySelector('main')
  if (main && current) current.replaceWith(main)
  document.title = next.title
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
})
