// kill -9 of a node under an idempotent producing client (enable.idempotence=true, so acks=all):
// every acknowledged record must be there after the restarts, at its acknowledged offset; nothing
// unacknowledged may be half-visible (every record present decodes, offsets are contiguous); and
// the retries of requests whose answers the kill swallowed are recognised from the producer state
// in the Catalog, so each partition holds exactly the records sent, once each and in order.
import assert from 'node:assert/strict'
import path from 'node:path'
import { test } from 'node:test'
import { checkStoredRecords, readAllRecords, startProduceLoop } from '../helpers/produce-loop.ts'
import { freePort, spawnNode, type SpawnedNode } from '../helpers/spawn-node.ts'
import { makeTempDir } from '../helpers/start-node.ts'
import { delay } from '../helpers/wait-for.ts'
import { createTopics } from '../helpers/wire-client.ts'

const KILLS = 4
const PARTITIONS = 3

test('every record acknowledged to an idempotent producer survives repeated kill -9 of the node, at its offset, stored exactly once', async t => {
  const workDir = makeTempDir(t, 'skiff-durability-')
  const dataDir = path.join(workDir, 'data')
  const port = await freePort()
  let node: SpawnedNode = await spawnNode(t, { dataDir, port })
  const bootstrap = node.bootstrap
  const topic = 'durable'
  await createTopics(bootstrap, [{ name: topic, partitions: PARTITIONS }])

  const loop = startProduceLoop(t, { bootstrap, topic, partitions: PARTITIONS, workDir, isIdempotent: true })
  const progress = async (what: string): Promise<void> => {
    await loop.progress(300 + Math.floor(Math.random() * 1500), what, () => `node output:\n${node.output()}`)
  }

  for (let kill = 1; kill <= KILLS; kill++) {
    await progress(`acknowledgements before kill ${kill}`)
    await delay(Math.floor(Math.random() * 200))
    const signal = await node.killHard()
    assert.equal(signal, 'SIGKILL')
    const acknowledgedAtKill = loop.acknowledged.size
    node = await spawnNode(t, { dataDir, port })
    await progress(`acknowledgements after restart ${kill} (${acknowledgedAtKill} at the kill)`)
  }

  const summary = await loop.stop()
  assert.deepEqual(loop.errors, [], 'no delivery failed: the producer rode out every kill')
  assert.equal(summary.undelivered, 0)

  // A last restart from cold, so the read-back comes from the segment files, not a warm cache.
  await node.stop()
  node = await spawnNode(t, { dataDir, port })

  const stored = await readAllRecords(bootstrap, topic)
  const total = checkStoredRecords(stored, loop, summary, PARTITIONS, true)
  assert.equal(total, summary.produced)
  t.diagnostic(`${loop.acknowledged.size} acknowledged records checked after ${KILLS} kills; ${total} stored, ${summary.produced} sent`)
})
