// Measures one SQLite commitAppends (the Catalog commit of one flush) as the produce path
// makes it: N appends spread over P partitions, for synchronous=FULL and NORMAL.
// Run: npx tsx bench/storage/catalog-commit.ts [dir] [commits] [appends] [partitions]

import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { BatchAppend } from '../../src/storage/catalog.ts'
import { openSqliteCatalog } from '../../src/storage/sqlite/sqlite-catalog.ts'

const root = mkdtempSync(join(process.argv[2] ?? tmpdir(), 'skiff-bench-catalog-'))
const commits = Number(process.argv[3] ?? 2000)
const appendCount = Number(process.argv[4] ?? 50)
const partitionCount = Number(process.argv[5] ?? 6)

function percentile (sorted: number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? NaN
}

async function run (synchronous: 'FULL' | 'NORMAL'): Promise<void> {
  const catalog = await openSqliteCatalog(join(root, synchronous, 'catalog.db'), { synchronous })
  const topicId = randomUUID()
  await catalog.createTopic({ clusterId: 'c', topicId, name: 't', partitionCount, configs: {}, createdAtMs: 0 })
  const appends: BatchAppend[] = []
  // Batches arrive interleaved across partitions, so only some neighbours are adjacent in the object.
  for (let index = 0, position = 0; index < appendCount; index++) {
    const partition = Math.floor(index / 3) % partitionCount
    appends.push({
      clusterId: 'c',
      topicId,
      partition,
      position,
      size: 1000,
      offsetCount: 10,
      maxTimestamp: Date.now(),
      producerId: -1,
      producerEpoch: -1,
      baseSequence: -1,
      isTransactional: false,
      isControl: false
    })
    position += 1000
  }
  const durationsMs: number[] = []
  for (let commit = 0; commit < commits; commit++) {
    const startNs = process.hrtime.bigint()
    await catalog.commitAppends(`object-${commit}`, appends)
    durationsMs.push(Number(process.hrtime.bigint() - startNs) / 1e6)
  }
  await catalog.close()
  const sorted = [...durationsMs].sort((a, b) => a - b)
  const meanMs = durationsMs.reduce((sum, value) => sum + value, 0) / durationsMs.length
  console.log(
    `synchronous=${synchronous}: ${commits} commits of ${appendCount} appends over ${partitionCount} partitions: ` +
    `mean ${meanMs.toFixed(3)} ms, p50 ${percentile(sorted, 0.5).toFixed(3)} ms, p99 ${percentile(sorted, 0.99).toFixed(3)} ms, ` +
    `max ${sorted.at(-1)?.toFixed(3)} ms (event loop blocked for all of it)`
  )
}

try {
  await run('FULL')
  await run('NORMAL')
} finally {
  rmSync(root, { recursive: true, force: true })
}
