/**
 * Word (.docx) → source blocks: mammoth turns the document into plain semantic HTML (headings,
 * paragraphs, lists, bold, italics, links, images), parse5 reads that HTML, and the same block list
 * as for Markdown comes out. Line numbers are paragraph numbers: empty paragraphs are kept while
 * counting so they match what Word shows when you count paragraphs from the top.
 */
import mammoth from 'mammoth'
import {parseFragment, type DefaultTreeAdapterTypes} from 'parse5'

import type {Inline, Mark, SourceBlock, SourceImage} from './sourceBlocks.ts'

type Node = DefaultTreeAdapterTypes.ChildNode
type Element = DefaultTreeAdapterTypes.Element

/** Word styles editors use for titles and quotes, mapped to the HTML the recogniser understands. */
const STYLE_MAP = [
  "p[style-name='Title'] => h1:fresh",
  "p[style-name='Rubrik'] => h1:fresh",
  "p[style-name='Quote'] => blockquote > p:fresh",
  "p[style-name='Intense Quote'] => blockquote > p:fresh",
  "p[style-name='Citat'] => blockquote > p:fresh",
]

export class WordReadError extends Error {
  override name = 'WordReadError'
}

export interface WordConversion {
  blocks: SourceBlock[]
  /** What mammoth could not convert (unknown styles, unsupported elements). */
  messages: string[]
}

/** Reads a .docx file's bytes; throws WordReadError when it is not a Word document. */
export async function wordBlocks(bytes: Uint8Array): Promise<WordConversion> {
  const images: SourceImage[] = []
  let result: {value: string; messages: Array<{message: string}>}
  try {
    result = await mammoth.convertToHtml(
      {buffer: Buffer.from(bytes)},
      {
        styleMap: STYLE_MAP,
        ignoreEmptyParagraphs: false,
        convertImage: mammoth.images.imgElement(async (image) => {
          images.push({bytes: await image.readAsBuffer(), contentType: image.contentType})
          return {src: `docx-image:${images.length - 1}`}
        }),
      },
    )
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    throw new WordReadError(`not a Word document that can be read (${reason.split('\n')[0]})`)
  }
  const builder = new BlockBuilder(images)
  for (const node of parseFragment(result.value).childNodes) builder.block(node, {})
  return {blocks: builder.blocks, messages: result.messages.map((message) => message.message)}
}

interface Context {
  list?: Array<'bullet' | 'number'>
  /** The position of the list item in its numbered list. */
  ordinal?: number
  quote?: boolean
}

const HEADING = /^h([1-6])$/

class BlockBuilder {
  readonly blocks: SourceBlock[] = []
  private paragraph = 0
  private readonly images: SourceImage[]

  constructor(images: SourceImage[]) {
    this.images = images
  }

  block(node: Node, context: Context): void {
    if (!isElement(node)) return
    const name = node.nodeName
    const heading = HEADING.exec(name)
    if (heading || name === 'p') {
      const line = ++this.paragraph
      const inlines = this.inlines(node.childNodes, [], undefined, line)
      if (inlines.length === 0) return
      this.blocks.push({
        type: heading ? 'heading' : 'paragraph',
        ...(heading ? {level: Number(heading[1])} : {}),
        ...(context.quote ? {quote: true} : {}),
        line,
        inlines,
      })
    } else if (name === 'ul' || name === 'ol') {
      const list = [...(context.list ?? []), name === 'ul' ? 'bullet' : 'number'] as Context['list']
      let ordinal = 0
      for (const item of node.childNodes) {
        if (item.nodeName === 'li') ordinal++
        this.block(item, {...context, list, ordinal})
      }
    } else if (name === 'li') {
      const line = ++this.paragraph
      const inline = node.childNodes.filter((child) => !isList(child))
      const inlines = this.inlines(inline, [], undefined, line)
      const list = context.list ?? ['bullet']
      if (inlines.length > 0) {
        const listItem = list[list.length - 1]
        this.blocks.push({
          type: 'listItem',
          listItem,
          level: list.length,
          ...(listItem === 'number' && context.ordinal ? {ordinal: context.ordinal} : {}),
          line,
          inlines,
        })
      }
      for (const child of node.childNodes) if (isList(child)) this.block(child, context)
    } else if (name === 'blockquote') {
      for (const child of node.childNodes) this.block(child, {...context, quote: true})
    } else if (name === 'table') {
      const line = this.paragraph + 1
      const cells: Inline[] = []
      for (const cell of descendants(node, (element) => element.nodeName === 'p')) {
        const cellLine = ++this.paragraph
        if (cells.length > 0) cells.push({kind: 'break', hard: true, line: cellLine})
        cells.push(...this.inlines(cell.childNodes, [], undefined, cellLine))
      }
      this.blocks.push({type: 'table', line, inlines: cells})
    } else {
      for (const child of node.childNodes) this.block(child, context)
    }
  }

  private inlines(nodes: Node[], marks: Mark[], href: string | undefined, line: number): Inline[] {
    const inlines: Inline[] = []
    for (const node of nodes) {
      if (node.nodeName === '#text') {
        const text = (node as DefaultTreeAdapterTypes.TextNode).value
        if (text) inlines.push({kind: 'text', text, marks, ...(href ? {href} : {}), line})
        continue
      }
      if (!isElement(node)) continue
      const name = node.nodeName
      if (name === 'br') inlines.push({kind: 'break', hard: true, line})
      else if (name === 'strong' || name === 'b') {
        inlines.push(...this.inlines(node.childNodes, withMark(marks, 'strong'), href, line))
      } else if (name === 'em' || name === 'i') {
        inlines.push(...this.inlines(node.childNodes, withMark(marks, 'em'), href, line))
      } else if (name === 'a') {
        const target = attribute(node, 'href')
        // Word's bookmarks and footnote anchors are links within the document: keep their text.
        const external = target && !target.startsWith('#') ? target : href
        inlines.push(...this.inlines(node.childNodes, marks, external, line))
      } else if (name === 'img') {
        const index = /^docx-image:(\d+)$/.exec(attribute(node, 'src') ?? '')?.[1]
        const image = index === undefined ? undefined : this.images[Number(index)]
        const alt = attribute(node, 'alt')
        if (image) inlines.push({kind: 'image', image: {...image, ...(alt ? {alt} : {})}, line})
      } else if (name === 's' || name === 'del' || name === 'sup' || name === 'sub') {
        const text = textOf(node)
        const what = name === 'sup' || name === 'sub' ? 'super- or subscript' : 'strike-through'
        if (text) inlines.push({kind: 'degraded', text, what, line, marks})
      } else {
        inlines.push(...this.inlines(node.childNodes, marks, href, line))
      }
    }
    return inlines
  }
}

function isElement(node: Node): node is Element {
  return 'tagName' in node
}

function isList(node: Node): boolean {
  return node.nodeName === 'ul' || node.nodeName === 'ol'
}

function withMark(marks: Mark[], mark: Mark): Mark[] {
  return marks.includes(mark) ? marks : [...marks, mark]
}

function attribute(element: Element, name: string): string | undefined {
  return element.attrs.find((attr) => attr.name === name)?.value
}

function textOf(node: Node): string {
  if (node.nodeName === '#text') return (node as DefaultTreeAdapterTypes.TextNode).value
  return isElement(node) ? node.childNodes.map(textOf).join('') : ''
}

function descendants(element: Element, test: (element: Element) => boolean): Element[] {
  const found: Element[] = []
  for (const child of element.childNodes) {
    if (!isElement(child)) continue
    if (test(child)) found.push(child)
    else found.push(...descendants(child, test))
  }
  return found
}
