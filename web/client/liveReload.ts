/**
 * Readers' live reload (a few hundred bytes minified): reloads the page when the site relays a
 * Live Content API message naming one of the page's sync tags (`data-sync-tags` on this script's
 * element), or a `restart`. Served only when the site runs with `--live`.
 */
const script = document.currentScript
const pageTags = new Set((script?.dataset.syncTags ?? '').split(' ').filter(Boolean))
if (pageTags.size > 0) {
  const events = new EventSource(script?.dataset.liveUrl ?? '/api/live')
  events.addEventListener('message', (event) => {
    const {tags} = JSON.parse(event.data as string) as {tags?: string[]}
    if (tags?.some((tag) => pageTags.has(tag))) {
      events.close()
      window.location.reload()
    }
  })
  events.addEventListener('restart', () => window.location.reload())
}
