/**
 * Lake query benchmark (`npm run bench` → `node bench/lake.ts`). See bench/README.md.
 *
 * Starts a lake in-process on a free port with a temporary data directory, imports 100,000
 * generated published documents plus 1,000 drafts through `POST /data/import/:dataset`, then
 * measures the issue-14 queries over HTTP with @sanity/client (published perspective) and
 * the same queries with plain groq-js (parse + evaluate over the whole published array, no
 * `dereference` callback: what a naive implementation does). Prints one table.
 *
 * Options (env): BENCH_LAKE_ITERATIONS (default 200), BENCH_GROQ_ITERATIONS (default 20),
 * BENCH_DOCS (default 100000), BENCH_ONLY (a regular expression: only the query rows, and
 * query-after-write rows, whose name it matches).
 */
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {isDeepStrictEqual} from 'node:util'
import {createClient} from '@sanity/client'
import {evaluate, parse} from 'groq-js'
import {generateToken} from '../lake/auth/auth.ts'
import {createLakeServer} from '../lake/http/server.ts'
import type {LakeDocument} from '../lake/core/types.ts'
import {seededRandom} from '../testkit/seededRandom.ts'
import {rewriteTextQueries, withDocumentContent} from '../lake/groq/textQuery.ts'
import {ms, percentile, type Stats} from './measure.ts'

// ------------------------------------------------------------------ data

const STUDIO_GROQ2024_SEARCH = `// findability-mvi:5
*[_type in $__types] | score(boost(_type in ["sanity.imageAsset","sanity.fileAsset"] && originalFilename match text::query($__query), 10), boost(_type in ["interview","qmFactSheet"] && title match text::query($__query), 10), ([@, _id] match text::query($__query) || references($__rawQuery))) [_score > 0] {_type, _id, _originalId, "orderings": [_score]} | order(orderings[0] desc) [0...$__limit]`
const STUDIO_SEARCH_TYPES = [
  'sanity.imageAsset',
  'sanity.fileAsset',
  'interview',
  'person',
  'organization',
  'city',
  'qmCertification',
  'qmFactSheet',
  'award',
]
const FIRST = ['Anna', 'Erik', 'Maria', 'Lars', 'Karin', 'Johan', 'Eva', 'Anders', 'Sara', 'Per']
const LAST = ['Andersson', 'Johansson', 'Karlsson', 'Nilsson', 'Eriksson', 'Larsson', 'Olsson']
const COUNTIES = ['Stockholms län', 'Västra Götalands län', 'Skåne län', 'Uppsala län']
const ROLES = ['Centrumledare', 'Platsutvecklare', 'Ordförande', 'Kommunikatör', 'Handlare']
const KINDS = ['cityCentreAssociation', 'municipality', 'propertyOwner', 'business']
const FOCUS = ['trygghet', 'tillgänglighet', 'handel', 'kultur', 'hållbarhet', 'samverkan']

export interface BenchData {
  /** Published documents (the published perspective's whole dataset). */
  published: LakeDocument[]
  drafts: LakeDocument[]
  ids: string[]
  interviewSlugs: string[]
}

/**
 * Deterministic documents shaped like this project's content: cities, organizations, persons,
 * qmCertifications and interviews with slugs and references, plus drafts of some of them.
 * Proportions for `total` = 50,000: 290 cities, 4,710 organizations, 28,000 persons, 12,000
 * certifications, 5,000 interviews (4% without `publishedAt`), and 1,000 drafts.
 */
