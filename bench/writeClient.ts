/**
 * The client side of bench/write.ts, in a process of its own so that serializing the NDJSON and
 * the mutation bodies does not run on the lake's thread and count against the lake's rates.
 * Argument: JSON `{url, token, total, batch, only?}` (`only`: `import` or `mutate`, the one phase
 * to run). Prints one JSON line per phase run:
 * `{"phase": "import"|"mutate", "seconds": …, "documents": …}`.
 */
import {createClient} from '@sanity/client'
import {benchDocuments} from './write.ts'

const {url, token, total, batch, only} = JSON.parse(process.argv[2] ?? '{}') as {
  url: string
  token: string
  total: number
  batch: number
  only?: 'import' | 'mutate'
}
const documents = benchDocuments(total)

if (only !== 'mutate') {
  const body = documents.map((doc) => JSON.stringify(doc)).join('\n')
  const started = performance.now()
  const response = await fetch(`${url}/v2025-02-19/data/import/imported`, {
    method: 'POST',
    headers: {Authorization: `Bearer ${token}`, 'Content-Type': 'application/x-ndjson'},
    body,
  })
  if (!response.ok) throw new Error(`import failed: ${response.status} ${await response.text()}`)
  report('import', started)
}
if (only !== 'import') await mutateInBatches()

async function mutateInBatches(): Promise<void> {
  const client = createClient({
    apiHost: url,
    projectId: 'bench',
    dataset: 'mutated',
    useProjectHostname: false,
    apiVersion: '2025-02-19',
    token,
    useCdn: false,
  })
  // Cities and organizations reference each other: the city's side is written weak (as
  // @sanity/import does with every reference before it strengthens them).
  const mutated = documents.map((doc) =>
    doc._type === 'city' && doc.cityCentreOrganization
      ? {...doc, cityCentreOrganization: {...(doc.cityCentreOrganization as object), _weak: true}}
      : doc,
  )
  const started = performance.now()
  for (let at = 0; at < documents.length; at += batch) {
    await client.mutate(
      mutated.slice(at, at + batch).map((doc) => ({createOrReplace: doc})),
      {returnDocuments: false, visibility: 'async'},
    )
  }
  report('mutate', started)
}

function report(phase: string, since: number): void {
  const seconds = (performance.now() - since) / 1000
  console.log(JSON.stringify({phase, seconds, documents: documents.length}))
}
