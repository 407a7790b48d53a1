/**
 * Word documents, made by the test with the `docx` package: the same recogniser as Markdown reads
 * them, and an image beside the interviewee's name becomes the person's portrait in the lake.
 */
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import type {SanityClient} from '@sanity/client'
import {
  Document,
  ExternalHyperlink,
  HeadingLevel,
  ImageRun,
  LevelFormat,
  Packer,
  Paragraph,
  TextRun,
} from 'docx'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {importFiles, parseFile, type PortableTextBlock} from '../scripts/import/index.ts'
import {startTestLake, type TestLake} from '../testkit/lake.ts'
import {png} from './helpers/png.ts'

const PORTRAIT = png(40, 50, [30, 90, 160])
const MAIN_IMAGE = png(64, 32, [200, 160, 20])

/** Kiruna: Word styles (Title, Heading 2, Quote), an image beside the name, a main image. */
async function kirunaDocx(): Promise<Buffer> {
  const document = new Document({
    styles: {
      paragraphStyles: [{id: 'Quote', name: 'Quote', basedOn: 'Normal', run: {italics: true}}],
    },
    sections: [
      {
        children: [
          new Paragraph({
            heading: HeadingLevel.TITLE,
            children: [new TextRun('Kiruna flyttar stadskärnan')],
          }),
          new Paragraph({
            children: [
              new ImageRun({
                type: 'png',
                data: PORTRAIT,
                transformation: {width: 40, height: 50},
                altText: {
                  name: 'portratt',
                  title: 'Porträtt',
                  description: 'Ängla Šimić framför stadshuset',
                },
              }),
              new TextRun(' Ängla Šimić, centrumchef, Kiruna Centrum'),
            ],
          }),
          new Paragraph({
            style: 'Quote',
            children: [new TextRun('Vi flyttar inte bara hus, vi flyttar vanor.')],
          }),
          new Paragraph({
            children: [new TextRun('Kiruna Centrum fick QM mitt under stadsflytten.')],
          }),
          new Paragraph({
            children: [
              new ImageRun({
                type: 'png',
                data: MAIN_IMAGE,
                transformation: {width: 64, height: 32},
                altText: {name: 'bild', title: 'Bild', description: 'Det nya torget i Kiruna'},
              }),
            ],
          }),
          new Paragraph({
            heading: HeadingLevel.HEADING_2,
            children: [new TextRun('1. Hur går flytten?')],
          }),
          new Paragraph({
            children: [
              new TextRun('Det går '),
              new TextRun({text: 'bra', bold: true}),
              new TextRun(' och '),
              new TextRun({text: 'snabbt', italics: true}),
              new TextRun('. Se '),
              new ExternalHyperlink({
                link: 'https://www.kiruna-centrum.example/karta',
                children: [new TextRun('kartan')],
              }),
              new TextRun('.'),
            ],
          }),
          new Paragraph({text: 'Nya torget', bullet: {level: 0}}),
          new Paragraph({text: 'Stadshuset', bullet: {level: 1}}),
          new Paragraph({
            heading: HeadingLevel.HEADING_2,
            children: [new TextRun('2. Vad har QM betytt?')],
          }),
          new Paragraph({children: [new TextRun('En gemensam riktning.')]}),
          new Paragraph({}),
          new Paragraph({heading: HeadingLevel.HEADING_3, children: [new TextRun('Fakta om QM')]}),
          new Paragraph({children: [new TextRun('QM delas ut av Svenska Stadskärnor.')]}),
          new Paragraph({heading: HeadingLevel.HEADING_3, children: [new TextRun('KONTAKT')]}),
          new Paragraph({children: [new TextRun('Ängla Šimić')]}),
          new Paragraph({children: [new TextRun('Centrumchef, Kiruna Centrum')]}),
          new Paragraph({
            children: [
              new ExternalHyperlink({
                link: 'mailto:angla.simic@kiruna-centrum.example',
                children: [new TextRun('angla.simic@kiruna-centrum.example')],
              }),
            ],
          }),
          new Paragraph({children: [new TextRun('Tel. 0980-123 45')]}),
        ],
      },
    ],
  })
  return Packer.toBuffer(document)
}

