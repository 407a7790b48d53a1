/**
 * `text::query()` (lake/groq/textQuery.ts): Sanity's search syntax rewritten into plain groq-js
 * `match` nodes, checked by evaluating the rewritten tree with groq-js over small documents.
 */
import {evaluate, parse, type ExprNode} from 'groq-js'
import {describe, expect, it} from 'vitest'
import {
  isDocumentContent,
  parseTextQuery,
  rewriteTextQueries,
  TEXT_MATCH_SCORE,
  withDocumentContent,
} from '../../../lake/groq/textQuery.ts'
import {LakeError} from '../../../lake/core/errors.ts'
import {someNode} from '../../../lake/groq/walk.ts'

const DOCS = [
  {_id: 'a', title: 'Södertälje kommun', body: 'Nya torget i centrum'},
  {_id: 'b', title: 'Gamla stan', body: 'En promenad i gamla stan, nära Stortorget'},
  {_id: 'c', title: 'Sodertalje utan prickar', body: 'stan gamla, i omvänd ordning'},
  {_id: 'd', title: 'Öster om torget', body: 'e-post till ÅSA'},
  {_id: 'e', title: 'Kyrkan', body: 'Torget framför kyrkan'},
  {
    _id: 'f',
    _type: 'page',
    sections: [{_key: 'hamnkey', _type: 'section', heading: 'Hamnen', items: [['djupt nere']]}],
    ref: {_type: 'reference', _ref: 'a'},
  },
]
const dereference = withDocumentContent((id) => DOCS.find((doc) => doc._id === id))

async function ids(filter: string, search: unknown): Promise<string[]> {
  const query = `*[${filter}]._id`
  const tree = rewriteTextQueries(parse(query, {params: {q: search}}), query)
  return (await (await evaluate(tree, {dataset: DOCS, dereference})).get()) as string[]
}

const search = (q: string) => ids('[title, body] match text::query($q)', q)

describe('parseTextQuery', () => {
  it('splits words, phrases, prefixes and exclusions the way groq-js splits match patterns', () => {
    expect(parseTextQuery('söder* "Gamla stan" -kyrka -"nya torget" e-post , !!')).toEqual({
      words: ['söder*', 'Gamla', 'stan', 'e', 'post'],
      phrases: [['gamla', 'stan']],
      excluded: [
        {parts: ['kyrka'], phrase: false},
        {parts: ['nya', 'torget'], phrase: true},
      ],
    })
    expect(parseTextQuery('"unterminated phrase')).toMatchObject({
      phrases: [['unterminated', 'phrase']],
    })
    expect(parseTextQuery('   ')).toEqual({words: [], phrases: [], excluded: []})
  })
})

