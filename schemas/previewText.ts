interface BlockLike {
  _type?: string
  children?: Array<{text?: unknown}>
}

/** The text of the first text block, for list previews of rich text. */
export function plainTextFromBlocks(blocks: unknown): string {
  if (!Array.isArray(blocks)) return ''
  const firstTextBlock = (blocks as BlockLike[]).find(
    (block) => block?._type === 'block' && Array.isArray(block.children),
  )
  return (firstTextBlock?.children ?? [])
    .map((child) => (typeof child.text === 'string' ? child.text : ''))
    .join('')
}
