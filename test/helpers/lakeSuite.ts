/**
 * One lake per test file: `const lake = lakeForThisFile()` at the top of a file starts a lake before
 * its tests and stops it after them. The returned object stands for that lake (it is only usable
 * inside tests and hooks, once the lake has started).
 */
import {afterAll, beforeAll} from 'vitest'
import {startTestLake, type TestLake} from '../../testkit/lake.ts'

export function lakeForThisFile(): TestLake {
  let current: TestLake | undefined
  beforeAll(async () => {
    current = await startTestLake()
  })
  afterAll(async () => {
    await current?.stop()
  })
  const started = (): TestLake => {
    if (!current) throw new Error('The test lake starts in beforeAll')
    return current
  }
  return {
    get url() {
      return started().url
    },
    get port() {
      return started().port
    },
    get adminToken() {
      return started().adminToken
    },
    get dataDir() {
      return started().dataDir
    },
    get logs() {
      return started().logs
    },
    get server() {
      return started().server
    },
    get loginCode() {
      return started().loginCode
    },
    client: (options) => started().client(options),
    createToken: (role) => started().createToken(role),
    stop: () => started().stop(),
    restart: () => started().restart(),
  }
}
