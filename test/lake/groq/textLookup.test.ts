/**
 * The superset rule of lake/groq/plan/textLookup.ts: every document groq-js's `match` accepts is
 * hit by the FTS5 lookup (checked against the real tokenizer of lake/store/schema.ts), and the
 * planner falls back to no narrowing where the rule doesn't apply.
 */
import {DatabaseSync} from 'node:sqlite'
import {evaluate, parse, type ExprNode} from 'groq-js'
import {afterAll, describe, expect, it} from 'vitest'
import {
  candidateLookup,
  ftsExpression,
  hits,
  NOTHING,
  patternQuery,
  SAFE,
  textQueryOf,
  textTokens,
  type TextQuery,
} from '../../../lake/groq/plan/textLookup.ts'
import {SCHEMA} from '../../../lake/store/schema.ts'
import {seededRandom} from '../../../testkit/seededRandom.ts'

/** An in-memory FTS5 table defined exactly as the lake's `documents_text`. */
const ftsTable = /CREATE VIRTUAL TABLE IF NOT EXISTS documents_text USING fts5\(([^;]*)\);/.exec(
  SCHEMA,
)?.[1]
const db = new DatabaseSync(':memory:')
db.exec(`CREATE VIRTUAL TABLE t USING fts5(${ftsTable})`)
afterAll(() => db.close())

function ftsHits(texts: readonly string[], query: TextQuery): Set<number> {
  db.exec('DELETE FROM t')
  const insert = db.prepare('INSERT INTO t (rowid, text) VALUES (?, ?)')
  texts.forEach((text, i) => insert.run(i + 1, text))
  const expression = ftsExpression(query)
  if (expression === null) return new Set()
  const rows = db.prepare('SELECT rowid FROM t WHERE t MATCH ?').all(expression)
  return new Set(rows.map((row) => Number(row.rowid) - 1))
}

async function groqMatch(text: unknown, pattern: unknown): Promise<boolean> {
  const value = await evaluate(parse('$text match $pattern'), {params: {text, pattern}})
  return (await value.get()) === true
}

const lookupOf = (filter: string, params: Record<string, unknown> = {}) => {
  const tree = parse(`*[${filter}]`, {params}) as ExprNode & {expr: ExprNode}
  return tree.expr
}

describe('patternQuery', () => {
  it('a word prefix: the word as an FTS5 prefix, or one of its proper prefixes as a whole token', () => {
    expect(ftsExpression(patternQuery('Anna*') as TextQuery)).toBe(
      '("anna"* OR "a" OR "an" OR "ann")',
    )
  })
  it('a whole word: exact tokens only', () => {
    expect(ftsExpression(patternQuery('anna') as TextQuery)).toBe(
      '("anna" OR "a" OR "an" OR "ann")',
    )
  })
  it('Swedish letters are letters, case-folded like groq-js', () => {
    expect(ftsExpression(patternQuery('Söder*') as TextQuery)).toBe(
      '("söder"* OR "s" OR "sö" OR "söd" OR "söde")',
    )
    expect(ftsExpression(patternQuery('ÅSA') as TextQuery)).toBe('("åsa" OR "å" OR "ås")')
  })
  it('punctuation inside a term stops the lookup there ("don\'t" → a "don" prefix)', () => {
    expect(ftsExpression(patternQuery("don't") as TextQuery)).toBe('("don"* OR "d" OR "do")')
  })
  it('dots next to letters vanish in groq-js ("a.b" is the term "ab")', () => {
    expect(ftsExpression(patternQuery('a.b') as TextQuery)).toBe('("ab" OR "a")')
  })
  it('several terms: all of them (groq-js needs every term)', () => {
    expect(ftsExpression(patternQuery('Anna Lind*') as TextQuery)).toContain(' AND ')
    expect(ftsExpression(patternQuery(['ab', 'cd']) as TextQuery)).toBe(
      '(("ab" OR "a") AND ("cd" OR "c"))',
    )
  })
  it('terms that start with a wildcard or a non-letter are dropped; if none is left, no narrowing', () => {
    expect(patternQuery('*anna')).toBeNull()
    expect(patternQuery("'quoted'")).toBeNull()
    expect(ftsExpression(patternQuery('*x anna*') as TextQuery)).toBe(
      '("anna"* OR "a" OR "an" OR "ann")',
    )
  })
  it('one-letter prefixes are not looked up', () => {
    expect(patternQuery('a*')).toBeNull()
    expect(ftsExpression(patternQuery('a') as TextQuery)).toBe('"a"')
  })
  it('letters folded differently by JS and unicode61 are not used (ß, İ, ı, ligatures, Kelvin)', () => {
    for (const pattern of ['ß*', 'straße', 'İstanbul', 'ıi', 'ﬁnd', '\u212Aelvin', 'ǅ*']) {
      const query = patternQuery(pattern)
      const lead = query && ftsExpression(query)
      expect(lead ?? '', pattern).not.toMatch(/[ßİıﬁ\u212Aǅ]/)
    }
    expect(patternQuery('ß*')).toBeNull()
    expect(ftsExpression(patternQuery('straße*') as TextQuery)).toBe(
      '("stra"* OR "s" OR "st" OR "str")',
    )
  })
  it('patterns that never match look up nothing', () => {
    expect(patternQuery('')).toBe(NOTHING)
    expect(patternQuery('!!! ---')).toBe(NOTHING)
    expect(patternQuery(['anna', 3])).toBe(NOTHING)
    expect(patternQuery(null)).toBe(NOTHING)
    expect(ftsExpression(NOTHING)).toBeNull()
  })
})

