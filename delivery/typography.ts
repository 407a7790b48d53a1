/**
 * Swedish typography for text typed by editors: Swedish quotation marks are ” on both sides,
 * apostrophes are ’, a spaced hyphen is a dash (tankstreck) and three dots an ellipsis.
 */
/** Applies Swedish typography to plain text. Idempotent. */
export function typesetSwedish(text: string): string {
  return text
    .replace(/["“„]/g, '”')
    .replace(/['‘]/g, '’')
    .replace(/(^|\s)--?(?=\s)/g, '$1–')
    .replace(/\.\.\./g, '…')
}

const QUOTE_MARKS = /^[\s"”“„«»']+|[\s"”“„«»']+$/g

/** A quotation wrapped in Swedish quotation marks, whether or not the editor typed them. */
export function quoteSwedish(text: string): string {
  return `”${typesetSwedish(text.replace(QUOTE_MARKS, ''))}”`
}

interface SpanLike {
  _type: string
  text?: string
}

/** Portable Text with {@link typesetSwedish} applied to every text span; the input is not changed. */
export function typesetBlocks<B extends {_type: string}>(blocks: readonly B[]): B[] {
  return blocks.map((block) => {
    const children = (block as {children?: unknown}).children
    if (block._type !== 'block' || !Array.isArray(children)) return block
    return {
      ...block,
      children: children.map((child: SpanLike) =>
        child._type === 'span' && typeof child.text === 'string'
          ? {...child, text: typesetSwedish(child.text)}
          : child,
      ),
    }
  })
}