describe('X match text::query()', () => {
  it('requires every word, in any order, case-insensitively', async () => {
    expect(await search('torget')).toEqual(['a', 'd', 'e'])
    expect(await search('TORGET kyrkan')).toEqual(['e'])
    expect(await search('kyrkan torget')).toEqual(['e'])
    expect(await search('torget saknas')).toEqual([])
  })

  it('keeps å, ä, ö as letters of their own: "Södertälje" by "södertälje" and "söder*", not "sodertalje"', async () => {
    expect(await search('södertälje')).toEqual(['a'])
    expect(await search('SÖDERTÄLJE')).toEqual(['a'])
    expect(await search('söder*')).toEqual(['a'])
    expect(await search('sodertalje')).toEqual(['c'])
    expect(await search('öster')).toEqual(['d'])
    expect(await search('åsa')).toEqual(['d'])
  })

  it('matches word* as a prefix, and a word only as a whole word', async () => {
    expect(await search('tor*')).toEqual(['a', 'd', 'e'])
    expect(await search('stor*')).toEqual(['b'])
    expect(await search('torg')).toEqual([])
    expect(await search('kyrk*')).toEqual(['e'])
  })

  it('matches a "phrase" only with its words adjacent and in order', async () => {
    expect(await search('"gamla stan"')).toEqual(['b'])
    expect(await search('"stan gamla"')).toEqual(['c'])
    expect(await search('gamla stan')).toEqual(['b', 'c'])
    expect(await search('"nya torget" centrum')).toEqual(['a'])
    expect(await search('"torget nya"')).toEqual([])
  })

  it('excludes -word and -"phrase"', async () => {
    expect(await search('torget -kyrkan')).toEqual(['a', 'd'])
    expect(await search('stan -"gamla stan"')).toEqual(['c'])
    expect(await search('stan -"stan nära"')).toEqual(['b', 'c'])
    expect(await search('-torget')).toEqual(['b', 'c', 'f'])
  })

  it('matches nothing for a search without terms, and splits punctuated words', async () => {
    expect(await search('')).toEqual([])
    expect(await search('  -  ')).toEqual([])
    expect(await search('e-post')).toEqual(['d'])
    expect(await search('post-e')).toEqual(['d'])
  })

  it('works on one field, inside boost()/score(), and leaves plain match untouched', async () => {
    expect(await ids('title match text::query($q)', 'torget')).toEqual(['d'])
    const query =
      '*[title match "torget" || body match "torget"] | score(boost(title match text::query($q), 10), [@, _id] match text::query($q), body match text::query($q)) {_id, _score}'
    const tree = rewriteTextQueries(parse(query, {params: {q: 'torget'}}), query)
    const hits = (await (await evaluate(tree, {dataset: DOCS, dereference})).get()) as Array<{
      _id: string
    }>
    // The title hit first, then the body mentions.
    expect(hits.map((hit) => hit._id)).toEqual(['d', 'a', 'e'])
    const plain = parse('*[title match "söder*"]')
    expect(rewriteTextQueries(plain, '')).toBe(plain)
  })

  it('searches the content of the whole document for @ (not _id, _type, keys or references)', async () => {
    const all = (q: string) => ids('[@, _id] match text::query($q)', q)
    expect(await all('kommun')).toEqual(['a'])
    expect(await all('hamn*')).toEqual(['f'])
    expect(await all('djupt')).toEqual(['f'])
    expect(await all('"gamla stan" stortorget')).toEqual(['b'])
    // `_id` only where the query names it.
    expect(await all('c')).toEqual(['c'])
    expect(await ids('@ match text::query($q)', 'c')).toEqual([])
    for (const hidden of ['page', 'hamnkey', 'section', 'reference']) {
      expect(await ids('@ match text::query($q)', hidden), hidden).toEqual([])
    }
    // A projected object without `_id` is not a document: nothing to search, as in groq-js.
    const query = '*[_id == "a"]{"x": {title}}[x[@ match text::query("kommun")] != null]'
    const tree = rewriteTextQueries(parse(query), query)
    expect(await (await evaluate(tree, {dataset: DOCS, dereference})).get()).toEqual([])
  })

  it('scores only documents that match the whole search, also inside parentheses', async () => {
    const query =
      '*[] | score((title match text::query("gamla sta*") || references("nobody"))) {_id, _score}'
    const tree = rewriteTextQueries(parse(query), query)
    const hits = (await (await evaluate(tree, {dataset: DOCS, dereference})).get()) as Array<{
      _id: string
      _score: number
    }>
    const scores = Object.fromEntries(hits.map((hit) => [hit._id, hit._score]))
    // "Gamla stan": 1 (the exact match) + 2 (each word once) + TEXT_MATCH_SCORE.
    expect(scores.b).toBe(1 + 2 + TEXT_MATCH_SCORE)
    // Only one of the two words in the title: no score, although groq-js scores any one term.
    expect(scores.c).toBe(0)
    expect(scores.a).toBe(0)
  })

  it('produces plain match calls with constant string arrays', () => {
    const query = '*[[title, body] match text::query("a b* -c")]'
    const tree = rewriteTextQueries(parse(query), query)
    const isTextQuery = (node: {type: string}) =>
      node.type === 'FuncCall' && (node as {name?: string}).name === 'query'
    expect(someNode(tree, isTextQuery)).toBe(false)
    const rights: unknown[] = []
    const visit = (node: ExprNode) => {
      if (node.type === 'OpCall' && node.op === 'match') rights.push(node.right)
      for (const child of Object.values(node)) {
        if (child && typeof child === 'object' && 'type' in child) visit(child as ExprNode)
      }
    }
    visit(tree as ExprNode)
    // `[title, body]` stays as it is; `@` becomes a node the planner can recognise.
    const contentQuery = '*[[@, _id] match text::query("a")]'
    const content = rewriteTextQueries(parse(contentQuery), contentQuery) as ExprNode
    const lefts: ExprNode[] = []
    const collect = (node: ExprNode) => {
      if (node.type === 'OpCall' && node.op === 'match') lefts.push(node.left)
      for (const child of Object.values(node)) {
        if (child && typeof child === 'object' && 'type' in child) collect(child as ExprNode)
      }
    }
    collect(content)
    const [left] = lefts
    expect(left.type === 'Array' && left.elements.map((e) => isDocumentContent(e.value))).toEqual([
      true,
      false,
    ])
    expect(rights).toEqual([
      {type: 'Value', value: ['a', 'b*']},
      {type: 'Value', value: ['c']},
    ])
  })

  it('rejects text::query() outside match, or with a non-constant argument, as a 400', () => {
    const cases = [
      ['*[text::query("stad")]', 'outside `match`'],
      ['*[_type == "x"] | score(text::query("a"))', 'outside `match`'],
      ['*[title match text::query(body)]', 'constant string'],
      ['*[title match text::query(42)]', 'constant string'],
    ]
    for (const [query, reason] of cases) {
      let error: unknown
      try {
        rewriteTextQueries(parse(query), query)
      } catch (caught) {
        error = caught
      }
      expect(error, query).toBeInstanceOf(LakeError)
      const {status, body} = error as LakeError
      expect(status).toBe(400)
      expect(body).toMatchObject({
        error: {type: 'queryExecutionError', query, start: query.indexOf('text::query')},
      })
      expect((body as {error: {description: string}}).error.description).toContain(reason)
    }
  })
})
