/**
 * The interview recogniser: reads the block list of any input format (sourceBlocks.ts) and finds
 * the parts of a QM interview by their structure, not by one exact spelling.
 *
 * Decisions:
 * - Questions are headings (`#`–`####`, Word heading styles) or paragraphs that are wholly bold,
 *   numbered (`1.`, `1)`) or not. The file's question style is the style most of its question-like
 *   lines (numbered, or ending in "?") use; every line in that style is a question.
 * - Before the first question: the title (a heading), the interviewee line ("Name, role
 *   Organisation", before or after the title), a pull quote (`>` or a line in typographic quotes),
 *   images (the one beside the name is the portrait) and the ingress, which becomes the lead.
 * - After the questions: FAKTA and KONTAKT sections in any heading form and case.
 * - An ambiguous line gets the safe reading (its text is kept where it stands) and a warning with
 *   its line; only input where nothing sensible can be stored fails, saying what was expected in
 *   the layout the file uses.
 */
import {parseContactSection, type ParsedContacts, type ParsedPerson} from './contacts.ts'
import {InterviewParseError, type ParseWarning} from './errors.ts'
import {readFrontMatter, type FrontMatter} from './frontMatter.ts'
import {markdownBlocks} from './markdownSource.ts'
import {toPortableText, type PortableTextBlock} from './portableText.ts'
import {
  blockImages,
  blockLines,
  blockText,
  isImageOnly,
  isWhollyBold,
  type SourceBlock,
  type SourceDocument,
  type SourceImage,
} from './sourceBlocks.ts'

export type {ParsedPerson} from './contacts.ts'

export interface ParsedInterview extends FrontMatter {
  file: string
  format: SourceDocument['format']
  interviewee: ParsedPerson & {
    line: number
    organization?: string
    roleLine: string
    portrait?: SourceImage
  }
  pullQuote?: {text: string; line: number}
  /** An image that is not the portrait: the interview's main image. */
  mainImage?: {image: SourceImage; line: number}
  questions: ParsedQuestion[]
  factSheet?: {title: string; body: PortableTextBlock[]; line: number}
  contact?: ParsedContacts
  warnings: ParseWarning[]
}

export interface ParsedQuestion {
  /** The number written before the question (`### 3. …`, `**3) …**`), if any. */
  number?: number
  question: string
  answer: PortableTextBlock[]
  line: number
}

type QuestionStyle = 'h1' | 'h2' | 'h3' | 'h4' | 'h5' | 'h6' | 'bold'

