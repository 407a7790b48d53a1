/**
 * The Studio's default search (`groq2024`: `text::query()`, `score()`/`boost()` ordering) against a
 * real lake over HTTP, through sanity's own search code (testkit/studioSearch.ts), so the queries
 * are exactly the Studio's: the expected document comes first for realistic searches.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {startTestLake, type TestLake} from '../../../testkit/lake.ts'
import {studioSearch, type StudioSearchRequest} from '../../../testkit/studioSearch.ts'

const block = (key: string, text: string) => ({
  _key: key,
  _type: 'block',
  style: 'normal',
  markDefs: [],
  children: [{_key: `${key}s`, _type: 'span', marks: [], text}],
})

const DOCUMENTS: Array<{_id: string; _type: string; [field: string]: unknown}> = [
  {_id: 'person-eva', _type: 'person', name: 'Eva Exempel', role: 'Centrumledare'},
  {_id: 'person-evert', _type: 'person', name: 'Evert Andersson', role: 'Handlare'},
  {_id: 'city-1', _type: 'city', name: 'Södertälje', county: 'Stockholms län'},
  {
    _id: 'interview-title',
    _type: 'interview',
    title: 'Södertälje bygger om sitt centrum',
    interviewee: {_type: 'reference', _ref: 'person-evert'},
  },
  {
    _id: 'interview-mention',
    _type: 'interview',
    title: 'Handeln i stadskärnan',
    interviewee: {_type: 'reference', _ref: 'person-eva'},
    questions: [
      {
        _key: 'q1',
        _type: 'qaPair',
        question: 'Var började ni?',
        answer: [block('a1', 'Vi började med ett studiebesök, bland annat i Södertälje.')],
      },
    ],
  },
  {
    _id: 'interview-other',
    _type: 'interview',
    title: 'Torghandel förr och nu',
    lead: 'Om torget i Norrtälje',
  },
]

let lake: TestLake
let search: ReturnType<typeof studioSearch>
const requests: StudioSearchRequest[] = []
const ids = async (text: string) => (await search(text)).map((hit) => hit._id)

beforeAll(async () => {
  lake = await startTestLake()
  const client = lake.client()
  const tx = client.transaction()
  for (const doc of DOCUMENTS) tx.create(doc)
  await tx.commit()
  search = studioSearch(client, (request) => requests.push(request))
}, 60_000)
afterAll(async () => {
  await lake?.stop()
})

describe('the Studio search (groq2024) over HTTP', () => {
  it('sends text::query() with score()/boost() and gets answers, not errors', async () => {
    expect(await ids('södertälje')).toContain('interview-title')
    const main = requests.find((request) => request.query.includes('score('))
    expect(main?.query).toContain('[@, _id] match text::query($__query)')
    expect(main?.query).toMatch(/boost\(_type in \[[^\]]*"interview"[^\]]*\] && title match/)
    expect(main?.params).toMatchObject({__query: 'södertälje*', __rawQuery: 'södertälje'})
    expect(lake.logs.filter((line) => / (4|5)\d\d /.test(line))).toEqual([])
  })

  it('puts the exact title hit first, above the city and a passing mention in body text', async () => {
    expect(await ids('södertälje')).toEqual(['interview-title', 'city-1', 'interview-mention'])
    expect(await ids('SÖDERTÄLJE')).toEqual(await ids('södertälje'))
  })

  it('finds by prefix as the user types (the last term gets a *), with å, ä, ö as letters', async () => {
    expect((await ids('söder'))[0]).toBe('interview-title')
    expect(await ids('sodertalje')).toEqual([])
    expect(await ids('Norrtä')).toEqual(['interview-other'])
  })

  it('finds a person by name, then the interview that references them', async () => {
    expect(await ids('Eva Exempel')).toEqual(['person-eva', 'interview-mention'])
    expect((await ids('eva exe'))[0]).toBe('person-eva')
    expect(await ids('Evert')).toEqual(['person-evert', 'interview-title'])
  })

  it('honours phrases and exclusions', async () => {
    expect(await ids('"bygger om" södertälje')).toEqual(['interview-title'])
    expect(await ids('"om bygger" södertälje')).toEqual([])
    expect(await ids('södertälje -centrum')).toEqual(['city-1', 'interview-mention'])
  })

  it('finds a document by its id', async () => {
    expect(await ids('interview-other')).toEqual(['interview-other'])
  })
})
