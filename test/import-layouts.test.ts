/**
 * Interviews in the layouts editors send (test/fixtures/interviews/layouter): every field of every
 * document each one gives, and the warnings it gets.
 */
import {readFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'

import {describe, expect, it} from 'vitest'

import {
  parseInterview,
  toDocuments,
  type ParsedInterview,
  type PlannedDocument,
  type PortableTextBlock,
} from '../scripts/import/index.ts'

const layouts = fileURLToPath(new URL('./fixtures/interviews/layouter/', import.meta.url))
const parse = (name: string) => parseInterview(readFileSync(layouts + name, 'utf8'), name)

/** Blocks as `[style, list, spans]`, a span as "text", "text [strong]" or "text [link:href]". */
function simple(blocks: PortableTextBlock[]) {
  return blocks.map((block) => {
    const spans = block.children.map((span) => {
      const marks = span.marks.map((mark) => {
        const link = block.markDefs.find((def) => def._key === mark)
        return link ? `link:${link.href}` : mark
      })
      return marks.length > 0 ? `${span.text} [${marks.join(' ')}]` : span.text
    })
    const list = block.listItem ? `${block.listItem}${block.level}` : ''
    return [block.style, list, ...spans]
  })
}

const ref = (id: string) => ({_type: 'reference', _ref: id})
const keyed = (id: string) => ({...ref(id), _key: expect.stringMatching(/^[0-9a-f]{12}$/)})
const slug = (current: string) => ({_type: 'slug', current})
const ASSOCIATION_FIELDS = {
  name: 'Svenska Stadskärnor',
  slug: slug('svenska-stadskarnor'),
  kind: 'nationalAssociation',
  website: 'https://www.svenskastadskarnor.se',
}

/** The documents by id; the interview's questions as [question, answer blocks]. */
function documentsOf(parsed: ParsedInterview) {
  const documents = toDocuments(parsed)
  const byId = Object.fromEntries(documents.map((d: PlannedDocument) => [d._id, d.fields]))
  const interview = documents.find((d) => d._type === 'interview')!
  const {questions, ...fields} = interview.fields as {
    questions: Array<{_type: string; question: string; answer: PortableTextBlock[]}>
  } & Record<string, unknown>
  for (const pair of questions) expect(pair._type).toBe('qaPair')
  return {
    ids: documents.map((d) => d._id),
    byId,
    interviewId: interview._id,
    fields,
    questions: questions.map((pair) => [pair.question, simple(pair.answer)]),
  }
}

describe('bold questions numbered "1." with complete front matter', () => {
  const parsed = parse('1-fetstil-numrerad.md')
  const result = documentsOf(parsed)

  it('reads every front matter key and warns about the unknown one', () => {
    expect(parsed.warnings).toEqual([
      {
        line: 12,
        message:
          'unknown front matter key "photographer" is ignored (known: title, slug, city, organization, date, publishedAt, tags, lead, language)',
      },
    ])
    expect(result.interviewId).toBe('interview-ostersund-samlar-stadskarnan')
    expect(result.fields).toEqual({
      title: 'Östersund samlar stadskärnan kring QM',
      slug: slug('ostersund-samlar-stadskarnan'),
      language: 'sv',
      publishedAt: '2025-03-14T00:00:00.000Z',
      interviewee: ref('person-asa-ohrstrom'),
      organization: ref('organization-ostersunds-centrumforening'),
      city: ref('city-ostersund'),
      lead: 'Östersund blev i våras den första staden i Jämtland med Quality Mark.',
      pullQuote: {
        _type: 'pullQuote',
        text: 'Vi lärde oss att fråga fastighetsägarna först.',
        attribution: 'Åsa Öhrström, verksamhetsledare, Östersunds Centrumförening',
      },
      factSheet: ref('qmFactSheet-ostersund-samlar-stadskarnan'),
      contacts: [keyed('person-zoran-petrovic'), keyed('person-asa-ohrstrom')],
      tags: ['samverkan', 'Norrland'],
    })
  })

  it('reads the bold questions in order with lists, emphasis and links', () => {
    expect(parsed.questions.map(({number, line}) => [number, line])).toEqual([
      [1, 19],
      [2, 23],
      [3, 31],
    ])
    expect(result.questions).toEqual([
      [
        'Hur såg samverkan ut innan ni började med QM?',
        [
          [
            'normal',
            '',
            'Den fanns, men den var ',
            'personberoende [em]',
            '. Vi träffades när något hade gått fel.',
          ],
        ],
      ],
      [
        'Vad gjorde störst skillnad?',
        [
          ['normal', '', 'Tre saker:'],
          ['normal', 'number1', 'en gemensam handlingsplan'],
          ['normal', 'number1', 'en ', 'årlig [strong]', ' trygghetsvandring'],
          [
            'normal',
            'number1',
            'mätningar som alla kan läsa på ',
            'vår webbplats [link:https://www.ostersund-centrum.example/matningar]',
          ],
        ],
      ],
      [
        'Vad vill du säga till andra städer?',
        [['normal', '', 'Börja nu, och bjud in kommunen från första mötet.']],
      ],
    ])
  })

  it('links each contact to the organisation after the comma, created or the association', () => {
    expect(result.ids).toEqual([
      'city-ostersund',
      'organization-ostersunds-centrumforening',
      'person-asa-ohrstrom',
      'organization-svenska-stadskarnor',
      'person-zoran-petrovic',
      'qmFactSheet-ostersund-samlar-stadskarnan',
      'interview-ostersund-samlar-stadskarnan',
    ])
    expect(result.byId['city-ostersund']).toEqual({name: 'Östersund', slug: slug('ostersund')})
    expect(result.byId['organization-ostersunds-centrumforening']).toEqual({
      name: 'Östersunds Centrumförening',
      slug: slug('ostersunds-centrumforening'),
      kind: 'cityCentreOrganization',
      city: ref('city-ostersund'),
    })
    expect(result.byId['organization-svenska-stadskarnor']).toEqual(ASSOCIATION_FIELDS)
    expect(result.byId['person-zoran-petrovic']).toEqual({
      name: 'Zoran Petrović',
      slug: slug('zoran-petrovic'),
      role: 'QM-samordnare',
      email: 'zoran.petrovic@svenskastadskarnor.se',
      phone: '08-123 456 78',
      organization: ref('organization-svenska-stadskarnor'),
    })
    // The interviewee is also a contact: one person, the interviewee line's role first.
    expect(result.byId['person-asa-ohrstrom']).toEqual({
      name: 'Åsa Öhrström',
      slug: slug('asa-ohrstrom'),
      role: 'verksamhetsledare',
      organization: ref('organization-ostersunds-centrumforening'),
      email: 'asa.ohrstrom@ostersund-centrum.example',
    })
    expect(parsed.contact?.people.map((p) => [p.name, p.role, p.organization])).toEqual([
      ['Zoran Petrović', 'QM-samordnare', 'Svenska Stadskärnor'],
      ['Åsa Öhrström', 'Projektledare', 'Östersunds Centrumförening'],
    ])
    const factSheet = result.byId['qmFactSheet-ostersund-samlar-stadskarnan']
    expect({...factSheet, body: simple(factSheet.body as PortableTextBlock[])}).toEqual({
      title: 'Fakta om QM',
      body: [
        [
          'normal',
          '',
          'Quality Mark är Svenska Stadskärnors kvalitetsmärkning för samverkan i stadskärnor.',
        ],
      ],
      contacts: [keyed('person-zoran-petrovic'), keyed('person-asa-ohrstrom')],
      website: 'https://www.svenskastadskarnor.se',
      organization: ref('organization-svenska-stadskarnor'),
    })
  })
})

describe('bold questions numbered "1)", title first, « » quote, bold section names', () => {
  const parsed = parse('2-fetstil-parentes.md')
  const result = documentsOf(parsed)

  it('stores every field', () => {
    expect(parsed.warnings).toEqual([])
    expect(result.ids).toEqual([
      'city-karlstad',
      'organization-karlstad-city',
      'person-elise-sjostrom',
      'organization-svenska-stadskarnor',
      'qmFactSheet-karlstad-vagade-satsa-pa-evenemang',
      'interview-karlstad-vagade-satsa-pa-evenemang',
    ])
    expect(result.fields).toEqual({
      title: 'Karlstad vågade satsa på evenemang',
      slug: slug('karlstad-vagade-satsa-pa-evenemang'),
      language: 'sv',
      interviewee: ref('person-elise-sjostrom'),
      organization: ref('organization-karlstad-city'),
      city: ref('city-karlstad'),
      pullQuote: {
        _type: 'pullQuote',
        text: 'Certifieringen gav oss ett språk som kommunen förstår.',
        attribution: 'Élise Sjöström, centrumchef Karlstad City',
      },
      factSheet: ref('qmFactSheet-karlstad-vagade-satsa-pa-evenemang'),
      contacts: [keyed('person-elise-sjostrom')],
    })
    expect(result.questions).toEqual([
      ['Varför sökte ni QM?', [['normal', '', 'Vi ville veta om vårt arbetssätt höll.']]],
      [
        'Vad har förändrats sedan dess?',
        [
          [
            'normal',
            '',
            'Mötena är kortare och besluten ',
            'tydligare [em]',
            '. Vi har också fått fler medlemmar.',
          ],
        ],
      ],
    ])
    expect(parsed.questions.map((q) => q.number)).toEqual([1, 2])
    expect(result.byId['person-elise-sjostrom']).toEqual({
      name: 'Élise Sjöström',
      slug: slug('elise-sjostrom'),
      role: 'centrumchef',
      organization: ref('organization-karlstad-city'),
      email: 'elise@karlstad-city.example',
      phone: '054-12 34 56',
    })
    expect(result.byId['organization-karlstad-city']).toEqual({
      name: 'Karlstad City',
      slug: slug('karlstad-city'),
      kind: 'cityCentreOrganization',
      city: ref('city-karlstad'),
    })
    expect(result.byId['city-karlstad']).toEqual({name: 'Karlstad', slug: slug('karlstad')})
    const factSheet = result.byId['qmFactSheet-karlstad-vagade-satsa-pa-evenemang']
    expect({...factSheet, body: simple(factSheet.body as PortableTextBlock[])}).toEqual({
      title: 'Fakta om QM',
      body: [['normal', '', 'Märkningen delas ut efter en extern granskning.']],
      contacts: [keyed('person-elise-sjostrom')],
      organization: ref('organization-svenska-stadskarnor'),
    })
  })
})

describe('unnumbered bold questions, interviewee before the title, an ingress', () => {
  const parsed = parse('3-fetstil-onumrerad.md')
  const result = documentsOf(parsed)

  it('stores every field', () => {
    expect(parsed.warnings).toEqual([])
    expect(result.fields).toEqual({
      title: 'Växjö bygger stadskärnan tillsammans',
      slug: slug('vaxjo-bygger-stadskarnan-tillsammans'),
      language: 'sv',
      interviewee: ref('person-mateja-zibert'),
      organization: ref('organization-vaxjo-stadskarna'),
      city: ref('city-vaxjo'),
      lead: 'Växjö Stadskärna fick sitt QM i höstas efter två års arbete med fastighetsägare och handlare.',
      factSheet: ref('qmFactSheet-vaxjo-bygger-stadskarnan-tillsammans'),
      contacts: [keyed('person-mateja-zibert')],
    })
    expect(parsed.questions.map((q) => [q.number, q.line])).toEqual([
      [undefined, 7],
      [undefined, 11],
      [undefined, 15],
    ])
    expect(result.questions).toEqual([
      [
        'Hur började arbetet?',
        [
          [
            'normal',
            '',
            'Med en enkät till alla medlemmar. Svaren finns på ',
            'https://www.vaxjo-stadskarna.example/enkat [link:https://www.vaxjo-stadskarna.example/enkat]',
            '.',
          ],
        ],
      ],
      [
        'Vilka var med från början?',
        [['normal', '', 'Kommunen, tolv fastighetsägare och handelsföreningen.']],
      ],
      ['Vad är nästa steg?', [['normal', '', 'En ny plan för ', 'bottenvåningarna [em]', '.']]],
    ])
    expect(result.byId['person-mateja-zibert']).toEqual({
      name: 'Mateja Žibert',
      slug: slug('mateja-zibert'),
      role: 'vd',
      organization: ref('organization-vaxjo-stadskarna'),
      email: 'mateja@vaxjo-stadskarna.example',
    })
    expect(result.byId['city-vaxjo']).toEqual({name: 'Växjö', slug: slug('vaxjo')})
    const factSheet = result.byId['qmFactSheet-vaxjo-bygger-stadskarnan-tillsammans']
    expect(factSheet.title).toBe('Fakta om Quality Mark')
    expect(simple(factSheet.body as PortableTextBlock[])).toEqual([
      ['normal', '', 'Quality Mark bygger på en europeisk modell för stadskärnor.'],
    ])
    expect(factSheet.contacts).toEqual([keyed('person-mateja-zibert')])
    expect(factSheet.organization).toEqual(ref('organization-svenska-stadskarnor'))
    expect(Object.keys(factSheet).sort()).toEqual(['body', 'contacts', 'organization', 'title'])
    expect(result.byId['organization-vaxjo-stadskarna']).toEqual({
      name: 'Växjö Stadskärna',
      slug: slug('vaxjo-stadskarna'),
      kind: 'cityCentreOrganization',
      city: ref('city-vaxjo'),
    })
  })
})

describe('"#" questions with a quoted front matter title and a date-time', () => {
  const parsed = parse('4-rubrik1-fragor.md')
  const result = documentsOf(parsed)

  it('stores every field', () => {
    expect(parsed.warnings).toEqual([])
    expect(parsed.interviewee).toEqual({
      name: 'Ørjan Lindbäck',
      role: 'centrumutvecklare',
      organization: 'Luleå Centrum',
      roleLine: 'centrumutvecklare Luleå Centrum',
      line: 6,
    })
    expect(result.fields).toEqual({
      title: 'Luleå: från parkering till mötesplats',
      slug: slug('lulea-fran-parkering-till-motesplats'),
      language: 'sv',
      publishedAt: '2024-11-02T08:30:00.000Z',
      interviewee: ref('person-orjan-lindback'),
      organization: ref('organization-lulea-centrum'),
      city: ref('city-lulea'),
      factSheet: ref('qmFactSheet-lulea-fran-parkering-till-motesplats'),
      contacts: [keyed('person-orjan-lindback')],
    })
    expect(result.questions).toEqual([
      [
        'Vad var den största utmaningen?',
        [['normal', '', 'Att få alla att se ', 'samma [strong]', ' stadskärna.']],
      ],
      [
        'Hur mäter ni framgång?',
        [['normal', '', 'Vi räknar besökare och frågar handlarna varje kvartal.']],
      ],
    ])
    expect(result.byId['person-orjan-lindback']).toEqual({
      name: 'Ørjan Lindbäck',
      slug: slug('orjan-lindback'),
      role: 'centrumutvecklare',
      organization: ref('organization-lulea-centrum'),
      email: 'orjan.lindback@lulea-centrum.example',
    })
    const factSheet = result.byId['qmFactSheet-lulea-fran-parkering-till-motesplats']
    expect({...factSheet, body: simple(factSheet.body as PortableTextBlock[])}).toEqual({
      title: 'Fakta om QM',
      body: [['normal', '', 'QM granskas vart tredje år.']],
      contacts: [keyed('person-orjan-lindback')],
      organization: ref('organization-svenska-stadskarnor'),
    })
    expect(result.byId['organization-lulea-centrum']).toEqual({
      name: 'Luleå Centrum',
      slug: slug('lulea-centrum'),
      kind: 'cityCentreOrganization',
      city: ref('city-lulea'),
    })
    expect(result.byId['city-lulea']).toEqual({name: 'Luleå', slug: slug('lulea')})
    expect(result.byId['organization-svenska-stadskarnor']).toEqual(ASSOCIATION_FIELDS)
  })
})

describe('unnumbered "##" questions, „ “ quote, nested list, two contacts', () => {
  const parsed = parse('5-rubrik2-onumrerade.md')
  const result = documentsOf(parsed)

  it('stores every field', () => {
    expect(parsed.warnings).toEqual([])
    expect(result.fields).toEqual({
      title: 'Falun satsar på belysning',
      slug: slug('falun-satsar-pa-belysning'),
      language: 'sv',
      interviewee: ref('person-sarka-nystrom'),
      organization: ref('organization-centrumforeningen-i-falun'),
      city: ref('city-falun'),
      pullQuote: {
        _type: 'pullQuote',
        text: 'Ljuset gjorde att folk stannade kvar.',
        attribution: 'Šárka Nyström, projektledare i Centrumföreningen i Falun',
      },
      factSheet: ref('qmFactSheet-falun-satsar-pa-belysning'),
      contacts: [keyed('person-sarka-nystrom'), keyed('person-jorgen-ek')],
    })
    expect(result.questions).toEqual([
      [
        'Varför just belysning?',
        [['normal', '', 'För att tryggheten var det som flest nämnde i enkäten.']],
      ],
      [
        'Hur finansierades det?',
        [
          ['normal', 'bullet1', 'Kommunen stod för hälften'],
          ['normal', 'bullet1', 'Fastighetsägarna för resten'],
          ['normal', 'bullet2', 'fördelat efter yta'],
        ],
      ],
    ])
    expect(result.byId['person-jorgen-ek']).toEqual({
      name: 'Jörgen Ek',
      slug: slug('jorgen-ek'),
      role: 'Ordförande',
      email: 'jorgen.ek@falu-centrum.example',
      organization: ref('organization-centrumforeningen-i-falun'),
    })
    expect(result.byId['person-sarka-nystrom']).toEqual({
      name: 'Šárka Nyström',
      slug: slug('sarka-nystrom'),
      role: 'projektledare',
      organization: ref('organization-centrumforeningen-i-falun'),
      email: 'sarka@falu-centrum.example',
    })
    expect(result.byId['city-falun']).toEqual({name: 'Falun', slug: slug('falun')})
    const factSheet = result.byId['qmFactSheet-falun-satsar-pa-belysning']
    expect({...factSheet, body: simple(factSheet.body as PortableTextBlock[])}).toEqual({
      title: 'Fakta om QM',
      body: [['normal', '', 'Svenska Stadskärnor delar ut QM.']],
      contacts: [keyed('person-sarka-nystrom'), keyed('person-jorgen-ek')],
      organization: ref('organization-svenska-stadskarnor'),
    })
    expect(result.byId['organization-centrumforeningen-i-falun']).toEqual({
      name: 'Centrumföreningen i Falun',
      slug: slug('centrumforeningen-i-falun'),
      kind: 'cityCentreOrganization',
      city: ref('city-falun'),
    })
  })
})

describe('"####" questions numbered "1)", straight quotes, a contact on one line', () => {
  const parsed = parse('6-rubrik4-parentes.md')
  const result = documentsOf(parsed)

  it('stores every field', () => {
    expect(parsed.warnings).toEqual([])
    expect(result.fields).toEqual({
      title: 'Björn Åkesson, Ystad City',
      slug: slug('bjorn-akesson-ystad-city'),
      language: 'sv',
      interviewee: ref('person-bjorn-akesson'),
      organization: ref('organization-ystad-city'),
      city: ref('city-ystad'),
      pullQuote: {
        _type: 'pullQuote',
        text: 'Vi gör det tillsammans eller inte alls.',
        attribution: 'Björn Åkesson, centrumledare Ystad City',
      },
      factSheet: ref('qmFactSheet-bjorn-akesson-ystad-city'),
      contacts: [keyed('person-bjorn-akesson')],
    })
    expect(result.questions).toEqual([
      ['Vad har QM gett er?', [['normal', '', 'Struktur och uthållighet i arbetet.']]],
      [
        'Vad tar ni med er?',
        [['normal', '', 'Att det är ', 'samtalen [em]', ' som bär, inte dokumenten.']],
      ],
    ])
    expect(parsed.contact?.people).toEqual([
      {
        name: 'Björn Åkesson',
        role: 'Centrumledare',
        organization: 'Ystad City',
        roleLine: 'Centrumledare, Ystad City',
        email: 'bjorn@ystad-city.example',
        line: 19,
      },
    ])
    expect(result.byId['person-bjorn-akesson']).toEqual({
      name: 'Björn Åkesson',
      slug: slug('bjorn-akesson'),
      role: 'centrumledare',
      organization: ref('organization-ystad-city'),
      email: 'bjorn@ystad-city.example',
    })
    const factSheet = result.byId['qmFactSheet-bjorn-akesson-ystad-city']
    expect({...factSheet, body: simple(factSheet.body as PortableTextBlock[])}).toEqual({
      title: 'Fakta om kvalitetsmärkningen',
      body: [['normal', '', 'Kvalitetsmärkningen granskar hur samverkan fungerar.']],
      contacts: [keyed('person-bjorn-akesson')],
      organization: ref('organization-svenska-stadskarnor'),
    })
    expect(result.byId['organization-ystad-city']).toEqual({
      name: 'Ystad City',
      slug: slug('ystad-city'),
      kind: 'cityCentreOrganization',
      city: ref('city-ystad'),
    })
    expect(result.byId['city-ystad']).toEqual({name: 'Ystad', slug: slug('ystad')})
  })
})

describe('a mix: "###" and bold questions, a bold line in an answer, a person twice', () => {
  const parsed = parse('7-blandad.md')
  const result = documentsOf(parsed)

  it('chooses the safe reading and says so, line by line', () => {
    expect(parsed.warnings).toEqual([
      {line: 3, message: 'a tag is given twice in "tags"; it is kept once'},
      {
        line: 19,
        message:
          '"Fungerar det fortfarande?" looks like a question but is a bold line, not a "###" heading like the questions; it is kept in the answer to question 1',
      },
      {
        line: 23,
        message:
          'question 2 is a bold line while the other questions are a "###" heading; it is read as a question',
      },
      {
        line: 38,
        message:
          '"Borås Energi och Miljö" (after the comma in Hélène Kovač\'s role) is not a known organisation; it is kept in the role. Create the organisation in the Studio and import again to link it',
      },
      {
        line: 42,
        message: 'Dušan Öberg is listed twice among the contacts; one person is stored',
      },
    ])
  })

  it('stores every field', () => {
    expect(result.fields).toEqual({
      title: 'Borås City: tio år av samarbete',
      slug: slug('boras-city-tio-ar-av-samarbete'),
      language: 'sv',
      publishedAt: '2025-01-20T00:00:00.000Z',
      interviewee: ref('person-dusan-oberg'),
      organization: ref('organization-boras-city'),
      city: ref('city-boras'),
      pullQuote: {
        _type: 'pullQuote',
        text: 'Det viktigaste är att någon tar ansvar för helheten.',
        attribution: 'Dušan Öberg, centrumchef, Borås City',
      },
      contacts: [keyed('person-dusan-oberg'), keyed('person-helene-kovac')],
      tags: ['samverkan', 'trygghet'],
    })
    expect(result.questions).toEqual([
      [
        'Hur började samarbetet?',
        [
          [
            'normal',
            '',
            'Med en ',
            'gemensam [strong]',
            ' kaffe varje fredag. Läs mer hos ',
            'Borås City [link:https://www.boras-city.example]',
            '.',
          ],
          ['normal', '', 'Varför just fredag? [strong]', ' Det var den dag alla hade tid.'],
          ['normal', '', 'Fungerar det fortfarande? [strong]'],
          ['normal', '', 'Ja, men nu har vi också ett styrelsemöte i månaden.'],
        ],
      ],
      ['Vad har QM betytt?', [['normal', '', 'Vi fick en extern blick på vårt arbete.']]],
      ['Vem ska man ringa först?', [['normal', '', 'Fastighetsägarna, alltid.']]],
    ])
    expect(result.ids.filter((id) => id.startsWith('person-'))).toEqual([
      'person-dusan-oberg',
      'person-helene-kovac',
    ])
    expect(result.byId['person-dusan-oberg']).toEqual({
      name: 'Dušan Öberg',
      slug: slug('dusan-oberg'),
      role: 'centrumchef',
      organization: ref('organization-boras-city'),
      email: 'dusan.oberg@boras-city.example',
      phone: '070-123 45 67',
    })
    expect(result.byId['organization-boras-city']).toEqual({
      name: 'Borås City',
      slug: slug('boras-city'),
      kind: 'cityCentreOrganization',
      city: ref('city-boras'),
    })
    expect(result.byId['city-boras']).toEqual({name: 'Borås', slug: slug('boras')})
    expect(result.byId['person-helene-kovac']).toEqual({
      name: 'Hélène Kovač',
      slug: slug('helene-kovac'),
      role: 'Kommunikatör, Borås Energi och Miljö',
      email: 'helene.kovac@boras.example',
    })
  })
})

describe('an English interview: straight-quoted pull quote, two ingress paragraphs', () => {
  const parsed = parse('8-ingress-citat.md')
  const result = documentsOf(parsed)

  it('stores every field, contacts given one line per paragraph', () => {
    expect(parsed.warnings).toEqual([])
    expect(result.fields).toEqual({
      title: 'Uppsala takes the next step',
      slug: slug('uppsala-takes-the-next-step'),
      language: 'en',
      interviewee: ref('person-marta-soderstrom'),
      organization: ref('organization-uppsala-city'),
      city: ref('city-uppsala'),
      lead: 'Uppsala City received its Quality Mark in the spring.\n\nThe work took two years and involved everyone in the city centre.',
      pullQuote: {
        _type: 'pullQuote',
        text: 'Quality Mark made the property owners listen.',
        attribution: 'Märta Söderström, Head of Development, Uppsala City',
      },
      contacts: [keyed('person-marta-soderstrom'), keyed('person-kalle-angstrom')],
    })
    expect(result.questions).toEqual([
      ['What did the certification change?', [['normal', '', 'The way we plan together.']]],
      ['What comes next?', [['normal', '', 'A new action plan, written with the municipality.']]],
    ])
    expect(result.byId['person-kalle-angstrom']).toEqual({
      name: 'Kalle Ängström',
      slug: slug('kalle-angstrom'),
      role: 'Projektledare',
      email: 'kalle@uppsala-city.example',
      organization: ref('organization-uppsala-city'),
    })
    expect(result.byId['person-marta-soderstrom']).toEqual({
      name: 'Märta Söderström',
      slug: slug('marta-soderstrom'),
      role: 'Head of Development',
      organization: ref('organization-uppsala-city'),
      email: 'marta@uppsala-city.example',
    })
    expect(result.ids).not.toContain('organization-svenska-stadskarnor')
    expect(result.byId['organization-uppsala-city']).toEqual({
      name: 'Uppsala City',
      slug: slug('uppsala-city'),
      kind: 'cityCentreOrganization',
      city: ref('city-uppsala'),
    })
    expect(result.byId['city-uppsala']).toEqual({name: 'Uppsala', slug: slug('uppsala')})
  })
})

describe('bold questions as a numbered list, "**Fakta om QM:**", a contact on one line', () => {
  const parsed = parse('9-lista-fetstil.md')
  const result = documentsOf(parsed)

  it('says what it guessed', () => {
    expect(parsed.warnings).toEqual([
      {
        line: 3,
        message:
          'the city is read as "Hässleholms" from "Hässleholms Stadskärna"; if the "s" is a genitive, the city is "Hässleholm": create that city in the Studio (or give "city:" in the front matter) and import again',
      },
      {
        line: 9,
        message:
          'a second quote before the first question is read as part of the ingress; the first one is the pull quote',
      },
      {line: 25, message: 'strike-through is kept as plain text'},
    ])
  })

  it('stores every field', () => {
    expect(parsed.questions.map((q) => [q.number, q.line])).toEqual([
      [1, 11],
      [2, 15],
      [3, 23],
    ])
    expect(result.fields).toEqual({
      title: 'Hässleholm: handeln och kommunen vid samma bord',
      slug: slug('hassleholm-handeln-och-kommunen-vid-samma-bord'),
      language: 'sv',
      interviewee: ref('person-frederic-stahl'),
      organization: ref('organization-hassleholms-stadskarna'),
      city: ref('city-hassleholms'),
      lead: 'Hässleholms Stadskärna bildades 2019.\n\n”Det tog två år.”',
      pullQuote: {
        _type: 'pullQuote',
        text: 'Vi slutade prata om varandra och började prata med varandra.',
        attribution: 'Frédéric Ståhl, ordförande, Hässleholms Stadskärna',
      },
      factSheet: ref('qmFactSheet-hassleholm-handeln-och-kommunen-vid-samma-bord'),
      contacts: [keyed('person-frederic-stahl')],
    })
    expect(result.questions).toEqual([
      [
        'Hur kom ni igång?',
        [
          [
            'normal',
            '',
            'Genom att bjuda in till frukostmöten. Läs protokollen på ',
            'https://www.hassleholm-stadskarna.example/protokoll [link:https://www.hassleholm-stadskarna.example/protokoll]',
            '.',
          ],
        ],
      ],
      [
        'Vem driver arbetet i dag?',
        [
          ['normal', '', 'En styrgrupp med sju personer:'],
          ['normal', 'bullet1', 'tre handlare'],
          ['normal', 'bullet1', 'två fastighetsägare'],
          ['normal', 'bullet1', 'två från kommunen'],
        ],
      ],
      ['Vad är ni mest stolta över?', [['normal', '', 'Att ingen alla vill vara med.']]],
    ])
    expect(result.byId['person-frederic-stahl']).toEqual({
      name: 'Frédéric Ståhl',
      slug: slug('frederic-stahl'),
      role: 'ordförande',
      organization: ref('organization-hassleholms-stadskarna'),
      email: 'frederic@hassleholm.example',
      phone: '0451-123 45',
    })
    const factSheet = result.byId['qmFactSheet-hassleholm-handeln-och-kommunen-vid-samma-bord']
    expect({...factSheet, body: simple(factSheet.body as PortableTextBlock[])}).toEqual({
      title: 'Fakta om QM',
      body: [['normal', '', 'QM betyder Quality Mark.']],
      contacts: [keyed('person-frederic-stahl')],
      organization: ref('organization-svenska-stadskarnor'),
    })
  })

  it('takes the city the lake already has', () => {
    const again = parse('9-lista-fetstil.md')
    const documents = toDocuments(again, {knownCities: ['Hässleholm']})
    expect(documents.find((d) => d._type === 'interview')?.fields.city).toEqual(
      ref('city-hassleholm'),
    )
    expect(again.warnings.map((w) => w.line)).toEqual([9, 25])
  })
})

describe('a heading in the question style before the interviewee', () => {
  it('is the title, with a warning', () => {
    const parsed = parseInterview(
      '## Om föreningen\n\nAda Ek, vd, Exempelstad City\n\n## Hur började det?\n\nSvar.\n',
      'x.md',
    )
    expect(parsed.title).toBe('Om föreningen')
    expect(parsed.questions.map((q) => q.question)).toEqual(['Hur började det?'])
    expect(parsed.warnings).toEqual([
      {
        line: 1,
        message:
          'the heading "Om föreningen" is read as the title, not as a question: it has no number and no question mark',
      },
    ])
  })
})

describe('question lines as people type them', () => {
  it('reads "Fråga 1:" numbering and a question mark left outside the bold', () => {
    const parsed = parseInterview(
      [
        'Ada Ek, vd, Exempelstad City',
        '',
        '**Fråga 1: Hur började det**?',
        '',
        'Med ett möte.',
        '',
        '**Fråga 2: Och sedan?**',
        '',
        'Fler möten.',
      ].join('\n'),
      'x.md',
    )
    expect(parsed.questions.map((q) => [q.number, q.question, q.line])).toEqual([
      [1, 'Hur började det?', 3],
      [2, 'Och sedan?', 7],
    ])
    expect(parsed.warnings).toEqual([])
  })
})
