import MarkdownIt from 'markdown-it'
import type {Token} from 'markdown-it'

import {InterviewParseError, type ParseWarning} from './errors.ts'
import {markdownToBlocks, type PortableTextBlock} from './portableText.ts'

/**
 * The intermediate structure of one interview file: what the text says, before it is turned into
 * documents. Lines are 1-based lines of the file.
 */
export interface ParsedInterview {
  file: string
  /** From front matter `title:` or a `# Title` heading; otherwise made from the interviewee. */
  title?: string
  /** From front matter `slug:`; otherwise made from the title. */
  slug?: string
  interviewee: ParsedPerson & {line: number; organization?: string; roleLine: string}
  pullQuote?: {text: string; line: number}
  questions: ParsedQuestion[]
  factSheet?: {title: string; body: PortableTextBlock[]; line: number}
  contact?: {people: ParsedPerson[]; website?: string; line: number}
  warnings: ParseWarning[]
}

export interface ParsedPerson {
  name: string
  role?: string
  email?: string
  phone?: string
}

export interface ParsedQuestion {
  /** The number written before the question (`### 3. …`), if any. */
  number?: number
  question: string
  answer: PortableTextBlock[]
  line: number
}

const FRONT_MATTER_KEYS = ['title', 'slug'] as const
const FACT_HEADING = /^fakta\b/i
const CONTACT_HEADING = /^kontakt(?:a|er|person(?:er)?)?\b/i
const SECTION_NAME = /^(?:fakta(?: om (?:qm|quality mark))?|kontakt(?:a oss|er|person(?:er)?)?)$/i
/** Characters that open a pull quote: Swedish ” and », English “ and ", German „. */
const QUOTE_OPENERS = /^[”“"»«„]\s*/u
const QUOTE_CLOSERS = /\s*[”“"»«]$/u
const QUESTION_NUMBER = /^(\d+)\s*[.):]\s*/
const EMAIL = /^(?:(?:e-?post|e-?mail|mejl|mail)\.?:?\s*)?([^\s@:]+@[^\s@]+\.[^\s@]+)$/i
const PHONE = /^(?:(?:tel(?:efon)?|mobil|phone)\.?:?\s*)?(\+?[\d\s\-()]{6,20})$/i
/** Words that join a role to its organisation: "centrumchef i Borås City". */
const ROLE_ORGANIZATION_JOINERS = /^(.*?)\s+(?:på|i|vid|för|hos|at)\s+(\p{Lu}.*)$/u
const MAX_NAME_WORDS = 6

const markdown = new MarkdownIt('default', {html: false, linkify: true, typographer: false})

/** A top-level Markdown construct: a paragraph, a heading, a list, a quote … */
interface Block {
  type: string
  tag: string
  /** 0-based first line and the line after the last one, as markdown-it reports them. */
  start: number
  end: number
  inline?: Token
}

/** Parses the text of an interview file; throws InterviewParseError for input that is not one. */
export function parseInterview(source: string, file: string): ParsedInterview {
  const text = source.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n')
  const lines = text.split('\n')
  const warnings: ParseWarning[] = []
  const fail = (line: number, reason: string): never => {
    throw new InterviewParseError(file, line, reason)
  }

  const frontMatter = readFrontMatter(lines, fail)
  const blocks = topLevelBlocks(markdown.parse(lines.join('\n'), {}))
  const describe = (block: Block | undefined) =>
    block ? `"${truncate(lines[block.start].trim(), 60)}"` : 'the end of the file'
  const lineOf = (block: Block | undefined) => (block ? block.start + 1 : lines.length)

  let index = 0
  let title = frontMatter.title
  const first = blocks[index]
  if (first?.type === 'heading' && first.tag === 'h1') {
    title ??= inlineText(first.inline)
    index++
  }

  // The interviewee: "Name, role Organisation", possibly over two lines.
  const intervieweeBlock = blocks[index]
  const intervieweeLines =
    intervieweeBlock?.type === 'paragraph' ? inlineLines(intervieweeBlock.inline) : []
  const interviewee = intervieweeBlock
    ? parseIntervieweeLine(intervieweeLines, intervieweeBlock.start + 1, warnings)
    : undefined
  if (!interviewee) {
    return fail(
      lineOf(intervieweeBlock),
      `expected the interviewee line ("Name, role Organisation") but found ${describe(intervieweeBlock)}`,
    )
  }
  index++

  // An optional pull quote: a paragraph starting with a quotation mark, or a `>` quote.
  let pullQuote: ParsedInterview['pullQuote']
  const quoteBlock = blocks[index]
  if (quoteBlock?.type === 'blockquote' || isQuoteParagraph(quoteBlock)) {
    const raw =
      quoteBlock.type === 'blockquote'
        ? blockquoteText(lines, quoteBlock)
        : inlineLines(quoteBlock.inline).join(' ')
    const quoteText = raw.replace(QUOTE_OPENERS, '').replace(QUOTE_CLOSERS, '').trim()
    if (quoteText) pullQuote = {text: quoteText, line: quoteBlock.start + 1}
    index++
  }

  // Numbered questions, each a `##`/`###` heading followed by its answer.
  const questions: ParsedQuestion[] = []
  while (index < blocks.length && !isSectionHeading(blocks[index])) {
    const block = blocks[index]
    if (!isQuestionHeading(block)) {
      return fail(
        lineOf(block),
        `expected a numbered question ("### 1. …") but found ${describe(block)}`,
      )
    }
    const heading = inlineText(block.inline)
    const numberMatch = QUESTION_NUMBER.exec(heading)
    const question = heading.slice(numberMatch ? numberMatch[0].length : 0).trim()
    if (!question) return fail(block.start + 1, 'the question heading has no text')
    const answerBlocks: Block[] = []
    index++
    while (
      index < blocks.length &&
      !isQuestionHeading(blocks[index]) &&
      !isSectionHeading(blocks[index])
    ) {
      if (blocks[index].type === 'heading' && blocks[index].tag === 'h1') {
        return fail(
          lineOf(blocks[index]),
          `expected an answer or the next question but found ${describe(blocks[index])}`,
        )
      }
      answerBlocks.push(blocks[index])
      index++
    }
    if (answerBlocks.length === 0) {
      return fail(
        block.start + 1,
        `the question "${truncate(question, 60)}" has no answer before ${describe(blocks[index])}`,
      )
    }
    const number = numberMatch ? Number(numberMatch[1]) : undefined
    const expected = questions.length + 1
    if (number !== undefined && number !== expected) {
      warnings.push({
        line: block.start + 1,
        message: `question ${expected} is numbered ${number}; the questions keep the file's order`,
      })
    }
    questions.push({
      ...(number !== undefined ? {number} : {}),
      question,
      answer: markdownBlocks(lines, answerBlocks, `answer:${questions.length}`, warnings),
      line: block.start + 1,
    })
  }
  if (questions.length === 0) {
    return fail(
      lineOf(blocks[index]),
      `expected a numbered question ("### 1. …") but found ${describe(blocks[index])}`,
    )
  }

  // The sections after the questions: FAKTA OM QM and KONTAKT, each at most once.
  let factSheet: ParsedInterview['factSheet']
  let contact: ParsedInterview['contact']
  while (index < blocks.length) {
    const heading = blocks[index]
    const headingText = inlineText(heading.inline)
    index++
    const sectionBlocks: Block[] = []
    while (index < blocks.length && !isSectionHeading(blocks[index])) {
      sectionBlocks.push(blocks[index])
      index++
    }
    if (FACT_HEADING.test(headingText)) {
      if (factSheet) return fail(heading.start + 1, `a second "${headingText}" section`)
      if (sectionBlocks.length === 0) {
        warnings.push({line: heading.start + 1, message: `the section "${headingText}" is empty`})
        continue
      }
      factSheet = {
        title: factSheetTitle(headingText),
        body: markdownBlocks(lines, sectionBlocks, 'factSheet', warnings),
        line: heading.start + 1,
      }
    } else {
      if (contact) return fail(heading.start + 1, `a second "${headingText}" section`)
      contact = parseContactSection(heading, sectionBlocks, headingText, fail, warnings)
    }
  }

  return {
    file,
    ...(title ? {title} : {}),
    ...(frontMatter.slug ? {slug: frontMatter.slug} : {}),
    interviewee,
    ...(pullQuote ? {pullQuote} : {}),
    questions,
    ...(factSheet ? {factSheet} : {}),
    ...(contact ? {contact} : {}),
    warnings,
  }
}

/** `---` front matter with `key: value` lines; its lines are blanked so line numbers stay true. */
function readFrontMatter(
  lines: string[],
  fail: (line: number, reason: string) => never,
): {title?: string; slug?: string} {
  if (lines[0]?.trim() !== '---') return {}
  const end = lines.findIndex((line, i) => i > 0 && line.trim() === '---')
  if (end < 0) return fail(1, 'the front matter that starts here has no closing "---" line')
  const values: {title?: string; slug?: string} = {}
  for (let i = 1; i < end; i++) {
    const line = lines[i]
    if (!line.trim() || line.trim().startsWith('#')) continue
    const match = /^([A-Za-z]+)\s*:\s*(.*)$/.exec(line)
    const key = match?.[1] as (typeof FRONT_MATTER_KEYS)[number] | undefined
    if (!match || !key || !FRONT_MATTER_KEYS.includes(key)) {
      return fail(
        i + 1,
        `expected front matter "title: …" or "slug: …" but found "${truncate(line.trim(), 60)}"`,
      )
    }
    const value = match[2].trim().replace(/^(["'])(.*)\1$/, '$2')
    if (value) values[key] = value
  }
  for (let i = 0; i <= end; i++) lines[i] = ''
  return values
}

function topLevelBlocks(tokens: Token[]): Block[] {
  const blocks: Block[] = []
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]
    if (token.level !== 0 || token.nesting === -1) continue
    const map = token.map ?? [0, 0]
    const block: Block = {
      type: token.type.replace(/_open$/, ''),
      tag: token.tag,
      start: map[0],
      end: map[1],
    }
    if (token.nesting === 1 && tokens[i + 1]?.type === 'inline') block.inline = tokens[i + 1]
    blocks.push(block)
  }
  return blocks
}

/** The lines of an inline run, split at soft and hard line breaks, with markup removed. */
function inlineLines(inline: Token | undefined): string[] {
  const lines = ['']
  for (const child of inline?.children ?? []) {
    if (child.type === 'softbreak' || child.type === 'hardbreak') lines.push('')
    else if (child.type === 'text' || child.type === 'code_inline') {
      lines[lines.length - 1] += child.content
    }
  }
  return lines.map((line) => line.replace(/\s+/g, ' ').trim()).filter(Boolean)
}

function inlineText(inline: Token | undefined): string {
  return inlineLines(inline).join(' ')
}

/** The text of a `>` quote: its lines without the markers, joined with spaces. */
function blockquoteText(lines: string[], block: Block): string {
  return lines
    .slice(block.start, block.end)
    .map((line) => line.replace(/^\s*>\s?/, '').trim())
    .filter(Boolean)
    .join(' ')
}

function isQuoteParagraph(block: Block | undefined): block is Block {
  return block?.type === 'paragraph' && QUOTE_OPENERS.test(inlineText(block.inline))
}

/**
 * A section after the questions: an `####` heading starting with "Fakta" or "Kontakt", or a
 * `##`/`###` heading that is nothing but such a name (so "### 3. Kontakten med kommunen?" stays a
 * question).
 */
function isSectionHeading(block: Block | undefined): boolean {
  if (block?.type !== 'heading' || block.tag === 'h1') return false
  const text = inlineText(block.inline)
  if (block.tag !== 'h2' && block.tag !== 'h3') {
    return FACT_HEADING.test(text) || CONTACT_HEADING.test(text)
  }
  return SECTION_NAME.test(text)
}

function isQuestionHeading(block: Block | undefined): boolean {
  return (
    block?.type === 'heading' &&
    (block.tag === 'h2' || block.tag === 'h3') &&
    !isSectionHeading(block)
  )
}

/** The heading as a title: the customary upper-case "FAKTA OM QM" reads "Fakta om QM". */
function factSheetTitle(heading: string): string {
  if (heading !== heading.toUpperCase()) return heading
  return heading
    .toLowerCase()
    .replace(/^\p{L}/u, (letter) => letter.toUpperCase())
    .replace(/\bqm\b/g, 'QM')
}

function markdownBlocks(
  lines: string[],
  blocks: Block[],
  scope: string,
  warnings: ParseWarning[],
): PortableTextBlock[] {
  const start = blocks[0].start
  const end = blocks[blocks.length - 1].end
  return markdownToBlocks(lines.slice(start, end).join('\n'), scope, start + 1, warnings)
}

/**
 * "Name, role Organisation". The role ends where the organisation begins: at a line break, a
 * second comma, a joining word ("centrumchef i Borås City") or else the first capitalised word.
 */
function parseIntervieweeLine(
  lines: string[],
  line: number,
  warnings: ParseWarning[],
): ParsedInterview['interviewee'] | undefined {
  const joined = lines.join('\n')
  const comma = joined.indexOf(',')
  if (comma <= 0 || QUOTE_OPENERS.test(joined)) return undefined
  const name = joined.slice(0, comma).replace(/\s+/g, ' ').trim()
  if (!name || name.includes('\n') || name.split(' ').length > MAX_NAME_WORDS) return undefined
  if (/[\d@:/]/.test(name)) return undefined
  const rest = joined
    .slice(comma + 1)
    .split('\n')
    .map((part) => part.replace(/,\s*$/, '').trim())
    .filter(Boolean)
  if (rest.length === 0) return undefined
  const roleLine = rest.join(' ')
  let role: string | undefined
  let organization: string | undefined
  const lastComma = roleLine.lastIndexOf(',')
  const joiner = ROLE_ORGANIZATION_JOINERS.exec(roleLine)
  if (rest.length >= 2) {
    role = rest[0]
    organization = rest.slice(1).join(' ')
  } else if (lastComma > 0) {
    role = roleLine.slice(0, lastComma).trim()
    organization = roleLine.slice(lastComma + 1).trim()
  } else if (joiner) {
    role = joiner[1]
    organization = joiner[2]
  } else {
    const words = roleLine.split(' ')
    const firstCapital = words.findIndex((word, i) => i > 0 && /^\p{Lu}/u.test(word))
    if (firstCapital > 0 && !/^\p{Lu}/u.test(words[0])) {
      role = words.slice(0, firstCapital).join(' ')
      organization = words.slice(firstCapital).join(' ')
    } else {
      role = roleLine
      warnings.push({
        line,
        message: `could not tell the role from the organisation in "${roleLine}"; write "role, Organisation" to name the organisation`,
      })
    }
  }
  return {
    name,
    ...(role ? {role} : {}),
    ...(organization ? {organization} : {}),
    roleLine,
    line,
  }
}

/**
 * The KONTAKT section: one paragraph per person with name, title, e-mail (and phone) on separate
 * lines, and a paragraph with a web link giving the website.
 */
function parseContactSection(
  heading: Block,
  blocks: Block[],
  headingText: string,
  fail: (line: number, reason: string) => never,
  warnings: ParseWarning[],
): NonNullable<ParsedInterview['contact']> {
  const people: ParsedPerson[] = []
  let website: string | undefined
  for (const block of blocks) {
    if (block.type !== 'paragraph') {
      warnings.push({
        line: block.start + 1,
        message: `ignored in "${headingText}": not a paragraph`,
      })
      continue
    }
    const children = block.inline?.children ?? []
    const links = linksOf(children)
    const email = links.find((href) => href.startsWith('mailto:'))
    const web = links.find((href) => /^https?:\/\//i.test(href))
    const lines = contactLines(children)
    const looksLikePerson =
      email !== undefined ||
      lines.some((l) => EMAIL.test(l.text)) ||
      (lines.length >= 2 && lines.every((l) => l.text.length <= 80))
    if (!looksLikePerson) {
      if (web && !website) website = web
      else
        warnings.push({line: block.start + 1, message: `ignored in "${headingText}": no contact`})
      continue
    }
    const person: ParsedPerson = {name: ''}
    const textLines: string[] = []
    for (const entry of lines) {
      if (entry.onlyLink?.startsWith('mailto:')) {
        person.email ??= entry.onlyLink.slice('mailto:'.length).split('?')[0]
      } else if (entry.onlyLink) {
        if (!website) website = entry.onlyLink
      } else if (EMAIL.test(entry.text)) {
        person.email ??= EMAIL.exec(entry.text)?.[1]
      } else if (PHONE.test(entry.text)) {
        person.phone ??= PHONE.exec(entry.text)?.[1].trim()
      } else {
        textLines.push(entry.text)
      }
    }
    if (!person.email && email) person.email = email.slice('mailto:'.length).split('?')[0]
    const [name, role, ...extra] = textLines
    if (!name || name.split(' ').length > MAX_NAME_WORDS) {
      return fail(
        block.start + 1,
        `expected a contact person (name, title and e-mail on separate lines) but found "${truncate(lines[0]?.text ?? '', 60)}"`,
      )
    }
    person.name = name.replace(/,$/, '')
    if (role) person.role = role.replace(/,$/, '')
    if (extra.length > 0) {
      warnings.push({line: block.start + 1, message: `ignored contact lines: ${extra.join(' / ')}`})
    }
    people.push(person)
  }
  if (people.length === 0) {
    return fail(
      heading.start + 1,
      `expected a contact person (name, title and e-mail on separate lines) after "${headingText}"`,
    )
  }
  return {people, ...(website ? {website} : {}), line: heading.start + 1}
}

function linksOf(children: Token[]): string[] {
  return children
    .filter((child) => child.type === 'link_open')
    .map((child) => child.attrGet('href') ?? '')
    .filter(Boolean)
}

/** The lines of a contact paragraph; a line that is nothing but a link carries its address. */
function contactLines(children: Token[]): Array<{text: string; onlyLink?: string}> {
  const lines: Array<{text: string; links: string[]; outside: string}> = [
    {text: '', links: [], outside: ''},
  ]
  let linkDepth = 0
  for (const child of children) {
    const current = lines[lines.length - 1]
    if (child.type === 'softbreak' || child.type === 'hardbreak') {
      lines.push({text: '', links: [], outside: ''})
    } else if (child.type === 'link_open') {
      linkDepth++
      current.links.push(child.attrGet('href') ?? '')
    } else if (child.type === 'link_close') {
      linkDepth--
    } else if (child.type === 'text' || child.type === 'code_inline') {
      current.text += child.content
      if (linkDepth === 0) current.outside += child.content
    }
  }
  return lines
    .map((line) => ({
      text: line.text.replace(/\s+/g, ' ').trim(),
      ...(line.links.length === 1 && !line.outside.trim() ? {onlyLink: line.links[0]} : {}),
    }))
    .filter((line) => line.text || line.onlyLink)
}

function truncate(text: string, length: number): string {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text
}
