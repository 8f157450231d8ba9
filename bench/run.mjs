// Skiff benchmark orchestrator. Run through bench/run.sh (npm run bench),
// which builds bench/bin/loadgen and bench/bin/mock-broker first.
//
// Targets: node baseline (reference a), librdkafka mock cluster (reference b),
// Skiff. Every scenario runs BENCH_REPEATS times; the report gives medians.
// Results: bench/out/<timestamp>.json, and a table on stdout.
// See bench/README.md for the meaning of every figure and the env vars.
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const benchDir = path.dirname(fileURLToPath(import.meta.url))
const repoDir = path.dirname(benchDir)
const binDir = path.join(benchDir, 'bin')
const loadgen = path.join(binDir, 'loadgen')
const mockBroker = path.join(binDir, 'mock-broker')

const env = process.env
const num = (name, def) => {
  const v = env[name]
  if (v === undefined || v === '') return def
  const n = Number(v)
  if (!Number.isFinite(n)) throw new Error(`${name} must be a number, got ${v}`)
  return n
}

const cfg = {
  repeats: num('BENCH_REPEATS', 3),
  produceSeconds: num('BENCH_PRODUCE_SECONDS', 4),
  consumeSeconds: num('BENCH_CONSUME_SECONDS', 4),
  rateMBps: num('BENCH_RATE_MBPS', 30),
  e2eSeconds: num('BENCH_E2E_SECONDS', 5),
  e2eWarmupSeconds: num('BENCH_E2E_WARMUP_SECONDS', 1),
  e2eFetchWaitMs: num('BENCH_E2E_FETCH_WAIT_MS', 500),
  lingerMs: num('BENCH_LINGER_MS', 5),
  nodeSeconds: num('BENCH_NODE_SECONDS', 10),
  nodeRateSeconds: num('BENCH_NODE_RATE_SECONDS', 5),
  nodeFrameBytes: num('BENCH_NODE_FRAME_KB', 1024) * 1024,
  nodeWindow: num('BENCH_NODE_WINDOW', 8),
  nodeRateFrameBytes: num('BENCH_NODE_RATE_FRAME_KB', 128) * 1024,
  targets: (env.BENCH_TARGETS ?? 'node,mock,skiff').split(',').map((s) => s.trim()).filter(Boolean),
  skiffCmd: env.SKIFF_CMD ?? 'node --import tsx src/cli/main.ts up --data-dir {dataDir} --port {port} --host 127.0.0.1 --no-tls',
  skiffStartTimeoutS: num('SKIFF_START_TIMEOUT_SECONDS', 60),
  loadgenX: (env.BENCH_LOADGEN_X ?? '').split(/\s+/).filter(Boolean),
  outDir: env.BENCH_OUT_DIR ?? path.join(benchDir, 'out'),
  tmpDir: env.BENCH_TMPDIR ?? os.tmpdir(),
  keepData: env.BENCH_KEEP_DATA === '1',
}

const PRODUCE_SCENARIOS = [
  { id: '1k-6p', size: 1024, partitions: 6 },
  { id: '1k-120p', size: 1024, partitions: 120 },
  { id: '100b-6p', size: 100, partitions: 6 },
  { id: '100b-120p', size: 100, partitions: 120 },
  // the same producer with enable.idempotence=true (which caps it at 5 requests in flight)
  { id: '1k-6p-idempotent', size: 1024, partitions: 6, loadgenX: ['enable.idempotence=true'] },
  { id: '1k-120p-idempotent', size: 1024, partitions: 120, loadgenX: ['enable.idempotence=true'] },
]
// The latency runs: the producer with BENCH_LINGER_MS (the rows the targets are read from), and the
// same with linger.ms=1, a latency-tuned producer: at linger.ms=5 the client's own batching wait is
// most of what it measures, even against the mock cluster.
const LATENCY_SCENARIOS = [
  { id: 'latency-1k-6p', size: 1024, partitions: 6 },
  { id: 'latency-1k-6p-linger1', size: 1024, partitions: 6, lingerMs: 1 },
]

const stamp = new Date().toISOString().replace(/[:.]/g, '-').replace('Z', '')
const runId = Date.now().toString(36)
fs.mkdirSync(cfg.outDir, { recursive: true })

const log = (msg) => process.stderr.write(`[bench] ${msg}\n`)
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

