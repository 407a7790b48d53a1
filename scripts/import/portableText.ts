import {createHash} from 'node:crypto'

import type {ParseWarning} from './errors.ts'
import type {Inline, SourceBlock} from './sourceBlocks.ts'

export interface PortableTextSpan {
  _type: 'span'
  _key: string
  text: string
  marks: string[]
}

export interface PortableTextLink {
  _type: 'link'
  _key: string
  href: string
}

export interface PortableTextBlock {
  _type: 'block'
  _key: string
  style: string
  children: PortableTextSpan[]
  markDefs: PortableTextLink[]
  listItem?: string
  level?: number
}

/** A `_key` derived from its parts: the same parts give the same key on every import. */
export function deterministicKey(...parts: Array<string | number>): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 12)
}

/** Heading levels in an answer map onto the styles `blockContent` has (h2–h4). */
function headingStyle(level: number): string {
  return `h${Math.min(Math.max(level, 2), 4)}`
}

/**
 * Source blocks → Portable Text limited to the `blockContent` type (schemas/objects/blockContent.ts):
 * styles normal, h2–h4 and blockquote; bullet and number lists; strong and em; links. Keys are
 * derived from `scope` and each key's position, so the same text always gives the same keys.
 * What the model cannot hold (images, code, tables, strike-through) keeps its text where it has
 * one and is reported as a warning with its line.
 */
export function toPortableText(
  blocks: SourceBlock[],
  scope: string,
  warnings: ParseWarning[],
): PortableTextBlock[] {
  let counter = 0
  const key = () => deterministicKey(scope, counter++)
  const result: PortableTextBlock[] = []
  for (const block of blocks) {
    if (block.type === 'rule') continue
    if (block.type === 'code' || block.type === 'table') {
      warnings.push({
        line: block.line,
        message: `${block.type === 'code' ? 'a code block' : 'a table'} cannot be stored as such; its text is kept as a plain paragraph`,
      })
    }
    const markDefs: PortableTextLink[] = []
    const children: PortableTextSpan[] = []
    const blockKey = key()
    for (const inline of block.inlines) appendInline(inline, children, markDefs, key, warnings)
    trimEdges(children)
    if (children.length === 0) continue
    result.push({
      _type: 'block',
      _key: blockKey,
      style:
        block.type === 'heading'
          ? headingStyle(block.level ?? 2)
          : block.quote
            ? 'blockquote'
            : 'normal',
      ...(block.type === 'listItem'
        ? {listItem: block.listItem ?? 'bullet', level: block.level ?? 1}
        : {}),
      markDefs,
      children,
    })
  }
  return result
}

function appendInline(
  inline: Inline,
  children: PortableTextSpan[],
  markDefs: PortableTextLink[],
  key: () => string,
  warnings: ParseWarning[],
): void {
  if (inline.kind === 'image') {
    warnings.push({
      line: inline.line,
      message: `an image in running text cannot be stored there${inline.image.alt ? ` ("${inline.image.alt}")` : ''}; it was left out`,
    })
    return
  }
  if (inline.kind === 'degraded') {
    warnings.push({line: inline.line, message: `${inline.what} is kept as plain text`})
    if (inline.text) pushSpan(children, inline.text, inline.marks, key)
    return
  }
  if (inline.kind === 'break') {
    // A soft break is a line wrap in the file; a hard break (two spaces, <br>) is a new line.
    pushSpan(children, inline.hard ? '\n' : ' ', children.at(-1)?.marks ?? [], key)
    return
  }
  const marks: string[] = [...inline.marks]
  if (inline.href) {
    let link = markDefs.find(
      (def) => def.href === inline.href && def._key === children.at(-1)?.marks.at(-1),
    )
    if (!link) {
      link = {_type: 'link', _key: key(), href: inline.href}
      markDefs.push(link)
    }
    marks.push(link._key)
  }
  pushSpan(children, inline.text, marks, key)
}

function pushSpan(children: PortableTextSpan[], text: string, marks: string[], key: () => string) {
  const last = children.at(-1)
  const sameMarks = (a: string[], b: string[]) =>
    a.length === b.length && a.every((mark) => b.includes(mark))
  if (last && (sameMarks(last.marks, marks) || (text.trim() === '' && text !== '\n'))) {
    last.text += text
  } else {
    children.push({_type: 'span', _key: key(), text, marks})
  }
}

/** Whitespace at the start and end of a block is noise from the source; runs inside collapse. */
function trimEdges(children: PortableTextSpan[]): void {
  for (const child of children)
    child.text = child.text.replace(/[ \t]+/g, ' ').replace(/ ?\n ?/g, '\n')
  while (children.length > 0 && children[0].text.trim() === '') children.shift()
  while (children.length > 0 && children[children.length - 1].text.trim() === '') children.pop()
  if (children.length === 0) return
  children[0].text = children[0].text.replace(/^\s+/, '')
  const last = children[children.length - 1]
  last.text = last.text.replace(/\s+$/, '')
}

/** The plain text of blocks, paragraphs separated by blank lines. */
export function blocksToPlainText(blocks: PortableTextBlock[]): string {
  return blocks.map((block) => block.children.map((child) => child.text).join('')).join('\n\n')
}
