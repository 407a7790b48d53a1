/**
 * Fails when the committed schema.json or sanity.types.ts differ from what the current schemas and
 * queries generate. It regenerates both in place and compares them with the committed copies, so a
 * developer who sees it fail only has to commit the regenerated files.
 */
import {execFileSync} from 'node:child_process'
import {readFileSync} from 'node:fs'

const GENERATED_FILES = ['schema.json', 'sanity.types.ts']

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return undefined
  }
}

const before = new Map(GENERATED_FILES.map((file) => [file, read(file)]))
try {
  execFileSync('npm', ['run', '--silent', 'typegen'], {stdio: 'inherit'})
} catch {
  console.error('`npm run typegen` failed; see its output above.')
  process.exit(1)
}
const stale = GENERATED_FILES.filter((file) => before.get(file) !== read(file))

if (stale.length > 0) {
  console.error(
    `Generated files were stale: ${stale.join(', ')}. They have been regenerated; review and commit them.`,
  )
  process.exit(1)
}
console.log(`Generated types are up to date (${GENERATED_FILES.join(', ')}).`)
