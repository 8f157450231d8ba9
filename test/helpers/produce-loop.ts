// A confluent-kafka (librdkafka) producer that runs until told to stop (confluent_client.py
// produce-loop), for tests that disturb the node or the network while it produces, and the
// read-back that checks what the node kept against what the producer sent and was told.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { createInterface } from 'node:readline'
import type { TestContext } from 'node:test'
import { PYTHON, runPythonScript } from './run.ts'
import { repositoryRoot } from './spawn-node.ts'
import { waitFor } from './wait-for.ts'

interface ReportLine {
  partition?: number
  offset?: number
  value?: string
  error?: string
  done?: boolean
  produced?: number
  undelivered?: number
  watermarks?: number
  low?: number
  high?: number
}

export interface ProduceLoopSummary {
  /** How many records the producer sent (values seq-0 .. seq-<produced - 1>, seq-N to partition N % partitions). */
  produced: number
  undelivered: number
}

export interface ProduceLoop {
  /** `partition:offset` -> value, from the delivery reports. */
  acknowledged: Map<string, string>
  /** Failed deliveries, `value: error`. */
  errors: string[]
  stderr: () => string
  /** Resolves once `acknowledged` has grown by at least `count` more records (fails after the timeout). */
  progress: (count: number, what: string, details?: () => string) => Promise<void>
  /** Tells the producer to stop, waits for it to flush and exit cleanly, and returns its summary. */
  stop: () => Promise<ProduceLoopSummary>
}

export interface ProduceLoopOptions {
  bootstrap: string
  topic: string
  partitions: number
  /** A directory the stop file can be written to. */
  workDir: string
  isIdempotent: boolean
}

export function startProduceLoop (t: TestContext, options: ProduceLoopOptions): ProduceLoop {
  const stopFile = path.join(options.workDir, 'stop-producing')
  const args = [
    path.join(repositoryRoot, 'test/e2e/confluent_client.py'), 'produce-loop', options.bootstrap, options.topic, String(options.partitions), stopFile,
    ...(options.isIdempotent ? ['idempotent'] : [])
  ]
  const producer = spawn(PYTHON, args, { env: { ...process.env, PYTHONUNBUFFERED: '1' }, stdio: ['ignore', 'pipe', 'pipe'] })
  const exited = new Promise<number | null>(resolve => producer.once('exit', code => resolve(code)))
  t.after(async () => {
    if (producer.exitCode === null) {
      producer.kill('SIGKILL')
      await exited
    }
  })
  let stderr = ''
  producer.stderr.setEncoding('utf8').on('data', (text: string) => { stderr += text })
  const acknowledged = new Map<string, string>()
  const errors: string[] = []
  let summary: ReportLine | undefined
  const lines = createInterface({ input: producer.stdout })
  const linesClosed = new Promise(resolve => lines.once('close', resolve))
  lines.on('line', line => {
    const report = JSON.parse(line) as ReportLine
    if (report.done === true) summary = report
    else if (report.error !== undefined) errors.push(`${report.value}: ${report.error}`)
    else {
      const key = `${report.partition}:${report.offset}`
      assert.equal(acknowledged.get(key), undefined, `offset ${key} acknowledged twice`)
      acknowledged.set(key, report.value!)
    }
  })
  return {
    acknowledged,
    errors,
    stderr: () => stderr,
    async progress (count, what, details) {
      const target = acknowledged.size + count
      await waitFor(() => acknowledged.size >= target, {
        timeoutMs: 60_000,
        what: `${what} (${acknowledged.size}/${target} acknowledged)${details === undefined ? '' : `\n${details()}`}\nproducer stderr:\n${stderr}`
      })
    },
    async stop () {
      writeFileSync(stopFile, '')
      assert.equal(await exited, 0, `the producer exits cleanly; stderr:\n${stderr}`)
      await linesClosed
      assert.ok(summary?.produced !== undefined && summary.undelivered !== undefined, 'the producer printed its summary')
      return { produced: summary.produced, undelivered: summary.undelivered }
    }
  }
}

export interface StoredRecords {
  /** Per partition, every record from offset 0 to the high watermark, in offset order. */
  records: Map<number, Array<{ offset: number, value: string }>>
  highWatermarks: Map<number, number>
}

/** Reads every partition of the topic back to its high watermark with librdkafka. */
export async function readAllRecords (bootstrap: string, topic: string): Promise<StoredRecords> {
  const { stdout } = await runPythonScript('confluent_client.py', ['read-all', bootstrap, topic], { timeoutMs: 180_000 })
  const records = new Map<number, Array<{ offset: number, value: string }>>()
  const highWatermarks = new Map<number, number>()
  for (const line of stdout.trim().split('\n')) {
    const report = JSON.parse(line) as ReportLine
    if (report.watermarks !== undefined) {
      assert.equal(report.low, 0)
      highWatermarks.set(report.watermarks, report.high!)
    } else {
      const partitionRecords = records.get(report.partition!) ?? []
      partitionRecords.push({ offset: report.offset!, value: report.value! })
      records.set(report.partition!, partitionRecords)
    }
  }
  return { records, highWatermarks }
}

/**
 * Every acknowledged record is at its acknowledged offset; offsets are contiguous from 0 to the
 * high watermark; and, for an idempotent producer, each partition holds exactly the values the
 * producer sent there, once each and in the order sent (no duplicate, no gap). Without
 * idempotence, values must only be ones this producer sent (retries may have stored some twice).
 * Returns how many records are stored.
 */
export function checkStoredRecords (stored: StoredRecords, loop: ProduceLoop, summary: ProduceLoopSummary, partitions: number, isIdempotent: boolean): number {
  const sentValue = /^seq-(\d+)$/
  let checked = 0
  let total = 0
  for (let partition = 0; partition < partitions; partition++) {
    const records = stored.records.get(partition) ?? []
    total += records.length
    assert.deepEqual(records.map(record => record.offset), [...records.keys()], `partition ${partition}: offsets 0..${records.length - 1}, no gaps`)
    assert.equal(records.length, stored.highWatermarks.get(partition), `partition ${partition}: every offset below the high watermark reads back`)
    if (isIdempotent) {
      const sent: string[] = []
      for (let sequence = partition; sequence < summary.produced; sequence += partitions) sent.push(`seq-${sequence}`)
      const values = records.map(record => record.value)
      const duplicates = values.length - new Set(values).size
      assert.equal(duplicates, 0, `partition ${partition}: no value stored twice`)
      assert.deepEqual(values, sent, `partition ${partition}: exactly the values sent there, once each, in order`)
    } else {
      for (const record of records) {
        const match = sentValue.exec(record.value)
        assert.ok(match !== null && Number(match[1]) < summary.produced && Number(match[1]) % partitions === partition,
          `partition ${partition} offset ${record.offset} holds a value this producer sent there, not ${JSON.stringify(record.value)}`)
      }
    }
    for (const [key, value] of loop.acknowledged) {
      const [acknowledgedPartition, offset] = key.split(':').map(Number) as [number, number]
      if (acknowledgedPartition !== partition) continue
      assert.equal(records[offset]?.value, value, `acknowledged ${value} is at ${key}`)
      checked++
    }
  }
  assert.equal(checked, loop.acknowledged.size)
  return total
}
