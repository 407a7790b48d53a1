/** Entry for `npm run migrate -- <command>`; see migrations/README.md. */
import {main} from './migrate/cli.ts'

process.exitCode = await main(process.argv.slice(2), {
  env: process.env,
  cwd: process.cwd(),
  out: (line) => console.log(line),
  err: (line) => console.error(line),
})
