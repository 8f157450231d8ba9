// Writes a file so that readers see either the old content or the whole new one: a temporary file
// in the same directory with the final permissions, flushed to disk, then renamed over the target.
import { open, rename, rm, chmod } from 'node:fs/promises'
import { randomBytes } from 'node:crypto'
import { basename, dirname, join } from 'node:path'

export async function writeFileAtomic (path: string, data: string, mode: number): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`)
  try {
    const handle = await open(temporary, 'wx', mode)
    try {
      await handle.chmod(mode) // creation applies the process umask; the file gets exactly `mode`
      await handle.writeFile(data)
      await handle.sync()
    } finally {
      await handle.close()
    }
    await rename(temporary, path)
  } catch (error) {
    await rm(temporary, { force: true })
    throw error
  }
  await syncDirectory(dirname(path))
}

/** fsyncs a directory so a rename in it survives a crash. */
async function syncDirectory (dir: string): Promise<void> {
  const handle = await open(dir, 'r')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}

/** Makes `dir` accessible to its owner only. */
export async function restrictDirectory (dir: string): Promise<void> {
  await chmod(dir, 0o700)
}
