import {readFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'

import {describe, expect, it} from 'vitest'

import {main} from '../scripts/import/cli.ts'
import {
  ASSOCIATION,
  cityFromOrganizationName,
  InterviewParseError,
  parseInterview,
  planMutations,
  slugify,
  toDocuments,
  type ParsedInterview,
  type PlannedDocument,
  type PortableTextBlock,
} from '../scripts/import/index.ts'
import {deepEqual} from '../scripts/import/importInterviews.ts'

const fixtures = fileURLToPath(new URL('./fixtures/interviews/', import.meta.url))
const read = (name: string) => readFileSync(fixtures + name, 'utf8')
const parseFixture = (name: string) => parseInterview(read(name), name)

/** The text of every block, spans joined. */
const texts = (blocks: PortableTextBlock[]) =>
  blocks.map((block) => block.children.map((span) => span.text).join(''))

function parseError(source: string, file = 'bad.md'): InterviewParseError {
  try {
    parseInterview(source, file)
  } catch (error) {
    if (error instanceof InterviewParseError) return error
    throw error
  }
  throw new Error('expected the input to be rejected')
}

function byId(documents: PlannedDocument[], id: string): PlannedDocument {
  const document = documents.find((candidate) => candidate._id === id)
  if (!document) throw new Error(`no document ${id} in ${documents.map((d) => d._id).join(', ')}`)
  return document
}

const ref = (id: string) => ({_type: 'reference', _ref: id})

describe('slugify', () => {
  it('folds Swedish and other diacritics to lower-case ASCII with dashes', () => {
    expect(slugify('Aljoša Lagumdžija')).toBe('aljosa-lagumdzija')
    expect(slugify('Södertälje City')).toBe('sodertalje-city')
    expect(slugify('Åre, Älvsbyn & Öckerö')).toBe('are-alvsbyn-ockero')
    expect(slugify('  Ærø  Łódź – Straße  ')).toBe('aero-lodz-strasse')
    expect(slugify('”Citat” med 2 ord!')).toBe('citat-med-2-ord')
  })

  it('never starts or ends with a dash and stays within 96 characters', () => {
    const long = slugify(`${'Mycket lång rubrik '.repeat(10)}`)
    expect(long.length).toBeLessThanOrEqual(96)
    expect(long).not.toMatch(/^-|-$/)
    expect(slugify('---')).toBe('')
  })
})

describe('cityFromOrganizationName', () => {
  it('takes the city from "<City> City" and similar names', () => {
    expect(cityFromOrganizationName('Södertälje City')).toBe('Södertälje')
    expect(cityFromOrganizationName('Östersund Centrum')).toBe('Östersund')
    expect(cityFromOrganizationName('Växjö Stadskärna')).toBe('Växjö')
    expect(cityFromOrganizationName('Cityföreningen i Piteå')).toBe('Piteå')
  })

  it('gives nothing when the name does not say', () => {
    expect(cityFromOrganizationName('Svenska Stadskärnor')).toBeUndefined()
    expect(cityFromOrganizationName('Handelsgruppen AB')).toBeUndefined()
  })
})

describe('parseInterview: the complete fixture', () => {
  const parsed = parseFixture('fullstandig.md')

  it('reads the interviewee over a Markdown hard line break after leading blank lines', () => {
    expect(parsed.file).toBe('fullstandig.md')
    expect(parsed.title).toBeUndefined()
    expect(parsed.slug).toBeUndefined()
    expect(parsed.interviewee).toEqual({
      name: 'Mirela Kovačević Öberg',
      role: 'verksamhetsledare',
      organization: 'Alingsås City',
      roleLine: 'verksamhetsledare Alingsås City',
      line: 4,
    })
  })

  it('reads the pull quote without its opening quotation mark', () => {
    expect(parsed.pullQuote).toEqual({
      text: 'Med QM fick vi ett gemensamt språk för hela stadskärnan.',
      line: 7,
    })
  })

  it('keeps the questions in order, numbered or not', () => {
    expect(parsed.questions.map(({number, question, line}) => ({number, question, line}))).toEqual([
      {number: 1, question: 'Hur började ert arbete med kvalitetsmärkningen?', line: 9},
      {number: 2, question: 'Vilka områden prioriterade ni?', line: 15},
      {number: undefined, question: 'Vad skulle du säga till andra städer?', line: 23},
      {number: 3, question: 'Hur går ni vidare?', line: 27},
    ])
    expect(parsed.warnings).toEqual([
      {line: 27, message: "question 4 is numbered 3; the questions keep the file's order"},
    ])
  })

  it('turns an answer with emphasis and web and mailto links into Portable Text', () => {
    const [first, second] = parsed.questions[0].answer
    expect(parsed.questions[0].answer).toHaveLength(2)
    expect(first.style).toBe('normal')
    expect(first.listItem).toBeUndefined()
    expect(first.markDefs.map(({_type, href}) => ({_type, href}))).toEqual([
      {_type: 'link', href: 'https://www.alingsas-city.example/qm'},
      {_type: 'link', href: 'mailto:kansli@alingsas-city.example'},
    ])
    const [webLink, mailLink] = first.markDefs
    expect(first.children.map(({text, marks}) => ({text, marks}))).toEqual([
      {text: 'Vi började med en ', marks: []},
      {text: 'workshop', marks: ['em']},
      {text: ' för fastighetsägare och handlare. Läs mer på ', marks: []},
      {text: 'vår webbplats', marks: [webLink._key]},
      {text: ' eller mejla ', marks: []},
      {text: 'kansliet', marks: [mailLink._key]},
      {text: '.', marks: []},
    ])
    expect(second.children.map(({text, marks}) => ({text, marks}))).toEqual([
      {text: 'Det var ', marks: []},
      {text: 'avgörande', marks: ['strong']},
      {text: ' att kommunen var med från början – annars hade vi inte ”vågat” satsa.', marks: []},
    ])
  })

  it('turns a bulleted list into list blocks', () => {
    const answer = parsed.questions[1].answer
    expect(texts(answer)).toEqual([
      'Vi valde tre fokusområden:',
      'Trygghet och belysning',
      'Levande bottenvåningar',
      'Evenemang året runt',
    ])
    expect(answer.map(({listItem, level}) => ({listItem, level}))).toEqual([
      {listItem: undefined, level: undefined},
      {listItem: 'bullet', level: 1},
      {listItem: 'bullet', level: 1},
      {listItem: 'bullet', level: 1},
    ])
    expect(answer[2].children.map(({text, marks}) => ({text, marks}))).toEqual([
      {text: 'Levande', marks: ['em']},
      {text: ' bottenvåningar', marks: []},
    ])
  })

  it('gives every block, span and link a key, unique within its array', () => {
    const allBlocks = [...parsed.questions.flatMap((q) => q.answer), ...parsed.factSheet!.body]
    for (const block of allBlocks) {
      expect(block._key).toMatch(/^[0-9a-f]{12}$/)
      const inner = [...block.children, ...block.markDefs].map((item) => item._key)
      for (const key of inner) expect(key).toMatch(/^[0-9a-f]{12}$/)
      expect(new Set(inner).size).toBe(inner.length)
    }
    for (const question of parsed.questions) {
      const keys = question.answer.map((block) => block._key)
      expect(new Set(keys).size).toBe(keys.length)
    }
  })

  it('derives the same keys from the same text', () => {
    expect(parseFixture('fullstandig.md')).toEqual(parsed)
  })

  it('reads the fact section as Portable Text', () => {
    const factSheet = parsed.factSheet!
    expect(factSheet.title).toBe('Fakta om QM')
    expect(factSheet.line).toBe(31)
    expect(texts(factSheet.body)).toEqual([
      'Quality Mark är en kvalitetsmärkning för samverkan i stadskärnor. Märkningen delas ut av Svenska Stadskärnor efter en granskning.',
      'Ansökan görs av medlemmar',
      'Granskningen görs av en extern bedömare',
    ])
    expect(factSheet.body[0].children[1]).toMatchObject({
      text: 'Svenska Stadskärnor',
      marks: ['em'],
    })
    expect(factSheet.body[1]).toMatchObject({listItem: 'bullet', level: 1})
  })

  it('reads the contact person and the website', () => {
    expect(parsed.contact).toEqual({
      people: [
        {
          name: 'Tove Žagar Lindqvist',
          role: 'Projektledare',
          roleLine: 'Projektledare',
          email: 'tove.zagar@svenskastadskarnor.se',
          line: 40,
        },
      ],
      website: 'https://www.svenskastadskarnor.se',
      line: 38,
    })
  })
})

describe('parseInterview: other shapes', () => {
  it('reads a title heading, a one-line interviewee and a file without a fact section', () => {
    const parsed = parseFixture('utan-fakta.md')
    expect(parsed.title).toBe('Piteå satsar på samverkan')
    expect(parsed.interviewee).toEqual({
      name: 'Jonas Ärlebäck',
      role: 'centrumutvecklare',
      organization: 'Cityföreningen i Piteå',
      roleLine: 'centrumutvecklare i Cityföreningen i Piteå',
      line: 3,
    })
    expect(parsed.pullQuote).toEqual({text: 'Certifieringen gav oss arbetsro.', line: 5})
    expect(parsed.questions.map((q) => q.question)).toEqual([
      'Varför sökte ni QM?',
      'Vad har förändrats?',
    ])
    // Soft-wrapped lines join into one paragraph.
    expect(texts(parsed.questions[1].answer)).toEqual([
      'Fler fastighetsägare är med i föreningen i dag. Mötena har också blivit kortare.',
    ])
    expect(parsed.factSheet).toBeUndefined()
    expect(parsed.contact).toEqual({
      people: [
        {
          name: 'Jonas Ärlebäck',
          role: 'Centrumutvecklare',
          roleLine: 'Centrumutvecklare',
          phone: '0911-12 34 56',
          email: 'jonas@pitea-city.example',
          line: 18,
        },
      ],
      line: 16,
    })
    expect(parsed.warnings).toEqual([])
  })

  it('reads front matter and keeps line numbers true', () => {
    const parsed = parseInterview(
      [
        '---',
        'title: "Rubrik från front matter"',
        'slug: egen-adress',
        '---',
        'Ada Ek, vd, Exempel AB',
        '',
        '### Fråga?',
        '',
        'Svar.',
      ].join('\n'),
      'fm.md',
    )
    expect(parsed.title).toBe('Rubrik från front matter')
    expect(parsed.slug).toBe('egen-adress')
    expect(parsed.interviewee).toMatchObject({
      name: 'Ada Ek',
      role: 'vd',
      organization: 'Exempel AB',
    })
    expect(parsed.interviewee.line).toBe(5)
    expect(parsed.questions[0]).toMatchObject({question: 'Fråga?', line: 7})
    expect(parsed.pullQuote).toBeUndefined()
    expect(parsed.contact).toBeUndefined()
  })

  it('reads the interviewee in every supported spelling', () => {
    const interviewee = (line: string) =>
      parseInterview(`${line}\n\n### 1. Fråga?\n\nSvar.\n`, 'x.md').interviewee
    expect(interviewee('Ada Ek,\nvd\nExempelstad City')).toMatchObject({
      name: 'Ada Ek',
      role: 'vd',
      organization: 'Exempelstad City',
    })
    expect(interviewee('Ada Ek, vd, Exempelstad City')).toMatchObject({
      role: 'vd',
      organization: 'Exempelstad City',
    })
    expect(interviewee('Ada Ek, centrumchef på Exempelstad City')).toMatchObject({
      role: 'centrumchef',
      organization: 'Exempelstad City',
    })
    expect(interviewee('Ada Ek, centrumchef Exempelstad City')).toMatchObject({
      role: 'centrumchef',
      organization: 'Exempelstad City',
    })
    const parsed = parseInterview('Ada Ek, Senior Advisor\n\n### Fråga?\n\nSvar.', 'x.md')
    expect(parsed.interviewee).toEqual({
      name: 'Ada Ek',
      role: 'Senior Advisor',
      roleLine: 'Senior Advisor',
      line: 1,
    })
    expect(parsed.warnings[0]).toMatchObject({line: 1})
  })

  it('tells questions that start like a section from the sections', () => {
    const parsed = parseInterview(
      [
        'Ada Ek, vd Exempelstad City',
        '',
        '### 1. Kontakten med kommunen, hur fungerar den?',
        '',
        'Bra.',
        '',
        '### 2. Fakta eller känsla?',
        '',
        'Både och.',
        '',
        '## Kontakt',
        '',
        'Ada Ek  ',
        'vd  ',
        'ada@exempelstad.example',
      ].join('\n'),
      'x.md',
    )
    expect(parsed.questions.map((q) => q.question)).toEqual([
      'Kontakten med kommunen, hur fungerar den?',
      'Fakta eller känsla?',
    ])
    expect(parsed.contact?.people).toEqual([
      {name: 'Ada Ek', role: 'vd', roleLine: 'vd', email: 'ada@exempelstad.example', line: 13},
    ])
  })

  it('accepts a > quote as the pull quote and CRLF line ends', () => {
    const parsed = parseInterview(
      'Ada Ek, vd Exempelstad City\r\n\r\n> ”Ett citat”\r\n\r\n## 1. Fråga?\r\n\r\nSvar.\r\n',
      'x.md',
    )
    expect(parsed.pullQuote).toEqual({text: 'Ett citat', line: 3})
    expect(parsed.questions).toHaveLength(1)
  })

  it('reports what the content model cannot hold as warnings, keeping the text', () => {
    const parsed = parseInterview(
      'Ada Ek, vd Exempelstad City\n\n### 1. Fråga?\n\nSe ![bild](https://x.example/a.png) och `kod`.\n',
      'x.md',
    )
    expect(parsed.warnings.map((warning) => warning.line)).toEqual([5, 5])
    expect(texts(parsed.questions[0].answer)[0]).toContain('kod')
  })
})

describe('parseInterview: input that is not an interview', () => {
  it('names the file and the line where a question was expected', () => {
    const error = parseError(read('trasig.md'), 'trasig.md')
    expect(error.line).toBe(6)
    expect(error.message).toBe(
      'trasig.md:6: expected a question such as a heading "### 1. …?" or a bold line "**1. …?**" but found "Här borde den första frågan ha stått, men det är bara löpte…"',
    )
  })

  it('rejects a file without an interviewee line', () => {
    const error = parseError(read('mapp/2-trasig.md'), 'mapp/2-trasig.md')
    expect(error.message).toBe(
      'mapp/2-trasig.md:1: expected the interviewee line ("Name, role Organisation") but found "### 1. En fråga utan någon intervjuad person"',
    )
  })

  it('rejects empty files, files without questions and questions without answers', () => {
    expect(parseError('\n\n').message).toBe(
      'bad.md:3: the file is empty; expected an interview: the interviewee line ("Name, role Organisation") and questions such as a heading "### 1. …?" or a bold line "**1. …?**"',
    )
    expect(parseError('Ada Ek, vd Exempelstad City\n\n”Citat').message).toBe(
      'bad.md:3: expected a question such as a heading "### 1. …?" or a bold line "**1. …?**" but found the end of the file',
    )
    expect(
      parseError('Ada Ek, vd Exempelstad City\n\n### 1. Fråga?\n\n### 2. Nästa?\n\nSvar.').message,
    ).toBe('bad.md:3: the question "Fråga?" has no answer before "### 2. Nästa?"')
    expect(parseError('Ada Ek, vd Exempelstad City\n\n#### FAKTA OM QM\n\nText.').message).toBe(
      'bad.md:3: expected a question such as a heading "### 1. …?" or a bold line "**1. …?**" but found "#### FAKTA OM QM"',
    )
  })

  it('rejects a prose paragraph as interviewee and a pull quote in its place', () => {
    expect(parseError('”Ett citat, först”\n\n### 1. Fråga?\n\nSvar.').line).toBe(1)
    expect(
      parseError('Det här är en lång inledande mening, som inte är en rad om en person.\n').line,
    ).toBe(1)
  })

  it('warns about a contact section without a person and about unknown front matter keys', () => {
    const parsed = parseInterview(
      '---\ntitle: A\nauthor: B\n---\nAda Ek, vd Exempelstad City\n\n### 1. Fråga?\n\nSvar.\n\n#### KONTAKT\n',
      'bad.md',
    )
    expect(parsed.title).toBe('A')
    expect(parsed.contact?.people).toEqual([])
    expect(parsed.warnings).toEqual([
      {
        line: 3,
        message:
          'unknown front matter key "author" is ignored (known: title, slug, city, organization, date, publishedAt, tags, lead, language)',
      },
      {
        line: 11,
        message:
          'the section "KONTAKT" names no contact person (expected name, role and e-mail on separate lines); no contacts are linked',
      },
    ])
    expect(parseError('---\ntitle: [A\n---\nAda Ek, vd X\n').message).toMatch(
      /^bad\.md:\d+: the front matter is not valid YAML: /,
    )
  })
})

describe('toDocuments', () => {
  const documents = toDocuments(parseFixture('fullstandig.md'))
  const interviewId = 'interview-mirela-kovacevic-oberg-alingsas-city'
  const factSheetId = 'qmFactSheet-mirela-kovacevic-oberg-alingsas-city'

  it('makes every document with an id derived from its slug, referenced ones first', () => {
    expect(documents.map(({_id, _type}) => `${_type}:${_id}`)).toEqual([
      'city:city-alingsas',
      'organization:organization-alingsas-city',
      'person:person-mirela-kovacevic-oberg',
      'organization:organization-svenska-stadskarnor',
      'person:person-tove-zagar-lindqvist',
      `qmFactSheet:${factSheetId}`,
      `interview:${interviewId}`,
    ])
  })

  it('makes the people, organisations and the city', () => {
    expect(byId(documents, 'city-alingsas')).toEqual({
      _id: 'city-alingsas',
      _type: 'city',
      fields: {name: 'Alingsås', slug: {_type: 'slug', current: 'alingsas'}},
      ownedFields: [],
      matchName: 'Alingsås',
    })
    expect(byId(documents, 'organization-alingsas-city').fields).toEqual({
      name: 'Alingsås City',
      slug: {_type: 'slug', current: 'alingsas-city'},
      kind: 'cityCentreOrganization',
      city: ref('city-alingsas'),
    })
    expect(byId(documents, 'organization-svenska-stadskarnor').fields).toEqual({
      name: 'Svenska Stadskärnor',
      slug: {_type: 'slug', current: 'svenska-stadskarnor'},
      kind: 'nationalAssociation',
      website: ASSOCIATION.website,
    })
    expect(byId(documents, 'person-mirela-kovacevic-oberg').fields).toEqual({
      name: 'Mirela Kovačević Öberg',
      slug: {_type: 'slug', current: 'mirela-kovacevic-oberg'},
      role: 'verksamhetsledare',
      organization: ref('organization-alingsas-city'),
    })
    expect(byId(documents, 'person-tove-zagar-lindqvist')).toMatchObject({
      matchName: 'Tove Žagar Lindqvist',
      fields: {
        name: 'Tove Žagar Lindqvist',
        slug: {_type: 'slug', current: 'tove-zagar-lindqvist'},
        role: 'Projektledare',
        email: 'tove.zagar@svenskastadskarnor.se',
        organization: ref('organization-svenska-stadskarnor'),
      },
    })
  })

  it('makes the fact sheet', () => {
    const factSheet = byId(documents, factSheetId)
    expect(factSheet.matchName).toBeUndefined()
    expect(factSheet.fields).toEqual({
      title: 'Fakta om QM',
      body: expect.any(Array),
      contacts: [{...ref('person-tove-zagar-lindqvist'), _key: expect.stringMatching(/^\w{12}$/)}],
      website: 'https://www.svenskastadskarnor.se',
      organization: ref('organization-svenska-stadskarnor'),
    })
    expect(texts(factSheet.fields.body as PortableTextBlock[])).toHaveLength(3)
  })

  it('makes the interview', () => {
    const interview = byId(documents, interviewId)
    const {questions, ...fields} = interview.fields
    expect(fields).toEqual({
      title: 'Mirela Kovačević Öberg, Alingsås City',
      slug: {_type: 'slug', current: 'mirela-kovacevic-oberg-alingsas-city'},
      language: 'sv',
      interviewee: ref('person-mirela-kovacevic-oberg'),
      organization: ref('organization-alingsas-city'),
      city: ref('city-alingsas'),
      pullQuote: {
        _type: 'pullQuote',
        text: 'Med QM fick vi ett gemensamt språk för hela stadskärnan.',
        attribution: 'Mirela Kovačević Öberg, verksamhetsledare Alingsås City',
      },
      factSheet: ref(factSheetId),
      contacts: [{...ref('person-tove-zagar-lindqvist'), _key: expect.stringMatching(/^\w{12}$/)}],
    })
    const pairs = questions as Array<Record<string, unknown>>
    expect(pairs.map(({_type, question}) => ({_type, question}))).toEqual([
      {_type: 'qaPair', question: 'Hur började ert arbete med kvalitetsmärkningen?'},
      {_type: 'qaPair', question: 'Vilka områden prioriterade ni?'},
      {_type: 'qaPair', question: 'Vad skulle du säga till andra städer?'},
      {_type: 'qaPair', question: 'Hur går ni vidare?'},
    ])
    const keys = pairs.map((pair) => pair._key)
    expect(new Set(keys).size).toBe(4)
    expect(texts(pairs[3].answer as PortableTextBlock[])).toEqual([
      'Nästa steg är en ny handlingsplan för åren framöver.',
    ])
    expect(interview.ownedFields).toContain('pullQuote')
  })

  it('uses the file title and merges a person who is both interviewee and contact', () => {
    const other = toDocuments(parseFixture('utan-fakta.md'))
    expect(other.map((d) => d._id)).toEqual([
      'city-pitea',
      'organization-cityforeningen-i-pitea',
      'person-jonas-arleback',
      'interview-pitea-satsar-pa-samverkan',
    ])
    expect(byId(other, 'person-jonas-arleback').fields).toEqual({
      name: 'Jonas Ärlebäck',
      slug: {_type: 'slug', current: 'jonas-arleback'},
      role: 'centrumutvecklare',
      organization: ref('organization-cityforeningen-i-pitea'),
      email: 'jonas@pitea-city.example',
      phone: '0911-12 34 56',
    })
    const interview = byId(other, 'interview-pitea-satsar-pa-samverkan').fields
    expect(interview.title).toBe('Piteå satsar på samverkan')
    expect(interview.factSheet).toBeUndefined()
    expect(interview.contacts).toEqual([
      {...ref('person-jonas-arleback'), _key: expect.stringMatching(/^\w{12}$/)},
    ])
  })

  it('uses a slug from front matter', () => {
    const parsed: ParsedInterview = {
      ...parseFixture('utan-fakta.md'),
      slug: 'Egen Adress',
    }
    expect(toDocuments(parsed).at(-1)?._id).toBe('interview-egen-adress')
  })
})

describe('planMutations', () => {
  const planned = toDocuments(parseFixture('utan-fakta.md'))
  const stored = (document: PlannedDocument, extra: Record<string, unknown> = {}) => ({
    _id: document._id,
    _type: document._type,
    _rev: 'r1',
    ...document.fields,
    ...extra,
  })

  it('creates what is missing and leaves what is equal', () => {
    expect(planMutations(planned, []).mutations.map((m) => m.change.action)).toEqual([
      'create',
      'create',
      'create',
      'create',
    ])
    const same = planMutations(
      planned,
      planned.map((document) => stored(document)),
    ).mutations
    expect(same.every((m) => m.change.action === 'unchanged' && !m.patch && !m.create)).toBe(true)
  })

  it('sets changed fields and removes fields the file no longer has', () => {
    const interview = planned.at(-1)!
    const mutations = planMutations(
      planned,
      planned.map((document) =>
        document === interview
          ? stored(document, {title: 'Gammal rubrik', factSheet: ref('qmFactSheet-x')})
          : stored(document, {portrait: {_type: 'image'}}),
      ),
    ).mutations
    const last = mutations.at(-1)!
    expect(last.change).toEqual({
      id: interview._id,
      type: 'interview',
      action: 'update',
      fields: ['title', 'factSheet'],
    })
    expect(last.patch).toEqual({
      id: interview._id,
      rev: 'r1',
      set: {title: 'Piteå satsar på samverkan'},
      unset: ['factSheet'],
    })
    // Fields an editor added to shared documents are left alone.
    expect(mutations.slice(0, -1).every((m) => m.change.action === 'unchanged')).toBe(true)
  })

  it('reuses a document with the same name and another id, only filling in what it lacks', () => {
    const handmade = {
      _id: 'handmade-jonas',
      _type: 'person',
      _rev: 'r9',
      _createdAt: '2024-01-01T00:00:00Z',
      name: 'jonas  ärlebäck',
      role: 'Ordförande',
    }
    const {mutations} = planMutations(planned, [handmade])
    const person = mutations.find((m) => m.change.type === 'person')!
    expect(person.change).toEqual({
      id: 'handmade-jonas',
      type: 'person',
      action: 'update',
      fields: ['slug', 'email', 'phone', 'organization'],
      reused: true,
    })
    expect(person.patch?.setIfMissing).toMatchObject({email: 'jonas@pitea-city.example'})
    expect(person.patch?.set).toBeUndefined()
    const interview = mutations.at(-1)!.create!
    expect(interview.interviewee).toEqual(ref('handmade-jonas'))
    expect(interview.contacts).toEqual([
      {...ref('handmade-jonas'), _key: expect.stringMatching(/^\w{12}$/)},
    ])
  })
})

describe('deepEqual', () => {
  it('ignores key order and undefined fields', () => {
    expect(deepEqual({a: 1, b: [1, {c: 2}]}, {b: [1, {c: 2}], a: 1, d: undefined})).toBe(true)
    expect(deepEqual({a: [1, 2]}, {a: [2, 1]})).toBe(false)
    expect(deepEqual({a: 1}, {a: 1, b: null})).toBe(false)
  })
})

describe('the import command', () => {
  const run = async (args: string[]) => {
    const out: string[] = []
    const err: string[] = []
    const code = await main(args, {
      env: {},
      out: (line) => out.push(line),
      err: (line) => err.push(line),
      createClient: () => {
        throw new Error('no client expected')
      },
    })
    return {code, out: out.join('\n'), err: err.join('\n')}
  }

  it('explains its usage', async () => {
    const help = await run(['--help'])
    expect(help.code).toBe(0)
    expect(help.out).toContain('npm run import -- <file.md|file.docx|folder>')
    expect(help.out).toContain('npm run lake:token -- --role editor')
    const none = await run([])
    expect(none.code).toBe(2)
    expect(none.err).toContain('Name at least one interview file or folder.')
    const unknown = await run(['--nope', 'a.md'])
    expect(unknown.code).toBe(2)
  })

  it('rejects a bad dataset name without a stack trace', async () => {
    const result = await run(['--dataset', 'Inte OK', 'a.md'])
    expect(result.code).toBe(2)
    expect(result.err).toMatch(/^SANITY_DATASET must be/)
    expect(result.err).not.toContain('    at ')
  })
})
