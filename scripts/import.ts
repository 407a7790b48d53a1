/**
 * `npm run import -- <file.md|folder> [--dataset D] [--dry-run]`: turns QM interviews written as
 * Markdown into documents in the Content Lake. See scripts/import/cli.ts.
 */
import {main} from './import/cli.ts'
import {messageOf} from './shared/errors.ts'

try {
  process.exitCode = await main(process.argv.slice(2))
} catch (error) {
  console.error(`The import stopped: ${messageOf(error)}`)
  process.exitCode = 1
}