// ------------------------------------------------------------------ processes

/** Runs a command to completion; resolves with the last JSON line of stdout. */
function runJson (cmd, args, { timeoutMs, cwd = repoDir, prefix = '' } = {}) {
  return new Promise((resolve) => {
    if (interrupted) return resolve({ ok: false, error: 'interrupted' })
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] })
    workers.add(child)
    child.on('exit', () => workers.delete(child))
    let out = ''
    let errTail = ''
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => {
      const s = d.toString()
      errTail = (errTail + s).slice(-2000)
      for (const line of s.split('\n')) if (line.trim()) process.stderr.write(`  ${prefix}${line}\n`)
    })
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      child.kill('SIGTERM')
      setTimeout(() => child.kill('SIGKILL'), 5000).unref()
    }, timeoutMs)
    child.on('error', (err) => {
      clearTimeout(timer)
      resolve({ ok: false, error: `spawn ${cmd}: ${err.message}` })
    })
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      const lines = out.split('\n').filter((l) => l.startsWith('{'))
      let res = null
      try {
        res = lines.length ? JSON.parse(lines[lines.length - 1]) : null
      } catch {
        res = null
      }
      if (!res) res = { ok: false }
      if (timedOut) {
        res.ok = false
        res.error = `timed out after ${timeoutMs / 1000}s`
      } else if (code !== 0 && res.ok !== false) {
        res.ok = false
      }
      if (!res.ok && !res.error) res.error = `exit ${code ?? signal}: ${errTail.trim().split('\n').slice(-2).join(' | ')}`
      resolve(res)
    })
  })
}

// every child we started, so that an interrupted bench leaves nothing behind
const daemons = new Set()
const workers = new Set()
const tmpDirs = new Set()
function makeTmpDir (prefix) {
  const d = fs.mkdtempSync(path.join(cfg.tmpDir, prefix))
  tmpDirs.add(d)
  return d
}
function removeTmpDir (d) {
  fs.rmSync(d, { recursive: true, force: true })
  tmpDirs.delete(d)
}

/** Starts a long-running process in its own process group. */
function startDaemon (cmd, args, { cwd = repoDir, logFile } = {}) {
  if (interrupted) throw new Error('interrupted')
  const logFd = logFile ? fs.openSync(logFile, 'a') : 'ignore'
  const child = spawn(cmd, args, { cwd, detached: true, stdio: ['ignore', 'pipe', logFd] })
  if (typeof logFd === 'number') fs.closeSync(logFd)
  child.exited = false
  daemons.add(child)
  child.on('exit', () => {
    child.exited = true
    daemons.delete(child)
  })
  child.on('error', () => {
    child.exited = true
    daemons.delete(child)
  })
  return child
}

let interrupted = false
function killAll () {
  for (const c of workers) c.kill('SIGTERM')
  for (const c of daemons) {
    try {
      process.kill(-c.pid, 'SIGTERM')
    } catch {}
  }
}
function onInterrupt (sig) {
  if (interrupted) return
  interrupted = true // startDaemon and runJson start nothing new from now on
  log(`${sig}: stopping the processes the bench started`)
  killAll()
  setTimeout(() => {
    killAll()
    if (!cfg.keepData) for (const d of tmpDirs) fs.rmSync(d, { recursive: true, force: true })
    process.exit(130)
  }, 1000)
}
process.on('SIGINT', onInterrupt)
process.on('SIGTERM', onInterrupt)

async function stopDaemon (child, graceMs = 10000) {
  if (!child || child.exited) return
  const done = new Promise((resolve) => child.once('exit', resolve))
  try {
    process.kill(-child.pid, 'SIGTERM')
  } catch {
    return
  }
  const t = setTimeout(() => {
    try {
      process.kill(-child.pid, 'SIGKILL')
    } catch {}
  }, graceMs)
  await done
  clearTimeout(t)
}

/** First stdout line of a daemon matching re, or null on timeout/exit. */
function waitLine (child, re, timeoutMs) {
  return new Promise((resolve) => {
    let buf = ''
    const t = setTimeout(() => finish(null), timeoutMs)
    function finish (v) {
      clearTimeout(t)
      child.stdout.off('data', onData)
      child.stdout.resume() // keep draining
      resolve(v)
    }
    function onData (d) {
      buf += d
      for (const line of buf.split('\n')) {
        const m = line.match(re)
        if (m) return finish(m)
      }
    }
    child.stdout.on('data', onData)
    child.once('exit', () => finish(null))
  })
}

