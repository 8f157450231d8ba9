// Load client for the Node baseline server (server.mjs).
//
// Sends size-prefixed frames over one TCP connection with at most --window
// frames awaiting their ack. Without --rate it sends as fast as the window
// allows and reports MB/s (MB = 10^6 bytes) from the first send to the last
// ack. With --rate MB/s it paces frames by the clock and reports the ack
// latency (send -> ack) p50/p99/max, after --warmup seconds (default 1) that
// are run on top of --duration and not sampled.
//
// Usage: node client.mjs --port N [--host 127.0.0.1] [--frame-size 1048576]
//                        [--window 8] [--duration 10] [--rate 0] [--warmup 1]
// Prints one JSON line on stdout and a human line on stderr.
import net from 'node:net'

function parseArgs (argv) {
  const out = {}
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (!a.startsWith('--')) throw new Error(`unexpected argument ${a}`)
    const eq = a.indexOf('=')
    if (eq > 0) out[a.slice(2, eq)] = a.slice(eq + 1)
    else out[a.slice(2)] = argv[++i]
  }
  return out
}

const args = parseArgs(process.argv.slice(2))
const host = args.host ?? '127.0.0.1'
const port = Number(args.port)
const frameSize = Number(args['frame-size'] ?? 1048576)
const window = Number(args.window ?? 8)
const durationS = Number(args.duration ?? 10)
const rateMBps = Number(args.rate ?? 0)
const warmupS = Number(args.warmup ?? (rateMBps > 0 ? 1 : 0))
if (!port) {
  console.error('usage: node client.mjs --port N [--frame-size B] [--window N] [--duration S] [--rate MB/s]')
  process.exit(1)
}

const payload = Buffer.alloc(frameSize, 0x61)
const header = Buffer.alloc(4)
header.writeUInt32BE(frameSize, 0)

const nowNs = () => process.hrtime.bigint()
const sock = net.connect({ host, port, noDelay: true })

const sentAt = [] // FIFO of send times (ns) of frames awaiting an ack
let sent = 0
let acked = 0
let start = 0n
let lastAck = 0n
let warmupUntil = 0n
let endAt = 0n
let stopping = false
const latenciesNs = []
const intervalNs = rateMBps > 0 ? (frameSize * 1e9) / (rateMBps * 1e6) : 0
let maxLagNs = 0
let timer = null

function sendOne (t) {
  sock.cork()
  sock.write(header)
  sock.write(payload)
  sock.uncork()
  sentAt.push(t)
  sent++
}

function fill () {
  const t = nowNs()
  if (t >= endAt) {
    stopping = true
    maybeDone()
    return
  }
  if (intervalNs === 0) {
    while (sent - acked < window) sendOne(nowNs())
    return
  }
  // paced: send every frame that is due (window permitting), then sleep
  for (;;) {
    const due = start + BigInt(Math.round(sent * intervalNs))
    const now = nowNs()
    if (now < due) {
      if (!timer) {
        const ms = Math.max(0, Number(due - now) / 1e6)
        timer = setTimeout(() => {
          timer = null
          fill()
        }, Math.floor(ms))
      }
      return
    }
    if (sent - acked >= window) return // an ack will call fill() again
    const lag = Number(now - due)
    if (lag > maxLagNs) maxLagNs = lag
    sendOne(now)
  }
}

let ackBuf = Buffer.alloc(0)
sock.on('data', (chunk) => {
  ackBuf = ackBuf.length ? Buffer.concat([ackBuf, chunk]) : chunk
  let off = 0
  const t = nowNs()
  while (ackBuf.length - off >= 12) {
    off += 12
    const t0 = sentAt.shift()
    acked++
    lastAck = t
    if (t0 >= warmupUntil) latenciesNs.push(Number(t - t0))
  }
  ackBuf = ackBuf.subarray(off)
  if (!stopping) fill()
  maybeDone()
})

function pct (sorted, p) {
  if (sorted.length === 0) return 0
  const rank = Math.max(1, Math.ceil(p * sorted.length))
  return sorted[rank - 1]
}

function maybeDone () {
  if (!stopping || acked < sent) return
  const elapsedS = Number(lastAck - start) / 1e9
  const bytes = acked * frameSize
  const sorted = latenciesNs.sort((a, b) => a - b)
  const ms = (v) => Math.round(v / 1e3) / 1e3
  const res = {
    mode: rateMBps > 0 ? 'node-baseline-rate' : 'node-baseline-throughput',
    ok: acked > 0 && (rateMBps === 0 || sorted.length > 0),
    frame_size: frameSize,
    window,
    frames: acked,
    bytes,
    elapsed_s: Math.round(elapsedS * 1000) / 1000,
    mb_per_s: Math.round((bytes / elapsedS / 1e6) * 100) / 100,
    frames_per_s: Math.round(acked / elapsedS),
    target_rate_mb_s: rateMBps,
    schedule_lag_max_ms: ms(maxLagNs),
    ack_latency_ms: {
      n: sorted.length,
      p50: ms(pct(sorted, 0.5)),
      p99: ms(pct(sorted, 0.99)),
      p999: ms(pct(sorted, 0.999)),
      max: ms(sorted.length ? sorted[sorted.length - 1] : 0),
    },
  }
  process.stdout.write(`${JSON.stringify(res)}\n`)
  process.stderr.write(
    `node-baseline ${res.mode}: ${frameSize} B frames, window ${window}: ${acked} frames in ${res.elapsed_s}s = ` +
      `${res.mb_per_s} MB/s; ack latency ms p50 ${res.ack_latency_ms.p50} p99 ${res.ack_latency_ms.p99} max ${res.ack_latency_ms.max}\n`
  )
  sock.end()
  process.exit(0)
}

sock.on('connect', () => {
  start = nowNs()
  warmupUntil = start + BigInt(Math.round(warmupS * 1e9))
  endAt = start + BigInt(Math.round((durationS + warmupS) * 1e9)) // warm-up on top
  fill()
  // stop on time even if no ack ever arrives to drive fill()
  setTimeout(() => {
    stopping = true
    maybeDone()
  }, (durationS + warmupS) * 1000 + 1).unref()
})
sock.on('error', (err) => {
  process.stderr.write(`node-baseline client: ${err.message}\n`)
  process.stdout.write(`${JSON.stringify({ mode: 'node-baseline', ok: false, error: err.message })}\n`)
  process.exit(1)
})
// a run must end: give up 60 s after the planned end
setTimeout(() => {
  process.stderr.write(`node-baseline client: timed out with ${sent - acked} frames unacknowledged\n`)
  process.stdout.write(`${JSON.stringify({ mode: 'node-baseline', ok: false, error: 'timeout' })}\n`)
  process.exit(1)
}, (durationS + warmupS + 60) * 1000).unref()
