/**
 * The awards Svenska Stadskärnor gives: Årets Stadskärna (yearly since 1995; a valid Quality Mark
 * is a requirement), with room for Årets Purple Flag. Stored values are stable English keys.
 */

export const AWARD_KINDS = [
  {value: 'aretsStadskarna', title: 'Årets Stadskärna', slug: 'arets-stadskarna', requiresQm: true},
  {
    value: 'aretsPurpleFlag',
    title: 'Årets Purple Flag',
    slug: 'arets-purple-flag',
    requiresQm: false,
  },
] as const

export type AwardKind = (typeof AWARD_KINDS)[number]['value']

/** The first year Årets Stadskärna was awarded. */
export const FIRST_AWARD_YEAR = 1995

export function awardKindOf(value: unknown): (typeof AWARD_KINDS)[number] | undefined {
  return AWARD_KINDS.find((kind) => kind.value === value)
}

export function awardKindBySlug(slug: string): (typeof AWARD_KINDS)[number] | undefined {
  return AWARD_KINDS.find((kind) => kind.slug === slug)
}

/** The steps of an award year, in the order they happen, with their Swedish names. */
export const AWARD_TIMELINE = [
  {name: 'interestDeadline', title: 'Intresseanmälan senast'},
  {name: 'documentsDeadline', title: 'Dokument in senast'},
  {name: 'juryVisits', title: 'Juryns besök'},
  {name: 'finalistsAnnounced', title: 'Finalisterna offentliggörs'},
  {name: 'winnerAnnounced', title: 'Vinnaren utses'},
] as const

export type AwardTimelineStep = (typeof AWARD_TIMELINE)[number]['name']

/**
 * The first step (in the order above) whose date is before an earlier step's date, as
 * `[earlier, later]`; undefined when the dates that are set are in order.
 */
export function timelineOutOfOrder(
  timeline: Partial<Record<AwardTimelineStep, string | null>> | null | undefined,
): [(typeof AWARD_TIMELINE)[number], (typeof AWARD_TIMELINE)[number]] | undefined {
  let latest: (typeof AWARD_TIMELINE)[number] | undefined
  for (const step of AWARD_TIMELINE) {
    const date = timeline?.[step.name]
    if (!date) continue
    if (latest && date < timeline![latest.name]!) return [latest, step]
    latest = step
  }
  return undefined
}
