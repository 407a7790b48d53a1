/**
 * Backups of a running lake (lake/store/backup.ts) through the CLI: `backup` while a client keeps
 * writing, `restore` into a new folder, and a lake started on the restored folder serves every
 * write acknowledged before the backup started, and the asset bytes. Also: verification catches a
 * damaged backup, restore refuses a non-empty folder, and the schedule keeps the newest N.
 */
import {spawn} from 'node:child_process'
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {createInterface} from 'node:readline'

import {afterAll, describe, expect, it} from 'vitest'

import {parseArgs} from '../../../lake/cli.ts'
import {
  BACKUP_MANIFEST,
  backupLake,
  BackupError,
  restoreLake,
  type BackupManifest,
} from '../../../lake/store/backup.ts'
import {startBackupSchedule} from '../../../lake/store/backupSchedule.ts'
import {startTestLake} from '../../../testkit/lake.ts'
import {png} from '../../helpers/png.ts'

const MAIN = join(import.meta.dirname, '..', '..', '..', 'lake', 'main.ts')
const dirs: string[] = []
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lake-backup-'))
  dirs.push(dir)
  return dir
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, {recursive: true, force: true})
})

function lakeCli(args: string[]): Promise<{code: number | null; stdout: string; stderr: string}> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, ...args])
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.once('error', reject)
    child.once('exit', (code) => resolve({code, stdout, stderr}))
  })
}

