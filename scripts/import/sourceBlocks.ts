/**
 * The one structure every input format is turned into before the interview is recognised:
 * a flat list of blocks (headings, paragraphs, list items, quotes …) with their inline runs.
 * Markdown (markdownSource.ts) and Word (wordSource.ts) both produce it, so one recogniser
 * (parseInterview.ts) and one Portable Text builder (portableText.ts) serve both.
 */

export type Mark = 'strong' | 'em'

/** An image in the source: bytes from a Word file, or a path/URL written in Markdown. */
export interface SourceImage {
  alt?: string
  /** Bytes embedded in the document (Word). */
  bytes?: Uint8Array
  contentType?: string
  /** The path or URL as written (Markdown); resolved against the file's folder. */
  src?: string
}

export type Inline =
  | {kind: 'text'; text: string; marks: Mark[]; href?: string; line: number}
  | {kind: 'break'; hard: boolean; line: number}
  | {kind: 'image'; image: SourceImage; line: number}
  /** Text the content model cannot hold as such (inline code, strike-through …): kept as text. */
  | {kind: 'degraded'; text: string; what: string; line: number; marks: Mark[]}

export type BlockType = 'heading' | 'paragraph' | 'listItem' | 'code' | 'rule' | 'table'

export interface SourceBlock {
  type: BlockType
  /** Heading level 1–6; list nesting level from 1. */
  level?: number
  listItem?: 'bullet' | 'number'
  /** The number of a numbered list item as written ("3." → 3). */
  ordinal?: number
  /** Inside a `>` quote (Markdown) or a quote style (Word). */
  quote?: boolean
  /** 1-based line in the file (Word: the paragraph's number). */
  line: number
  inlines: Inline[]
}

/** What a format produced: its blocks and where line numbers come from. */
export interface SourceDocument {
  format: 'markdown' | 'word'
  blocks: SourceBlock[]
}

/** The block's text, split at line breaks, markup removed, spaces collapsed; empty lines dropped. */
export function blockLines(
  block: SourceBlock,
): Array<{text: string; line: number; inlines: Inline[]}> {
  const lines: Array<{text: string; line: number; inlines: Inline[]}> = [
    {text: '', line: block.line, inlines: []},
  ]
  for (const inline of block.inlines) {
    const current = lines[lines.length - 1]
    if (inline.kind === 'break') {
      lines.push({text: '', line: inline.line, inlines: []})
      continue
    }
    if (current.inlines.length === 0) current.line = inline.line
    current.inlines.push(inline)
    if (inline.kind === 'text' || inline.kind === 'degraded') current.text += inline.text
  }
  return lines
    .map((line) => ({...line, text: line.text.replace(/\s+/g, ' ').trim()}))
    .filter((line) => line.text)
}

/** The block's text on one line. */
export function blockText(block: SourceBlock): string {
  return blockLines(block)
    .map((line) => line.text)
    .join(' ')
}

/** The images in a block. */
export function blockImages(block: SourceBlock): SourceImage[] {
  return block.inlines.flatMap((inline) => (inline.kind === 'image' ? [inline.image] : []))
}

/** A paragraph or list item whose text is all bold ("**1. Hur började det?**"). */
export function isWhollyBold(block: SourceBlock): boolean {
  if ((block.type !== 'paragraph' && block.type !== 'listItem') || block.quote) return false
  // Punctuation left outside the bold ("**Hur gick det**?") does not make the line less bold.
  const texts = block.inlines.filter(
    (inline): inline is Extract<Inline, {kind: 'text'}> =>
      inline.kind === 'text' && !/^[\s?:.!]*$/.test(inline.text),
  )
  return (
    texts.length > 0 &&
    texts.every((inline) => inline.marks.includes('strong')) &&
    block.inlines.every((inline) => inline.kind !== 'degraded' && inline.kind !== 'image')
  )
}

/** A paragraph with nothing but images in it. */
export function isImageOnly(block: SourceBlock | undefined): boolean {
  return (
    block !== undefined &&
    block.type === 'paragraph' &&
    blockImages(block).length > 0 &&
    blockText(block) === ''
  )
}
