/**
 * Re-importing, Studio edits, bad input, reports and the command line against a real lake.
 */
import {execFile} from 'node:child_process'
import {copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {promisify} from 'node:util'

import type {SanityClient} from '@sanity/client'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {createTarget} from '../scripts/migrate/api.ts'
import {main} from '../scripts/import/cli.ts'
import {importFiles} from '../scripts/import/index.ts'
import {readContentLakeConfig} from '../config/contentLake.ts'
import {startTestLake, type TestLake} from '../testkit/lake.ts'
import {png} from './helpers/png.ts'

const fixtures = fileURLToPath(new URL('./fixtures/interviews/', import.meta.url))
const layout = (name: string) => join(fixtures, 'layouter', name)
const root = fileURLToPath(new URL('..', import.meta.url))
const ref = (id: string) => ({_type: 'reference', _ref: id})
const interviewId = 'interview-ostersund-samlar-stadskarnan'

let lake: TestLake
let datasets = 0
const dirs: string[] = []

async function freshClient(): Promise<SanityClient> {
  const dataset = `again-${++datasets}`
  await lake.client().datasets.create(dataset)
  return lake.client({dataset, perspective: 'raw'})
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'import-again-'))
  dirs.push(dir)
  return dir
}

/** A copy of a layout fixture that the test may edit. */
function copyOf(name: string): string {
  const file = join(tempDir(), name)
  copyFileSync(layout(name), file)
  return file
}

/** Every transaction the lake has recorded for the dataset's documents (its history). */
async function transactionCount(client: SanityClient): Promise<number> {
  const ids = await client.fetch<string[]>('*[]._id')
  const url = client.getUrl(
    `/data/history/${client.config().dataset}/transactions/${ids.join(',')}`,
  )
  const response = await fetch(url, {headers: {Authorization: `Bearer ${lake.adminToken}`}})
  expect(response.status).toBe(200)
  const text = await response.text()
  return text.split('\n').filter((line) => line.trim()).length
}

async function revisions(client: SanityClient): Promise<Record<string, string>> {
  const documents = await client.fetch<Array<{_id: string; _rev: string}>>('*[]{_id, _rev}')
  return Object.fromEntries(documents.map((d) => [d._id, d._rev]))
}

async function run(
  client: SanityClient | undefined,
  args: string[],
  env: Record<string, string> = {},
) {
  const out: string[] = []
  const err: string[] = []
  const code = await main(args, {
    env: {SANITY_API_TOKEN: lake.adminToken, ...env},
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    ...(client ? {createClient: () => client} : {}),
  })
  return {code, out, err}
}

beforeAll(async () => {
  lake = await startTestLake()
})

afterAll(async () => {
  await lake?.stop()
  for (const dir of dirs) rmSync(dir, {recursive: true, force: true})
})

