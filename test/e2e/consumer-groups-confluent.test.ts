// confluent-kafka (librdkafka) consumer groups against a running node: two and three members split
// six partitions while records keep arriving, with the eager (range) and cooperative-sticky
// assignors; after each join and leave every partition is owned by exactly one member, and with a
// synchronous commit after each record none is lost or read twice. A static member restarts
// without a rebalance.
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { test, type TestContext } from 'node:test'
import kafkajs, { type Producer } from 'kafkajs'
import { PYTHON } from '../helpers/run.ts'
import { LineProcess } from '../helpers/line-process.ts'
import { makeTempDir, startTestNode, type TestNode } from '../helpers/start-node.ts'
import { waitFor, delay } from '../helpers/wait-for.ts'
import { createTopics } from '../helpers/wire-client.ts'
import { repositoryRoot } from '../helpers/spawn-node.ts'

const { Kafka, logLevel } = kafkajs
const PARTITIONS = 6

interface MemberLine {
  event: 'assigned' | 'revoked' | 'lost' | 'record' | 'closed' | 'error' | 'commit-retry' | 'commit-failed'
  partitions?: number[]
  owned?: number[]
  partition?: number
  offset?: number
  value?: string
  error?: string
}

class Member {
  readonly process: LineProcess<MemberLine>
  readonly stopFile: string

  constructor (t: TestContext, name: string, bootstrap: string, topic: string, group: string, directory: string, options: string[] = []) {
    this.stopFile = path.join(directory, `${name}.stop`)
    this.process = new LineProcess<MemberLine>(t, name, PYTHON,
      [path.join(repositoryRoot, 'test/e2e/confluent_group.py'), 'member', bootstrap, topic, group, this.stopFile, ...options])
  }

  /** The partitions the member holds after its last rebalance callback. */
  get owned (): number[] {
    return this.process.lines.filter(line => line.owned !== undefined).at(-1)?.owned ?? []
  }

  get records (): MemberLine[] {
    return this.process.lines.filter(line => line.event === 'record')
  }

  async stop (): Promise<void> {
    writeFileSync(this.stopFile, '')
    await this.process.waitForLine(line => line.event === 'closed')
    assert.equal(await this.process.exited, 0, `${this.process.name} exits cleanly: ${this.process.stderr.slice(-2000)}`)
  }
}

/** Waits until the members' holdings are disjoint, cover every partition and leave no member idle. */
async function settled (members: Member[], what: string): Promise<number[][]> {
  return await waitFor(() => {
    const owned = members.map(member => member.owned)
    const all = owned.flat().sort((a, b) => a - b)
    const isSplit = owned.every(partitions => partitions.length > 0) && all.length === PARTITIONS && all.every((partition, index) => partition === index)
    return isSplit ? owned : undefined
  }, { timeoutMs: 45_000, what: `${what}: every partition owned by exactly one of ${members.map(member => member.process.name).join(', ')}` }).catch((error: unknown) => {
    const state = members.map(member => `${member.process.name}: ${JSON.stringify(member.process.lines.filter(line => line.event !== 'record').slice(-8))}` +
      `\n${member.process.stderr.slice(-1500)}`)
    throw new Error(`${(error as Error).message}\n${state.join('\n')}`)
  })
}

/** Produces one record per partition every few milliseconds until stopped; returns the values sent. */
function produceContinuously (producer: Producer, topic: string): { stop: () => Promise<string[]> } {
  const sent: string[] = []
  let isStopping = false
  const loop = (async () => {
    // eslint-disable-next-line no-unmodified-loop-condition -- set by another task of this test
    for (let round = 0; !isStopping; round++) {
      const messages = Array.from({ length: PARTITIONS }, (_, partition) => ({ partition, value: `r${round}-p${partition}` }))
      await producer.send({ topic, acks: -1, messages })
      sent.push(...messages.map(message => message.value))
      await delay(40)
    }
  })()
  return { stop: async () => { isStopping = true; await loop; return sent } }
}

/**
 * Every record sent was read, and read once, except records whose commit the coordinator refused
 * with ILLEGAL_GENERATION (the commit crossed a generation change, as Kafka refuses it): those the
 * partition's next owner may read again.
 */
function assertEachOnce (members: Member[], sent: string[]): void {
  const counts = new Map<string, number>()
  for (const member of members) for (const record of member.records) counts.set(record.value!, (counts.get(record.value!) ?? 0) + 1)
  const uncommitted = new Set(members.flatMap(member => member.process.lines.filter(line => line.event === 'commit-failed').map(line => line.value!)))
  const missing = sent.filter(value => !counts.has(value))
  const twice = [...counts].filter(([value, count]) => count > (uncommitted.has(value) ? 2 : 1)).map(([value]) => value)
  assert.deepEqual({ missing: missing.slice(0, 10), twice: twice.slice(0, 10) }, { missing: [], twice: [] }, `${sent.length} records, each read once`)
  assert.equal(counts.size, sent.length)
}

