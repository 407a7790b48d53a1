/**
 * `npm run dataset -- list | create | delete | export | import | copy`: moves datasets between the
 * local lake and hosted Sanity projects. See scripts/dataset/cli.ts.
 */
import {main, terminalAsk} from './dataset/cli.ts'

try {
  process.exitCode = await main(process.argv.slice(2), {
    out: (line) => console.log(line),
    err: (line) => console.error(line),
    ask: terminalAsk(),
  })
} catch (error) {
  console.error(
    `The dataset command stopped: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
  )
  process.exitCode = 1
}
