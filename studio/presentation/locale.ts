/**
 * Swedish for the Presentation tool: `@sanity/locale-sv-se` has no `presentation` namespace, so
 * the strings an editor meets there are translated here (the rest fall back to English).
 */
import {defineLocaleResourceBundle} from 'sanity'

export const presentationSwedish = defineLocaleResourceBundle({
  locale: 'sv-SE',
  namespace: 'presentation',
  resources: {
    'document-list-pane.document-list.title': 'Dokument på sidan',
    'document-list-pane.error.text': 'Dokumentlistan kunde inte visas',
    'document-list-pane.ordering.by-appearance': 'I sidans ordning',
    'document-list-pane.ordering.last-edited': 'Senast redigerade',
    'channel.status_connected': 'Ansluten',
    'channel.status_connecting': 'Ansluter',
    'channel.status_disconnected': 'Frånkopplad',
    'channel.status_reconnecting': 'Ansluter igen',
    'document-pane.error.text': 'Dokumentet kunde inte visas',
    'error-card.continue-button.text': 'Fortsätt ändå',
    'error-card.retry-button.text': 'Försök igen',
    'error-card.title': 'Något gick fel',
    'locations-banner.locations-count_one': 'Används på en sida',
    'locations-banner.locations-count_other': 'Används på {{count}} sidor',
    'locations-banner.locations-count_zero': 'Används inte på någon sida',
    'locations-banner.resolving.text': 'Letar efter sidor…',
    'main-document.label': 'Sidans dokument',
    'main-document.missing.text': 'Inget dokument hör till <Code>{{path}}</Code>',
    'narrow-tabs.content-tab.label': 'Innehåll',
    'narrow-tabs.navigator-tab.label': 'Navigering',
    'narrow-tabs.preview-tab.label': 'Förhandsvisning',
    'preview-frame.connection.error.text': 'Kunde inte ansluta till förhandsvisningen',
    'preview-frame.continue-button.text': 'Fortsätt ändå',
    'preview-frame.overlay.toggle-button.text': 'Redigera',
    'preview-frame.overlay.toggle-button.tooltip_disable': 'Stäng av redigeringslagret',
    'preview-frame.overlay.toggle-button.tooltip_enable': 'Slå på redigeringslagret',
    'preview-frame.perspective.published.text': 'Visa sidan med publicerat innehåll',
    'preview-frame.refresh-button.aria-label': 'Uppdatera förhandsvisningen',
    'preview-frame.refresh-button.tooltip': 'Uppdatera förhandsvisningen',
    'preview-frame.status_connecting': 'Ansluter.',
    'preview-frame.status_loading': 'Laddar.',
    'preview-frame.status_refreshing': 'Uppdaterar.',
    'preview-frame.status_reloading': 'Uppdaterar.',
    'preview-frame.status_timeout': 'Kunde inte ansluta. Webbläsarens konsol har mer information.',
    'preview-frame.viewport-button.aria-label': 'Byt skärmbredd',
    'preview-frame.viewport-button.tooltip_full': 'Full bredd',
    'preview-frame.viewport-button.tooltip_narrow': 'Smal bredd',
    'preview-location-input.error_missing-origin': 'Adressen måste börja med {{origin}}',
    'share-url.menu-item.open.text': 'Öppna förhandsvisningen',
    'preview-url-secret.missing-grants':
      'Du saknar behörighet att skapa förhandsvisningslänkar, så förhandsvisningen kan inte laddas.',
    'preview-frame.share-button.aria-label': 'Dela förhandsvisningen',
  },
})
