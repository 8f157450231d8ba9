// Node baseline server ("reference (a)"): what plain Node does on this machine
// for the core of a durable produce path, without Kafka.
//
// Reads size-prefixed frames (4-byte big-endian length + payload) from TCP,
// appends the payloads to one file and acknowledges each frame only after an
// fsync that covers it. Group fsync: while an fsync is in flight, newly
// arrived frames are written and wait for the next fsync, which covers all
// of them at once.
//
// Ack: 4-byte length (8) + 8-byte per-connection frame sequence number.
//
// Usage: node server.mjs --file PATH [--port 0] [--host 127.0.0.1]
//                        [--segment-mb 1024] [--sync fsync|fdatasync]
// Prints "LISTENING <port>" on stdout once listening, stats as JSON on SIGTERM.
import fs from 'node:fs'
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
if (!args.file) {
  console.error('usage: node server.mjs --file PATH [--port 0] [--host 127.0.0.1]')
  process.exit(1)
}
const host = args.host ?? '127.0.0.1'
const port = Number(args.port ?? 0)
// Like a log rolling to a new segment and deleting the old one, the file is
// truncated to 0 once it passes this size, at a moment when every frame
// written to it is synced (writes pause for that). So writes always append
// to fresh blocks: overwriting allocated blocks in place is far cheaper to
// fsync and would flatter the figure.
const segmentBytes = Number(args['segment-mb'] ?? 1024) * 1024 * 1024
const syncFn = args.sync === 'fdatasync' ? fs.fdatasync : fs.fsync

const fd = fs.openSync(args.file, 'w')
let pos = 0

// Frames go through three stages: parsed (writeQueue) -> written (unsynced)
// -> synced (acked). At most one write and one fsync are in flight.
let writeQueue = []
let unsynced = []
let writing = false
let syncing = false
let truncating = false

const stats = { frames: 0, bytes: 0, writes: 0, fsyncs: 0, maxFramesPerFsync: 0, truncations: 0 }

function pump () {
  if (pos >= segmentBytes && !writing && !truncating) {
    // roll: wait until nothing written is unsynced, then start over
    if (syncing || unsynced.length > 0) {
      // the running/next fsync's completion calls pump() again
    } else {
      truncating = true
      stats.truncations++
      fs.ftruncate(fd, 0, (err) => {
        truncating = false
        if (err) throw err
        pos = 0
        pump()
      })
    }
  }
  if (!writing && !truncating && pos < segmentBytes && writeQueue.length > 0) {
    const batch = writeQueue
    writeQueue = []
    const bufs = []
    let len = 0
    for (const f of batch) {
      for (const b of f.bufs) {
        bufs.push(b)
        len += b.length
      }
    }
    const at = pos
    pos += len
    writing = true
    stats.writes++
    fs.writev(fd, bufs, at, (err) => {
      writing = false
      if (err) throw err
      for (const f of batch) unsynced.push(f)
      pump()
    })
  }
  if (!syncing && unsynced.length > 0) {
    const batch = unsynced
    unsynced = []
    syncing = true
    stats.fsyncs++
    if (batch.length > stats.maxFramesPerFsync) stats.maxFramesPerFsync = batch.length
    syncFn(fd, (err) => {
      syncing = false
      if (err) throw err
      ackAll(batch)
      pump()
    })
  }
}

function ackAll (batch) {
  // one write per connection per fsync
  const byConn = new Map()
  for (const f of batch) {
    let list = byConn.get(f.conn)
    if (!list) byConn.set(f.conn, (list = []))
    list.push(f.seq)
  }
  for (const [conn, seqs] of byConn) {
    if (conn.destroyed) continue
    const out = Buffer.allocUnsafe(12 * seqs.length)
    seqs.forEach((seq, i) => {
      out.writeUInt32BE(8, i * 12)
      out.writeBigUInt64BE(BigInt(seq), i * 12 + 4)
    })
    conn.write(out)
  }
}

const server = net.createServer({ noDelay: true }, (conn) => {
  conn.setNoDelay(true)
  const chunks = []
  let have = 0
  let need = -1 // payload length of the frame being read, -1: header
  let seq = 0

  // removes n bytes from the front of chunks, as slices (no copy)
  function take (n) {
    const parts = []
    while (n > 0) {
      const c = chunks[0]
      if (c.length <= n) {
        parts.push(c)
        chunks.shift()
        n -= c.length
        have -= c.length
      } else {
        parts.push(c.subarray(0, n))
        chunks[0] = c.subarray(n)
        have -= n
        n = 0
      }
    }
    return parts
  }

  conn.on('data', (chunk) => {
    chunks.push(chunk)
    have += chunk.length
    let got = false
    for (;;) {
      if (need < 0) {
        if (have < 4) break
        const hdr = take(4)
        need = (hdr.length === 1 ? hdr[0] : Buffer.concat(hdr)).readUInt32BE(0)
      }
      if (have < need) break
      const bufs = take(need)
      writeQueue.push({ conn, seq: seq++, bufs })
      stats.frames++
      stats.bytes += need
      need = -1
      got = true
    }
    if (got) pump()
  })
  conn.on('error', () => conn.destroy())
})

server.listen(port, host, () => {
  process.stdout.write(`LISTENING ${server.address().port}\n`)
})

function shutdown () {
  process.stderr.write(`node-baseline server: ${JSON.stringify(stats)}\n`)
  try {
    fs.closeSync(fd)
  } catch {}
  process.exit(0)
}
process.on('SIGTERM', shutdown)
process.on('SIGINT', shutdown)
