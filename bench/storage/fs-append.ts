// Measures fs ObjectStore appends (write + fdatasync by group commit): sequential 1 MiB
// appends, then rounds of 64 concurrent 16 KiB appends, as a flush-per-few-ms broker makes.
// Run: npx tsx bench/storage/fs-append.ts [dir] [seconds per case]

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openFsObjectStore } from '../../src/storage/fs/fs-object-store.ts'

const root = mkdtempSync(join(process.argv[2] ?? tmpdir(), 'skiff-bench-fs-'))
const seconds = Number(process.argv[3] ?? 5)
const MiB = 1024 * 1024

async function measure (name: string, size: number, concurrency: number): Promise<void> {
  const store = await openFsObjectStore(join(root, name))
  const payload = Buffer.alloc(size, 7)
  const endAt = performance.now() + seconds * 1000
  const startedAt = performance.now()
  let appends = 0
  // `concurrency` independent appenders, each waiting for its own append before the next.
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (performance.now() < endAt) {
      await store.append([payload])
      appends++
    }
  }))
  const elapsedS = (performance.now() - startedAt) / 1000
  const { syncCount, bytesWritten } = store.stats
  await store.close()
  console.log(
    `${name}: ${(appends / elapsedS).toFixed(0)} appends/s, ${(bytesWritten / MiB / elapsedS).toFixed(1)} MiB/s, ` +
    `${(syncCount / elapsedS).toFixed(0)} fsyncs/s, ${(appends / syncCount).toFixed(1)} appends per fsync, ` +
    `mean latency ${((elapsedS * 1000 * concurrency) / appends).toFixed(2)} ms`
  )
}

try {
  await measure('1 MiB x 1', MiB, 1)
  await measure('16 KiB x 1', 16 * 1024, 1)
  await measure('16 KiB x 64', 16 * 1024, 64)
} finally {
  rmSync(root, { recursive: true, force: true })
}
