import {CheckmarkCircleIcon} from '@sanity/icons/CheckmarkCircle'
import {ClockIcon} from '@sanity/icons/Clock'
import {ThListIcon} from '@sanity/icons/ThList'
import {WarningOutlineIcon} from '@sanity/icons/WarningOutline'
import type {ComponentType} from 'react'
import type {StructureBuilder, StructureResolver} from 'sanity/structure'

import {QM_STATUS_GROQ_FILTERS, type QmStatus, qmStatusQueryParams} from '../domain/qmStatus.ts'

const QM_CERTIFICATION = 'qmCertification'
const AWARD = 'award'

/** GROQ API version for the lists with custom filters (the Studio requires one). */
export const STRUCTURE_API_VERSION = '2025-02-19'

/** Editors' names for the status lists, in the order they are shown. */
export const QM_STATUS_LIST_TITLES: Readonly<Record<QmStatus, string>> = {
  valid: 'Giltiga',
  expiring: 'Löper ut inom sex månader',
  expired: 'Utgångna',
}

const QM_STATUS_ICONS: Readonly<Record<QmStatus, ComponentType>> = {
  valid: CheckmarkCircleIcon,
  expiring: ClockIcon,
  expired: WarningOutlineIcon,
}

/**
 * The certifications with the given status as of `asOf`. The structure calls this from a child
 * resolver, so "today" is taken when the editor opens the list rather than when the Studio loads.
 */
export function qmCertificationStatusList(S: StructureBuilder, status: QmStatus, asOf: Date) {
  return S.documentTypeList(QM_CERTIFICATION)
    .id(`${QM_CERTIFICATION}-${status}`)
    .title(QM_STATUS_LIST_TITLES[status])
    .apiVersion(STRUCTURE_API_VERSION)
    .filter(`_type == $type && ${QM_STATUS_GROQ_FILTERS[status]}`)
    .params({type: QM_CERTIFICATION, ...qmStatusQueryParams(asOf)})
    .defaultOrdering([{field: 'validUntil', direction: 'asc'}])
}

function qmCertificationStatusItem(S: StructureBuilder, status: QmStatus) {
  return S.listItem()
    .id(`${QM_CERTIFICATION}-${status}`)
    .title(QM_STATUS_LIST_TITLES[status])
    .icon(QM_STATUS_ICONS[status])
    .schemaType(QM_CERTIFICATION)
    .child(() => qmCertificationStatusList(S, status, new Date()))
}

/** A document type with a plural Swedish title on both the menu item and the list it opens. */
function documentTypeItem(S: StructureBuilder, typeName: string, title: string) {
  return S.documentTypeListItem(typeName)
    .title(title)
    .child(S.documentTypeList(typeName).title(title))
}

export const structure: StructureResolver = (S) =>
  S.list()
    .id('content')
    .title('Innehåll')
    .items([
      documentTypeItem(S, 'interview', 'Intervjuer'),
      documentTypeItem(S, 'person', 'Personer'),
      documentTypeItem(S, 'organization', 'Organisationer'),
      documentTypeItem(S, 'city', 'Städer'),
      S.divider(),
      S.listItem()
        .id('qmCertifications')
        .title('QM-certifieringar')
        .icon(CheckmarkCircleIcon)
        .child(
          S.list()
            .id('qmCertifications')
            .title('QM-certifieringar')
            .items([
              qmCertificationStatusItem(S, 'valid'),
              qmCertificationStatusItem(S, 'expiring'),
              qmCertificationStatusItem(S, 'expired'),
              S.divider(),
              S.listItem()
                .id(`${QM_CERTIFICATION}-all`)
                .title('Alla')
                .icon(ThListIcon)
                .schemaType(QM_CERTIFICATION)
                .child(
                  S.documentTypeList(QM_CERTIFICATION)
                    .id(`${QM_CERTIFICATION}-all`)
                    .title('Alla QM-certifieringar')
                    .defaultOrdering([{field: 'validUntil', direction: 'asc'}]),
                ),
            ]),
        ),
      documentTypeItem(S, 'qmFactSheet', 'Faktablad'),
      S.divider(),
      S.documentTypeListItem(AWARD)
        .id('awards')
        .title('Utmärkelser')
        .child(
          S.documentTypeList(AWARD)
            .id('awards')
            .title('Utmärkelser')
            .defaultOrdering([{field: 'year', direction: 'desc'}]),
        ),
    ])