/** Gävle: bold question paragraphs, a numbered list, contacts in one paragraph with line breaks. */
async function gavleDocx(): Promise<Buffer> {
  const document = new Document({
    numbering: {
      config: [{reference: 'steg', levels: [{level: 0, format: LevelFormat.DECIMAL, text: '%1.'}]}],
    },
    sections: [
      {
        children: [
          new Paragraph({
            children: [
              new TextRun('Göran Żeleński,'),
              new TextRun({text: 'vd', break: 1}),
              new TextRun({text: 'Gävle Innerstad', break: 1}),
            ],
          }),
          new Paragraph({children: [new TextRun('”Samverkan är ett hantverk.”')]}),
          new Paragraph({children: [new TextRun({text: '1. Var började ni?', bold: true})]}),
          new Paragraph({children: [new TextRun('I tre steg:')]}),
          new Paragraph({text: 'kartläggning', numbering: {reference: 'steg', level: 0}}),
          new Paragraph({text: 'handlingsplan', numbering: {reference: 'steg', level: 0}}),
          new Paragraph({children: [new TextRun({text: '2. Vad är svårast?', bold: true})]}),
          new Paragraph({
            children: [
              new TextRun('Att hålla '),
              new TextRun({text: 'tempot', italics: true}),
              new TextRun(' uppe.'),
            ],
          }),
          new Paragraph({children: [new TextRun({text: 'KONTAKT', bold: true})]}),
          new Paragraph({
            children: [
              new TextRun('Göran Żeleński'),
              new TextRun({text: 'vd, Gävle Innerstad', break: 1}),
              new TextRun({text: 'goran@gavle-innerstad.example', break: 1}),
            ],
          }),
          new Paragraph({
            children: [
              new TextRun('Lovisa Åström'),
              new TextRun({text: 'QM-samordnare, Svenska Stadskärnor', break: 1}),
              new TextRun({text: 'lovisa.astrom@svenskastadskarnor.se', break: 1}),
            ],
          }),
        ],
      },
    ],
  })
  return Packer.toBuffer(document)
}

function simple(blocks: PortableTextBlock[]) {
  return blocks.map((block) => [
    block.style,
    block.listItem ? `${block.listItem}${block.level}` : '',
    ...block.children.map((span) => {
      const marks = span.marks.map(
        (mark) => block.markDefs.find((def) => def._key === mark)?.href ?? mark,
      )
      return marks.length > 0 ? `${span.text} [${marks.join(' ')}]` : span.text
    }),
  ])
}

const ref = (id: string) => ({_type: 'reference', _ref: id})
const keyed = (id: string) => ({...ref(id), _key: expect.stringMatching(/^[0-9a-f]{12}$/)})

let lake: TestLake
let dir: string
let datasets = 0

async function freshClient(): Promise<SanityClient> {
  const dataset = `word-${++datasets}`
  await lake.client().datasets.create(dataset)
  return lake.client({dataset})
}

beforeAll(async () => {
  lake = await startTestLake()
  dir = mkdtempSync(join(tmpdir(), 'import-word-'))
})

afterAll(async () => {
  await lake?.stop()
  rmSync(dir, {recursive: true, force: true})
})

