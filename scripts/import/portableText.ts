import {createHash} from 'node:crypto'

import {markdownToPortableText} from '@portabletext/markdown'

import type {ParseWarning} from './errors.ts'

type ConversionOptions = NonNullable<Parameters<typeof markdownToPortableText>[1]>
type PortableTextSchema = NonNullable<ConversionOptions['schema']>

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

const named = (name: string) => ({name, value: name})

/**
 * The `blockContent` type of the content model (schemas/objects/blockContent.ts) in the shape the
 * Markdown converter understands, so that answers only ever contain what the Studio can edit.
 */
export const BLOCK_CONTENT_SCHEMA: PortableTextSchema = {
  block: {name: 'block'},
  span: {name: 'span'},
  styles: ['normal', 'h2', 'h3', 'h4', 'blockquote'].map(named),
  lists: ['bullet', 'number'].map(named),
  decorators: ['strong', 'em'].map(named),
  annotations: [{name: 'link', fields: [{name: 'href', type: 'string'}]}],
  blockObjects: [],
  inlineObjects: [],
}

/** A `_key` derived from its parts: the same parts give the same key on every import. */
export function deterministicKey(...parts: Array<string | number>): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 12)
}

/**
 * Converts Markdown to Portable Text limited to the `blockContent` schema. Keys are derived from
 * `scope` and each key's position, so the same text always gives the same keys. Constructs the
 * schema cannot hold (images, code, tables …) keep their text and are reported as warnings, with
 * line numbers in the file (`firstLine` is the file line of the Markdown's first line).
 */
export function markdownToBlocks(
  markdown: string,
  scope: string,
  firstLine: number,
  warnings: ParseWarning[],
): PortableTextBlock[] {
  let counter = 0
  const blocks = markdownToPortableText(markdown, {
    schema: BLOCK_CONTENT_SCHEMA,
    keyGenerator: () => deterministicKey(scope, counter++),
    onDegradation: ({degradations}) => {
      for (const degradation of degradations) {
        warnings.push({
          line: firstLine + (degradation.line ?? 1) - 1,
          message: degradation.message,
        })
      }
    },
  })
  return blocks.map((block) => normalizeBlock(block as unknown as PortableTextBlock))
}

/** Keeps the fields the content model knows, in a stable order, so stored and new compare equal. */
function normalizeBlock(block: PortableTextBlock): PortableTextBlock {
  return {
    _type: 'block',
    _key: block._key,
    style: block.style ?? 'normal',
    ...(block.listItem ? {listItem: block.listItem, level: block.level ?? 1} : {}),
    markDefs: (block.markDefs ?? []).map(({_type, _key, href}) => ({_type, _key, href})),
    children: block.children.map(({_type, _key, text, marks}) => ({
      _type,
      _key,
      text,
      marks: marks ?? [],
    })),
  }
}