describe('importing the same file again', () => {
  it('makes no transaction at all when nothing changed', async () => {
    const client = await freshClient()
    const first = await importFiles([layout('1-fetstil-numrerad.md')], {client})
    expect(first.ok).toBe(true)
    const transactions = await transactionCount(client)
    expect(transactions).toBe(1)
    const before = await revisions(client)
    // Each document has its marker, hidden from anonymous readers.
    expect(Object.keys(before).filter((id) => id.startsWith('importer.state.'))).toHaveLength(7)
    expect(
      await lake
        .client({dataset: client.config().dataset, token: null})
        .fetch('count(*[_id in path("importer.**")])'),
    ).toBe(0)

    const again = await importFiles([layout('1-fetstil-numrerad.md')], {client})
    expect(again.files[0].changes.map((c) => c.action)).toEqual(Array(7).fill('unchanged'))
    expect(await transactionCount(client)).toBe(transactions)
    expect(await revisions(client)).toEqual(before)
  })

  it('updates only the fields that changed in the file', async () => {
    const client = await freshClient()
    const file = copyOf('1-fetstil-numrerad.md')
    await importFiles([file], {client})
    const before = await revisions(client)
    writeFileSync(
      file,
      readFileSync(file, 'utf8')
        .replace('Börja nu, och bjud in', 'Börja i dag, och bjud in')
        .replace('Tel: 08-123 456 78', 'Tel: 08-765 432 10'),
    )
    const summary = await importFiles([file], {client})
    expect(summary.files[0].changes.filter((c) => c.action !== 'unchanged')).toEqual([
      {id: 'person-zoran-petrovic', type: 'person', action: 'update', fields: ['phone']},
      {id: interviewId, type: 'interview', action: 'update', fields: ['questions']},
    ])
    const after = await revisions(client)
    const changed = Object.keys(after).filter((id) => after[id] !== before[id])
    expect(changed.sort()).toEqual([
      'importer.state.interview-ostersund-samlar-stadskarnan',
      'importer.state.person-zoran-petrovic',
      interviewId,
      'person-zoran-petrovic',
    ])
    expect((await client.getDocument('person-zoran-petrovic'))?.phone).toBe('08-765 432 10')
  })

  it('keeps what an editor changed in the Studio, and asks for --force when the file changed too', async () => {
    const client = await freshClient()
    const file = copyOf('1-fetstil-numrerad.md')
    await importFiles([file], {client})
    await client.patch(interviewId).set({title: 'Redaktörens rubrik'}).commit()
    await client.patch('person-zoran-petrovic').set({role: 'Senior rådgivare'}).commit()
    const transactions = await transactionCount(client)

    // The file still says what it said: the editor's changes stand, nothing is written.
    const unchanged = await importFiles([file], {client})
    expect(unchanged.ok).toBe(true)
    expect(unchanged.files[0].changes.filter((c) => c.kept)).toEqual([
      {id: 'person-zoran-petrovic', type: 'person', action: 'unchanged', kept: ['role']},
      {id: interviewId, type: 'interview', action: 'unchanged', kept: ['title']},
    ])
    expect(await transactionCount(client)).toBe(transactions)

    // Now the file changes the same fields: refused, naming document and field.
    writeFileSync(
      file,
      readFileSync(file, 'utf8')
        .replace(
          'title: Östersund samlar stadskärnan kring QM',
          'title: Östersund samlar hela stadskärnan',
        )
        .replace('QM-samordnare, Svenska Stadskärnor', 'Samordnare, Svenska Stadskärnor'),
    )
    const errors: string[] = []
    const refused = await importFiles([file], {client, logError: (line) => errors.push(line)})
    expect(refused.ok).toBe(false)
    expect(errors).toEqual([
      `${file}: nothing was written: edited in the Studio since the last import, and changed in the file too: person-zoran-petrovic (role); ${interviewId} (title). Import with --force to overwrite the Studio's changes with the file's`,
    ])
    expect(await transactionCount(client)).toBe(transactions)

    const forced = await run(client, [file, '--force'])
    expect(forced.err).toEqual([])
    expect(forced.code).toBe(0)
    expect((await client.getDocument(interviewId))?.title).toBe('Östersund samlar hela stadskärnan')
    expect((await client.getDocument('person-zoran-petrovic'))?.role).toBe('Samordnare')
    const afterForce = await transactionCount(client)
    await importFiles([file], {client})
    expect(await transactionCount(client)).toBe(afterForce)
  })
})

describe('documents changed in the Studio in other ways', () => {
  it('makes a document deleted in the Studio again', async () => {
    const client = await freshClient()
    await importFiles([layout('2-fetstil-parentes.md')], {client})
    const id = 'interview-karlstad-vagade-satsa-pa-evenemang'
    await client.delete(id)
    const summary = await importFiles([layout('2-fetstil-parentes.md')], {client})
    expect(summary.ok).toBe(true)
    expect(summary.files[0].changes.find((c) => c.id === id)?.action).toBe('create')
    expect(await client.getDocument(id)).toMatchObject({
      title: 'Karlstad vågade satsa på evenemang',
    })
  })

  it('does not update a document that has an unpublished draft, unless forced', async () => {
    const client = await freshClient()
    const file = copyOf('2-fetstil-parentes.md')
    await importFiles([file], {client})
    const id = 'interview-karlstad-vagade-satsa-pa-evenemang'
    const published = await client.getDocument(id)
    await client.create({...published!, _id: `drafts.${id}`, title: 'Utkast i Studion'})
    const transactions = await transactionCount(client)
    // The file unchanged: nothing to do, the draft is the editor's business.
    expect((await importFiles([file], {client})).ok).toBe(true)
    expect(await transactionCount(client)).toBe(transactions)

    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace('Vi ville veta', 'Vi ville verkligen veta'),
    )
    const errors: string[] = []
    const refused = await importFiles([file], {client, logError: (line) => errors.push(line)})
    expect(refused.ok).toBe(false)
    expect(errors).toEqual([
      `${file}: nothing was written: unpublished changes in the Studio that publishing would put over the import: ${id} (questions); publish or discard them first. Import with --force to overwrite the Studio's changes with the file's`,
    ])
    expect(await transactionCount(client)).toBe(transactions)
    expect((await importFiles([file], {client, force: true})).ok).toBe(true)
    expect((await client.getDocument(id))?.questions[0].answer[0].children[0].text).toBe(
      'Vi ville verkligen veta om vårt arbetssätt höll.',
    )
    expect((await client.getDocument(`drafts.${id}`))?.title).toBe('Utkast i Studion')
  })
})

