/**
 * `npm run import -- <file.md|folder> [--dataset D] [--dry-run]`: turns QM interviews written as
 * Markdown into documents in the Content Lake. See scripts/import/cli.ts.
 */
import {main} from './import/cli.ts'

try {
  process.exitCode = await main(process.argv.slice(2))
} catch (error) {
  console.error(`The import stopped: ${error instanceof Error ? error.message : String(error)}`)
  process.exitCode = 1
}