function freePort () {
  return new Promise((resolve, reject) => {
    const s = net.createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address()
      s.close(() => resolve(port))
    })
  })
}

function canConnect (port) {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port })
    s.once('connect', () => {
      s.destroy()
      resolve(true)
    })
    s.once('error', () => resolve(false))
  })
}

// ------------------------------------------------------------ RSS sampling

function readRssKb (pid) {
  try {
    const m = fs.readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+)\s+kB/m)
    return m ? Number(m[1]) : 0
  } catch {
    return 0
  }
}

function descendants (root) {
  const children = new Map()
  for (const ent of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(ent)) continue
    try {
      const stat = fs.readFileSync(`/proc/${ent}/stat`, 'utf8')
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      if (!children.has(ppid)) children.set(ppid, [])
      children.get(ppid).push(Number(ent))
    } catch {}
  }
  const out = [root]
  for (let i = 0; i < out.length; i++) out.push(...(children.get(out[i]) ?? []))
  return out
}

/** Samples the process tree of pid every intervalMs; .stop() -> {max_kb, max_tree_kb, samples}. */
function rssSampler (pid, intervalMs = 200) {
  let pids = descendants(pid)
  let maxKb = 0
  let maxTreeKb = 0
  let samples = 0
  let ticks = 0
  const sample = () => {
    if (ticks++ % 10 === 0) pids = descendants(pid)
    let tree = 0
    for (const p of pids) {
      const kb = readRssKb(p)
      tree += kb
      if (kb > maxKb) maxKb = kb
    }
    if (tree > maxTreeKb) maxTreeKb = tree
    samples++
  }
  sample()
  const t = setInterval(sample, intervalMs)
  return {
    stop () {
      clearInterval(t)
      sample()
      return { max_kb: maxKb, max_tree_kb: maxTreeKb, samples }
    },
  }
}

// ------------------------------------------------------------- scenarios

function produceArgs (bootstrap, topic, sc, extra = []) {
  return [
    'produce', '-b', bootstrap, '-t', topic, '-p', String(sc.partitions), '-s', String(sc.size),
    '-d', String(cfg.produceSeconds), '--linger', String(cfg.lingerMs), '--create', '--label', sc.id,
    ...cfg.loadgenX.flatMap((x) => ['-X', x]), ...(sc.loadgenX ?? []).flatMap((x) => ['-X', x]), ...extra,
  ]
}

function consumeArgs (bootstrap, topic, sc) {
  return [
    'consume', '-b', bootstrap, '-t', topic, '-d', String(cfg.consumeSeconds), '--idle-ms', '5000',
    '--label', sc.id, ...cfg.loadgenX.flatMap((x) => ['-X', x]),
  ]
}

function e2eArgs (bootstrap, topic, sc) {
  return [
    'e2e', '-b', bootstrap, '-t', topic, '-p', String(sc.partitions), '-s', String(sc.size),
    '-d', String(cfg.e2eSeconds), '--rate', String(cfg.rateMBps), '--warmup', String(cfg.e2eWarmupSeconds),
    '--linger', String(sc.lingerMs ?? cfg.lingerMs), '--create', '--label', sc.id,
    '-Y', `fetch.wait.max.ms=${cfg.e2eFetchWaitMs}`, ...cfg.loadgenX.flatMap((x) => ['-X', x]),
  ]
}

const produceTimeout = () => (cfg.produceSeconds + 120) * 1000
const consumeTimeout = () => (cfg.consumeSeconds + 60) * 1000
const e2eTimeout = () => (cfg.e2eSeconds + cfg.e2eWarmupSeconds + 120) * 1000

/**
 * Runs all Kafka scenarios against one target. `withBroker(topics, fn)` gives
 * fn a bootstrap address on which `topics` ([name, partitions]) can be used,
 * plus hooks around produce runs (for RSS sampling).
 */
