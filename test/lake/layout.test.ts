/**
 * The lake's folders import one way (lake/README.md, "Layout"): `http/` at the edge, imported only
 * by the entry points; `core/` at the bottom, importing nothing else; `store/` only on `core/`; and
 * no cycle between folders. Read from the source text, type-only imports included.
 */
import {readdirSync, readFileSync} from 'node:fs'
import {dirname, join, relative, resolve} from 'node:path'
import {describe, expect, it} from 'vitest'

const LAKE = resolve(import.meta.dirname, '../../lake')
const ENTRY_POINTS = new Set(['main.ts', 'cli.ts'])

/**
 * Folder edges that break the rules today, each waiting for its owner's change. Keep this short:
 * remove an entry as soon as it is fixed (the test fails on entries that no longer occur).
 */
const ALLOWED_EXCEPTIONS: ReadonlyArray<string> = []

interface Import {
  from: string
  to: string
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, {withFileTypes: true}).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(path)
    return entry.name.endsWith('.ts') ? [path] : []
  })
}

const SPECIFIER = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+'([^']+)'|import\('([^']+)'\)/g

/** The lake-relative paths each lake file imports. */
function lakeImports(): Import[] {
  const imports: Import[] = []
  for (const file of sourceFiles(LAKE)) {
    const text = readFileSync(file, 'utf8')
    for (const match of text.matchAll(SPECIFIER)) {
      const specifier = match[1] ?? match[2]
      if (!specifier.startsWith('.')) continue
      const target = relative(LAKE, resolve(dirname(file), specifier))
      if (target.startsWith('..')) continue
      imports.push({from: relative(LAKE, file), to: target})
    }
  }
  return imports
}

/** `core`, `store`, …; `http` for http/ and http/routes/; `.` for the entry points at the root. */
function folderOf(path: string): string {
  const parts = path.split('/')
  return parts.length === 1 ? '.' : parts[0]
}

function edge(from: string, to: string): string {
  return `${from} -> ${to}`
}

const imports = lakeImports()
const folderEdges = new Set(
  imports
    .map(({from, to}) => [folderOf(from), folderOf(to)])
    .filter(([from, to]) => from !== to)
    .map(([from, to]) => edge(from, to)),
)

function violations(rule: (from: string, to: string) => boolean): string[] {
  return [...folderEdges]
    .filter((e) => {
      const [from, to] = e.split(' -> ')
      return rule(from, to)
    })
    .filter((e) => !ALLOWED_EXCEPTIONS.includes(e))
    .sort()
}

describe('lake layout', () => {
  it('reads the import graph (sanity check of the parser)', () => {
    expect(imports.length).toBeGreaterThan(100)
    expect(folderEdges.has(edge('.', 'http'))).toBe(true)
    expect(folderEdges.has(edge('write', 'core'))).toBe(true)
  })

  it('only the entry points import http/', () => {
    for (const {from, to} of imports) {
      if (folderOf(to) === 'http' && folderOf(from) !== 'http') {
        expect(ENTRY_POINTS.has(from), `${from} imports ${to}`).toBe(true)
      }
    }
  })

  it('core/ imports no other folder, store/ only core/', () => {
    expect(violations((from) => from === 'core')).toEqual([])
    expect(violations((from, to) => from === 'store' && to !== 'core')).toEqual([])
  })

  it('folders form no cycle', () => {
    const next = new Map<string, string[]>()
    for (const e of folderEdges) {
      if (ALLOWED_EXCEPTIONS.includes(e)) continue
      const [from, to] = e.split(' -> ')
      next.set(from, [...(next.get(from) ?? []), to])
    }
    const cycles: string[] = []
    const state = new Map<string, 'open' | 'done'>()
    const visit = (folder: string, path: string[]) => {
      if (state.get(folder) === 'done') return
      if (state.get(folder) === 'open') {
        cycles.push([...path.slice(path.indexOf(folder)), folder].join(' -> '))
        return
      }
      state.set(folder, 'open')
      for (const to of next.get(folder) ?? []) visit(to, [...path, folder])
      state.set(folder, 'done')
    }
    for (const folder of next.keys()) visit(folder, [])
    expect(cycles).toEqual([])
  })

  it('links from the code into lake/README.md name sections that exist', () => {
    const readme = readFileSync(join(LAKE, 'README.md'), 'utf8')
    const anchors = new Set(
      [...readme.matchAll(/^#+ (.+)$/gm)].map((match) =>
        match[1]
          .toLowerCase()
          .replace(/[^\w\s-]/g, '')
          .trim()
          .replace(/\s+/g, '-'),
      ),
    )
    const links = sourceFiles(LAKE).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/lake\/README\.md#([\w-]+)/g)].map((match) => ({
        file: relative(LAKE, file),
        anchor: match[1],
      })),
    )
    expect(links.length).toBeGreaterThan(20)
    for (const {file, anchor} of links)
      expect(anchors.has(anchor), `${file}: #${anchor}`).toBe(true)
  })

  it('the README map names every route file', () => {
    const readme = readFileSync(join(LAKE, 'README.md'), 'utf8')
    const routes = readdirSync(join(LAKE, 'http/routes')).filter((name) => name !== 'write.ts')
    for (const name of routes) expect(readme, name).toContain(`routes/${name}`)
  })

  it('lists only exceptions that still occur', () => {
    for (const exception of ALLOWED_EXCEPTIONS)
      expect(folderEdges.has(exception), exception).toBe(true)
  })
})
