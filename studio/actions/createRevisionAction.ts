import {RefreshIcon} from '@sanity/icons/Refresh'
import {useToast} from '@sanity/ui/toast'
import {useCallback, useState} from 'react'
import {type DocumentActionComponent, useClient} from 'sanity'
import {useRouter} from 'sanity/router'

import {revisionDraftOf, type CertificationToRenew} from '../../domain/qmRevision.ts'

/** API version for the action's write (the Studio requires one). */
const ACTION_API_VERSION = '2025-02-19'

export const CREATE_REVISION_LABELS = {
  label: 'Skapa revidering',
  busy: 'Skapar revidering …',
  notPublished: 'Publicera certifieringen först; revideringen hänvisar till den publicerade.',
  noOrganization: 'Välj organisation och certifieringsdatum först.',
  failed: 'Revideringen kunde inte skapas',
} as const

function disabledReason(published: CertificationToRenew | null): string | undefined {
  if (!published) return CREATE_REVISION_LABELS.notPublished
  if (!published.organization?._ref || !published.certifiedAt) {
    return CREATE_REVISION_LABELS.noOrganization
  }
  return undefined
}

/**
 * "Skapa revidering" on a certification: creates the draft of the revision that renews it
 * (organisation, city, a reference back, valid from the day this one ends for three years, see
 * domain/qmRevision.ts) and opens it.
 */
export const CreateRevisionAction: DocumentActionComponent = (props) => {
  const {published, onComplete} = props
  const client = useClient({apiVersion: ACTION_API_VERSION})
  const router = useRouter()
  const toast = useToast()
  const [busy, setBusy] = useState(false)
  const certification = published as CertificationToRenew | null
  const reason = disabledReason(certification)

  const onHandle = useCallback(async () => {
    if (!certification) return
    setBusy(true)
    const id = globalThis.crypto.randomUUID()
    try {
      await client.create({_id: `drafts.${id}`, ...revisionDraftOf(certification)})
      onComplete()
      router.navigateIntent('edit', {id, type: 'qmCertification'})
    } catch (error) {
      toast.push({
        status: 'error',
        title: CREATE_REVISION_LABELS.failed,
        description: error instanceof Error ? error.message : String(error),
      })
      onComplete()
    } finally {
      setBusy(false)
    }
  }, [certification, client, onComplete, router, toast])

  return {
    label: busy ? CREATE_REVISION_LABELS.busy : CREATE_REVISION_LABELS.label,
    icon: RefreshIcon,
    disabled: busy || reason !== undefined,
    title: reason,
    onHandle,
  }
}
CreateRevisionAction.displayName = 'CreateRevisionAction'