async function runKafkaTarget (name, withBroker) {
  const results = {}
  const add = (id, r) => (results[id] ??= []).push(r)
  for (let rep = 1; rep <= cfg.repeats; rep++) {
    for (const sc of PRODUCE_SCENARIOS) {
      const topic = `bench-${sc.id}-${runId}-r${rep}`
      log(`${name}: produce ${sc.id} (run ${rep}/${cfg.repeats})`)
      await withBroker([[topic, sc.partitions]], async (bootstrap, hooks) => {
        if (!bootstrap) {
          add(`produce-${sc.id}`, { ok: false, error: hooks?.error ?? 'broker not available' })
          add(`consume-${sc.id}`, { ok: false, error: hooks?.error ?? 'broker not available' })
          return
        }
        hooks?.beforeProduce?.()
        const p = await runJson(loadgen, produceArgs(bootstrap, topic, sc), { timeoutMs: produceTimeout(), prefix: `${name}: ` })
        const rss = hooks?.afterProduce?.()
        if (rss) p.broker_rss = rss
        add(`produce-${sc.id}`, p)
        if (!p.ok && !(p.messages > 0)) {
          add(`consume-${sc.id}`, { ok: false, error: 'nothing was produced' })
          return
        }
        log(`${name}: consume ${sc.id} from a cold start (run ${rep}/${cfg.repeats})`)
        const c = await runJson(loadgen, consumeArgs(bootstrap, topic, sc), { timeoutMs: consumeTimeout(), prefix: `${name}: ` })
        c.produced_messages = p.messages
        add(`consume-${sc.id}`, c)
      })
    }
    for (const sc of LATENCY_SCENARIOS) {
      const topic = `bench-${sc.id}-${runId}-r${rep}`
      log(`${name}: produce + end-to-end latency at ${cfg.rateMBps} MB/s, linger.ms=${sc.lingerMs ?? cfg.lingerMs} (run ${rep}/${cfg.repeats})`)
      await withBroker([[topic, sc.partitions]], async (bootstrap, hooks) => {
        if (!bootstrap) {
          add(sc.id, { ok: false, error: hooks?.error ?? 'broker not available' })
          return
        }
        add(sc.id, await runJson(loadgen, e2eArgs(bootstrap, topic, sc), { timeoutMs: e2eTimeout(), prefix: `${name}: ` }))
      })
    }
  }
  return results
}

// the librdkafka mock cluster: a fresh one per run (it keeps data in memory)
async function runMock () {
  return runKafkaTarget('mock', async (topics, fn) => {
    const child = startDaemon(mockBroker, topics.map(([t, p]) => `${t}:${p}`))
    const m = await waitLine(child, /^(\S+:\d+)\s*$/, 10000)
    if (!m) {
      await stopDaemon(child)
      return fn(null, { error: 'mock-broker did not start' })
    }
    let sampler = null
    try {
      await fn(m[1], {
        beforeProduce: () => (sampler = rssSampler(child.pid)),
        afterProduce: () => sampler?.stop(),
      })
    } finally {
      await stopDaemon(child)
    }
  })
}