async function splitScenario (t: TestContext, node: TestNode, producer: Producer, assignor: string): Promise<void> {
  const topic = `split-${assignor}`
  const group = `group-${assignor}`
  await createTopics(node.bootstrap, [{ name: topic, partitions: PARTITIONS }])
  const directory = makeTempDir(t, 'skiff-group-')
  const options = ['--assignor', assignor]
  const a = new Member(t, `${assignor}-a`, node.bootstrap, topic, group, directory, options)
  await settled([a], 'one member')
  const production = produceContinuously(producer, topic)
  try {
    await delay(300)
    const b = new Member(t, `${assignor}-b`, node.bootstrap, topic, group, directory, options)
    const afterB = await settled([a, b], 'b joined')
    assert.deepEqual(afterB.map(owned => owned.length).sort(), [3, 3])
    await delay(300)
    const c = new Member(t, `${assignor}-c`, node.bootstrap, topic, group, directory, options)
    const afterC = await settled([a, b, c], 'c joined')
    assert.deepEqual(afterC.map(owned => owned.length), [2, 2, 2])
    await delay(300)
    await c.stop()
    await settled([a, b], 'c left')
    await delay(300)
    await b.stop()
    await settled([a], 'b left')
    const sent = await production.stop()
    await waitFor(() => new Set([a, b, c].flatMap(member => member.records.map(record => record.value))).size >= sent.length,
      { timeoutMs: 30_000, what: 'every record consumed' })
    await a.stop()
    assertEachOnce([a, b, c], sent)
    const count = (event: MemberLine['event']): number => [a, b, c].reduce((sum, member) => sum + member.process.lines.filter(line => line.event === event).length, 0)
    for (const member of [a, b, c]) {
      assert.deepEqual(member.process.lines.filter(line => line.event === 'error'), [], `${member.process.name}: no consumer errors`)
      if (!member.process.lines.some(line => line.event === 'commit-failed')) {
        assert.deepEqual(member.process.lines.filter(line => line.event === 'lost'), [], `${member.process.name}: no partitions lost`)
      }
    }
    if (assignor === 'range') assert.equal(count('commit-failed'), 0, 'eager members revoke before rejoining: no commit crosses a generation')
    t.diagnostic(`${assignor}: ${sent.length} records over 4 rebalances; reads a ${a.records.length}, b ${b.records.length}, c ${c.records.length}; ` +
      `commits retried after REBALANCE_IN_PROGRESS ${count('commit-retry')}, refused with ILLEGAL_GENERATION ${count('commit-failed')}, ` +
      `re-read ${a.records.length + b.records.length + c.records.length - sent.length}`)
  } finally {
    await production.stop()
  }
}

test('confluent-kafka consumer groups on a running node', async t => {
  // Registered before the node's cleanup so that it runs first (t.after hooks run in order).
  const producers: Producer[] = []
  t.after(async () => { for (const producer of producers) await producer.disconnect().catch(() => {}) })
  const node = await startTestNode(t, { config: { groups: { initialRebalanceDelayMs: 300 } } })
  const kafka = new Kafka({ brokers: [node.bootstrap], logLevel: logLevel.NOTHING, clientId: 'group-test-producer' })
  const producer = kafka.producer()
  producers.push(producer)
  await producer.connect()

  await t.test('two and three members split 6 partitions with the range assignor, each record read once across the rebalances', async t => {
    await splitScenario(t, node, producer, 'range')
  })

  await t.test('two and three members split 6 partitions with the cooperative-sticky assignor; no record lost, and only records whose commit crossed a generation read again', async t => {
    await splitScenario(t, node, producer, 'cooperative-sticky')
  })

  await t.test('a static member (group.instance.id) restarts and takes its partitions back without a rebalance', async t => {
    const topic = 'static-members'
    const group = 'static-group'
    await createTopics(node.bootstrap, [{ name: topic, partitions: PARTITIONS }])
    const directory = makeTempDir(t, 'skiff-static-')
    const options = (instance: string) => ['--instance', instance, '--session-ms', '15000']
    const first = new Member(t, 'static-a', node.bootstrap, topic, group, directory, options('instance-a'))
    const other = new Member(t, 'static-b', node.bootstrap, topic, group, directory, options('instance-b'))
    const [ownedByA] = await settled([first, other], 'two static members')
    const rebalances = (): number => node.logs.lines.filter(line => line.msg === 'preparing to rebalance group' && line.group === group).length
    await delay(1000)
    const rebalancesBefore = rebalances()
    const otherEventsBefore = other.process.lines.filter(line => line.event !== 'record').length

    await first.stop()
    const restarted = new Member(t, 'static-a-again', node.bootstrap, topic, group, path.join(directory), options('instance-a'))
    await restarted.process.waitForLine(line => line.event === 'assigned')
    assert.deepEqual(restarted.owned, ownedByA, 'the restarted member gets the partitions it had')
    await delay(2000)
    assert.equal(rebalances(), rebalancesBefore, 'no rebalance')
    assert.equal(other.process.lines.filter(line => line.event !== 'record').length, otherEventsBefore, 'the other member saw no revocation or assignment')
    assert.ok(node.logs.lines.some(line => line.msg === 'static member rejoined with a new member id' && line.groupInstanceId === 'instance-a'))
    await restarted.stop()
    await other.stop()
  })
})
