/**
 * Heading levels for rich text placed under a page's own headings. Editors pick "Rubrik 2–4"
 * relative to the text; on the page the text sits under e.g. a question's <h2>, so its headings
 * start one level below that, and no level is ever skipped (an <h4> straight after an <h2> becomes
 * an <h3>), which screen-reader users rely on to navigate.
 */

export type HeadingLevel = 1 | 2 | 3 | 4 | 5 | 6

const STYLE_RANK: Readonly<Record<string, number>> = {h1: 0, h2: 1, h3: 2, h4: 3, h5: 4, h6: 5}

export function isHeadingStyle(style: string | undefined): boolean {
  return style !== undefined && style in STYLE_RANK
}

interface BlockLike {
  _key?: string
  _type: string
  style?: string
}

function clampLevel(level: number): HeadingLevel {
  return Math.max(1, Math.min(6, level)) as HeadingLevel
}

/**
 * The level each heading block gets when the text sits under a heading of `parentLevel`
 * (0 = at the top of the page's main content, directly under nothing). Keyed by `_key`.
 */
export function headingLevels(
  blocks: readonly BlockLike[],
  parentLevel: number,
): Map<string, HeadingLevel> {
  const levels = new Map<string, HeadingLevel>()
  let previous = parentLevel
  for (const block of blocks) {
    if (block._type !== 'block' || !isHeadingStyle(block.style) || !block._key) continue
    const wanted = parentLevel + Math.max(1, STYLE_RANK[block.style as string])
    const level = clampLevel(Math.min(wanted, previous + 1))
    levels.set(block._key, level)
    previous = level
  }
  return levels
}

/** The heading level below `level`, never deeper than <h6>. */
export function childLevel(level: HeadingLevel): HeadingLevel {
  return clampLevel(level + 1)
}
