// Shared pieces of the Catalog contract suites: records, appends and assertions.

import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import type { TestContext } from 'node:test'
import { KafkaError } from '../../src/common/errors.ts'
import type { BatchAppend, BatchCoordinate, Catalog, TopicRecord } from '../../src/storage/catalog.ts'

export type OpenCatalog = (t: TestContext) => Promise<Catalog>

export const CLUSTER = 'cluster-a'
export const OTHER_CLUSTER = 'cluster-b'

export function isKafkaError (errorCode: number): (error: unknown) => boolean {
  return error => {
    assert.ok(error instanceof KafkaError, `expected a KafkaError, got ${String(error)}`)
    assert.equal(error.errorCode, errorCode)
    return true
  }
}

export function topicRecord (name: string, partitionCount: number, clusterId = CLUSTER): TopicRecord {
  return { clusterId, topicId: randomUUID(), name, partitionCount, configs: {}, createdAtMs: 1_700_000_000_000 }
}

export async function openWithTopic (open: OpenCatalog, t: TestContext, partitionCount = 3) {
  const catalog = await opened(open, t)
  const topic = topicRecord('events', partitionCount)
  await catalog.createTopic(topic)
  return { catalog, topic }
}

export async function opened (open: OpenCatalog, t: TestContext): Promise<Catalog> {
  const catalog = await open(t)
  t.after(() => catalog.close())
  return catalog
}

/** A batch append with the producer fields of a non-idempotent producer. */
export function batchAppend (
  topic: TopicRecord,
  partition: number,
  fields: { position: number, size: number, offsetCount: number, maxTimestamp?: number }
): BatchAppend {
  return {
    clusterId: topic.clusterId,
    topicId: topic.topicId,
    partition,
    position: fields.position,
    size: fields.size,
    offsetCount: fields.offsetCount,
    maxTimestamp: fields.maxTimestamp ?? 1_700_000_000_000,
    producerId: -1,
    producerEpoch: -1,
    baseSequence: -1,
    isTransactional: false,
    isControl: false
  }
}

/**
 * Commits one row per entry (positions are spread apart so nothing merges), each entry
 * `[offsetCount, size, maxTimestamp]`, each in its own object `key-<n>`.
 */
export async function commitRows (catalog: Catalog, topic: TopicRecord, partition: number, rows: Array<[number, number, number]>) {
  for (const [index, [offsetCount, size, maxTimestamp]] of rows.entries()) {
    const [result] = await catalog.commitAppends(`key-${index}`, [
      batchAppend(topic, partition, { position: 1000 * index, size, offsetCount, maxTimestamp })
    ])
    assert.equal(result?.errorCode, 0)
  }
}

export function offsetsOf (rows: BatchCoordinate[]): Array<[number, number]> {
  return rows.map(row => [row.baseOffset, row.lastOffset])
}