export function generateBenchData(total = 50_000, seed = 20260219): BenchData {
  const random = seededRandom(seed)
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]
  const uuid = () => {
    const hex = () =>
      Math.floor(random() * 0x10000)
        .toString(16)
        .padStart(4, '0')
    return `${hex()}${hex()}-${hex()}-4${hex().slice(1)}-a${hex().slice(1)}-${hex()}${hex()}${hex()}`
  }
  const scale = total / 50_000
  const count = {
    city: Math.max(1, Math.round(290 * scale)),
    organization: Math.max(1, Math.round(4_710 * scale)),
    person: Math.max(1, Math.round(28_000 * scale)),
    interview: Math.max(1, Math.round(5_000 * scale)),
  }
  const certifications = total - count.city - count.organization - count.person - count.interview
  const base = Date.parse('2015-01-01T00:00:00Z')
  const day = 86_400_000
  const date = (from: number, days: number) =>
    new Date(from + Math.floor(random() * days) * day).toISOString()
  const system = (type: string, created: string): LakeDocument => ({
    _id: uuid(),
    _type: type,
    _rev: uuid().slice(0, 22),
    _createdAt: created,
    _updatedAt: created,
  })
  const ref = (id: string) => ({_type: 'reference', _ref: id})
  const slug = (text: string) => ({
    _type: 'slug',
    current: text
      .toLowerCase()
      .replace(/[åä]/g, 'a')
      .replace(/ö/g, 'o')
      .replace(/[^a-z0-9]+/g, '-'),
  })

  const cities: LakeDocument[] = []
  for (let i = 0; i < count.city; i++) {
    const name = `Stad ${i}`
    cities.push({
      ...system('city', date(base, 3000)),
      name,
      slug: slug(name),
      municipality: `${name} kommun`,
      county: pick(COUNTIES),
      description: `Stadskärnan i ${name}.`,
      keyFacts: [{_key: 'k1', _type: 'keyFact', label: 'Invånare', value: String(i * 137)}],
    })
  }
  const organizations: LakeDocument[] = []
  for (let i = 0; i < count.organization; i++) {
    const name = `Organisation ${i}`
    organizations.push({
      ...system('organization', date(base, 3000)),
      name,
      slug: slug(name),
      kind: pick(KINDS),
      city: ref(pick(cities)._id),
      website: `https://org${i}.example.se`,
      description: `Beskrivning av ${name}.`,
      memberSince: date(base, 3000).slice(0, 10),
    })
  }
  for (const city of cities) city.cityCentreOrganization = ref(pick(organizations)._id)
  const persons: LakeDocument[] = []
  for (let i = 0; i < count.person; i++) {
    const name = `${pick(FIRST)} ${pick(LAST)} ${i}`
    persons.push({
      ...system('person', date(base, 3000)),
      name,
      slug: slug(name),
      role: pick(ROLES),
      organization: ref(pick(organizations)._id),
      email: `person${i}@example.se`,
      phone: `070-${String(1_000_000 + i).slice(1)}`,
      bio: [
        {
          _key: 'b1',
          _type: 'block',
          style: 'normal',
          markDefs: [],
          children: [{_key: 's1', _type: 'span', marks: [], text: `Om ${name}.`}],
        },
      ],
    })
  }
  const qmCertifications: LakeDocument[] = []
  for (let i = 0; i < certifications; i++) {
    const org = pick(organizations)
    const certifiedAt = date(base, 3600).slice(0, 10)
    qmCertifications.push({
      ...system('qmCertification', date(base, 3600)),
      organization: ref(org._id),
      city: org.city,
      applicationType: random() < 0.7 ? 'new' : 'revision',
      certifiedAt,
      validUntil:
        random() < 0.5
          ? `${Number(certifiedAt.slice(0, 4)) + 3}${certifiedAt.slice(4)}`
          : undefined,
      focusAreas: [pick(FOCUS), pick(FOCUS)],
    })
  }
  const interviews: LakeDocument[] = []
  for (let i = 0; i < count.interview; i++) {
    const person = pick(persons)
    const title = `Intervju ${i} med ${person.name as string}`
    const publishedAt = random() < 0.96 ? date(base, 4000) : undefined
    interviews.push({
      ...system('interview', publishedAt ?? date(base, 4000)),
      title,
      slug: slug(title),
      publishedAt,
      language: 'sv',
      interviewee: ref(person._id),
      organization: person.organization,
      city: ref(pick(cities)._id),
      certification: ref(pick(qmCertifications)._id),
      lead: `Ingress till intervju ${i}.`,
      questions: Array.from({length: 3 + Math.floor(random() * 4)}, (_, q) => ({
        _key: `q${q}`,
        _type: 'qaPair',
        question: `Fråga ${q}?`,
        answer: [
          {
            _key: 'a',
            _type: 'block',
            style: 'normal',
            markDefs: [],
            children: [{_key: 's', _type: 'span', marks: [], text: `Svar ${q} i intervju ${i}.`}],
          },
        ],
      })),
      tags: [pick(FOCUS)],
    })
  }
  // Sorted by `_id`: the lake's dataset order (contract §4.3), which `order()` ties fall back to.
  const published = [
    ...cities,
    ...organizations,
    ...persons,
    ...qmCertifications,
    ...interviews,
  ].sort((a, b) => (a._id < b._id ? -1 : a._id > b._id ? 1 : 0))
  for (const doc of published) {
    for (const key of Object.keys(doc)) if (doc[key] === undefined) delete doc[key]
  }
  const drafts: LakeDocument[] = []
  const draftCount = Math.round(1_000 * scale)
  for (let i = 0; i < draftCount; i++) {
    const source = random() < 0.5 ? pick(interviews) : pick(persons)
    if (drafts.some((d) => d._id === `drafts.${source._id}`)) continue
    drafts.push({
      ...source,
      _id: `drafts.${source._id}`,
      _updatedAt: new Date().toISOString(),
      ...(source._type === 'interview'
        ? {title: `${source.title as string} (utkast)`}
        : {name: `${source.name as string} (utkast)`}),
    })
  }
  return {
    published,
    drafts,
    ids: published.map((d) => d._id),
    interviewSlugs: interviews.map((d) => (d.slug as {current: string}).current),
  }
}