describe('files that are not UTF-8 Markdown', () => {
  it('reads Windows-1252 with a warning, and explains an old .doc', async () => {
    const client = await freshClient()
    const dir = tempDir()
    const latin = join(dir, 'ansi.md')
    writeFileSync(
      latin,
      Buffer.from('Åsa Öst, vd, Växjö Stadskärna\n\n### Hur gick det?\n\nBra, tack.\n', 'latin1'),
    )
    const summary = await importFiles([latin], {client})
    expect(summary.files[0].warnings[0]).toEqual({
      line: 0,
      message:
        'the file is not UTF-8; it was read as Windows-1252 (save it as UTF-8 to be sure of å, ä and ö)',
    })
    expect(await client.fetch('*[_type == "interview"][0].questions[0].question')).toBe(
      'Hur gick det?',
    )
    expect(await client.fetch('*[_type == "person"][0].name')).toBe('Åsa Öst')

    const doc = join(dir, 'gammal.doc')
    writeFileSync(doc, Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]))
    const errors: string[] = []
    await importFiles([doc], {client, logError: (line) => errors.push(line)})
    expect(errors).toEqual([
      `${doc}:1: this is an old Word file (.doc); open it in Word and save it as .docx, then import that`,
    ])
  })
})

describe('a Markdown file with a portrait next to it', () => {
  it('uploads the image beside the name as the portrait, once', async () => {
    const client = await freshClient()
    const dir = tempDir()
    writeFileSync(join(dir, 'ada ek.png'), png(30, 40))
    const file = join(dir, 'intervju.md')
    writeFileSync(
      file,
      '![Ada Ek vid torget](ada%20ek.png)\nAda Ek, vd, Exempelstad City\n\n### 1. Fråga?\n\nSvar.\n',
    )
    const summary = await importFiles([file], {client})
    expect(summary.files[0].warnings).toEqual([])
    const person = await client.fetch(
      '*[_id == "person-ada-ek"][0]{portrait{alt, "asset": asset->{originalFilename, "w": metadata.dimensions.width}}}',
    )
    expect(person).toEqual({
      portrait: {alt: 'Ada Ek vid torget', asset: {originalFilename: 'ada ek.png', w: 30}},
    })
    const transactions = await transactionCount(client)
    await importFiles([file], {client})
    expect(await transactionCount(client)).toBe(transactions)
  })
})

describe("organisations named after a contact's role", () => {
  it('links an organisation that already exists in the lake', async () => {
    const client = await freshClient()
    await client.create({
      _id: 'handmade-bem',
      _type: 'organization',
      name: 'Borås Energi och Miljö',
      kind: 'company',
    })
    const summary = await importFiles([layout('7-blandad.md')], {client})
    expect(summary.files[0].warnings.map((w) => w.line)).toEqual([3, 19, 23, 42])
    expect(await client.getDocument('person-helene-kovac')).toMatchObject({
      role: 'Kommunikatör',
      organization: ref('handmade-bem'),
    })
  })
})

describe('a city named in the genitive', () => {
  it('links the city the lake already has, without a warning', async () => {
    const client = await freshClient()
    await client.create({_id: 'city-hassleholm', _type: 'city', name: 'Hässleholm'})
    const summary = await importFiles([layout('9-lista-fetstil.md')], {client})
    expect(summary.files[0].warnings.map((w) => w.line)).toEqual([9, 25])
    expect(
      await client.fetch(
        '*[_type == "interview"][0]{"city": city->name, "org": organization->city->name}',
      ),
    ).toEqual({city: 'Hässleholm', org: 'Hässleholm'})
  })
})

