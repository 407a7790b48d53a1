/**
 * Sanity's search syntax (`text::query()`, the Studio's search box), parsed in one place for its
 * two readers: the GROQ rewrite into groq-js `match` patterns (lake/groq/textQuery.ts, whose
 * header lists the decisions) and the store's FTS5 search (lake/store/textIndex.ts `ftsQuery`).
 *
 * - Terms are separated by whitespace; `-` before a term excludes it.
 * - `"a phrase"` (the closing quote optional) is one term of several words in order; `*` inside
 *   quotes is not a wildcard.
 * - Any other term's words are split the way groq-js's `match` splits patterns (on whitespace and
 *   `!@#$%^&(),\/?";:{}|[]+<>-`, after deleting dots next to a word boundary), so "e-post" is the
 *   two words "e" and "post", and `word*` keeps its `*` (a prefix, or groq-js's wildcard inside a
 *   word); a term with no word in it (`-`, `!!`) is dropped.
 */

/** One term of a search. */
export interface SearchTerm {
  /** Its words (groq-js patterns; a phrase's without `*`). */
  words: string[]
  /** A quoted phrase of two or more words (one quoted word is a plain word). */
  phrase: boolean
  excluded: boolean
}

// groq-js's `match` tokeniser (shared.js `CHARS`, `CHARS_WITH_WILDCARD`, `EDGE_CHARS`), so the
// words are exactly the ones groq-js would split the search into itself.
const WORD = /[^!@#$%^&*(),\\/?";:{}|[\]+<>\s-]+/g
const WORD_WITH_WILDCARD = /[^!@#$%^&(),\\/?";:{}|[\]+<>\s-]+/g
const EDGE_DOTS = /(\b\.+|\.+\b)/g

/** An optional `-`, then a quoted phrase (closing quote optional) or a run of non-space. */
const TERM = /(-?)(?:"([^"]*)"?|([^\s"]+))/gu

function wordsOf(text: string, pattern: RegExp): string[] {
  return text.replace(EDGE_DOTS, '').match(pattern) ?? []
}

/** The terms of a search in Sanity's syntax (see the module comment). */
export function parseSearch(search: string): SearchTerm[] {
  const terms: SearchTerm[] = []
  for (const [, minus, phrase, word] of search.matchAll(TERM)) {
    const quoted = phrase !== undefined
    const words = quoted ? wordsOf(phrase, WORD) : wordsOf(word, WORD_WITH_WILDCARD)
    if (words.length === 0) continue
    terms.push({words, phrase: quoted && words.length > 1, excluded: minus === '-'})
  }
  return terms
}
