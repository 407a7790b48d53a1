import {StarIcon} from '@sanity/icons/Star'
import {defineArrayMember, defineField, defineType} from 'sanity'

import {
  AWARD_KINDS,
  AWARD_TIMELINE,
  awardKindOf,
  FIRST_AWARD_YEAR,
  timelineOutOfOrder,
} from '../../domain/awards.ts'
import {fetchForValidation, publishedId} from '../validationClient.ts'

export const AWARD_MESSAGES = {
  yearRequired: 'Ange vilket år utmärkelsen gäller.',
  yearRange: `Ange ett årtal från ${FIRST_AWARD_YEAR}, då Årets Stadskärna delades ut första gången.`,
  kindRequired: 'Välj vilken utmärkelse det är.',
  duplicate: (kind: string, year: number) => `Det finns redan en utmärkelse ${kind} ${year}.`,
  timelineOrder: (earlier: string, later: string) =>
    `”${later}” ligger före ”${earlier}”; datumen ska följa varandra i tur och ordning.`,
  winnerNotFinalist: 'Vinnaren måste vara en av finalisterna.',
  juryRepeated: 'Samma person finns redan i juryn.',
  interviewRepeated: 'Samma intervju finns redan.',
} as const

interface AwardDraft {
  _id?: string
  kind?: unknown
  finalists?: Array<{organization?: {_ref?: unknown}}>
}

function finalistIds(document: unknown): string[] {
  return ((document as AwardDraft | undefined)?.finalists ?? [])
    .map((finalist) => finalist?.organization?._ref)
    .filter((ref): ref is string => typeof ref === 'string')
}

/** One year of an award: its timeline, finalists, winner, jury and the jury's motivation. */
export const award = defineType({
  name: 'award',
  title: 'Utmärkelse',
  type: 'document',
  icon: StarIcon,
  fields: [
    defineField({
      name: 'kind',
      title: 'Utmärkelse',
      type: 'string',
      options: {
        list: AWARD_KINDS.map(({value, title}) => ({value, title})),
        layout: 'radio',
        direction: 'horizontal',
      },
      initialValue: 'aretsStadskarna',
      validation: (rule) => rule.required().error(AWARD_MESSAGES.kindRequired),
    }),
    defineField({
      name: 'year',
      title: 'År',
      type: 'number',
      initialValue: () => new Date().getFullYear(),
      validation: (rule) => [
        rule.required().error(AWARD_MESSAGES.yearRequired),
        rule.integer().min(FIRST_AWARD_YEAR).max(2100).error(AWARD_MESSAGES.yearRange),
        rule
          .custom(async (year, context) => {
            const document = context.document as AwardDraft | undefined
            const kind = awardKindOf(document?.kind)
            if (typeof year !== 'number' || !kind) return true
            const id = publishedId(document?._id) ?? ''
            const others = await fetchForValidation<number>(
              context,
              'count(*[_type == "award" && kind == $kind && year == $year && !(_id in [$id, $draft])])',
              {kind: kind.value, year, id, draft: `drafts.${id}`},
            )
            return others === 0 ? true : AWARD_MESSAGES.duplicate(kind.title, year)
          })
          .error(),
      ],
    }),
    defineField({
      name: 'timeline',
      title: 'Tidslinje',
      description:
        'Intresseanmälan före årsskiftet, dokument i februari, juryns besök, finalisterna på ' +
        'våren och vinnaren på årskonferensen i maj.',
      type: 'object',
      fields: AWARD_TIMELINE.map(({name, title}) =>
        defineField({
          name,
          title,
          type: 'date',
          options: {dateFormat: 'YYYY-MM-DD'},
          description:
            name === 'finalistsAnnounced'
              ? 'Nomineringsdatum: finalisterna ska ha giltig kvalitetsmärkning denna dag.'
              : undefined,
        }),
      ),
      validation: (rule) =>
        rule
          .custom((timeline) => {
            const problem = timelineOutOfOrder(timeline as Record<string, string>)
            return problem ? AWARD_MESSAGES.timelineOrder(problem[0].title, problem[1].title) : true
          })
          .warning(),
    }),
    defineField({
      name: 'finalists',
      title: 'Finalister',
      description: 'Normalt tre stadskärnor.',
      type: 'array',
      of: [defineArrayMember({type: 'awardFinalist'})],
    }),
    defineField({
      name: 'winner',
      title: 'Vinnare',
      description: 'En av finalisterna.',
      type: 'reference',
      to: [{type: 'organization'}],
      options: {
        filter: ({document}) => ({filter: '_id in $ids', params: {ids: finalistIds(document)}}),
      },
      validation: (rule) =>
        rule
          .custom((winner, context) => {
            const ref = (winner as {_ref?: unknown} | undefined)?._ref
            if (typeof ref !== 'string') return true
            return finalistIds(context.document).includes(ref)
              ? true
              : AWARD_MESSAGES.winnerNotFinalist
          })
          .error(),
    }),
    defineField({
      name: 'jury',
      title: 'Jury',
      type: 'array',
      of: [defineArrayMember({type: 'reference', to: [{type: 'person'}]})],
      validation: (rule) => rule.unique().error(AWARD_MESSAGES.juryRepeated),
    }),
    defineField({
      name: 'motivation',
      title: 'Juryns motivering',
      type: 'blockContent',
    }),
    defineField({
      name: 'interviews',
      title: 'Intervjuer',
      description: 'Intervjuer med vinnaren eller finalisterna.',
      type: 'array',
      of: [defineArrayMember({type: 'reference', to: [{type: 'interview'}]})],
      validation: (rule) => rule.unique().error(AWARD_MESSAGES.interviewRepeated),
    }),
  ],
  preview: {
    select: {kind: 'kind', year: 'year', winnerName: 'winner.name', finalists: 'finalists'},
    prepare({kind, year, winnerName, finalists}) {
      const title = [awardKindOf(kind)?.title ?? 'Utmärkelse', year].filter(Boolean).join(' ')
      const count = Array.isArray(finalists) ? finalists.length : 0
      return {
        title,
        subtitle: winnerName
          ? `Vinnare: ${winnerName}`
          : count > 0
            ? `${count} finalister, ingen vinnare ännu`
            : 'Inga finalister ännu',
      }
    },
  },
  orderings: [
    {title: 'År, senast först', name: 'yearDesc', by: [{field: 'year', direction: 'desc'}]},
  ],
})
