/**
 * Scheduled backups inside a running lake (`--backup-every 6h --keep 14`): every interval a new
 * verified backup folder `lake-<time>` in the backup folder (lake/store/backup.ts), then all but
 * the newest `keep` are deleted. Runs one at a time (the next is timed from the end of the last);
 * a failed backup is logged and retried at the next interval. The lake's CLI runs each backup in
 * a child process (`backup` option), so copying a large database never stalls requests.
 */
import {existsSync, mkdirSync, readdirSync, rmSync} from 'node:fs'
import {join} from 'node:path'

import {backupLake, type BackupManifest} from './backup.ts'

/** Makes one backup of `dataDir` into the new folder `outDir`. */
export type BackupRunner = (dataDir: string, outDir: string) => Promise<BackupManifest>

const UNITS: Record<string, number> = {s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000}
const BACKUP_NAME = /^lake-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z$/

/** `90s`, `30m`, `6h`, `1d` → milliseconds; null for anything else. */
export function parseDuration(text: string): number | null {
  const match = /^(\d+)([smhd])$/.exec(text.trim())
  if (!match) return null
  const ms = Number(match[1]) * UNITS[match[2]]
  return ms > 0 ? ms : null
}

/** `lake-2026-12-01T20-50-00-123Z`: sorts by time, safe on every file system. */
export function backupName(date: Date): string {
  return `lake-${date.toISOString().replace(/[:.]/g, '-')}`
}

/** Deletes all but the newest `keep` backups in `dir`; returns the names deleted. */
export function pruneBackups(dir: string, keep: number): string[] {
  if (!existsSync(dir)) return []
  const names = readdirSync(dir)
    .filter((name) => BACKUP_NAME.test(name))
    .sort()
  const removed = names.slice(0, Math.max(0, names.length - keep))
  for (const name of removed) rmSync(join(dir, name), {recursive: true, force: true})
  return removed
}

export interface BackupScheduleOptions {
  dataDir: string
  /** Where the backup folders go. */
  dir: string
  everyMs: number
  keep: number
  log: (line: string) => void
  /** Default: lake/store/backup.ts in this process. */
  backup?: BackupRunner
  /** Called after each backup attempt (for tests and callers that want to know). */
  onBackup?: (result: {path: string; manifest: BackupManifest} | {error: Error}) => void
}

export function startBackupSchedule(options: BackupScheduleOptions): {stop(): void} {
  let timer: NodeJS.Timeout | undefined
  let stopped = false
  const backup: BackupRunner =
    options.backup ??
    ((dataDir, outDir) => Promise.resolve().then(() => backupLake(dataDir, outDir)))
  const runOnce = async () => {
    const started = Date.now()
    const path = join(options.dir, backupName(new Date(started)))
    try {
      mkdirSync(options.dir, {recursive: true, mode: 0o700})
      const manifest = await backup(options.dataDir, path)
      const removed = pruneBackups(options.dir, options.keep)
      const documents = Object.values(manifest.documents).reduce((sum, n) => sum + n, 0)
      options.log(
        `lake: backup ${path} (${documents} documents, ${manifest.assetFiles} asset files) in ${Date.now() - started} ms${removed.length ? `; removed ${removed.length} older` : ''}`,
      )
      options.onBackup?.({path, manifest})
    } catch (error) {
      options.log(
        `lake: backup into ${path} failed: ${(error as Error).message}; next try in ${Math.round(options.everyMs / 1000)} s`,
      )
      options.onBackup?.({error: error as Error})
    }
    schedule()
  }
  const schedule = () => {
    if (!stopped) timer = setTimeout(() => void runOnce(), options.everyMs)
  }
  schedule()
  return {
    stop() {
      stopped = true
      if (timer) clearTimeout(timer)
    },
  }
}