// Skiff: a fresh broker in a fresh data dir for every run, like the mock:
// runs start from the same state, the disk use stays bounded, and the
// cluster's partition quota (120) is never used up by earlier runs' topics
async function runSkiff () {
  const logFile = path.join(cfg.outDir, `${stamp}-skiff.log`)
  const rssRuns = []
  const startMs = []
  let failedStarts = 0
  let lastStartError = null

  async function start () {
    const dataDir = makeTmpDir('skiff-bench-')
    const port = await freePort()
    const cmdline = cfg.skiffCmd.replaceAll('{dataDir}', dataDir).replaceAll('{port}', String(port))
    fs.appendFileSync(logFile, `\n=== ${new Date().toISOString()} ${cmdline}\n`)
    const t0 = Date.now()
    const child = startDaemon('sh', ['-c', `exec ${cmdline}`], { logFile })
    child.stdout.on('data', (d) => fs.appendFileSync(logFile, d))
    const deadline = t0 + cfg.skiffStartTimeoutS * 1000
    while (Date.now() < deadline && !child.exited) {
      if (await canConnect(port)) {
        startMs.push(Date.now() - t0)
        return { child, dataDir, port }
      }
      await sleep(100)
    }
    const why = child.exited ? 'exited during startup' : `not listening after ${cfg.skiffStartTimeoutS}s`
    await stopDaemon(child)
    if (!cfg.keepData) removeTmpDir(dataDir)
    // the first error line of this start's log says more than its tail
    const lines = fs.readFileSync(logFile, 'utf8').split('\n=== ').pop().split('\n').slice(1).filter((l) => l.trim())
    const hint = lines.find((l) => /error/i.test(l)) ?? lines.slice(-2).join(' | ')
    return { error: `skiff ${why}: ${hint?.trim().slice(0, 300) || '(no output)'}` }
  }

  log(`skiff: command: ${cfg.skiffCmd} (log: ${path.relative(repoDir, logFile)})`)
  const results = await runKafkaTarget('skiff', async (topics, fn) => {
    // two failed starts in a row: do not wait for a third on every run
    if (failedStarts >= 2) return fn(null, { error: lastStartError })
    const b = await start()
    if (b.error) {
      failedStarts++
      lastStartError = b.error
      log(`skiff: ${b.error}`)
      return fn(null, { error: b.error })
    }
    failedStarts = 0
    let sampler = null
    try {
      await fn(`127.0.0.1:${b.port}`, {
        beforeProduce: () => (sampler = rssSampler(b.child.pid)),
        afterProduce: () => {
          const r = sampler?.stop()
          if (r) rssRuns.push(r)
          if (b.child.exited) log('skiff: the broker died during the run')
          return r
        },
      })
    } finally {
      await stopDaemon(b.child)
      if (!cfg.keepData) removeTmpDir(b.dataDir)
    }
  })
  results.startup_ms = startMs
  results.rss = {
    max_mb: rssRuns.length ? Math.max(...rssRuns.map((r) => r.max_kb)) / 1024 : null,
    max_tree_mb: rssRuns.length ? Math.max(...rssRuns.map((r) => r.max_tree_kb)) / 1024 : null,
  }
  return results
}

async function runNode () {
  const results = { throughput: [], rate: [] }
  const dir = makeTmpDir('node-baseline-')
  const server = startDaemon(process.execPath, [path.join(benchDir, 'node-baseline', 'server.mjs'), '--file', path.join(dir, 'log')])
  const client = path.join(benchDir, 'node-baseline', 'client.mjs')
  try {
    const m = await waitLine(server, /^LISTENING (\d+)/, 10000)
    if (!m) throw new Error('node-baseline server did not start')
    const port = m[1]
    for (let rep = 1; rep <= cfg.repeats; rep++) {
      log(`node: throughput, ${cfg.nodeFrameBytes} B frames, window ${cfg.nodeWindow} (run ${rep}/${cfg.repeats})`)
      results.throughput.push(
        await runJson(process.execPath, [client, '--port', port, '--frame-size', String(cfg.nodeFrameBytes), '--window', String(cfg.nodeWindow), '--duration', String(cfg.nodeSeconds)], {
          timeoutMs: (cfg.nodeSeconds + 90) * 1000,
          prefix: 'node: ',
        })
      )
      log(`node: ack latency at ${cfg.rateMBps} MB/s, ${cfg.nodeRateFrameBytes} B frames (run ${rep}/${cfg.repeats})`)
      results.rate.push(
        await runJson(process.execPath, [client, '--port', port, '--frame-size', String(cfg.nodeRateFrameBytes), '--window', '64', '--duration', String(cfg.nodeRateSeconds), '--rate', String(cfg.rateMBps)], {
          timeoutMs: (cfg.nodeRateSeconds + 92) * 1000,
          prefix: 'node: ',
        })
      )
    }
  } catch (err) {
    results.error = err.message
  } finally {
    await stopDaemon(server)
    removeTmpDir(dir)
  }
  return results
}

// ------------------------------------------------------------------ report

const get = (obj, p) => p.split('.').reduce((o, k) => (o == null ? undefined : o[k]), obj)

function median (values) {
  const v = values.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b)
  if (!v.length) return null
  const mid = v.length >> 1
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2
}

/** median of a metric over the ok runs; {value, ok, of} or null */
function med (runs, metric) {
  if (!runs || !runs.length) return null
  const ok = runs.filter((r) => r.ok)
  return { value: median(ok.map((r) => get(r, metric))), ok: ok.length, of: runs.length }
}

