import {execFile} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {promisify} from 'node:util'
import {fileURLToPath} from 'node:url'

import type {SanityClient} from '@sanity/client'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {main} from '../scripts/import/cli.ts'
import {importFiles, type PortableTextBlock} from '../scripts/import/index.ts'
import {contactKeyFor} from '../migrations/2026-12-04-interview-contacts-list/index.ts'
import {startTestLake, type TestLake} from '../testkit/lake.ts'

const fixtures = fileURLToPath(new URL('./fixtures/interviews/', import.meta.url))
const fixture = (name: string) => join(fixtures, name)
// The shared seeds sit beside the checkout (../shared), or two levels up from a worktree.
const seed =
  ['../../shared/seeds/', '../../../shared/seeds/']
    .map((dir) => fileURLToPath(new URL(`${dir}qm-interview-sodertalje.md`, import.meta.url)))
    .find((path) => existsSync(path)) ?? 'no-seed'

const ref = (id: string) => ({_type: 'reference', _ref: id})
const texts = (blocks: PortableTextBlock[]) =>
  blocks.map((block) => block.children.map((span) => span.text).join(''))

interface StoredDocument {
  _id: string
  _type: string
  _rev: string
  [field: string]: unknown
}

let lake: TestLake
let datasets = 0
const tempDirs: string[] = []

/** A client on a dataset of its own, so that every test starts from an empty lake. */
async function freshClient(): Promise<SanityClient> {
  const dataset = `import-${++datasets}`
  await lake.client().datasets.create(dataset)
  return lake.client({dataset})
}

async function allDocuments(client: SanityClient): Promise<StoredDocument[]> {
  return client.fetch<StoredDocument[]>(
    '*[!(_id in path("_.**")) && !(_id in path("importer.**"))] | order(_id asc)',
  )
}

async function revisions(client: SanityClient): Promise<Record<string, string>> {
  return Object.fromEntries((await allDocuments(client)).map((d) => [d._id, d._rev]))
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'import-test-'))
  tempDirs.push(dir)
  return dir
}

beforeAll(async () => {
  lake = await startTestLake()
})

afterAll(async () => {
  await lake?.stop()
  for (const dir of tempDirs) rmSync(dir, {recursive: true, force: true})
})

