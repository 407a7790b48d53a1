/** Entry point: `node lake/main.ts --port 3400 --data .lake` (see lake/cli.ts). */
import {runCli} from './cli.ts'

const code = await runCli(process.argv.slice(2))
if (code !== undefined) process.exitCode = code