function fmt (m, digits = 1) {
  if (m === null || m === undefined) return 'n/a'
  if (m.ok === 0 || m.value === null) return 'FAILED'
  let s = m.value >= 1000 ? Math.round(m.value).toLocaleString('en-US') : m.value.toFixed(digits)
  if (m.ok < m.of) s += ` (${m.ok}/${m.of})`
  return s
}

function ratio (a, b) {
  if (!a || !b || a.value == null || b.value == null || !a.ok || !b.ok || b.value === 0) return '-'
  return `${(a.value / b.value).toFixed(2)}x`
}

function buildReport (res) {
  const rows = []
  const S = res.skiff ?? {}
  const M = res.mock ?? {}
  const N = res.node ?? {}
  const nodeThr = med(N.throughput, 'mb_per_s')
  for (const sc of PRODUCE_SCENARIOS) {
    const label = `${sc.size === 1024 ? '1 KiB' : `${sc.size} B`}, ${sc.partitions} part.${sc.loadgenX ? ', idempotent' : ''}`
    rows.push({ metric: `produce MB/s, ${label}`, s: med(S[`produce-${sc.id}`], 'mb_per_s'), m: med(M[`produce-${sc.id}`], 'mb_per_s'), n: nodeThr, nodeRatio: true })
    rows.push({ metric: `produce msgs/s, ${label}`, s: med(S[`produce-${sc.id}`], 'msgs_per_s'), m: med(M[`produce-${sc.id}`], 'msgs_per_s') })
  }
  for (const sc of PRODUCE_SCENARIOS) {
    const label = `${sc.size === 1024 ? '1 KiB' : `${sc.size} B`}, ${sc.partitions} part.${sc.loadgenX ? ', idempotent' : ''}`
    rows.push({ metric: `consume MB/s (cold), ${label}`, s: med(S[`consume-${sc.id}`], 'mb_per_s'), m: med(M[`consume-${sc.id}`], 'mb_per_s') })
    rows.push({ metric: '  MB read by that consumer', s: med(S[`consume-${sc.id}`], 'bytes'), m: med(M[`consume-${sc.id}`], 'bytes'), scale: 1e-6, noRatio: true })
  }
  const nodeRate = N.rate
  for (const sc of LATENCY_SCENARIOS) {
    const L = sc.id
    const at = `@${cfg.rateMBps} MB/s${sc.lingerMs === undefined ? '' : `, linger ${sc.lingerMs}`}`
    const n = (key) => sc.lingerMs === undefined ? med(nodeRate, key) : undefined
    rows.push({ metric: `produce latency p50 ms ${at}`, s: med(S[L], 'produce_latency_ms.p50'), m: med(M[L], 'produce_latency_ms.p50'), n: n('ack_latency_ms.p50'), digits: 2 })
    rows.push({ metric: `produce latency p99 ms ${at}`, s: med(S[L], 'produce_latency_ms.p99'), m: med(M[L], 'produce_latency_ms.p99'), n: n('ack_latency_ms.p99'), digits: 2 })
    rows.push({ metric: `end-to-end p50 ms ${at}`, s: med(S[L], 'e2e_latency_ms.p50'), m: med(M[L], 'e2e_latency_ms.p50'), digits: 2, mockNote: true })
    rows.push({ metric: `end-to-end p99 ms ${at}`, s: med(S[L], 'e2e_latency_ms.p99'), m: med(M[L], 'e2e_latency_ms.p99'), digits: 2, mockNote: true })
  }
  rows.push({ metric: 'Skiff startup ms (to port open)', s: S.startup_ms?.length ? { value: median(S.startup_ms), ok: 1, of: 1 } : null, m: null, noRatio: true, digits: 0 })
  const rssMb = S.rss?.max_mb
  rows.push({ metric: 'Skiff max RSS MB (produce runs)', s: S.rss ? (rssMb == null ? { value: null, ok: 0, of: 1 } : { value: rssMb, ok: 1, of: 1 }) : null, m: null, noRatio: true })

  const scaled = (x, k) => (x && x.value != null && k ? { ...x, value: x.value * k } : x)
  const table = rows.map((r) => ({
    metric: r.metric,
    skiff: fmt(scaled(r.s, r.scale), r.digits),
    mock: fmt(scaled(r.m, r.scale), r.digits) + (r.mockNote && r.m?.ok ? ' *' : ''),
    node: r.n ? fmt(r.n, r.digits) : '',
    skiff_mock: r.noRatio ? '' : r.mockNote ? 'n/m' : ratio(r.s, r.m),
    skiff_node: r.nodeRatio ? ratio(r.s, r.n) : '',
  }))
  return { rows, table }
}