describe('input that is not an interview', () => {
  it('says what was expected and writes nothing', async () => {
    const client = await freshClient()
    const errors: string[] = []
    const files = ['tom.md', 'utan-fragor.md', 'inte-en-intervju.md'].map((name) =>
      join(fixtures, name),
    )
    const summary = await importFiles(files, {client, logError: (line) => errors.push(line)})
    expect(summary.files.map((f) => f.ok)).toEqual([false, false, false])
    expect(errors).toEqual([
      `${files[0]}:1: the file is empty; expected an interview: the interviewee line ("Name, role Organisation") and questions such as a heading "### 1. …?" or a bold line "**1. …?**"`,
      `${files[1]}:5: expected a question such as a heading "### 1. …?" or a bold line "**1. …?**" but found "Det här är bara en inledning. Intervjun är inte skriven än."`,
      `${files[2]}:3: this does not look like an interview: expected the interviewee line ("Name, role Organisation") and questions such as a heading "### 1. …?" or a bold line "**1. …?**", but found "Mötets öppnande"`,
    ])
    expect(await client.fetch('count(*)')).toBe(0)
  })

  it('cites the layout the file uses', async () => {
    const client = await freshClient()
    const file = join(tempDir(), 'fetstil.md')
    writeFileSync(
      file,
      'Ada Ek, vd, Exempelstad City\n\n**1. Första frågan?**\n\n**2. Andra frågan?**\n\nSvar.\n',
    )
    const errors: string[] = []
    await importFiles([file], {client, logError: (line) => errors.push(line)})
    expect(errors).toEqual([
      `${file}:3: the question "Första frågan?" has no answer before "**2. Andra frågan?**"`,
    ])
    expect(await client.fetch('count(*)')).toBe(0)
  })
})

