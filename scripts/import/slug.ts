/** Letters that Unicode normalisation does not split into a base letter and a diacritic. */
const SPECIAL_LETTERS: Record<string, string> = {
  æ: 'ae',
  ø: 'o',
  œ: 'oe',
  ß: 'ss',
  đ: 'd',
  ð: 'd',
  ł: 'l',
  þ: 'th',
  ı: 'i',
}

/** The maximum length of a slug, as in the content model's slug fields. */
export const SLUG_MAX_LENGTH = 96

/**
 * Lower-case ASCII slug: diacritics folded (å→a, ä→a, ö→o, š→s, ž→z), every run of other
 * characters turned into one dash, no dashes at the ends, at most 96 characters.
 */
export function slugify(text: string): string {
  const folded = text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .replace(/[^\x00-\x7f]/g, (char) => SPECIAL_LETTERS[char] ?? '-')
  return folded
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, SLUG_MAX_LENGTH)
    .replace(/^-+|-+$/g, '')
}