/** "1.", "1)", "1:", also after the word: "Fråga 1:". */
const QUESTION_NUMBER = /^(?:fråga\s+)?(\d+)\s*[.):]\s*/i
const QUESTION_MARK = /\?\s*$/
/** Characters that open a pull quote: Swedish ” and », English “ and ", German „, French «. */
const QUOTE_OPENERS = /^[”“"»«„]\s*/u
const QUOTE_CLOSERS = /\s*[”“"»«]$/u
const FACT_NAME = /^fakta(?:\s+om\s+(?:qm|quality\s+mark|kvalitetsmärkningen))?\s*:?$/i
const CONTACT_NAME =
  /^(?:kontakt(?:a\s+oss|er|uppgifter|person(?:er)?)?|för\s+mer\s+information)\s*:?$/i
const LONG_SECTION_HEADING = /^(fakta|kontakt)/i
const MAX_NAME_WORDS = 6
const ROLE_ORGANIZATION_JOINERS = /^(.*?)\s+(?:på|i|vid|för|hos|at)\s+(\p{Lu}.*)$/u
const LEAD_LENGTH = 300

/** Parses the text of a Markdown interview file; throws InterviewParseError when it is not one. */
export function parseInterview(source: string, file: string): ParsedInterview {
  const text = source.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n')
  const lines = text.split('\n')
  const warnings: ParseWarning[] = []
  const frontMatter = readFrontMatter(lines, file, warnings)
  const blocks = markdownBlocks(lines.join('\n'))
  return recogniseInterview({format: 'markdown', blocks}, file, {
    frontMatter,
    warnings,
    lastLine: lines.length,
  })
}

interface RecogniseOptions {
  frontMatter?: FrontMatter
  warnings?: ParseWarning[]
  /** The line to cite for "the end of the file". */
  lastLine?: number
}

/** Recognises an interview in a format's blocks; throws InterviewParseError when it is not one. */
export function recogniseInterview(
  source: SourceDocument,
  file: string,
  options: RecogniseOptions = {},
): ParsedInterview {
  const {blocks, format} = source
  const warnings = options.warnings ?? []
  const frontMatter = options.frontMatter ?? {}
  const endLine = options.lastLine ?? (blocks.at(-1)?.line ?? 0) + 1
  const fail = (line: number, reason: string): never => {
    throw new InterviewParseError(file, line, reason)
  }
  const describe = (block: SourceBlock | undefined) =>
    block ? `"${truncate(sourceLine(block, format), 60)}"` : 'the end of the file'
  const lineOf = (block: SourceBlock | undefined) => block?.line ?? endLine

  if (blocks.length === 0) {
    return fail(
      endLine,
      `the file is empty; expected an interview: the interviewee line ("Name, role Organisation") and questions such as ${questionExample(format, undefined, true)}`,
    )
  }

  // Sections start at a FAKTA or KONTAKT heading; everything before is the interview itself.
  const firstSection = blocks.findIndex((block) => sectionKind(block) !== undefined)
  const main = firstSection < 0 ? blocks : blocks.slice(0, firstSection)
  const style = questionStyle(main)
  const isQuestion = (block: SourceBlock) => style !== undefined && styleOf(block) === style

  // The interviewee: the first paragraph before the first question that reads "Name, role …".
  let intervieweeIndex = -1
  let interviewee: ParsedInterview['interviewee'] | undefined
  for (let i = 0; i < main.length; i++) {
    const block = main[i]
    if (isQuestion(block) && isStrongQuestion(block)) break
    if (block.type !== 'paragraph' || block.quote || isWhollyBold(block)) continue
    interviewee = parseIntervieweeBlock(block, warnings)
    if (interviewee) {
      intervieweeIndex = i
      break
    }
  }
  if (!interviewee) {
    const found =
      main.find((block) => block.type !== 'heading' || isStrongQuestion(block)) ??
      blocks[firstSection]
    if (!main.some(isStrongQuestion)) {
      return fail(
        lineOf(found),
        `this does not look like an interview: expected the interviewee line ("Name, role Organisation") and questions such as ${questionExample(format, undefined, true)}, but found ${describe(found)}`,
      )
    }
    return fail(
      lineOf(found),
      `expected the interviewee line ("Name, role Organisation") but found ${describe(found)}`,
    )
  }

  // Questions: blocks in the question style after the interviewee (or a title before it).
  const questionIndexes: number[] = []
  let expectedNumber = 1
  for (let i = intervieweeIndex + 1; i < main.length; i++) {
    const block = main[i]
    const number = questionNumber(block)
    if (isQuestion(block) && !(questionIndexes.length === 0 && isTitleCandidate(block, i))) {
      questionIndexes.push(i)
      expectedNumber = (number ?? expectedNumber) + 1
    } else if (
      questionIndexes.length > 0 &&
      number === expectedNumber &&
      styleOf(block) !== undefined &&
      QUESTION_MARK.test(blockText(block))
    ) {
      warnings.push({
        line: block.line,
        message: `question ${number} is ${describeStyle(styleOf(block), format)} while the other questions are ${describeStyle(style, format)}; it is read as a question`,
      })
      questionIndexes.push(i)
      expectedNumber = number + 1
    }
  }
  function isTitleCandidate(block: SourceBlock, index: number): boolean {
    // A heading in the question style before any question, with nothing that makes it a question.
    return (
      block.type === 'heading' &&
      !isStrongQuestion(block) &&
      frontMatter.title === undefined &&
      main.slice(0, index).every((b) => b.type !== 'heading')
    )
  }
  if (questionIndexes.length === 0) {
    const after = main.slice(intervieweeIndex + 1)
    const found =
      after.find((block) => block.type !== 'heading' && !isQuote(block) && !isImageOnly(block)) ??
      blocks[firstSection]
    return fail(
      lineOf(found),
      `expected a question such as ${questionExample(format, style, true)} but found ${describe(found)}`,
    )
  }

  // Everything between the interviewee and the first question, and before the interviewee.
  const preamble = main
    .slice(0, questionIndexes[0])
    .map((block, index) => ({block, index}))
    .filter(({index}) => index !== intervieweeIndex)
  let title = frontMatter.title
  let pullQuote: ParsedInterview['pullQuote']
  let mainImage: ParsedInterview['mainImage']
  const leadParts: string[] = []
  let leadLine: number | undefined
  const intervieweeBlock = main[intervieweeIndex]
  const portraitInline = blockImages(intervieweeBlock)[0]
  let portrait = portraitInline
  for (const {block, index} of preamble) {
    if (block.type === 'heading') {
      const text = blockText(block)
      if (title === undefined) {
        title = text
        if (styleOf(block) === style) {
          warnings.push({
            line: block.line,
            message: `the heading "${truncate(text, 60)}" is read as the title, not as a question: it has no number and no question mark`,
          })
        }
      } else if (text !== title) {
        warnings.push({
          line: block.line,
          message: `the heading "${truncate(text, 60)}" is not used: ${frontMatter.title !== undefined ? 'the front matter gives the title' : 'the title is the first heading'}`,
        })
      }
    } else if (isImageOnly(block)) {
      const beside = Math.abs(index - intervieweeIndex) === 1
      for (const image of blockImages(block)) {
        if (beside && !portrait) portrait = image
        else if (!mainImage) mainImage = {image, line: block.line}
        else
          warnings.push({
            line: block.line,
            message: 'a further image is not imported; only one main image and the portrait are',
          })
      }
    } else if (isQuote(block) && (!pullQuote || previousIsQuote(main, index))) {
      const quoteText = quoteTextOf(block)
      if (pullQuote) pullQuote.text += ` ${quoteText}`
      else pullQuote = {text: quoteText, line: block.line}
    } else if (isQuote(block)) {
      warnings.push({
        line: block.line,
        message:
          'a second quote before the first question is read as part of the ingress; the first one is the pull quote',
      })
      leadParts.push(blockText(block))
      leadLine ??= block.line
    } else if (block.type === 'paragraph' || block.type === 'listItem') {
      leadParts.push(blockText(block))
      leadLine ??= block.line
    } else {
      warnings.push({
        line: block.line,
        message: `ignored before the first question: ${describe(block)}`,
      })
    }
  }
  for (const image of blockImages(intervieweeBlock).slice(1)) {
    warnings.push({
      line: intervieweeBlock.line,
      message: `a second image beside the name is not imported${image.alt ? ` ("${image.alt}")` : ''}`,
    })
  }
  let lead = frontMatter.lead
  if (leadParts.length > 0) {
    if (lead !== undefined) {
      warnings.push({
        line: leadLine ?? intervieweeBlock.line,
        message: 'the ingress paragraph is not used: the front matter gives "lead"',
      })
    } else lead = leadParts.join('\n\n')
  }
  if (lead !== undefined && lead.length > LEAD_LENGTH) {
    warnings.push({
      line: leadLine ?? 1,
      message: `the ingress is ${lead.length} characters; the Studio recommends at most ${LEAD_LENGTH}`,
    })
  }

  // The questions and their answers.
  const questions: ParsedQuestion[] = []
  for (let q = 0; q < questionIndexes.length; q++) {
    const block = main[questionIndexes[q]]
    const heading = blockText(block)
    const numberMatch = QUESTION_NUMBER.exec(heading)
    const question = heading.slice(numberMatch ? numberMatch[0].length : 0).trim()
    if (!question) return fail(block.line, 'the question has no text')
    const answerBlocks = main.slice(questionIndexes[q] + 1, questionIndexes[q + 1] ?? main.length)
    if (answerBlocks.every((b) => blockText(b) === '')) {
      const next = main[questionIndexes[q + 1]] ?? blocks[firstSection]
      return fail(
        block.line,
        `the question "${truncate(question, 60)}" has no answer before ${describe(next)}`,
      )
    }
    for (const answer of answerBlocks) {
      if (styleOf(answer) !== undefined && QUESTION_MARK.test(blockText(answer))) {
        warnings.push({
          line: answer.line,
          message: `"${truncate(blockText(answer), 60)}" looks like a question but is ${describeStyle(styleOf(answer), format)}, not ${describeStyle(style, format)} like the questions; it is kept in the answer to question ${q + 1}`,
        })
      }
    }
    const number = numberMatch ? Number(numberMatch[1]) : block.ordinal
    if (number !== undefined && number !== q + 1) {
      warnings.push({
        line: block.line,
        message: `question ${q + 1} is numbered ${number}; the questions keep the file's order`,
      })
    }
    questions.push({
      ...(number !== undefined ? {number} : {}),
      question,
      answer: toPortableText(answerBlocks, `answer:${q}`, warnings),
      line: block.line,
    })
  }

  // The sections after the questions: FAKTA and KONTAKT, each at most once.
  let factSheet: ParsedInterview['factSheet']
  let contact: ParsedInterview['contact']
  let index = firstSection < 0 ? blocks.length : firstSection
  while (index < blocks.length) {
    const heading = blocks[index]
    const kind = sectionKind(heading)
    const headingText = blockText(heading)
    index++
    const sectionBlocks: SourceBlock[] = []
    while (index < blocks.length && sectionKind(blocks[index]) === undefined) {
      sectionBlocks.push(blocks[index])
      index++
    }
    if (kind === 'fact') {
      if (factSheet) {
        warnings.push({
          line: heading.line,
          message: `a second "${headingText}" section is added to the first`,
        })
        factSheet.body.push(...toPortableText(sectionBlocks, `factSheet:${heading.line}`, warnings))
        continue
      }
      if (sectionBlocks.every((b) => blockText(b) === '')) {
        warnings.push({line: heading.line, message: `the section "${headingText}" is empty`})
        continue
      }
      factSheet = {
        title: sectionTitle(headingText),
        body: toPortableText(sectionBlocks, 'factSheet', warnings),
        line: heading.line,
      }
    } else {
      const parsed = parseContactSection(heading, sectionBlocks, warnings)
      if (contact) {
        warnings.push({
          line: heading.line,
          message: `a second "${headingText}" section: its people are added to the first`,
        })
        contact.people.push(...parsed.people)
        contact.website ??= parsed.website
      } else contact = parsed
    }
  }

  warnings.sort((a, b) => a.line - b.line)
  return {
    ...frontMatter,
    file,
    format,
    ...(title ? {title} : {}),
    ...(lead ? {lead} : {}),
    interviewee: {...interviewee, ...(portrait ? {portrait} : {})},
    ...(pullQuote ? {pullQuote} : {}),
    ...(mainImage ? {mainImage} : {}),
    questions,
    ...(factSheet ? {factSheet} : {}),
    ...(contact ? {contact} : {}),
    warnings,
  }
}

/** The style a block would have as a question, or undefined for ordinary text. */
function styleOf(block: SourceBlock): QuestionStyle | undefined {
  if (block.quote) return undefined
  if (block.type === 'heading') return `h${block.level ?? 1}` as QuestionStyle
  if (!isWhollyBold(block) || blockLines(block).length !== 1) return undefined
  // A bold list item ("1. **Hur började det?**") is a question only with its question mark.
  if (block.type === 'listItem' && !QUESTION_MARK.test(blockText(block))) return undefined
  return 'bold'
}

/** The number written before a question: in its text, or the list number it was given. */
function questionNumber(block: SourceBlock): number | undefined {
  const match = QUESTION_NUMBER.exec(blockText(block))
  return match ? Number(match[1]) : block.ordinal
}

/** Numbered, or ending in a question mark: certainly meant as a question. */
function isStrongQuestion(block: SourceBlock): boolean {
  const text = blockText(block)
  return (
    styleOf(block) !== undefined &&
    (questionNumber(block) !== undefined || QUESTION_MARK.test(text))
  )
}

/**
 * The style most question-like lines use; without any, the most common heading style below the
 * top level (unnumbered questions without question marks).
 */
function questionStyle(blocks: SourceBlock[]): QuestionStyle | undefined {
  const count = (candidates: SourceBlock[]) => {
    const counts = new Map<QuestionStyle, number>()
    for (const block of candidates) {
      const style = styleOf(block)
      if (style) counts.set(style, (counts.get(style) ?? 0) + 1)
    }
    return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0]
  }
  return (
    count(blocks.filter(isStrongQuestion)) ??
    count(blocks.filter((block) => block.type === 'heading' && (block.level ?? 1) >= 2))
  )
}

function sectionKind(block: SourceBlock): 'fact' | 'contact' | undefined {
  const lines = blockLines(block)
  if (lines.length !== 1 || block.type === 'listItem' || block.quote) return undefined
  const text = lines[0].text
  if (FACT_NAME.test(text)) return 'fact'
  if (CONTACT_NAME.test(text)) return 'contact'
  // "#### Fakta om kvalitetsmärkningen Quality Mark": a minor heading that starts with the name.
  if (block.type === 'heading' && (block.level ?? 1) >= 4) {
    const match = LONG_SECTION_HEADING.exec(text)
    if (match) return match[1].toLowerCase() === 'fakta' ? 'fact' : 'contact'
  }
  return undefined
}

/** The heading as a title: the customary upper-case "FAKTA OM QM" reads "Fakta om QM". */
function sectionTitle(heading: string): string {
  const text = heading.replace(/\s*:$/, '')
  if (text !== text.toUpperCase()) return text
  return text
    .toLowerCase()
    .replace(/^\p{L}/u, (letter) => letter.toUpperCase())
    .replace(/\bqm\b/g, 'QM')
}

function isQuote(block: SourceBlock): boolean {
  return (
    block.quote === true || (block.type === 'paragraph' && QUOTE_OPENERS.test(blockText(block)))
  )
}

function previousIsQuote(blocks: SourceBlock[], index: number): boolean {
  return index > 0 && blocks[index - 1].quote === true && blocks[index].quote === true
}

function quoteTextOf(block: SourceBlock): string {
  return blockText(block).replace(QUOTE_OPENERS, '').replace(QUOTE_CLOSERS, '').trim()
}

/** How a question in the file's layout is written, for messages. */
function questionExample(
  format: SourceDocument['format'],
  style: QuestionStyle | undefined,
  numbered: boolean,
): string {
  const text = numbered ? '1. …?' : '…?'
  if (format === 'word') {
    if (style === 'bold') return `a bold paragraph "${text}"`
    if (style) return `a paragraph in the style Heading ${style.slice(1)} ("${text}")`
    return `a paragraph in a heading style or in bold ("${text}")`
  }
  if (style === 'bold') return `a bold line "**${text}**"`
  if (style) return `a heading "${'#'.repeat(Number(style.slice(1)))} ${text}"`
  return `a heading "### ${text}" or a bold line "**${text}**"`
}

function describeStyle(style: QuestionStyle | undefined, format: SourceDocument['format']): string {
  if (style === undefined) return 'plain text'
  if (style === 'bold') return format === 'word' ? 'a bold paragraph' : 'a bold line'
  return format === 'word'
    ? `in the style Heading ${style.slice(1)}`
    : `a "${'#'.repeat(Number(style.slice(1)))}" heading`
}

/** The block as the author wrote it, roughly: headings keep their marks in Markdown. */
function sourceLine(block: SourceBlock, format: SourceDocument['format']): string {
  const text = blockLines(block)[0]?.text ?? ''
  if (format !== 'markdown') return text
  if (block.type === 'heading') return `${'#'.repeat(block.level ?? 1)} ${text}`
  if (styleOf(block) === 'bold') return `**${text}**`
  return text
}

/**
 * "Name, role Organisation". The role ends where the organisation begins: at a line break, a
 * second comma, a joining word ("centrumchef i Borås City") or else the first capitalised word.
 */
function parseIntervieweeBlock(
  block: SourceBlock,
  warnings: ParseWarning[],
): ParsedInterview['interviewee'] | undefined {
  const lines = blockLines(block).map((line) => line.text)
  const joined = lines.join('\n')
  const comma = joined.indexOf(',')
  if (comma <= 0 || QUOTE_OPENERS.test(joined)) return undefined
  const name = joined.slice(0, comma).replace(/\s+/g, ' ').trim()
  if (!name || name.includes('\n') || name.split(' ').length > MAX_NAME_WORDS) return undefined
  if (/[\d@:/?!.]/.test(name) || !/^\p{Lu}/u.test(name)) return undefined
  const rest = joined
    .slice(comma + 1)
    .split('\n')
    .map((part) => part.replace(/,\s*$/, '').trim())
    .filter(Boolean)
  if (rest.length === 0 || rest.join(' ').length > 120) return undefined
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
        line: block.line,
        message: `could not tell the role from the organisation in "${roleLine}"; write "role, Organisation" to name the organisation`,
      })
    }
  }
  return {
    name,
    ...(role ? {role} : {}),
    ...(organization ? {organization} : {}),
    roleLine,
    line: block.line,
  }
}

export function truncate(text: string, length: number): string {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text
}
