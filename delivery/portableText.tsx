/**
 * React components for the project's rich text (`blockContent`), interview Q&A and fact sheet,
 * rendered with `@portabletext/react`: semantic HTML, Swedish typography, heading levels that fit
 * the page (see headings.ts) and safe links (see links.ts).
 */
import {
  PortableText,
  type PortableTextBlock,
  type PortableTextComponents,
  type PortableTextMarkComponentProps,
} from '@portabletext/react'
import {createContext, useContext, type ReactNode} from 'react'

import {childLevel, headingLevels, type HeadingLevel} from './headings.ts'
import {displayHost, linkAttributes, mailtoHref, telHref, type LinkOptions} from './links.ts'
import {quoteSwedish, typesetBlocks, typesetSwedish} from './typography.ts'

/**
 * Rich text as queries return it: the generated `BlockContent` type and Portable Text in general.
 * Deliberately loose (optional children, marks), since content may be incomplete.
 */
export interface BlockValue {
  _type: string
  _key?: string
  style?: string
  listItem?: string
  level?: number
  children?: ReadonlyArray<{_type: string; _key?: string; text?: string; marks?: string[]}>
  markDefs?: ReadonlyArray<{_type: string; _key: string}>
}

export type BlockContentValue = readonly BlockValue[]

/** Site-wide rendering options, provided once around the page. */
export interface ContentRenderOptions extends LinkOptions {
  /** Where a person's page is, for names in fact sheets; no link when undefined. */
  personHref?: (slug: string) => string
}

const RenderOptionsContext = createContext<ContentRenderOptions>({})

export function ContentRenderProvider(props: {options: ContentRenderOptions; children: ReactNode}) {
  return (
    <RenderOptionsContext.Provider value={props.options}>
      {props.children}
    </RenderOptionsContext.Provider>
  )
}

function Heading(props: {
  level: HeadingLevel
  id?: string
  className?: string
  children: ReactNode
}) {
  const Tag = `h${props.level}` as const
  return (
    <Tag id={props.id} className={props.className}>
      {props.children}
    </Tag>
  )
}

interface LinkMark {
  _type: 'link'
  href?: string
}

function LinkMarkComponent({value, children}: PortableTextMarkComponentProps<LinkMark>) {
  const options = useContext(RenderOptionsContext)
  const attributes = linkAttributes(value?.href, options)
  if (!attributes) return <>{children}</>
  return (
    <a href={attributes.href} rel={attributes.rel}>
      {children}
    </a>
  )
}

function hasText(block: PortableTextBlock): boolean {
  return (block.children ?? []).some(
    (child) => child._type !== 'span' || (typeof child.text === 'string' && child.text.trim()),
  )
}

/** Portable Text components for `blockContent` under a heading of `parentLevel`. */
export function blockContentComponents(
  blocks: BlockContentValue,
  parentLevel: number,
): PortableTextComponents {
  const levels = headingLevels(blocks, parentLevel)
  const heading = ({value, children}: {value: PortableTextBlock; children?: ReactNode}) =>
    hasText(value) ? (
      <Heading level={levels.get(value._key ?? '') ?? childLevel(parentLevel as HeadingLevel)}>
        {children}
      </Heading>
    ) : null
  return {
    block: {
      normal: ({value, children}) => (hasText(value) ? <p>{children}</p> : null),
      h1: heading,
      h2: heading,
      h3: heading,
      h4: heading,
      h5: heading,
      h6: heading,
      blockquote: ({value, children}) =>
        hasText(value) ? (
          <blockquote>
            <p>{children}</p>
          </blockquote>
        ) : null,
    },
    list: {
      bullet: ({children}) => <ul>{children}</ul>,
      number: ({children}) => <ol>{children}</ol>,
    },
    listItem: ({children}) => <li>{children}</li>,
    marks: {
      strong: ({children}) => <strong>{children}</strong>,
      em: ({children}) => <em>{children}</em>,
      link: LinkMarkComponent,
    },
  }
}

export interface RichTextProps {
  value: BlockContentValue | null | undefined
  /** Level of the heading the text sits under: its own headings start one below. Default 1. */
  parentLevel?: HeadingLevel
}

/** Rich text (`blockContent`): paragraphs, headings, lists, quotes and links. */
export function RichText({value, parentLevel = 1}: RichTextProps) {
  if (!value || value.length === 0) return null
  const blocks = typesetBlocks(value)
  return (
    <PortableText
      value={blocks as PortableTextBlock[]}
      components={blockContentComponents(blocks, parentLevel)}
      onMissingComponent={false}
    />
  )
}

/** One question and answer of an interview, as the `questions` query field returns it. */
export interface QaPairValue {
  _key: string
  _type: 'qaPair'
  question?: string | null
  answer?: BlockContentValue | null
}