function printTable (table) {
  const cols = [
    ['metric', 'metric'],
    ['skiff', 'Skiff'],
    ['mock', 'mock cluster'],
    ['node', 'node baseline'],
    ['skiff_mock', 'Skiff/mock'],
    ['skiff_node', 'Skiff/node'],
  ]
  const w = cols.map(([k, h]) => Math.max(h.length, ...table.map((r) => String(r[k]).length)))
  const line = (cells) => cells.map((c, i) => (i === 0 ? String(c).padEnd(w[i]) : String(c).padStart(w[i]))).join('  ')
  const out = [line(cols.map(([, h]) => h)), w.map((n) => '-'.repeat(n)).join('  '), ...table.map((r) => line(cols.map(([k]) => r[k])))]
  process.stdout.write(`${out.join('\n')}\n`)
}

// -------------------------------------------------------------------- main

async function main () {
  const t0 = Date.now()
  log(`targets: ${cfg.targets.join(', ')}; ${cfg.repeats} runs per scenario; results in ${path.relative(repoDir, cfg.outDir)}/${stamp}.json`)
  const results = {}
  for (const target of cfg.targets) {
    const ts = Date.now()
    if (target === 'node') results.node = await runNode()
    else if (target === 'mock') results.mock = await runMock()
    else if (target === 'skiff') results.skiff = await runSkiff()
    else {
      log(`unknown target ${target} (known: node, mock, skiff)`)
      continue
    }
    log(`${target}: done in ${((Date.now() - ts) / 1000).toFixed(0)} s`)
  }
  const { table } = buildReport(results)
  const report = {
    started: new Date(t0).toISOString(),
    duration_s: Math.round((Date.now() - t0) / 1000),
    host: { cpus: os.cpus().length, cpu_model: os.cpus()[0]?.model, mem_gb: Math.round(os.totalmem() / 2 ** 30), node: process.version, kernel: os.release() },
    config: cfg,
    table,
    results,
  }
  const outFile = path.join(cfg.outDir, `${stamp}.json`)
  fs.writeFileSync(outFile, `${JSON.stringify(report, null, 2)}\n`)
  process.stdout.write(`\nSkiff benchmark, ${report.started}, ${report.host.cpus} cores, median of ${cfg.repeats} runs (MB = 10^6 bytes)\n\n`)
  printTable(table)
  const failures = []
  for (const [target, res] of Object.entries(results)) {
    for (const [scenario, runs] of Object.entries(res ?? {})) {
      if (!Array.isArray(runs) || typeof runs[0] !== 'object') continue
      const errs = [...new Set(runs.filter((r) => !r.ok).map((r) => r.error ?? 'failed'))]
      if (errs.length) failures.push(`  ${target} ${scenario}: ${runs.filter((r) => !r.ok).length}/${runs.length} failed: ${errs.join('; ').slice(0, 300)}`)
    }
    if (res?.error) failures.push(`  ${target}: ${res.error}`)
  }
  if (failures.length) process.stdout.write(`\nfailed runs:\n${failures.join('\n')}\n`)
  process.stdout.write(
    `\nnode baseline: ${cfg.nodeFrameBytes / 1024} KiB frames, ${cfg.nodeWindow} in flight, group fsync (produce rows: MB/s; latency rows: ack latency of ${cfg.nodeRateFrameBytes / 1024} KiB frames at ${cfg.rateMBps} MB/s)\n` +
      `* the mock cluster answers an empty Fetch only after fetch.wait.max.ms (${cfg.e2eFetchWaitMs} ms) and never wakes it on new data: its end-to-end figure is bounded by that wait, not a target (n/m: no meaningful ratio)\n` +
      '  the mock cluster keeps only the last ~5 MiB per partition: its consumers read less than was produced (see "MB read")\n' +
      `results: ${path.relative(repoDir, outFile)} (${report.duration_s} s)\n`
  )
}

main().catch((err) => {
  if (interrupted) return // onInterrupt cleans up and exits
  process.stderr.write(`[bench] ${err.stack ?? err}\n`)
  process.exit(1)
})