// ------------------------------------------------------------------ measuring

interface BenchQuery {
  name: string
  query: string
  params: (i: number) => Record<string, unknown>
}

async function measure(
  iterations: number,
  run: (i: number) => Promise<unknown>,
): Promise<Stats & {results: Map<number, unknown>}> {
  const times: number[] = []
  const results = new Map<number, unknown>()
  for (let i = 0; i < iterations; i++) {
    const started = performance.now()
    const result = await run(i)
    times.push(performance.now() - started)
    results.set(i, result)
  }
  times.sort((a, b) => a - b)
  return {p50: percentile(times, 50), p95: percentile(times, 95), results}
}

async function main(): Promise<void> {
  const lakeIterations = Number(process.env.BENCH_LAKE_ITERATIONS ?? 200)
  const groqIterations = Number(process.env.BENCH_GROQ_ITERATIONS ?? 20)
  const total = Number(process.env.BENCH_DOCS ?? 100_000)
  const only = process.env.BENCH_ONLY ? new RegExp(process.env.BENCH_ONLY, 'i') : null
  const selected = (q: BenchQuery) => only === null || only.test(q.name)
  const benchStarted = performance.now()

  const data = generateBenchData(total)
  let byId: Map<string, LakeDocument> | undefined
  const contentOf = () => {
    byId ??= new Map(data.published.map((doc) => [doc._id, doc]))
    const lookup = byId
    return withDocumentContent((id) => lookup.get(id))
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'lake-bench-'))
  const adminToken = generateToken()
  const logs: string[] = []
  const server = createLakeServer({dataDir, adminToken, log: (line) => logs.push(line)})
  try {
    const {url} = await server.listen()
    const body = [...data.published, ...data.drafts].map((d) => JSON.stringify(d)).join('\n')
    const loadStarted = performance.now()
    const res = await fetch(`${url}/v2025-02-19/data/import/bench`, {
      method: 'POST',
      headers: {Authorization: `Bearer ${adminToken}`, 'Content-Type': 'application/x-ndjson'},
      body,
    })
    if (res.status !== 200) throw new Error(`import failed: ${res.status} ${await res.text()}`)
    const imported = (await res.json()) as {count: number}
    const importMs = performance.now() - loadStarted
    const client = createClient({
      projectId: 'bench',
      dataset: 'bench',
      apiHost: url,
      useProjectHostname: false,
      apiVersion: '2025-02-19',
      useCdn: false,
      token: adminToken,
      perspective: 'published',
    })
    // The first query builds the in-memory document cache and indexes (part of "load").
    await client.fetch('count(*)')
    const loadMs = performance.now() - loadStarted

    const {ids, interviewSlugs} = data
    // Referenced documents: cities and organizations (persons, interviews and certifications
    // point at them).
    const referenced = data.published
      .filter((doc) => doc._type === 'city' || doc._type === 'organization')
      .map((doc) => doc._id)
    const stride = (list: string[], i: number) => list[(i * 7919) % list.length]
    const queries: BenchQuery[] = [
      {name: 'by _id', query: '*[_id == $id][0]', params: (i) => ({id: stride(ids, i)})},
      {
        name: 'by type+slug, two ->',
        query:
          '*[_type == "interview" && slug.current == $slug][0]{title, "interviewee": interviewee->{name, "org": organization->name}}',
        params: (i) => ({slug: stride(interviewSlugs, i)}),
      },
      {
        name: 'newest 20 of a type',
        query:
          '*[_type == "interview"] | order(publishedAt desc)[0...20]{_id, title, publishedAt, "slug": slug.current}',
        params: () => ({}),
      },
      {name: 'count by type', query: 'count(*[_type == "interview"])', params: () => ({})},
      {
        name: 'references($id)',
        query: '*[references($id)]{_id, _type}',
        params: (i) => ({id: stride(referenced, i)}),
      },
      {
        name: 'count(references($id))',
        query: 'count(*[references($id)])',
        params: (i) => ({id: stride(referenced, i)}),
      },
      {
        name: 'Studio search shape',
        query:
          '*[_type in ["person", "organization", "interview"] && (title match $q || name match $q)][0...20]{_id, _type}',
        params: (i) => ({q: `${stride(FIRST, i)}*`}),
      },
      {
        // The main query of the Studio's default search (sanity 6.9.2 `createSearch`, strategy
        // groq2024, for this project's schema; testkit/studioSearch.ts runs the real one), as
        // sent when the reference-resolving query found nothing (no `$__refIds` boost).
        name: 'Studio groq2024 search',
        query: STUDIO_GROQ2024_SEARCH,
        params: (i) => ({
          __types: STUDIO_SEARCH_TYPES,
          __limit: 26,
          __query: `${stride(FIRST, i)}*`,
          __rawQuery: stride(FIRST, i),
        }),
      },
      {
        // The first keystroke: a one-letter prefix.
        name: 'Studio groq2024 search, 1 letter',
        query: STUDIO_GROQ2024_SEARCH,
        params: (i) => ({
          __types: STUDIO_SEARCH_TYPES,
          __limit: 26,
          __query: `${stride(FIRST, i)[0]}*`,
          __rawQuery: stride(FIRST, i)[0],
        }),
      },
      {
        name: 'Studio groq2024 search, exclusion only',
        query: STUDIO_GROQ2024_SEARCH,
        params: (i) => ({
          __types: STUDIO_SEARCH_TYPES,
          __limit: 26,
          __query: `-${stride(FIRST, i)}`,
          __rawQuery: `-${stride(FIRST, i)}`,
        }),
      },
      {
        name: 'validUntil < now()',
        query: '*[_type == "qmCertification" && validUntil < now()]._id',
        params: () => ({}),
      },
      {
        name: 'title match',
        query: '*[_type == "interview" && title match $q][0...10]{_id, title}',
        params: (i) => ({q: `${stride(FIRST, i)}*`}),
      },
    ]

    const rows: string[][] = []
    let identical = true
    for (const q of queries.filter(selected)) {
      for (let i = 0; i < 20; i++) await client.fetch(q.query, q.params(i + 1_000_000))
      const lake = await measure(lakeIterations, (i) => client.fetch(q.query, q.params(i)))
      const naive = await measure(groqIterations, async (i) => {
        const params = q.params(i)
        // text::query() as the lake rewrites it (a no-op for the other rows); `@`'s content comes
        // through groq-js's dereference hook (lake/groq/textQuery.ts).
        const tree = rewriteTextQueries(parse(q.query, {params}), q.query)
        const value = await evaluate(tree, {
          dataset: data.published,
          params,
          ...(q.query.includes('text::query') ? {dereference: contentOf()} : {}),
        })
        return value.get()
      })
      for (const [i, expected] of naive.results) {
        if (!isDeepStrictEqual(JSON.parse(JSON.stringify(expected ?? null)), lake.results.get(i))) {
          identical = false
          console.error(`MISMATCH: ${q.name} params ${JSON.stringify(q.params(i))}`)
        }
      }
      rows.push([
        q.name,
        ms(lake.p50),
        ms(lake.p95),
        ms(naive.p50),
        ms(naive.p95),
        `${Math.round(naive.p50 / lake.p50)}×`,
        (lake.p50 / naive.p50).toFixed(3),
      ])
    }

    // Query after write: each timed query follows an acknowledged patch (steady: no write).
    const afterWrite: string[][] = []
    const target = stride(ids, 3)
    for (const q of [queries[3], queries[2], queries[4]].filter(selected)) {
      const steady = await measure(lakeIterations / 2, (i) => client.fetch(q.query, q.params(i)))
      const written = await measure(lakeIterations / 2, async (i) => {
        await client.patch(target).set({benchCounter: i}).commit({returnDocuments: false})
        const started = performance.now()
        await client.fetch(q.query, q.params(i))
        return performance.now() - started
      })
      const times = [...written.results.values()].map(Number).sort((a, b) => a - b)
      const p50 = percentile(times, 50)
      afterWrite.push([
        q.name,
        ms(steady.p50),
        ms(p50),
        ms(percentile(times, 99)),
        `${(p50 / steady.p50).toFixed(2)}×`,
      ])
    }

    const header = [
      'query',
      'lake p50',
      'lake p95',
      'groq-js p50',
      'groq-js p95',
      'speed-up',
      'ratio',
    ]
    const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)))
    const line = (cells: string[]) =>
      `| ${cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join(' | ')} |`
    console.log(
      `Lake benchmark: ${imported.count} documents (${data.published.length} published + ${data.drafts.length} drafts), Node ${process.version}`,
    )
    console.log(
      `Load: import ${(importMs / 1000).toFixed(2)} s, first query (cache + indexes) ${((loadMs - importMs) / 1000).toFixed(2)} s, total ${(loadMs / 1000).toFixed(2)} s`,
    )
    console.log(
      `Iterations: lake ${lakeIterations} (over HTTP, @sanity/client, perspective published), groq-js ${groqIterations} (parse + evaluate over ${data.published.length} documents, no dereference callback except the content of \`@\` for text::query()); times in ms`,
    )
    console.log('')
    console.log(line(header))
    console.log(line(widths.map((w) => '-'.repeat(w))))
    for (const row of rows) console.log(line(row))
    console.log('')
    console.log('Query right after an acknowledged write (the write itself not timed), ms')
    console.log('')
    const afterHeader = ['query', 'steady p50', 'after write p50', 'after write p99', 'penalty']
    const afterWidths = afterHeader.map((h, c) =>
      Math.max(h.length, ...afterWrite.map((r) => r[c].length)),
    )
    const afterLine = (cells: string[]) =>
      `| ${cells.map((cell, c) => (c === 0 ? cell.padEnd(afterWidths[c]) : cell.padStart(afterWidths[c]))).join(' | ')} |`
    console.log(afterLine(afterHeader))
    console.log(afterLine(afterWidths.map((w) => '-'.repeat(w))))
    for (const row of afterWrite) console.log(afterLine(row))
    const memory = process.memoryUsage()
    console.log('')
    console.log(
      `Memory (lake and bench in one process): rss ${(memory.rss / 1e6).toFixed(0)} MB, heap ${(memory.heapUsed / 1e6).toFixed(0)} MB`,
    )
    console.log(`Results identical to groq-js: ${identical ? 'yes' : 'NO'}`)
    console.log(`Benchmark took ${((performance.now() - benchStarted) / 1000).toFixed(1)} s`)
    for (const line of logs) console.error(line)
    if (!identical || logs.length > 0) process.exitCode = 1
  } finally {
    await server.close()
    rmSync(dataDir, {recursive: true, force: true})
  }
}

if (import.meta.main) await main()
