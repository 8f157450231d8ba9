// Authenticated-connection load for Skiff's IAM listener: each connection is a TLS handshake, then
// SaslHandshake v1 (OAUTHBEARER) and SaslAuthenticate v1 carrying an MSK IAM token read from a file
// (minted by aws-msk-iam-sasl-signer-js; bench/iam.ts does it). Plain Node, hand-encoded frames, so
// the load generator stays light. Prints one JSON line.
//
//   node bench/iam-connections.mjs hold HOST PORT CAFILE TOKENFILE COUNT HOLD_SECONDS
//     opens COUNT authenticated connections (50 at a time), keeps them all open HOLD_SECONDS, then
//     sends ApiVersions on every one and counts the answers (connections still alive and usable)
//   node bench/iam-connections.mjs rate HOST PORT CAFILE TOKENFILE PER_SECOND SECONDS
//     starts PER_SECOND new authenticated connections a second for SECONDS (paced by the clock),
//     closing each once authenticated; reports the rate achieved and the connect-to-authenticated latency
import { readFileSync } from 'node:fs'
import tls from 'node:tls'

const [mode, host, portText, caFile, tokenFile, countText, secondsText] = process.argv.slice(2)
if (!['hold', 'rate'].includes(mode) || secondsText === undefined) {
  console.error('usage: iam-connections.mjs hold|rate HOST PORT CAFILE TOKENFILE COUNT|PER_SECOND SECONDS')
  process.exit(2)
}
const port = Number(portText)
const ca = readFileSync(caFile, 'utf8')
const token = readFileSync(tokenFile, 'utf8').trim()
const clientId = Buffer.from('skiff-bench-conn')

/** A v1 request header (apiKey, apiVersion, correlationId, clientId) and body, size-prefixed. */
function frame (apiKey, apiVersion, correlationId, body) {
  const header = Buffer.alloc(10)
  header.writeInt16BE(apiKey, 0)
  header.writeInt16BE(apiVersion, 2)
  header.writeInt32BE(correlationId, 4)
  header.writeInt16BE(clientId.length, 8)
  const size = Buffer.alloc(4)
  size.writeInt32BE(header.length + clientId.length + body.length)
  return Buffer.concat([size, header, clientId, body])
}

const mechanism = Buffer.from('OAUTHBEARER')
const handshakeBody = Buffer.concat([Buffer.from([0, mechanism.length]), mechanism])
const clientFirst = Buffer.from(`n,,\x01auth=Bearer ${token}\x01\x01`)
const authLength = Buffer.alloc(4)
authLength.writeInt32BE(clientFirst.length)
const authenticateBody = Buffer.concat([authLength, clientFirst])

/** Reads size-prefixed response frames from a socket, one promise per expected frame. */
function frameReader (socket) {
  let buffered = Buffer.alloc(0)
  const waiting = []
  const frames = []
  const failures = []
  const settle = () => {
    while (buffered.length >= 4 && buffered.length >= 4 + buffered.readInt32BE(0)) {
      const size = buffered.readInt32BE(0)
      frames.push(buffered.subarray(4, 4 + size))
      buffered = buffered.subarray(4 + size)
    }
    while (waiting.length > 0 && (frames.length > 0 || failures.length > 0)) {
      const { resolve, reject } = waiting.shift()
      if (frames.length > 0) resolve(frames.shift())
      else reject(failures[0])
    }
  }
  socket.on('data', data => { buffered = Buffer.concat([buffered, data]); settle() })
  const fail = error => { failures.push(error); settle() }
  socket.on('error', fail)
  socket.on('close', () => fail(new Error('connection closed')))
  return () => new Promise((resolve, reject) => { waiting.push({ resolve, reject }); settle() })
}

/** One authenticated connection; resolves with the socket, a reader and the ms it took. */
async function authenticate () {
  const started = performance.now()
  const socket = await new Promise((resolve, reject) => {
    const s = tls.connect({ host, port, ca, servername: host }, () => resolve(s))
    s.once('error', reject)
  })
  const next = frameReader(socket)
  socket.write(frame(17, 1, 1, handshakeBody))
  const handshake = await next()
  if (handshake.readInt16BE(4) !== 0) throw new Error(`SaslHandshake error ${handshake.readInt16BE(4)}`)
  socket.write(frame(36, 1, 2, authenticateBody))
  const answer = await next()
  const errorCode = answer.readInt16BE(4)
  if (errorCode !== 0) throw new Error(`SaslAuthenticate error ${errorCode}`)
  return { socket, next, ms: performance.now() - started }
}

function percentile (values, p) {
  if (values.length === 0) return null
  const sorted = [...values].sort((a, b) => a - b)
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] * 10) / 10
}

async function hold (count, holdSeconds) {
  const started = performance.now()
  const open = []
  const errors = new Map()
  let nextIndex = 0
  const worker = async () => {
    while (nextIndex < count) {
      nextIndex++
      try {
        open.push(await authenticate())
      } catch (error) {
        errors.set(error.message, (errors.get(error.message) ?? 0) + 1)
      }
    }
  }
  await Promise.all(Array.from({ length: 50 }, worker))
  const openedMs = performance.now() - started
  await new Promise(resolve => setTimeout(resolve, holdSeconds * 1000))
  let alive = 0
  await Promise.all(open.map(async ({ socket, next }, index) => {
    try {
      socket.write(frame(18, 0, 1000 + index, Buffer.alloc(0)))
      const answer = await Promise.race([next(), new Promise((_resolve, reject) => setTimeout(() => reject(new Error('timeout')), 20_000))])
      if (answer.readInt16BE(4) === 0) alive++
    } catch {}
  }))
  for (const { socket } of open) socket.destroy()
  const latencies = open.map(connection => connection.ms)
  console.log(JSON.stringify({
    mode: 'hold',
    requested: count,
    authenticated: open.length,
    failed: count - open.length,
    errors: Object.fromEntries(errors),
    openedInMs: Math.round(openedMs),
    heldSeconds: holdSeconds,
    aliveAfterHold: alive,
    authMsP50: percentile(latencies, 0.5),
    authMsP99: percentile(latencies, 0.99)
  }))
}

async function rate (perSecond, seconds) {
  const total = perSecond * seconds
  const latencies = []
  const errors = new Map()
  const started = performance.now()
  const pending = []
  for (let index = 0; index < total; index++) {
    const due = started + (index * 1000) / perSecond
    const wait = due - performance.now()
    if (wait > 0) await new Promise(resolve => setTimeout(resolve, wait))
    pending.push(authenticate().then(({ socket, ms }) => { latencies.push(ms); socket.destroy() }, error => {
      errors.set(error.message, (errors.get(error.message) ?? 0) + 1)
    }))
  }
  await Promise.all(pending)
  const elapsedSeconds = (performance.now() - started) / 1000
  console.log(JSON.stringify({
    mode: 'rate',
    requestedPerSecond: perSecond,
    seconds,
    attempted: total,
    authenticated: latencies.length,
    failed: total - latencies.length,
    errors: Object.fromEntries(errors),
    achievedPerSecond: Math.round((latencies.length / elapsedSeconds) * 10) / 10,
    authMsP50: percentile(latencies, 0.5),
    authMsP99: percentile(latencies, 0.99)
  }))
}

if (mode === 'hold') await hold(Number(countText), Number(secondsText))
else await rate(Number(countText), Number(secondsText))
