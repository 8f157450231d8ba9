// kill -9 of a node under a producing client: every record acknowledged with acks=all must be
// there after the restart, at its acknowledged offset, and nothing unacknowledged may be
// half-visible (every record present decodes, offsets are contiguous, values are ones we sent).
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { test } from 'node:test'
import { PYTHON, runPythonScript } from '../helpers/run.ts'
import { freePort, repositoryRoot, spawnNode, type SpawnedNode } from '../helpers/spawn-node.ts'
import { makeTempDir } from '../helpers/start-node.ts'
import { delay, waitFor } from '../helpers/wait-for.ts'
import { createTopics } from '../helpers/wire-client.ts'

const KILLS = 4
const PARTITIONS = 3

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

test('every record acknowledged with acks=all survives repeated kill -9 of the node, at its offset, with nothing half-visible', async t => {
  const dataDir = path.join(makeTempDir(t, 'skiff-durability-'), 'data')
  const stopFile = path.join(path.dirname(dataDir), 'stop-producing')
  const port = await freePort()
  let node: SpawnedNode = await spawnNode(t, { dataDir, port })
  const bootstrap = node.bootstrap
  const topic = 'durable'
  await createTopics(bootstrap, [{ name: topic, partitions: PARTITIONS }])

  const producer = spawn(PYTHON, [path.join(repositoryRoot, 'test/e2e/confluent_client.py'), 'produce-loop', bootstrap, topic, String(PARTITIONS), stopFile], {
    env: { ...process.env, PYTHONUNBUFFERED: '1' },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  const producerExited = new Promise<number | null>(resolve => producer.once('exit', code => resolve(code)))
  t.after(async () => {
    if (producer.exitCode === null) {
      producer.kill('SIGKILL')
      await producerExited
    }
  })
  let producerStderr = ''
  producer.stderr.setEncoding('utf8').on('data', (text: string) => { producerStderr += text })
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

  const progress = async (what: string): Promise<void> => {
    const target = acknowledged.size + 300 + Math.floor(Math.random() * 1500)
    await waitFor(() => acknowledged.size >= target, {
      timeoutMs: 60_000, what: `${what} (${acknowledged.size}/${target} acknowledged); node output:\n${node.output()}\nproducer stderr:\n${producerStderr}`
    })
  }

  for (let kill = 1; kill <= KILLS; kill++) {
    await progress(`acknowledgements before kill ${kill}`)
    await delay(Math.floor(Math.random() * 200))
    const signal = await node.killHard()
    assert.equal(signal, 'SIGKILL')
    const acknowledgedAtKill = acknowledged.size
    node = await spawnNode(t, { dataDir, port })
    await progress(`acknowledgements after restart ${kill} (${acknowledgedAtKill} at the kill)`)
  }

  writeFileSync(stopFile, '')
  assert.equal(await producerExited, 0, `the producer exits cleanly; stderr:\n${producerStderr}`)
  await linesClosed
  assert.deepEqual(errors, [], 'no delivery failed: the producer rode out every kill')
  assert.equal(summary?.undelivered, 0)

  // A last restart from cold, so the read-back comes from the segment files, not a warm cache.
  await node.stop()
  node = await spawnNode(t, { dataDir, port })

  const { stdout } = await runPythonScript('confluent_client.py', ['read-all', bootstrap, topic], { timeoutMs: 180_000 })
  const stored = new Map<number, Array<{ offset: number, value: string }>>()
  const highWatermarks = new Map<number, number>()
  for (const line of stdout.trim().split('\n')) {
    const report = JSON.parse(line) as ReportLine
    if (report.watermarks !== undefined) {
      assert.equal(report.low, 0)
      highWatermarks.set(report.watermarks, report.high!)
    } else {
      const records = stored.get(report.partition!) ?? []
      records.push({ offset: report.offset!, value: report.value! })
      stored.set(report.partition!, records)
    }
  }

  const sentValue = /^seq-(\d+)$/
  let checked = 0
  for (let partition = 0; partition < PARTITIONS; partition++) {
    const records = stored.get(partition) ?? []
    assert.deepEqual(records.map(record => record.offset), [...records.keys()], `partition ${partition}: offsets 0..${records.length - 1}, no gaps`)
    assert.equal(records.length, highWatermarks.get(partition), `partition ${partition}: every offset below the high watermark reads back`)
    for (const record of records) {
      const match = sentValue.exec(record.value)
      assert.ok(match !== null && Number(match[1]) < summary!.produced! && Number(match[1]) % PARTITIONS === partition,
        `partition ${partition} offset ${record.offset} holds a value this producer sent there, not ${JSON.stringify(record.value)}`)
    }
    for (const [key, value] of acknowledged) {
      const [acknowledgedPartition, offset] = key.split(':').map(Number) as [number, number]
      if (acknowledgedPartition !== partition) continue
      assert.equal(records[offset]?.value, value, `acknowledged ${value} is at ${key}`)
      checked++
    }
  }
  assert.equal(checked, acknowledged.size)
  t.diagnostic(`${acknowledged.size} acknowledged records checked after ${KILLS} kills; ${[...highWatermarks.values()].reduce((a, b) => a + b, 0)} stored`)
})