describe('textQueryOf / candidateLookup', () => {
  it('narrows path match constants, through && and ||', () => {
    expect(textQueryOf(lookupOf('title match "ab"'))).not.toBeNull()
    expect(textQueryOf(lookupOf('title match $q', {q: 'ab'}))).not.toBeNull()
    expect(textQueryOf(lookupOf('author.name match ["ab", "cd"]'))).not.toBeNull()
    expect(textQueryOf(lookupOf('[title, name] match "ab"'))).not.toBeNull()
    expect(textQueryOf(lookupOf('[@, title] match "ab"'))).not.toBeNull()
    expect(textQueryOf(lookupOf('(title match "ab" || name match "cd")'))?.kind).toBe('or')
    expect(textQueryOf(lookupOf('n > 1 && title match "ab"'))).not.toBeNull()
    expect(textQueryOf(lookupOf('title match "ab" && name match "cd"'))?.kind).toBe('and')
  })
  it('does not narrow what the index does not hold or what is not a constant', () => {
    for (const filter of [
      '_id match "ab"',
      '_type match "ab"',
      'body[0]._key match "ab"',
      'a._b match "ab"',
      '[@, _id] match "ab"',
      'title match name',
      '"ab" match title',
      'lower(title) match "ab"',
      'pt::text(body) match "ab"',
      '!(title match "ab")',
      'title match "ab" || n > 1',
      '(title match "ab") == false',
      '^.title match "ab"',
    ]) {
      expect(textQueryOf(lookupOf(filter)), filter).toBeNull()
    }
  })
  it('prefers an _id/slug/references lookup, and intersects with _type', () => {
    expect(candidateLookup(lookupOf('_id == "x" && title match "ab"'))?.field).toBe('_id')
    expect(candidateLookup(lookupOf('references("x") && title match "ab"'))?.field).toBe(
      'references',
    )
    const lookup = candidateLookup(
      lookupOf('_type in ["a", "b"] && (title match "ab" || name match "cd")'),
    )
    expect(lookup?.field).toBe('text')
    expect(lookup?.field === 'text' && lookup.within).toEqual({field: '_type', values: ['a', 'b']})
    expect(candidateLookup(lookupOf('_type == "a" && title match "*x"'))?.field).toBe('_type')
  })
})

describe('soundness against groq-js and the real unicode61 tokenizer', () => {
  it("SAFE letters: each one's case-insensitive class folds to the same FTS5 token", () => {
    const safe: string[] = []
    const units: string[] = []
    for (let code = 0; code < 0x10000; code++) {
      if (code >= 0xd800 && code < 0xe000) continue
      const char = String.fromCharCode(code)
      units.push(char)
      if (SAFE.test(char)) safe.push(char)
    }
    expect(safe.length).toBeGreaterThan(100)
    for (const char of safe) {
      const regex = new RegExp(`^${char}$`, 'i')
      const equal = units.filter((unit) => regex.test(unit))
      const found = ftsHits(equal, {kind: 'token', token: char.toLowerCase(), prefix: false})
      expect(found.size, `${char}: ${equal.join(' ')}`).toBe(equal.length)
      expect(
        equal.every((unit) => unit.toLowerCase() === char.toLowerCase()),
        char,
      ).toBe(true)
    }
  })

  it('random texts and patterns: whatever groq-js matches, the FTS5 lookup (and the JS one) hits', async () => {
    const random = seededRandom(1402)
    const ALPHABET = [..."aAnNsSoO0 1.._'-,!*öÖåÄßİıﬁ\u212A«»–’ "]
    const word = (length: number) =>
      Array.from({length}, () => ALPHABET[Math.floor(random() * ALPHABET.length)]).join('')
    const texts = Array.from({length: 400}, () => word(1 + Math.floor(random() * 14)))
    let narrowed = 0
    let matched = 0
    for (let round = 0; round < 1000; round++) {
      // Patterns: random, or cut from a text (so they often match), with case and wildcards.
      const base = random() < 0.5 ? word(1 + Math.floor(random() * 5)) : texts[round % texts.length]
      const start = Math.floor(random() * base.length)
      let pattern = base.slice(start, start + 1 + Math.floor(random() * 6))
      if (random() < 0.3) pattern = pattern.toUpperCase()
      if (random() < 0.5) pattern += '*'
      const query = patternQuery(pattern)
      if (query === null) continue
      narrowed++
      const found = ftsHits(texts, query)
      for (const [i, text] of texts.entries()) {
        if (!(await groqMatch(text, pattern))) continue
        matched++
        expect(found.has(i), `${JSON.stringify(text)} match ${JSON.stringify(pattern)}`).toBe(true)
        expect(hits(query, textTokens(text)), `JS: ${JSON.stringify(text)}`).toBe(true)
      }
    }
    expect(narrowed).toBeGreaterThan(250)
    expect(matched).toBeGreaterThan(500)
  }, 60_000)

  it('the edge cases by name', async () => {
    const cases: Array<[string, string]> = [
      ['an.na', 'anna*'],
      ['An.Na', 'ANNA'],
      ['x ..anna.. y', 'anna'],
      ['Södertälje', 'söder*'],
      ['SÖDERTÄLJE', 'Södertälje'],
      ["don't", "don't"],
      ['a.b.c', 'abc'],
      ['ö.b', 'öb*'],
      ['straße', 'stra*'],
    ]
    for (const [text, pattern] of cases) {
      expect(await groqMatch(text, pattern), `${text} / ${pattern}`).toBe(true)
      const query = patternQuery(pattern) as TextQuery
      expect(ftsHits([text], query).has(0), `${text} / ${pattern}`).toBe(true)
    }
  })
})