describe('the command line', () => {
  it("prints a readable dry run: the interview's fields and the related documents", async () => {
    const client = await freshClient()
    const {code, out} = await run(client, [layout('1-fetstil-numrerad.md'), '--dry-run'])
    expect(code).toBe(0)
    const text = out.join('\n')
    expect(text).toContain(
      [
        `  warning ${layout('1-fetstil-numrerad.md')}:12: unknown front matter key "photographer" is ignored (known: title, slug, city, organization, date, publishedAt, tags, lead, language)`,
        `  Interview ${interviewId}`,
        '    title:        Östersund samlar stadskärnan kring QM',
        '    slug:         ostersund-samlar-stadskarnan',
        '    language:     sv',
        '    published:    2025-03-14T00:00:00.000Z',
        '    interviewee:  Åsa Öhrström, verksamhetsledare, Östersunds Centrumförening, asa.ohrstrom@ostersund-centrum.example',
        '    organization: Östersunds Centrumförening',
        '    city:         Östersund',
        '    lead:         Östersund blev i våras den första staden i Jämtland med Quality Mark.',
        '    pull quote:   ”Vi lärde oss att fråga fastighetsägarna först.” (Åsa Öhrström, verksamhetsledare, Östersunds Centrumförening)',
        '    tags:         samverkan, Norrland',
        '    questions:    3',
        '      1. Hur såg samverkan ut innan ni började med QM?',
        '         Den fanns, men den var personberoende. Vi träffades när något hade gått fel. (1 block(s))',
        '      2. Vad gjorde störst skillnad?',
        '         Tre saker: en gemensam handlingsplan en årlig trygghetsvandring mätningar som alla kan lä… (4 block(s))',
        '      3. Vad vill du säga till andra städer?',
        '         Börja nu, och bjud in kommunen från första mötet. (1 block(s))',
        '    contacts:',
        '      - Zoran Petrović, QM-samordnare, Svenska Stadskärnor, zoran.petrovic@svenskastadskarnor.se, 08-123 456 78',
        '      - Åsa Öhrström, verksamhetsledare, Östersunds Centrumförening, asa.ohrstrom@ostersund-centrum.example',
        '    fact sheet:   Fakta om QM (1 block(s), https://www.svenskastadskarnor.se)',
        '  Documents:',
        '  would create city          city-ostersund',
        '  would create organization  organization-ostersunds-centrumforening',
        '  would create person        person-asa-ohrstrom',
        '  would create organization  organization-svenska-stadskarnor',
        '  would create person        person-zoran-petrovic',
        '  would create qmFactSheet   qmFactSheet-ostersund-samlar-stadskarnan',
        `  would create interview     ${interviewId}`,
      ].join('\n'),
    )
    expect(await client.fetch('count(*)')).toBe(0)
  })

  it('prints JSON for tools with --json and nothing else', async () => {
    const client = await freshClient()
    const {code, out, err} = await run(client, [
      layout('7-blandad.md'),
      join(fixtures, 'tom.md'),
      '--json',
    ])
    expect(code).toBe(1)
    expect(err).toEqual([])
    expect(out).toHaveLength(1)
    const report = JSON.parse(out[0])
    expect(report.ok).toBe(false)
    expect(report.dryRun).toBe(false)
    expect(report.files.map((f: {file: string; ok: boolean}) => [f.file, f.ok])).toEqual([
      [layout('7-blandad.md'), true],
      [join(fixtures, 'tom.md'), false],
    ])
    const [good, bad] = report.files
    expect(good.interviewId).toBe('interview-boras-city-tio-ar-av-samarbete')
    expect(good.warnings[0]).toEqual({
      line: 3,
      message: 'a tag is given twice in "tags"; it is kept once',
      text: `${layout('7-blandad.md')}:3: a tag is given twice in "tags"; it is kept once`,
    })
    expect(
      good.documents.map((d: {_id: string; change: {action: string}}) => [d._id, d.change.action]),
    ).toEqual([
      ['city-boras', 'create'],
      ['organization-boras-city', 'create'],
      ['person-dusan-oberg', 'create'],
      ['person-helene-kovac', 'create'],
      ['interview-boras-city-tio-ar-av-samarbete', 'create'],
    ])
    expect(good.documents[4].fields.tags).toEqual(['samverkan', 'trygghet'])
    expect(bad.error).toMatch(/tom\.md:1: the file is empty/)
  })

  it('creates a missing dataset on the local lake, or says how with an editor token', async () => {
    const env = {SANITY_API_HOST: lake.url, SANITY_PROJECT_ID: 'test'}
    const editor = lake.createToken('editor')
    const refused = await run(undefined, [layout('2-fetstil-parentes.md'), '--dataset', 'ny-1'], {
      ...env,
      SANITY_API_TOKEN: editor,
    })
    expect(refused.code).toBe(1)
    expect(refused.err).toEqual([
      'Dataset "ny-1" does not exist on the local lake, and creating it needs an administrator token (SANITY_API_TOKEN is an editor\'s or viewer\'s). Get one with `npm run lake:token -- --role administrator` and run the import with it once, or pick an existing dataset with --dataset.',
    ])
    const dry = await run(
      undefined,
      [layout('2-fetstil-parentes.md'), '--dataset', 'ny-1', '--dry-run'],
      env,
    )
    expect(dry.err).toEqual([])
    expect(dry.code).toBe(0)
    expect(dry.out).toContain('Dataset "ny-1" does not exist yet; a real import creates it.')
    expect(dry.out).toContain(
      '  would create interview     interview-karlstad-vagade-satsa-pa-evenemang',
    )
    expect((await lake.client().datasets.list()).map((d) => d.name)).not.toContain('ny-1')
    const created = await run(
      undefined,
      [layout('2-fetstil-parentes.md'), '--dataset', 'ny-1'],
      env,
    )
    expect(created.err).toEqual([])
    expect(created.code).toBe(0)
    expect(created.out).toContain('Created dataset "ny-1" on the local lake.')
    const client = lake.client({dataset: 'ny-1'})
    expect(await client.fetch('*[_type == "interview"][0].title')).toBe(
      'Karlstad vågade satsa på evenemang',
    )
    // With the dataset in place an editor's token is enough.
    const again = await run(undefined, [layout('2-fetstil-parentes.md'), '--dataset', 'ny-1'], {
      ...env,
      SANITY_API_TOKEN: editor,
    })
    expect(again.code).toBe(0)
  })

  it('says exactly how to get a token, and that command works', async () => {
    const missing = await run(undefined, [layout('2-fetstil-parentes.md')], {
      SANITY_API_TOKEN: '',
      // No token file from `npm start` either.
      LAKE_DATA_DIR: tempDir(),
    })
    expect(missing.code).toBe(2)
    expect(missing.err.join('\n')).toContain('`npm run lake:token -- --role editor`')
    expect(() => createTarget(readContentLakeConfig({}))).toThrow(
      /`npm run lake:token -- --role editor`/,
    )

    const dataDir = tempDir()
    const {stdout} = await promisify(execFile)(
      'npm',
      ['run', '--silent', 'lake:token', '--', '--role', 'editor', '--data', dataDir],
      {cwd: root},
    )
    const token = stdout.trim()
    expect(token).toMatch(/^[\w-]{20,}$/)
    const own = await startTestLake({dataDir})
    try {
      const client = own.client({token, dataset: 'production'})
      await own.client().datasets.create('production')
      await client.create({_type: 'city', name: 'Örebro'})
      expect(await client.fetch('*[_type == "city"][0].name')).toBe('Örebro')
    } finally {
      await own.stop()
    }
  })
})
