/**
 * The KONTAKT section: one or more people, each with name, role ("Role, Organisation"), e-mail
 * (a link or plain text) and phone, on separate lines of one paragraph or in paragraphs of their
 * own (as Word documents have them); a web link gives the fact sheet's website.
 */
import type {ParseWarning} from './errors.ts'
import {blockLines, blockText, type Inline, type SourceBlock} from './sourceBlocks.ts'

export interface ParsedPerson {
  name: string
  role?: string
  /**
   * The part of the role line after its last comma ("QM-samordnare, Svenska Stadskärnor"): an
   * organisation if one by that name is known when the documents are made (toDocuments.ts).
   */
  organization?: string
  /** The role line as written, for when the part after the comma is not an organisation. */
  roleLine?: string
  email?: string
  phone?: string
  line?: number
}

export interface ParsedContacts {
  people: ParsedPerson[]
  website?: string
  line: number
}

const EMAIL = /^(?:(?:e-?post|e-?mail|mejl|mail)\.?:?\s*)?([^\s@:<>]+@[^\s@<>]+\.[^\s@<>]+)$/i
const PHONE = /^(?:(?:tel(?:efon)?|mobil|phone|tfn)\.?:?\s*)?(\+?[\d\s\-()]{6,20})$/i
const BARE_WEB = /(https?:\/\/[^\s)]+|www\.[^\s)]+)/i
const NAME_PARTICLES = new Set(['af', 'von', 'van', 'de', 'der', 'la', 'di', 'da', 'du'])
const MAX_NAME_WORDS = 6
const MAX_LINE = 100

interface ContactLine {
  text: string
  line: number
  links: string[]
  /** The first line of its paragraph. */
  opensParagraph: boolean
}

export function parseContactSection(
  heading: SourceBlock,
  blocks: SourceBlock[],
  warnings: ParseWarning[],
): ParsedContacts {
  const headingText = blockText(heading)
  const people: ParsedPerson[] = []
  let website: string | undefined
  let current: ParsedPerson | undefined
  const ignore = (entry: ContactLine, why: string) =>
    warnings.push({
      line: entry.line,
      message: `ignored in "${headingText}": "${entry.text}" (${why})`,
    })
  const start = (name: string, line: number) => {
    current = {name, line}
    people.push(current)
    return current
  }
  const setRole = (person: ParsedPerson, roleLine: string) => {
    const comma = roleLine.lastIndexOf(',')
    person.roleLine = roleLine
    if (comma > 0) {
      person.role = roleLine.slice(0, comma).trim()
      person.organization = roleLine.slice(comma + 1).trim()
    } else person.role = roleLine
  }

  for (const block of blocks) {
    if (block.type !== 'paragraph' && block.type !== 'listItem') {
      if (blockText(block)) {
        warnings.push({line: block.line, message: `ignored in "${headingText}": not a paragraph`})
      }
      continue
    }
    for (const entry of contactLines(block)) {
      const mailto = entry.links.find((href) => href.toLowerCase().startsWith('mailto:'))
      const web = entry.links.find((href) => /^https?:\/\//i.test(href)) ?? bareWeb(entry.text)
      const email =
        EMAIL.exec(entry.text)?.[1] ??
        (mailto && !entry.text.includes(',') ? mailtoAddress(mailto) : undefined)
      const phone = PHONE.exec(entry.text)?.[1].trim()
      if (email) {
        if (!current) ignore(entry, 'an e-mail address before any name')
        else if (current.email) ignore(entry, `${current.name} already has an e-mail address`)
        else current.email = email
      } else if (phone) {
        if (!current) ignore(entry, 'a phone number before any name')
        else if (current.phone) ignore(entry, `${current.name} already has a phone number`)
        else current.phone = phone
      } else if (web && !entry.text.includes('@')) {
        if (!website) website = web
        else ignore(entry, 'a second web link')
      } else if (entry.text.length > MAX_LINE) {
        ignore(entry, 'too long for a name or a role')
      } else {
        // "Name, Role, Organisation, e-mail, phone" on one line: take the address and number out.
        const parts = entry.text
          .split(',')
          .map((part) => part.trim())
          .filter(Boolean)
        const partEmail = parts.map((part) => EMAIL.exec(part)?.[1]).find(Boolean)
        const partPhone = parts.map((part) => PHONE.exec(part)?.[1].trim()).find(Boolean)
        const [first, ...rest] = parts.filter((part) => !EMAIL.test(part) && !PHONE.test(part))
        const hasDetails = current && (current.role || current.email || current.phone)
        const startsPerson =
          !current ||
          (hasDetails && (entry.opensParagraph || current.email || current.phone)) ||
          ((partEmail || partPhone) && isNameLike(first ?? ''))
        if (startsPerson) {
          if (!first || !isNameLike(first)) {
            ignore(entry, 'expected a name (first and last name)')
            continue
          }
          const person = start(first, entry.line)
          if (rest.length > 0) setRole(person, rest.join(', '))
          if (partEmail) person.email = partEmail
          else if (mailto) person.email = mailtoAddress(mailto)
          if (partPhone) person.phone = partPhone
        } else if (current && !hasDetails) {
          setRole(current, entry.text)
        } else if (current) {
          ignore(entry, `${current.name} already has the role "${current.roleLine}"`)
        }
      }
    }
  }
  if (people.length === 0) {
    warnings.push({
      line: heading.line,
      message: `the section "${headingText}" names no contact person (expected name, role and e-mail on separate lines); no contacts are linked`,
    })
  }
  return {people, ...(website ? {website} : {}), line: heading.line}
}

function mailtoAddress(href: string): string {
  return href.slice('mailto:'.length).split('?')[0]
}

function isNameLike(text: string): boolean {
  const words = text.split(/\s+/).filter(Boolean)
  if (words.length < 2 || words.length > MAX_NAME_WORDS) return false
  if (/[\d@:/?!]/.test(text)) return false
  return words.every((word) => /^\p{Lu}/u.test(word) || NAME_PARTICLES.has(word))
}

function bareWeb(text: string): string | undefined {
  const match = BARE_WEB.exec(text)?.[1]?.replace(/[.,;]+$/, '')
  if (!match) return undefined
  return /^https?:/i.test(match) ? match : `https://${match}`
}

function contactLines(block: SourceBlock): ContactLine[] {
  return blockLines(block).map((line, index) => ({
    text: line.text,
    line: line.line,
    links: linksOf(line.inlines),
    opensParagraph: index === 0,
  }))
}

function linksOf(inlines: Inline[]): string[] {
  return [
    ...new Set(
      inlines.flatMap((inline) => (inline.kind === 'text' && inline.href ? [inline.href] : [])),
    ),
  ]
}