describe('a Word document with styles and images', () => {
  it('reads every part like Markdown, the image beside the name as the portrait', async () => {
    const parsed = await parseFile(await kirunaDocx(), 'kiruna.docx')
    expect(parsed.format).toBe('word')
    expect(parsed.title).toBe('Kiruna flyttar stadskärnan')
    const {portrait, ...interviewee} = parsed.interviewee
    expect(interviewee).toEqual({
      name: 'Ängla Šimić',
      role: 'centrumchef',
      organization: 'Kiruna Centrum',
      roleLine: 'centrumchef, Kiruna Centrum',
      line: 2,
    })
    expect(portrait).toMatchObject({
      alt: 'Ängla Šimić framför stadshuset',
      contentType: 'image/png',
    })
    expect(Buffer.from(portrait!.bytes!).equals(PORTRAIT)).toBe(true)
    expect(Buffer.from(parsed.mainImage!.image.bytes!).equals(MAIN_IMAGE)).toBe(true)
    expect(parsed.mainImage?.line).toBe(5)
    expect(parsed.pullQuote).toEqual({text: 'Vi flyttar inte bara hus, vi flyttar vanor.', line: 3})
    expect(parsed.lead).toBe('Kiruna Centrum fick QM mitt under stadsflytten.')
    expect(parsed.questions.map((q) => [q.number, q.line, q.question, simple(q.answer)])).toEqual([
      [
        1,
        6,
        'Hur går flytten?',
        [
          [
            'normal',
            '',
            'Det går ',
            'bra [strong]',
            ' och ',
            'snabbt [em]',
            '. Se ',
            'kartan [https://www.kiruna-centrum.example/karta]',
            '.',
          ],
          ['normal', 'bullet1', 'Nya torget'],
          ['normal', 'bullet2', 'Stadshuset'],
        ],
      ],
      [2, 10, 'Vad har QM betytt?', [['normal', '', 'En gemensam riktning.']]],
    ])
    expect(parsed.factSheet?.title).toBe('Fakta om QM')
    expect(simple(parsed.factSheet!.body)).toEqual([
      ['normal', '', 'QM delas ut av Svenska Stadskärnor.'],
    ])
    expect(parsed.contact).toEqual({
      people: [
        {
          name: 'Ängla Šimić',
          role: 'Centrumchef',
          organization: 'Kiruna Centrum',
          roleLine: 'Centrumchef, Kiruna Centrum',
          email: 'angla.simic@kiruna-centrum.example',
          phone: '0980-123 45',
          line: 16,
        },
      ],
      line: 15,
    })
    expect(parsed.warnings).toEqual([])
  })

  it('uploads the portrait and the main image as assets and links them', async () => {
    const client = await freshClient()
    const file = join(dir, 'kiruna.docx')
    writeFileSync(file, await kirunaDocx())
    const summary = await importFiles([file], {client})
    expect(summary.files[0].error).toBeUndefined()
    const interview = await client.fetch(
      `*[_type == "interview"][0]{title, lead, pullQuote, "city": city->name,
        "organization": organization->{name, kind},
        "mainImage": mainImage{alt, "asset": asset->{_id, mimeType, "width": metadata.dimensions.width}},
        "interviewee": interviewee->{name, role, email, phone, "organization": organization->name,
          "portrait": portrait{alt, "asset": asset->{_id, mimeType, "width": metadata.dimensions.width, "height": metadata.dimensions.height}}},
        "contacts": contacts[]->name, "factSheet": factSheet->{title, "contacts": contacts[]->name}}`,
    )
    expect(interview).toEqual({
      title: 'Kiruna flyttar stadskärnan',
      lead: 'Kiruna Centrum fick QM mitt under stadsflytten.',
      pullQuote: {
        _type: 'pullQuote',
        text: 'Vi flyttar inte bara hus, vi flyttar vanor.',
        attribution: 'Ängla Šimić, centrumchef, Kiruna Centrum',
      },
      city: 'Kiruna',
      organization: {name: 'Kiruna Centrum', kind: 'cityCentreOrganization'},
      mainImage: {
        alt: 'Det nya torget i Kiruna',
        asset: {
          _id: expect.stringMatching(/^image-[0-9a-f]{40}-64x32-png$/),
          mimeType: 'image/png',
          width: 64,
        },
      },
      interviewee: {
        name: 'Ängla Šimić',
        role: 'centrumchef',
        email: 'angla.simic@kiruna-centrum.example',
        phone: '0980-123 45',
        organization: 'Kiruna Centrum',
        portrait: {
          alt: 'Ängla Šimić framför stadshuset',
          asset: {
            _id: expect.stringMatching(/^image-[0-9a-f]{40}-40x50-png$/),
            mimeType: 'image/png',
            width: 40,
            height: 50,
          },
        },
      },
      contacts: ['Ängla Šimić'],
      factSheet: {title: 'Fakta om QM', contacts: ['Ängla Šimić']},
    })

    // The same document again: no upload and no transaction.
    const before = await client.fetch<Record<string, string>[]>('*[]{_id, _rev}')
    const again = await importFiles([file], {client})
    expect(again.files[0].changes.every((change) => change.action === 'unchanged')).toBe(true)
    expect(await client.fetch('*[]{_id, _rev}')).toEqual(before)
  })
})

