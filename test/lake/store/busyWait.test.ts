/**
 * `lake:token` against a folder whose write lock another process holds (as a running lake's import
 * does for its whole transaction): the command says it waits, succeeds once the lock is free, and
 * after its bound fails with a named, clear error (exit 1) having changed nothing, never with
 * SQLite's raw "database is locked" (lake/store/busyWait.ts).
 */
import {spawn, spawnSync, type ChildProcess} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {createInterface} from 'node:readline'
import {afterAll, describe, expect, it} from 'vitest'
import {isBusyError, LakeBusyError, waitWhileBusy} from '../../../lake/store/busyWait.ts'

const MAIN = join(import.meta.dirname, '..', '..', '..', 'lake', 'main.ts')
const dirs: string[] = []
afterAll(() => {
  for (const dir of dirs) rmSync(dir, {recursive: true, force: true})
})

function lakeFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lake-busy-'))
  dirs.push(dir)
  const created = spawnSync(process.execPath, [
    MAIN,
    'token',
    'create',
    '--role',
    'viewer',
    '--data',
    dir,
  ])
  expect(created.status).toBe(0)
  return dir
}

/** Another process holding the database's write lock until a line arrives on its stdin. */
async function holdWriteLock(dir: string): Promise<{release(): Promise<void>}> {
  const script = `
    import {DatabaseSync} from 'node:sqlite'
    const db = new DatabaseSync(${JSON.stringify(join(dir, 'lake.sqlite'))})
    db.exec('BEGIN IMMEDIATE')
    console.log('holding')
    process.stdin.once('data', () => { db.exec('ROLLBACK'); db.close(); process.exit(0) })
  `
  const child = spawn(process.execPath, ['--input-type=module', '-e', script])
  await firstLine(child, 'stdout', (line) => line === 'holding')
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  return {
    async release() {
      child.stdin?.write('go\n')
      await exited
    },
  }
}

function firstLine(
  child: ChildProcess,
  from: 'stdout' | 'stderr',
  predicate: (line: string) => boolean,
): Promise<string> {
  const stream = child[from]
  if (!stream) throw new Error(`no ${from}`)
  const lines = createInterface({input: stream})
  return new Promise((resolve, reject) => {
    lines.on('line', (line) => {
      if (predicate(line)) resolve(line)
    })
    child.once('exit', (code) => reject(new Error(`exited with ${code} before the line`)))
  })
}

function collect(child: ChildProcess) {
  let stdout = ''
  let stderr = ''
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
  return {exited, output: () => ({stdout, stderr})}
}

describe('token commands while another process holds the write lock', () => {
  it('wait with a message and succeed once the lock is released', async () => {
    const dir = lakeFolder()
    const lock = await holdWriteLock(dir)
    const command = spawn(process.execPath, [
      MAIN,
      'token',
      'create',
      '--role',
      'editor',
      '--data',
      dir,
    ])
    const result = collect(command)
    const waiting = await firstLine(command, 'stderr', (line) => line.includes('waiting up to'))
    expect(waiting).toBe(
      `lake: the database in ${dir} is locked by another writer (a running lake's import?); waiting up to 120 s…`,
    )
    await lock.release()
    expect(await result.exited).toBe(0)
    expect(result.output().stdout).toMatch(/^sk[\w-]{43}\n$/)
    const listed = spawnSync(process.execPath, [MAIN, 'token', 'list', '--data', dir], {
      encoding: 'utf8',
    })
    expect(
      listed.stdout
        .trim()
        .split('\n')
        .map((line) => line.split('\t')[1]),
    ).toEqual(['viewer', 'editor'])
  })

  it('fail after the bound with a clear error, changing nothing', async () => {
    const dir = lakeFolder()
    const before = spawnSync(process.execPath, [MAIN, 'token', 'list', '--data', dir], {
      encoding: 'utf8',
    }).stdout
    const id = before.split('\t')[0]
    const lock = await holdWriteLock(dir)
    try {
      const revoke = spawnSync(process.execPath, [MAIN, 'token', 'revoke', id, '--data', dir], {
        encoding: 'utf8',
        env: {...process.env, LAKE_BUSY_WAIT_MS: '0'},
      })
      expect(revoke.status).toBe(1)
      expect(revoke.stdout).toBe('')
      expect(revoke.stderr).toContain(
        `lake: the lake database in ${dir} stayed locked by another writer`,
      )
      expect(revoke.stderr).toContain('nothing was changed')
      expect(revoke.stderr).not.toContain('database is locked')
      expect(revoke.stderr).not.toContain('    at ')
    } finally {
      await lock.release()
    }
    const after = spawnSync(process.execPath, [MAIN, 'token', 'list', '--data', dir], {
      encoding: 'utf8',
    }).stdout
    expect(after).toBe(before)
  })
})

describe('waitWhileBusy', () => {
  const busy = Object.assign(new Error('database is locked'), {errcode: 5})

  it('retries busy attempts, tells once, and returns the first success', async () => {
    const told: string[] = []
    let attempts = 0
    const result = await waitWhileBusy(
      () => {
        attempts++
        if (attempts < 3) throw busy
        return 'done'
      },
      {dataDir: 'd', maxWaitMs: 60_000, onWait: (line) => told.push(line)},
    )
    expect(result).toBe('done')
    expect(attempts).toBe(3)
    expect(told).toHaveLength(1)
  })

  it('gives up with LakeBusyError at the bound, and passes other errors through', async () => {
    let clock = 0
    const failure = waitWhileBusy(
      () => {
        clock += 1_000
        throw busy
      },
      {dataDir: 'd', maxWaitMs: 5_000, onWait: () => undefined, now: () => clock},
    )
    await expect(failure).rejects.toBeInstanceOf(LakeBusyError)
    const other = new Error('no such table')
    await expect(
      waitWhileBusy(
        () => {
          throw other
        },
        {dataDir: 'd', onWait: () => undefined},
      ),
    ).rejects.toBe(other)
    expect(isBusyError(Object.assign(new Error('x'), {errcode: 517}))).toBe(true) // SQLITE_BUSY_SNAPSHOT
    expect(isBusyError(new Error('database is locked'))).toBe(false)
  })
})
