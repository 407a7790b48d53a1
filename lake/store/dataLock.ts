/**
 * One running lake per data folder. Two lakes on one folder would each run the release scheduler
 * (publishing a release twice) and keep diverging in-memory caches of the same SQLite file, so the
 * second one must refuse to start.
 *
 * The lock is an SQLite exclusive lock on `<data>/lake.lock` (a tiny database of its own, not the
 * data itself), held for the lake's lifetime. The operating system drops it when the process ends
 * in any way, so a lake killed with SIGKILL leaves no stale lock behind, and a reused pid can never
 * look like a live holder. SQLite also enforces it between connections of one process, so two
 * in-process lakes (tests) conflict too. The holder's pid is written next to it, in `lake.pid`,
 * for the error message only.
 *
 * One-shot commands on a running lake's folder (`token create`, backups) open the data database
 * without this lock: they are meant to work while the lake runs.
 */
import {readFileSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {DatabaseSync} from 'node:sqlite'

export class DataFolderInUseError extends Error {
  override name = 'DataFolderInUseError'
  readonly dataDir: string
  readonly holderPid: number | null

  constructor(dataDir: string, holderPid: number | null) {
    super(
      `the data folder ${dataDir} is in use by another running lake${holderPid ? ` (pid ${holderPid})` : ''}; stop it first, or start this one with another --data folder`,
    )
    this.dataDir = dataDir
    this.holderPid = holderPid
  }
}

export interface DataLock {
  /** Gives the folder up (idempotent). */
  release(): void
}

const SQLITE_BUSY = 5

function isBusy(error: unknown): boolean {
  const code = (error as {errcode?: unknown}).errcode
  return code === SQLITE_BUSY || /database is locked/i.test(String(error))
}

function readPid(path: string): number | null {
  try {
    const pid = Number(readFileSync(path, 'utf8').trim())
    return Number.isInteger(pid) && pid > 0 ? pid : null
  } catch {
    return null
  }
}

/** Takes the data folder for this process; throws {@link DataFolderInUseError} when another lake
 *  holds it. The folder must exist. */
export function acquireDataLock(dataDir: string): DataLock {
  const lockPath = join(dataDir, 'lake.lock')
  const pidPath = join(dataDir, 'lake.pid')
  const db = new DatabaseSync(lockPath, {timeout: 0})
  try {
    db.exec('PRAGMA locking_mode = EXCLUSIVE')
    // An exclusive transaction that stays open: the lock lasts until the connection closes.
    db.exec('BEGIN EXCLUSIVE')
  } catch (error) {
    db.close()
    if (isBusy(error)) throw new DataFolderInUseError(dataDir, readPid(pidPath))
    throw error
  }
  writeFileSync(pidPath, `${process.pid}\n`)
  let held = true
  return {
    release() {
      if (!held) return
      held = false
      if (readPid(pidPath) === process.pid) rmSync(pidPath, {force: true})
      db.close()
    },
  }
}
