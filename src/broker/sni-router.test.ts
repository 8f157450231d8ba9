import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import type net from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, type TestContext } from 'node:test'
import tls from 'node:tls'
import { pino } from 'pino'
import { loadTlsMaterial } from '../security/tls/tls-material.ts'
import { tlsServerOptions } from '../security/tls/server-options.ts'
import { LogCapture } from '../../test/helpers/start-node.ts'
import { SniRouter } from './sni-router.ts'

const DOMAIN = 'kafka.skiff.test'

/** A router on a free port with a certificate from Skiff's CA for `*.<DOMAIN>` (as the node issues it). */
async function startRouter (t: TestContext): Promise<{ router: SniRouter, port: number, caPem: string, logs: LogCapture }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'skiff-sni-'))
  t.after(() => rmSync(dataDir, { recursive: true, force: true }))
  const material = await loadTlsMaterial({ dataDir, names: ['localhost', '127.0.0.1', `*.${DOMAIN}`] })
  const logs = new LogCapture()
  const router = new SniRouter({ tls: tlsServerOptions(material, 5000), logger: pino({ level: 'debug' }, logs) })
  const port = await router.listen(0, '127.0.0.1')
  t.after(() => router.close())
  return { router, port, caPem: material.caPem ?? material.certificatePem, logs }
}

/** A target that greets each socket with its own name, so the client sees where it landed. */
function greeter (name: string): { accept: (socket: net.Socket) => void, accepted: number } {
  const target = {
    accepted: 0,
    accept (socket: net.Socket) {
      target.accepted++
      socket.end(name)
    }
  }
  return target
}

/** Connects to 127.0.0.1 presenting `servername` (undefined: no SNI) and returns what the server sent before closing. */
async function exchange (port: number, caPem: string, servername: string | undefined): Promise<string> {
  const socket = tls.connect({
    host: '127.0.0.1',
    port,
    ca: [caPem],
    ...(servername === undefined ? {} : { servername })
  })
  const chunks: Buffer[] = []
  socket.on('data', (chunk: Buffer) => chunks.push(chunk))
  return await new Promise((resolve, reject) => {
    socket.once('error', reject)
    socket.once('close', () => resolve(Buffer.concat(chunks).toString()))
  })
}

test('each SNI name reaches its own cluster, over the wildcard certificate', async t => {
  const { router, port, caPem } = await startRouter(t)
  const one = greeter('one')
  const two = greeter('two')
  router.add(`boot-aaaa1111.${DOMAIN}`, 'cluster-one', one)
  router.add(`boot-bbbb2222.${DOMAIN}`, 'cluster-two', two)
  assert.equal(await exchange(port, caPem, `boot-aaaa1111.${DOMAIN}`), 'one')
  assert.equal(await exchange(port, caPem, `boot-bbbb2222.${DOMAIN}`), 'two')
  assert.equal(await exchange(port, caPem, `BOOT-BBBB2222.${DOMAIN.toUpperCase()}`), 'two', 'names compare without case')
  assert.deepEqual([one.accepted, two.accepted], [1, 2])
  assert.deepEqual(router.hostNames().sort(), [`boot-aaaa1111.${DOMAIN}`, `boot-bbbb2222.${DOMAIN}`])
})

test('a name of no cluster is refused in the handshake, and logged', async t => {
  const { router, port, caPem, logs } = await startRouter(t)
  const target = greeter('one')
  router.add(`boot-aaaa1111.${DOMAIN}`, 'cluster-one', target)
  await assert.rejects(exchange(port, caPem, `boot-ffff0000.${DOMAIN}`))
  assert.equal(target.accepted, 0)
  assert.equal(logs.warnings(`boot-ffff0000.${DOMAIN}`).length, 1)
})

test('a client sending no SNI name is closed after the handshake, and logged', async t => {
  const { router, port, caPem, logs } = await startRouter(t)
  const target = greeter('one')
  router.add(`boot-aaaa1111.${DOMAIN}`, 'cluster-one', target)
  // Node sends no SNI when connecting to an IP address without a servername.
  assert.equal(await exchange(port, caPem, undefined), '')
  assert.equal(target.accepted, 0)
  assert.equal(logs.warnings('names no ACTIVE cluster').length, 1)
})

test('a removed name is refused at once; a name another cluster holds cannot be added', async t => {
  const { router, port, caPem } = await startRouter(t)
  const target = greeter('one')
  router.add(`boot-aaaa1111.${DOMAIN}`, 'cluster-one', target)
  assert.throws(() => router.add(`boot-aaaa1111.${DOMAIN}.`, 'cluster-other', greeter('other')), /already routes to cluster cluster-one/)
  router.add(`boot-aaaa1111.${DOMAIN}`, 'cluster-one', target)
  assert.equal(await exchange(port, caPem, `boot-aaaa1111.${DOMAIN}`), 'one')
  router.remove(`boot-aaaa1111.${DOMAIN}`)
  await assert.rejects(exchange(port, caPem, `boot-aaaa1111.${DOMAIN}`))
  assert.equal(target.accepted, 1)
})