describe('a Word document with bold questions and line breaks', () => {
  it('reads the interviewee over line breaks, the numbered list and two contacts', async () => {
    const parsed = await parseFile(await gavleDocx(), 'gavle.docx')
    expect(parsed.interviewee).toEqual({
      name: 'Göran Żeleński',
      role: 'vd',
      organization: 'Gävle Innerstad',
      roleLine: 'vd Gävle Innerstad',
      line: 1,
    })
    expect(parsed.title).toBeUndefined()
    expect(parsed.pullQuote).toEqual({text: 'Samverkan är ett hantverk.', line: 2})
    expect(parsed.questions.map((q) => [q.number, q.line, q.question, simple(q.answer)])).toEqual([
      [
        1,
        3,
        'Var började ni?',
        [
          ['normal', '', 'I tre steg:'],
          ['normal', 'number1', 'kartläggning'],
          ['normal', 'number1', 'handlingsplan'],
        ],
      ],
      [2, 7, 'Vad är svårast?', [['normal', '', 'Att hålla ', 'tempot [em]', ' uppe.']]],
    ])
    expect(parsed.factSheet).toBeUndefined()
    expect(parsed.contact?.people).toEqual([
      {
        name: 'Göran Żeleński',
        role: 'vd',
        organization: 'Gävle Innerstad',
        roleLine: 'vd, Gävle Innerstad',
        email: 'goran@gavle-innerstad.example',
        line: 10,
      },
      {
        name: 'Lovisa Åström',
        role: 'QM-samordnare',
        organization: 'Svenska Stadskärnor',
        roleLine: 'QM-samordnare, Svenska Stadskärnor',
        email: 'lovisa.astrom@svenskastadskarnor.se',
        line: 11,
      },
    ])
    expect(parsed.warnings).toEqual([])
  })

  it('imports it with both contacts linked to their organisations', async () => {
    const client = await freshClient()
    const file = join(dir, 'gavle.docx')
    writeFileSync(file, await gavleDocx())
    const summary = await importFiles([file], {client})
    expect(summary.ok).toBe(true)
    const interview = await client.fetch(
      `*[_type == "interview"][0]{_id, title, language,
        "contacts": contacts[]->{name, role, email, "organization": organization->name}}`,
    )
    expect(interview).toEqual({
      _id: 'interview-goran-zelenski-gavle-innerstad',
      title: 'Göran Żeleński, Gävle Innerstad',
      language: 'sv',
      contacts: [
        {
          name: 'Göran Żeleński',
          role: 'vd',
          email: 'goran@gavle-innerstad.example',
          organization: 'Gävle Innerstad',
        },
        {
          name: 'Lovisa Åström',
          role: 'QM-samordnare',
          email: 'lovisa.astrom@svenskastadskarnor.se',
          organization: 'Svenska Stadskärnor',
        },
      ],
    })
    const stored = await client.getDocument('interview-goran-zelenski-gavle-innerstad')
    expect(stored?.contacts).toEqual([
      keyed('person-goran-zelenski'),
      keyed('person-lovisa-astrom'),
    ])
  })
})

describe('a broken Word document', () => {
  it('is rejected with a clear message and nothing is written', async () => {
    const client = await freshClient()
    const file = join(dir, 'trasig.docx')
    writeFileSync(file, Buffer.concat([Buffer.from('PK\u0003\u0004'), Buffer.alloc(200, 7)]))
    const errors: string[] = []
    const summary = await importFiles([file], {client, logError: (line) => errors.push(line)})
    expect(summary.ok).toBe(false)
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatch(
      new RegExp(
        `^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:1: not a Word document that can be read \\(.+\\)$`,
      ),
    )
    expect(await client.fetch('count(*)')).toBe(0)
  })
})
