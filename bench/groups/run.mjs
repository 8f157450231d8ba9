// Consumer-group benchmark: 6 confluent-kafka (librdkafka) members join one group on a
// 120-partition topic at once; reports how long until every partition is assigned and how many
// rebalance rounds (assignments per member) that took, then the latency of synchronous
// OffsetCommits (each member commits its whole assignment). Repeats BENCH_REPEATS times.
//   node --import tsx bench/groups/run.mjs        (env: BENCH_REPEATS=3, BENCH_MEMBERS=6, BENCH_PARTITIONS=120, BENCH_COMMITS=200)
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import readline from 'node:readline'
import { fileURLToPath } from 'node:url'

const benchDir = path.dirname(fileURLToPath(import.meta.url))
const repoDir = path.resolve(benchDir, '../..')
const repeats = Number(process.env.BENCH_REPEATS ?? 3)
const members = Number(process.env.BENCH_MEMBERS ?? 6)
const partitions = Number(process.env.BENCH_PARTITIONS ?? 120)
const commits = Number(process.env.BENCH_COMMITS ?? 200)

const sleep = ms => new Promise(resolve => setTimeout(resolve, ms))
const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(p / 100 * sorted.length))]
}
const median = values => percentile(values, 50)

async function startNode (dataDir) {
  const child = spawn('node', ['--import', 'tsx', 'src/cli/main.ts', 'up', '--data-dir', dataDir, '--port', '0', '--no-tls', '--log-level', 'info'],
    { cwd: repoDir, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, SKIFF_CONSUMER_GROUPS_PER_CLUSTER: '100' } })
  const lines = readline.createInterface({ input: child.stdout })
  const port = await new Promise((resolve, reject) => {
    child.once('exit', code => reject(new Error(`skiff exited with ${code}`)))
    lines.on('line', line => {
      try {
        const entry = JSON.parse(line)
        if (entry.msg === 'Kafka listener ready' && entry.listener === 'plaintext') resolve(entry.port)
      } catch {}
    })
  })
  return { child, bootstrap: `127.0.0.1:${port}` }
}

async function createTopic (bootstrap, topic) {
  const { createTopics } = await import(path.join(repoDir, 'test/helpers/wire-client.ts'))
  await createTopics(bootstrap, [{ name: topic, partitions }])
}

async function round (bootstrap, topic, index, workDir) {
  const group = `group-bench-${index}`
  const stopfile = path.join(workDir, `stop-${index}`)
  const events = Array.from({ length: members }, () => [])
  const started = Date.now() / 1000
  const children = Array.from({ length: members }, (_, member) => {
    const child = spawn('/usr/bin/python3', [path.join(benchDir, 'group_member.py'), bootstrap, topic, group, String(commits), stopfile],
      { stdio: ['ignore', 'pipe', 'inherit'] })
    readline.createInterface({ input: child.stdout }).on('line', line => events[member].push(JSON.parse(line)))
    return child
  })
  const current = () => events.map(list => list.filter(event => event.event === 'assign').at(-1)?.partitions ?? [])
  const deadline = Date.now() + 120_000
  for (;;) {
    const owned = current().flat().sort((a, b) => a - b)
    if (owned.length === partitions && owned.every((partition, i) => partition === i) && current().every(list => list.length > 0)) break
    if (Date.now() > deadline) throw new Error('the group did not settle within 120 s')
    await sleep(20)
  }
  const settledAt = Math.max(...events.map(list => list.filter(event => event.event === 'assign').at(-1).at))
  const rounds = Math.max(...events.map(list => list.filter(event => event.event === 'assign').length))
  fs.writeFileSync(stopfile + '.measure', '')
  while (events.some(list => !list.some(event => event.event === 'commits'))) await sleep(50)
  const latencies = events.flatMap(list => list.find(event => event.event === 'commits').latencies_ms)
  fs.writeFileSync(stopfile, '')
  await Promise.all(children.map(child => new Promise(resolve => child.once('exit', resolve))))
  return { settleSeconds: settledAt - started, rounds, commitP50Ms: percentile(latencies, 50), commitP99Ms: percentile(latencies, 99), commits: latencies.length }
}

const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-group-bench-'))
const { child, bootstrap } = await startNode(path.join(workDir, 'data'))
try {
  const results = []
  await createTopic(bootstrap, 'group-bench')
  for (let index = 0; index < repeats; index++) {
    const result = await round(bootstrap, 'group-bench', index, workDir)
    results.push(result)
    console.log(JSON.stringify({ run: index + 1, ...result }))
  }
  console.log(JSON.stringify({
    members,
    partitions,
    settleSecondsMedian: median(results.map(result => result.settleSeconds)),
    roundsMax: Math.max(...results.map(result => result.rounds)),
    commitP50MsMedian: median(results.map(result => result.commitP50Ms)),
    commitP99MsMedian: median(results.map(result => result.commitP99Ms))
  }))
} finally {
  child.kill('SIGTERM')
  fs.rmSync(workDir, { recursive: true, force: true })
}
