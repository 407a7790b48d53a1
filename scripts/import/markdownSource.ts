/**
 * Markdown → source blocks, through markdown-it's token stream (no hand-written Markdown parsing).
 * Line numbers are the file's: markdown-it reports each block's first line, and every line break
 * inside a paragraph moves to the next line.
 */
import MarkdownIt from 'markdown-it'
import type {Token} from 'markdown-it'

import type {Inline, Mark, SourceBlock} from './sourceBlocks.ts'

const markdown = new MarkdownIt('default', {html: false, linkify: true, typographer: false})

/** The blocks of a Markdown text; `firstLine` is the file line of the text's first line. */
export function markdownBlocks(text: string, firstLine = 1): SourceBlock[] {
  const tokens = markdown.parse(text, {})
  const blocks: SourceBlock[] = []
  const lists: Array<'bullet' | 'number'> = []
  let quoteDepth = 0
  let heading: number | undefined
  let tableStart: number | undefined
  let tableCells: Inline[] = []
  let ordinal: number | undefined
  const lineOf = (token: Token) => firstLine + (token.map?.[0] ?? 0)

  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]
    switch (token.type) {
      case 'bullet_list_open':
        lists.push('bullet')
        break
      case 'ordered_list_open':
        lists.push('number')
        break
      case 'bullet_list_close':
      case 'ordered_list_close':
        lists.pop()
        break
      case 'blockquote_open':
        quoteDepth++
        break
      case 'blockquote_close':
        quoteDepth--
        break
      case 'heading_open':
        heading = Number(token.tag.slice(1))
        break
      case 'heading_close':
        heading = undefined
        break
      case 'table_open':
        tableStart = lineOf(token)
        tableCells = []
        break
      case 'table_close':
        blocks.push({type: 'table', line: tableStart ?? lineOf(token), inlines: tableCells})
        tableStart = undefined
        break
      case 'list_item_open':
        ordinal = /^\d+$/.test(token.info) ? Number(token.info) : undefined
        break
      case 'hr':
        blocks.push({type: 'rule', line: lineOf(token), inlines: []})
        break
      case 'code_block':
      case 'fence':
        blocks.push({
          type: 'code',
          line: lineOf(token),
          inlines: [
            {
              kind: 'degraded',
              text: token.content.trim(),
              what: 'a code block',
              line: lineOf(token),
              marks: [],
            },
          ],
        })
        break
      case 'inline': {
        const line = lineOf(token)
        const inlines = inlineRuns(token.children ?? [], line)
        if (tableStart !== undefined) {
          if (tableCells.length > 0) tableCells.push({kind: 'break', hard: true, line})
          tableCells.push(...inlines)
          break
        }
        const list = lists.at(-1)
        blocks.push({
          type: heading !== undefined ? 'heading' : list ? 'listItem' : 'paragraph',
          ...(heading !== undefined ? {level: heading} : {}),
          ...(heading === undefined && list ? {listItem: list, level: lists.length} : {}),
          ...(heading === undefined && list === 'number' && ordinal !== undefined ? {ordinal} : {}),
          ...(quoteDepth > 0 ? {quote: true} : {}),
          line,
          inlines,
        })
        ordinal = undefined
        break
      }
      default:
        break
    }
  }
  return blocks
}

function inlineRuns(children: Token[], firstLine: number): Inline[] {
  const inlines: Inline[] = []
  const marks: Mark[] = []
  const links: string[] = []
  let line = firstLine
  for (const child of children) {
    switch (child.type) {
      case 'strong_open':
        marks.push('strong')
        break
      case 'em_open':
        marks.push('em')
        break
      case 'strong_close':
      case 'em_close':
        marks.splice(marks.lastIndexOf(child.type === 'strong_close' ? 'strong' : 'em'), 1)
        break
      case 'link_open':
        links.push(child.attrGet('href') ?? '')
        break
      case 'link_close':
        links.pop()
        break
      case 'softbreak':
      case 'hardbreak':
        line++
        inlines.push({kind: 'break', hard: child.type === 'hardbreak', line})
        break
      case 'text': {
        const href = links.at(-1)
        inlines.push({
          kind: 'text',
          text: child.content,
          marks: [...marks],
          ...(href ? {href} : {}),
          line,
        })
        break
      }
      case 'code_inline':
        inlines.push({
          kind: 'degraded',
          text: child.content,
          what: 'inline code',
          line,
          marks: [...marks],
        })
        break
      case 's_open':
      case 's_close':
        if (child.type === 's_open') {
          inlines.push({kind: 'degraded', text: '', what: 'strike-through', line, marks: []})
        }
        break
      case 'image':
        inlines.push({
          kind: 'image',
          image: {src: child.attrGet('src') ?? '', alt: child.content || undefined},
          line,
        })
        break
      default:
        if (child.content)
          inlines.push({kind: 'text', text: child.content, marks: [...marks], line})
    }
  }
  return inlines
}