describe('importing into a running lake', () => {
  const interviewId = 'interview-mirela-kovacevic-oberg-alingsas-city'
  const factSheetId = 'qmFactSheet-mirela-kovacevic-oberg-alingsas-city'

  it('stores every document and field of an interview', async () => {
    const client = await freshClient()
    const log: string[] = []
    const summary = await importFiles([fixture('fullstandig.md')], {
      client,
      log: (line) => log.push(line),
    })
    expect(summary.ok).toBe(true)
    expect(summary.files[0].changes.map((c) => `${c.action} ${c.id}`)).toEqual([
      'create city-alingsas',
      'create organization-alingsas-city',
      'create person-mirela-kovacevic-oberg',
      'create organization-svenska-stadskarnor',
      'create person-tove-zagar-lindqvist',
      `create ${factSheetId}`,
      `create ${interviewId}`,
    ])
    expect(log.join('\n')).toContain(`create       interview     ${interviewId}`)

    const documents = await allDocuments(client)
    expect(documents.map((d) => d._id)).toEqual([
      'city-alingsas',
      interviewId,
      'organization-alingsas-city',
      'organization-svenska-stadskarnor',
      'person-mirela-kovacevic-oberg',
      'person-tove-zagar-lindqvist',
      factSheetId,
    ])
    const get = (id: string) => documents.find((d) => d._id === id)!

    expect(get('city-alingsas')).toMatchObject({
      _type: 'city',
      name: 'Alingsås',
      slug: {_type: 'slug', current: 'alingsas'},
    })
    expect(get('organization-alingsas-city')).toMatchObject({
      _type: 'organization',
      name: 'Alingsås City',
      slug: {_type: 'slug', current: 'alingsas-city'},
      kind: 'cityCentreOrganization',
      city: ref('city-alingsas'),
    })
    expect(get('organization-svenska-stadskarnor')).toMatchObject({
      _type: 'organization',
      name: 'Svenska Stadskärnor',
      slug: {_type: 'slug', current: 'svenska-stadskarnor'},
      kind: 'nationalAssociation',
      website: 'https://www.svenskastadskarnor.se',
    })
    expect(get('person-mirela-kovacevic-oberg')).toMatchObject({
      _type: 'person',
      name: 'Mirela Kovačević Öberg',
      slug: {_type: 'slug', current: 'mirela-kovacevic-oberg'},
      role: 'verksamhetsledare',
      organization: ref('organization-alingsas-city'),
    })
    expect(get('person-tove-zagar-lindqvist')).toMatchObject({
      _type: 'person',
      name: 'Tove Žagar Lindqvist',
      slug: {_type: 'slug', current: 'tove-zagar-lindqvist'},
      role: 'Projektledare',
      email: 'tove.zagar@svenskastadskarnor.se',
      organization: ref('organization-svenska-stadskarnor'),
    })

    const factSheet = get(factSheetId)
    expect(factSheet).toMatchObject({
      _type: 'qmFactSheet',
      title: 'Fakta om QM',
      contacts: [{_type: 'reference', _ref: 'person-tove-zagar-lindqvist'}],
      website: 'https://www.svenskastadskarnor.se',
      organization: ref('organization-svenska-stadskarnor'),
    })
    expect(texts(factSheet.body as PortableTextBlock[])).toEqual([
      'Quality Mark är en kvalitetsmärkning för samverkan i stadskärnor. Märkningen delas ut av Svenska Stadskärnor efter en granskning.',
      'Ansökan görs av medlemmar',
      'Granskningen görs av en extern bedömare',
    ])

    const interview = get(interviewId)
    expect(interview).toMatchObject({
      _type: 'interview',
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
      // The same key as the migration from `contact` gives, so the two never disagree.
      contacts: [
        {...ref('person-tove-zagar-lindqvist'), _key: contactKeyFor('person-tove-zagar-lindqvist')},
      ],
    })
    const questions = interview.questions as Array<{
      _key: string
      _type: string
      question: string
      answer: PortableTextBlock[]
    }>
    expect(questions.map((q) => q.question)).toEqual([
      'Hur började ert arbete med kvalitetsmärkningen?',
      'Vilka områden prioriterade ni?',
      'Vad skulle du säga till andra städer?',
      'Hur går ni vidare?',
    ])
    for (const question of questions) {
      expect(question._type).toBe('qaPair')
      expect(question._key).toMatch(/^[0-9a-f]{12}$/)
      for (const block of question.answer) {
        expect(block._key).toMatch(/^[0-9a-f]{12}$/)
        for (const span of block.children) expect(span._key).toMatch(/^[0-9a-f]{12}$/)
      }
    }
    const first = questions[0].answer[0]
    expect(first.markDefs.map((d) => d.href)).toEqual([
      'https://www.alingsas-city.example/qm',
      'mailto:kansli@alingsas-city.example',
    ])
    expect(first.children.find((s) => s.text === 'workshop')?.marks).toEqual(['em'])
    expect(texts(questions[0].answer)[1]).toContain('inte ”vågat” satsa')
    expect(questions[1].answer.filter((b) => b.listItem === 'bullet')).toHaveLength(3)

    // The references resolve in GROQ.
    const joined = await client.fetch(
      `*[_id == $id][0]{"interviewee": interviewee->name, "city": city->name,
        "contact": contacts[0]->email, "publisher": factSheet->organization->name}`,
      {id: interviewId},
    )
    expect(joined).toEqual({
      interviewee: 'Mirela Kovačević Öberg',
      city: 'Alingsås',
      contact: 'tove.zagar@svenskastadskarnor.se',
      publisher: 'Svenska Stadskärnor',
    })
  })

  it('changes nothing when the same file is imported again', async () => {
    const client = await freshClient()
    await importFiles([fixture('fullstandig.md')], {client})
    const before = await revisions(client)
    const again = await importFiles([fixture('fullstandig.md')], {client})
    expect(again.ok).toBe(true)
    expect(again.files[0].changes.every((change) => change.action === 'unchanged')).toBe(true)
    expect(await revisions(client)).toEqual(before)
  })

  it('updates the documents of an edited file in place', async () => {
    const client = await freshClient()
    const dir = tempDir()
    const file = join(dir, 'intervju.md')
    const original = readFileSync(fixture('fullstandig.md'), 'utf8')
    writeFileSync(file, original)
    await importFiles([file], {client})
    const before = await revisions(client)

    writeFileSync(
      file,
      original
        .replace('Med QM fick vi ett gemensamt språk', 'Med QM fick vi ett nytt gemensamt språk')
        .replace('för åren framöver.', 'för åren framöver, klar till hösten.'),
    )
    const summary = await importFiles([file], {client})
    expect(summary.files[0].changes.filter((c) => c.action !== 'unchanged')).toEqual([
      {id: interviewId, type: 'interview', action: 'update', fields: ['pullQuote', 'questions']},
    ])
    const after = await revisions(client)
    expect(Object.keys(after)).toEqual(Object.keys(before))
    for (const id of Object.keys(before)) {
      if (id === interviewId) expect(after[id]).not.toBe(before[id])
      else expect(after[id]).toBe(before[id])
    }
    const interview = await client.getDocument(interviewId)
    expect(interview?.pullQuote.text).toBe(
      'Med QM fick vi ett nytt gemensamt språk för hela stadskärnan.',
    )
    expect(texts(interview?.questions[3].answer)).toEqual([
      'Nästa steg är en ny handlingsplan för åren framöver, klar till hösten.',
    ])
  })

  it('replaces the old single contact of an interview imported before markers existed', async () => {
    const client = await freshClient()
    await importFiles([fixture('fullstandig.md')], {client})
    // As an import before this version left it: one `contact`, no list and no markers.
    await client
      .patch(interviewId)
      .set({contact: ref('person-tove-zagar-lindqvist')})
      .unset(['contacts'])
      .commit()
    await client.delete({query: '*[_id in path("importer.**")]'})
    const summary = await importFiles([fixture('fullstandig.md')], {client})
    expect(summary.files[0].changes.find((c) => c.id === interviewId)).toEqual({
      id: interviewId,
      type: 'interview',
      action: 'update',
      fields: ['contacts', 'contact'],
    })
    const interview = await client.getDocument(interviewId)
    expect(interview?.contact).toBeUndefined()
    expect(interview?.contacts).toEqual([
      {...ref('person-tove-zagar-lindqvist'), _key: contactKeyFor('person-tove-zagar-lindqvist')},
    ])
  })

  it('reports what it would do on a dry run and writes nothing', async () => {
    const client = await freshClient()
    const log: string[] = []
    const summary = await importFiles([fixture('fullstandig.md')], {
      client,
      dryRun: true,
      log: (line) => log.push(line),
    })
    expect(summary.ok).toBe(true)
    expect(summary.files[0].changes.map((c) => c.action)).toEqual(Array(7).fill('create'))
    expect(log).toContain(`  would create interview     ${interviewId}`)
    expect(await allDocuments(client)).toEqual([])

    await importFiles([fixture('fullstandig.md')], {client})
    const dry = await importFiles([fixture('fullstandig.md')], {client, dryRun: true})
    expect(dry.files[0].changes.every((c) => c.action === 'unchanged')).toBe(true)
  })

  it('writes nothing of a malformed file', async () => {
    const client = await freshClient()
    const summary = await importFiles([fixture('trasig.md')], {client})
    expect(summary.ok).toBe(false)
    expect(summary.files[0].error).toBe(
      `${fixture('trasig.md')}:6: expected a question such as a heading "### 1. …?" or a bold line "**1. …?**" but found "Här borde den första frågan ha stått, men det är bara löpte…"`,
    )
    expect(await allDocuments(client)).toEqual([])
  })

  it('imports the good files of a folder that also holds a bad one', async () => {
    const client = await freshClient()
    const summary = await importFiles([fixture('mapp')], {client})
    expect(summary.ok).toBe(false)
    expect(summary.files.map(({file, ok}) => [file, ok])).toEqual([
      [fixture('mapp/1-ostersund.md'), true],
      [fixture('mapp/2-trasig.md'), false],
      [fixture('mapp/3-ystad.md'), true],
    ])
    expect(summary.files[1].error).toMatch(/2-trasig\.md:1: expected the interviewee line/)
    const interviews = await client.fetch<Array<{title: string; contact: string}>>(
      '*[_type == "interview"] | order(title asc){title, "contact": contacts[0]->name}',
    )
    expect(interviews).toEqual([
      {title: 'Erik Månsson, Östersund Centrum', contact: 'Tove Žagar Lindqvist'},
      {title: 'Lena Håkansson, Ystad City', contact: 'Tove Žagar Lindqvist'},
    ])
    // The contact they share is one person.
    expect(
      await client.fetch('count(*[_type == "person" && name == "Tove Žagar Lindqvist"])'),
    ).toBe(1)
    expect(
      summary.files[2].changes.find((c) => c.id === 'person-tove-zagar-lindqvist')?.action,
    ).toBe('unchanged')
  })

  it('reuses people and organisations made by hand under another id', async () => {
    const client = await freshClient()
    await client
      .transaction()
      .create({
        _id: 'handmade-tove',
        _type: 'person',
        name: 'Tove Žagar Lindqvist',
        role: 'Projektledare för QM',
      })
      .create({
        _id: 'handmade-association',
        _type: 'organization',
        name: 'Svenska Stadskärnor',
        kind: 'nationalAssociation',
      })
      .commit()

    const summary = await importFiles([fixture('fullstandig.md')], {client})
    expect(summary.ok).toBe(true)
    const ids = (await allDocuments(client)).map((d) => d._id)
    expect(ids).not.toContain('person-tove-zagar-lindqvist')
    expect(ids).not.toContain('organization-svenska-stadskarnor')

    const interview = await client.getDocument(interviewId)
    expect(interview?.contacts).toEqual([{...ref('handmade-tove'), _key: expect.any(String)}])
    const factSheet = await client.getDocument(factSheetId)
    expect(factSheet?.contacts[0]._ref).toBe('handmade-tove')
    expect(factSheet?.organization).toEqual(ref('handmade-association'))

    const tove = await client.getDocument('handmade-tove')
    expect(tove).toMatchObject({
      role: 'Projektledare för QM',
      email: 'tove.zagar@svenskastadskarnor.se',
      organization: ref('handmade-association'),
    })

    const before = await revisions(client)
    await importFiles([fixture('fullstandig.md')], {client})
    expect(await revisions(client)).toEqual(before)
  })

  it('runs from the command line with an exit code per outcome', async () => {
    const client = await freshClient()
    const run = async (args: string[]) => {
      const out: string[] = []
      const err: string[] = []
      const code = await main(args, {
        env: {SANITY_API_TOKEN: lake.adminToken},
        out: (line) => out.push(line),
        err: (line) => err.push(line),
        createClient: () => client,
      })
      return {code, out: out.join('\n'), err: err.join('\n')}
    }

    const dry = await run([fixture('fullstandig.md'), '--dry-run'])
    expect(dry.code).toBe(0)
    expect(dry.out).toContain('would create interview')
    expect(await allDocuments(client)).toEqual([])

    const folder = await run([fixture('mapp')])
    expect(folder.code).toBe(1)
    expect(folder.err).toBe(
      `${fixture('mapp/2-trasig.md')}:1: expected the interviewee line ("Name, role Organisation") but found "### 1. En fråga utan någon intervjuad person"`,
    )
    expect(folder.out).toContain('Imported 2 of 3 file(s)')

    const missing = await run([fixture('finns-inte.md')])
    expect(missing.code).toBe(1)
    expect(missing.err).toBe(`${fixture('finns-inte.md')}: no such file or folder`)
  })

  it('runs as `node scripts/import.ts` with the project configuration', async () => {
    const client = await freshClient()
    const script = fileURLToPath(new URL('../scripts/import.ts', import.meta.url))
    const env = {
      ...process.env,
      SANITY_API_HOST: lake.url,
      SANITY_PROJECT_ID: 'test',
      SANITY_DATASET: 'no-such-dataset',
      SANITY_API_TOKEN: lake.adminToken,
    }
    const run = (args: string[]) =>
      promisify(execFile)(process.execPath, [script, ...args], {env}).then(
        ({stdout, stderr}) => ({code: 0, stdout, stderr}),
        (error: {code: number; stdout: string; stderr: string}) => error,
      )

    const good = await run([fixture('utan-fakta.md'), '--dataset', client.config().dataset!])
    expect(good.stderr).toBe('')
    expect(good.code).toBe(0)
    expect(good.stdout).toContain('create       interview     interview-pitea-satsar-pa-samverkan')
    expect(await client.getDocument('interview-pitea-satsar-pa-samverkan')).toMatchObject({
      title: 'Piteå satsar på samverkan',
    })

    const bad = await run([fixture('trasig.md'), '--dataset', client.config().dataset!])
    expect(bad.code).toBe(1)
    expect(bad.stderr.trim()).toBe(
      `${fixture('trasig.md')}:6: expected a question such as a heading "### 1. …?" or a bold line "**1. …?**" but found "Här borde den första frågan ha stått, men det är bara löpte…"`,
    )
  })

  it.runIf(existsSync(seed))('imports the Södertälje interview from the shared seeds', async () => {
    const client = await freshClient()
    const summary = await importFiles([seed], {client})
    expect(summary.ok).toBe(true)
    const interview = await client.fetch(
      `*[_type == "interview"][0]{
        title, language, pullQuote, questions,
        "interviewee": interviewee->{name, role, "organization": organization->name},
        "organization": organization->{name, kind},
        "city": city->name,
        "factSheet": factSheet->{title, body, website, "organization": organization->name,
          "contacts": contacts[]->{name, role, email}},
        "contact": contacts[0]->{name, role, email, "organization": organization->name}
      }`,
    )
    expect(interview.title).toBe('Aljoša Lagumdžija, Södertälje City')
    expect(interview.language).toBe('sv')
    expect(interview.interviewee).toEqual({
      name: 'Aljoša Lagumdžija',
      role: 'centrumchef',
      organization: 'Södertälje City',
    })
    expect(interview.organization).toEqual({
      name: 'Södertälje City',
      kind: 'cityCentreOrganization',
    })
    expect(interview.city).toBe('Södertälje')
    expect(interview.pullQuote).toEqual({
      _type: 'pullQuote',
      text: 'QM har bidragit till ökade ekonomiska resurser genom samsyn och tydlighet på vad vi ska fokusera på.',
      attribution: 'Aljoša Lagumdžija, centrumchef Södertälje City',
    })
    const questions = interview.questions as Array<{question: string; answer: PortableTextBlock[]}>
    expect(questions.map((q) => q.question)).toEqual([
      'På vilket sätt har samverkan i er stad förändrats/utvecklats i ert arbete att få ett QM-certifikat?',
      'Vilken har varit den största förändringen/förbättringen som QM bidragit till? Ekonomiskt, organisationsmässigt, övrigt?',
      'På vilket sätt kommer ni att dra nytta av ert godkända QM?',
      'Varför är det viktigt att ha ett QM?',
      'Vad har varit den främsta anledningen till att ni vill kvalitetssäkra er stad med ett QM?',
    ])
    expect(texts(questions[0].answer)[0]).toMatch(/^Resans första steg togs/)
    expect(texts(questions[4].answer)[0]).toMatch(/Då är det QM som gäller\.$/)

    expect(interview.factSheet).toMatchObject({
      title: 'Fakta om QM',
      website: 'http://www.svenskastadskarnor.se',
      organization: 'Svenska Stadskärnor',
      contacts: [
        {name: 'Pia Sandin', role: 'Senior Advisor', email: 'pia.sandin@svenskastadskarnor.se'},
      ],
    })
    expect(texts(interview.factSheet.body)[0]).toMatch(/^Quality Mark baseras på en europeisk/)
    expect(interview.contact).toEqual({
      name: 'Pia Sandin',
      role: 'Senior Advisor',
      email: 'pia.sandin@svenskastadskarnor.se',
      organization: 'Svenska Stadskärnor',
    })

    const before = await revisions(client)
    await importFiles([seed], {client})
    expect(await revisions(client)).toEqual(before)
  })
})