export interface InterviewBodyProps {
  questions: readonly QaPairValue[] | null | undefined
  /** Level of the question headings; answers' own headings go below it. Default 2. */
  questionLevel?: HeadingLevel
}

/**
 * The interview body: each question and answer as a <section> labelled by the question, which is
 * a heading so readers can jump between questions. Questions keep the editor's order.
 */
export function InterviewBody({questions, questionLevel = 2}: InterviewBodyProps) {
  const pairs = (questions ?? []).filter((pair) => pair.question?.trim())
  if (pairs.length === 0) return null
  const components: PortableTextComponents = {
    types: {
      qaPair: ({value}: {value: QaPairValue}) => {
        const id = `fraga-${value._key}`
        return (
          <section className="qa" aria-labelledby={id}>
            <Heading level={questionLevel} id={id} className="qa-question">
              {typesetSwedish(value.question ?? '')}
            </Heading>
            <div className="qa-answer">
              <RichText value={value.answer} parentLevel={questionLevel} />
            </div>
          </section>
        )
      },
    },
  }
  return (
    <div className="interview-body">
      <PortableText
        value={pairs as QaPairValue[]}
        components={components}
        onMissingComponent={false}
      />
    </div>
  )
}

export interface PullQuoteProps {
  value: {text?: string | null; attribution?: string | null} | null | undefined
}

/** A quote lifted out of the text: ”…” in a <blockquote>, the speaker in a <figcaption>. */
export function PullQuote({value}: PullQuoteProps) {
  if (!value?.text?.trim()) return null
  return (
    <figure className="pull-quote">
      <blockquote>
        <p>{quoteSwedish(value.text)}</p>
      </blockquote>
      {value.attribution?.trim() ? (
        <figcaption>– {typesetSwedish(value.attribution.trim())}</figcaption>
      ) : null}
    </figure>
  )
}

export interface ContactValue {
  _id: string
  name?: string | null
  slug?: string | null
  role?: string | null
  email?: string | null
  phone?: string | null
}

/** A person to contact: name (linked to their page), role, e-mail and phone as links. */
export function ContactCard({person}: {person: ContactValue}) {
  const options = useContext(RenderOptionsContext)
  const mailto = mailtoHref(person.email)
  const tel = telHref(person.phone)
  const name = person.name ?? ''
  return (
    <>
      <strong>
        {person.slug && options.personHref ? (
          <a href={options.personHref(person.slug)}>{name}</a>
        ) : (
          name
        )}
      </strong>
      {person.role ? <>, {person.role}</> : null}
      {mailto || tel ? (
        <span className="contact-ways">
          {mailto ? (
            <>
              {' '}
              <a href={mailto}>{person.email}</a>
            </>
          ) : null}
          {tel ? (
            <>
              {' '}
              <a href={tel}>{person.phone}</a>
            </>
          ) : null}
        </span>
      ) : null}
    </>
  )
}

export interface FactSheetValue {
  _id: string
  title?: string | null
  body?: BlockContentValue | null
  website?: string | null
  contacts?: readonly (ContactValue | null)[] | null
  organization?: {name?: string | null} | null
}

export interface FactSheetProps {
  factSheet: FactSheetValue | null | undefined
  /** Level of the fact sheet's title. Default 2. */
  headingLevel?: HeadingLevel
}

/** The QM fact sheet as a complementary <aside>: title, text, contacts and where to read more. */
export function FactSheet({factSheet, headingLevel = 2}: FactSheetProps) {
  const options = useContext(RenderOptionsContext)
  if (!factSheet) return null
  const id = `faktablad-${factSheet._id.replace(/[^\w-]/g, '')}`
  const contacts = (factSheet.contacts ?? []).filter((contact): contact is ContactValue =>
    Boolean(contact?.name),
  )
  const website = linkAttributes(factSheet.website, options)
  return (
    <aside className="fact-sheet" aria-labelledby={id}>
      <Heading level={headingLevel} id={id}>
        {typesetSwedish(factSheet.title ?? 'Faktablad')}
      </Heading>
      <RichText value={factSheet.body} parentLevel={headingLevel} />
      {contacts.length > 0 ? (
        <>
          <Heading level={childLevel(headingLevel)}>
            {contacts.length === 1 ? 'Kontaktperson' : 'Kontaktpersoner'}
          </Heading>
          <ul className="contacts">
            {contacts.map((contact) => (
              <li key={contact._id}>
                <ContactCard person={contact} />
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {website ? (
        <p>
          Läs mer på{' '}
          <a href={website.href} rel={website.rel}>
            {displayHost(website.href)}
          </a>
        </p>
      ) : null}
    </aside>
  )
}