describe('lake backup and restore', () => {
  it('backs up while writes go on, restores into a new folder with every acknowledged write', async () => {
    const lake = await startTestLake()
    const client = lake.client({dataset: 'production'})
    const image = await client.assets.upload('image', png(5, 5, [1, 2, 3]), {filename: 'a.png'})
    const acknowledged: string[] = []
    for (let i = 0; i < 30; i++) {
      const id = `before-${i}`
      await client.create({
        _id: id,
        _type: 'note',
        n: i,
        image: {_type: 'image', asset: {_type: 'reference', _ref: image._id}},
      })
      acknowledged.push(id)
    }
    await client.create({_id: 'drafts.before-0', _type: 'note', n: -1})
    acknowledged.push('drafts.before-0')

    // Writes keep coming while the backup runs in another process.
    let writing = true
    let during = 0
    const writer = (async () => {
      while (writing) await client.create({_id: `during-${during++}`, _type: 'note'})
    })()
    const out = join(tempDir(), 'backup')
    const backup = await lakeCli(['backup', '--data', lake.dataDir, '--out', out])
    writing = false
    await writer
    expect(backup.stderr).toBe('')
    expect(backup.code).toBe(0)
    expect(backup.stdout).toMatch(/verified \(integrity_check ok, document counts match\)/)
    const manifest = JSON.parse(readFileSync(join(out, BACKUP_MANIFEST), 'utf8')) as BackupManifest
    expect(manifest.assetFiles).toBe(1)
    expect(during).toBeGreaterThan(0)
    const imageUrl = image.url.replace(/^https?:\/\/[^/]+/, '')
    const imageBytes = Buffer.from(await (await fetch(`${lake.url}${imageUrl}`)).arrayBuffer())
    await lake.stop()

    const restoredDir = join(tempDir(), 'restored')
    const restore = await lakeCli(['restore', '--from', out, '--data', restoredDir])
    expect(restore.stderr).toBe('')
    expect(restore.code).toBe(0)
    const again = await lakeCli(['restore', '--from', out, '--data', restoredDir])
    expect(again.code).toBe(1)
    expect(again.stderr).toMatch(/not empty[\s\S]*Nothing was restored/)

    const restored = await startTestLake({dataDir: restoredDir})
    try {
      const raw = restored.client({dataset: 'production', perspective: 'raw'})
      const ids = await raw.fetch<string[]>('*[_type == "note"]._id')
      expect(ids).toEqual(expect.arrayContaining(acknowledged))
      expect(ids.length + 1).toBe(manifest.documents.production)
      const served = await fetch(`${restored.url}${imageUrl}`)
      expect(served.status).toBe(200)
      expect(Buffer.from(await served.arrayBuffer())).toEqual(imageBytes)
      // The restored lake takes writes and keeps its transaction history.
      await raw.create({_id: 'after-restore', _type: 'note'})
      const history = await fetch(
        `${restored.url}/v2025-02-19/data/history/production/transactions/before-1`,
        {
          headers: {Authorization: `Bearer ${restored.adminToken}`},
        },
      )
      expect(history.status).toBe(200)
      expect(await history.text()).toContain('before-1')
    } finally {
      await restored.stop()
    }
  })

  it('refuses a damaged backup and a backup folder that already exists', async () => {
    const lake = await startTestLake()
    await lake.client({dataset: 'production'}).create({_id: 'a', _type: 'note'})
    const out = join(tempDir(), 'backup')
    backupLake(lake.dataDir, out)
    expect(() => backupLake(lake.dataDir, out)).toThrow(/not empty/)
    expect(() => backupLake(join(tempDir(), 'none'), join(tempDir(), 'x'))).toThrow(/No lake in/)
    await lake.stop()

    const wrongCounts = join(tempDir(), 'wrong-counts')
    cpSync(out, wrongCounts, {recursive: true})
    const manifest = JSON.parse(
      readFileSync(join(wrongCounts, BACKUP_MANIFEST), 'utf8'),
    ) as BackupManifest
    writeFileSync(
      join(wrongCounts, BACKUP_MANIFEST),
      JSON.stringify({...manifest, documents: {production: 2}}),
    )
    expect(() => restoreLake(wrongCounts, join(tempDir(), 'r1'))).toThrow(
      /holds \{"production":1\} documents/,
    )

    const damaged = join(tempDir(), 'damaged')
    cpSync(out, damaged, {recursive: true})
    const database = readFileSync(join(damaged, 'lake.sqlite'))
    database.fill(0x55, 4096, database.byteLength)
    writeFileSync(join(damaged, 'lake.sqlite'), database)
    const target = join(tempDir(), 'r2')
    expect(() => restoreLake(damaged, target)).toThrow(BackupError)
    expect(() => restoreLake(damaged, target)).toThrow(/damaged|cannot be opened/)
    expect(existsSync(target)).toBe(false)
  })

  it('backs up on a schedule and keeps the newest N', async () => {
    const lake = await startTestLake()
    await lake.client({dataset: 'production'}).create({_id: 'a', _type: 'note'})
    const dir = join(tempDir(), 'scheduled')
    const logs: string[] = []
    let schedule: {stop(): void} | undefined
    await new Promise<void>((resolve, reject) => {
      let done = 0
      schedule = startBackupSchedule({
        dataDir: lake.dataDir,
        dir,
        everyMs: 10,
        keep: 2,
        log: (line) => logs.push(line),
        onBackup: (result) => {
          if ('error' in result) reject(result.error)
          else if (++done === 3) resolve()
        },
      })
    })
    schedule?.stop()
    await lake.stop()
    expect(readdirSync(dir).filter((name) => name.startsWith('lake-'))).toHaveLength(2)
    expect(logs.at(-1)).toMatch(/backup .* \(1 documents, 0 asset files\).*removed 1 older/)
  })

  it('backs up on the schedule of a lake started with --backup-every (in a child process)', async () => {
    const data = tempDir()
    const dir = join(tempDir(), 'scheduled')
    const child = spawn(process.execPath, [
      MAIN,
      '--port',
      '0',
      '--data',
      data,
      '--backup-every',
      '1s',
      '--keep',
      '1',
      '--backup-dir',
      dir,
    ])
    const exited = new Promise((resolve) => child.once('exit', resolve))
    const line = await new Promise<string>((resolve, reject) => {
      createInterface({input: child.stdout}).on('line', (text) => {
        if (text.startsWith('lake: backup')) resolve(text)
      })
      child.once('exit', (code) => reject(new Error(`lake exited with ${code}`)))
    })
    child.kill('SIGTERM')
    await exited
    expect(line).toMatch(/^lake: backup .*lake-\d{4}.* \(0 documents, 0 asset files\)/)
    expect(
      readdirSync(dir).filter((name) => name.startsWith('lake-')).length,
    ).toBeGreaterThanOrEqual(1)
  })

  it('parses the schedule options and rejects bad ones', () => {
    expect(parseArgs(['--backup-every', '6h'])).toMatchObject({
      backups: {everyMs: 6 * 3_600_000, keep: 14, dir: '.backups'},
    })
    expect(() => parseArgs(['--backup-every', 'often'])).toThrow('Bad --backup-every "often"')
    expect(() => parseArgs(['--backup-every', '1d', '--keep', '0'])).toThrow('Bad --keep "0"')
    expect(() => parseArgs(['--keep', '3'])).toThrow('--keep and --backup-dir need --backup-every')
    expect(() => parseArgs(['backup', '--data', 'x'])).toThrow('"backup" needs --out')
    expect(() => parseArgs(['restore', '--from', 'x'])).toThrow('"restore" needs --data')
  })
})
