// The TLS listener by itself (SASL switched off with tls.requireSasl: false; the IAM tests cover SASL): kcat (librdkafka/OpenSSL 3), kafka-python and
// Python's ssl module trusting Skiff's generated CA, Node's tls for the protocol rules (TLS 1.2/1.3
// only, AEAD suites only, no renegotiation), clients without the CA refused, half-open handshakes
// dropped, the CA reused across restarts, and operator-given certificate files (made with openssl).
import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import net from 'node:net'
import { join } from 'node:path'
import { test } from 'node:test'
import tls from 'node:tls'
import { ServiceError } from '../../src/common/errors.ts'
import { kcat, kcatConsume, kcatProduce } from '../helpers/kcat.ts'
import { makeOperatorCertificates } from '../helpers/openssl-certs.ts'
import { run, runPythonScript } from '../helpers/run.ts'
import { repositoryRoot } from '../helpers/spawn-node.ts'
import { makeTempDir, startTestNode } from '../helpers/start-node.ts'
import { createTopics } from '../helpers/wire-client.ts'

interface KcatMetadata {
  brokers: Array<{ id: number, name: string }>
}

type Attempt = { ok: true, protocol: string | null, cipher: string } | { ok: false, code: string }

/** One TLS handshake from Node; resolves with what was negotiated or the client-side error code. */
async function handshake (port: number, options: tls.ConnectionOptions, then?: (socket: tls.TLSSocket) => Promise<void>): Promise<Attempt> {
  return await new Promise(resolve => {
    const socket = tls.connect({ host: '127.0.0.1', port, ...options }, () => {
      const result: Attempt = { ok: true, protocol: socket.getProtocol(), cipher: socket.getCipher().name }
      const finish = then === undefined ? Promise.resolve() : then(socket)
      finish.then(() => { socket.destroy(); resolve(result) }, (error: NodeJS.ErrnoException) => { socket.destroy(); resolve({ ok: false, code: error.code ?? error.message }) })
    })
    socket.on('error', (error: NodeJS.ErrnoException) => resolve({ ok: false, code: error.code ?? error.message }))
  })
}

function sslArgs (caFile: string): string[] {
  return ['-X', 'security.protocol=ssl', '-X', `ssl.ca.location=${caFile}`]
}

test('TLS listener with Skiff\'s generated CA', async t => {
  const { bootstrap, tlsBootstrap, node, dataDir } = await startTestNode(t, { config: { tls: { requireSasl: false } } })
  assert.ok(tlsBootstrap !== undefined && node.ports.tls !== undefined)
  const tlsPort = node.ports.tls
  const caFile = join(dataDir, 'tls', 'ca.crt')
  const caPem = readFileSync(caFile, 'utf8')
  assert.equal(node.tls?.caPem, caPem)

  await t.test('kcat over TLS sees this broker at the TLS port; over plaintext at the plaintext port', async () => {
    const overTls = JSON.parse(await kcat(tlsBootstrap, ['-L', '-J', ...sslArgs(caFile)])) as KcatMetadata
    assert.deepEqual(overTls.brokers, [{ id: node.nodeId, name: tlsBootstrap }])
    const overPlaintext = JSON.parse(await kcat(bootstrap, ['-L', '-J'])) as KcatMetadata
    assert.deepEqual(overPlaintext.brokers, [{ id: node.nodeId, name: bootstrap }])
    // localhost is in the certificate too, and librdkafka checks the name (ssl.endpoint.identification.algorithm=https).
    const byName = JSON.parse(await kcat(`localhost:${tlsPort}`, ['-L', '-J', ...sslArgs(caFile), '-X', 'ssl.endpoint.identification.algorithm=https'])) as KcatMetadata
    assert.deepEqual(byName.brokers.map(broker => broker.id), [node.nodeId])
  })

  await t.test('kcat produces and consumes keyed records over TLS', async () => {
    await createTopics(bootstrap, [{ name: 'tls-kcat', partitions: 2 }])
    const sent = Array.from({ length: 40 }, (_, index) => ({ key: `k${index % 5}`, value: `over-tls-${index}` }))
    await kcatProduce(tlsBootstrap, 'tls-kcat', sent.map(({ key, value }) => `${key}:${value}`), ['-K:', '-z', 'lz4', ...sslArgs(caFile)])
    const received = await kcatConsume(tlsBootstrap, 'tls-kcat', ['-o', 'beginning', ...sslArgs(caFile)])
    const byValue = (a: { value: string }, b: { value: string }): number => a.value.localeCompare(b.value)
    assert.deepEqual(received.map(message => ({ key: message.key!, value: message.payload! })).sort(byValue), [...sent].sort(byValue))
    // And the same records through the plaintext listener: one cluster behind both.
    assert.equal((await kcatConsume(bootstrap, 'tls-kcat', ['-o', 'beginning'])).length, sent.length)
  })

  await t.test('kafka-python with security_protocol=SSL and ssl_cafile round-trips records', async () => {
    await createTopics(bootstrap, [{ name: 'tls-python', partitions: 1 }])
    const { stdout } = await runPythonScript('kafka_python_tls.py', ['roundtrip', tlsBootstrap, 'tls-python', caFile, '25'], { timeoutMs: 90_000 })
    const result = JSON.parse(stdout) as { offsets: number[], records: Array<{ offset: number, key: string, value: string }> }
    assert.deepEqual(result.offsets, [...Array(25).keys()])
    assert.deepEqual(result.records, result.offsets.map(offset => ({ offset, key: `key-${offset}`, value: `value-${offset}` })))
  })

  await t.test('Python ssl (OpenSSL 3) verifies the certificate with the CA and refuses it without', async () => {
    const trusted = JSON.parse((await runPythonScript('kafka_python_tls.py', ['handshake', '127.0.0.1', String(tlsPort), caFile])).stdout) as Record<string, unknown>
    assert.deepEqual(trusted, { ok: true, version: 'TLSv1.3', cipher: trusted.cipher })
    const untrusted = JSON.parse((await runPythonScript('kafka_python_tls.py', ['handshake', '127.0.0.1', String(tlsPort)])).stdout) as Record<string, unknown>
    assert.deepEqual(untrusted, { ok: false, error: 'SSLCertVerificationError', reason: 'CERTIFICATE_VERIFY_FAILED' })
  })

  await t.test('kcat without the CA fails certificate verification', async () => {
    const result = await run('kcat', ['-b', tlsBootstrap, '-L', '-m', '5', '-X', 'security.protocol=ssl'], { allowFailure: true, timeoutMs: 30_000 })
    assert.notEqual(result.code, 0)
    assert.match(result.stderr, /certificate verify failed/)
  })

  await t.test('Node: TLS 1.3 by default, TLS 1.2 only with ECDHE and AEAD, TLS 1.1 refused by the server', async () => {
    assert.deepEqual(await handshake(tlsPort, { ca: caPem }), { ok: true, protocol: 'TLSv1.3', cipher: 'TLS_AES_128_GCM_SHA256' })
    const tls12 = await handshake(tlsPort, { ca: caPem, maxVersion: 'TLSv1.2' })
    assert.deepEqual(tls12, { ok: true, protocol: 'TLSv1.2', cipher: 'ECDHE-ECDSA-AES128-GCM-SHA256' })
    // The client is made able to speak TLS 1.0/1.1 (security level 0), so the refusal is the server's.
    const tls11 = await handshake(tlsPort, { ca: caPem, minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' })
    assert.deepEqual(tls11, { ok: false, code: 'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION' })
    const cbc = await handshake(tlsPort, { ca: caPem, maxVersion: 'TLSv1.2', ciphers: 'ECDHE-ECDSA-AES128-SHA256:ECDHE-ECDSA-AES256-SHA:AES128-SHA' })
    assert.deepEqual(cbc, { ok: false, code: 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE' })
    const chacha = await handshake(tlsPort, { ca: caPem, maxVersion: 'TLSv1.2', ciphers: 'ECDHE-ECDSA-CHACHA20-POLY1305' })
    assert.deepEqual(chacha, { ok: true, protocol: 'TLSv1.2', cipher: 'ECDHE-ECDSA-CHACHA20-POLY1305' })
  })

  await t.test('Node: renegotiation is refused', async () => {
    const result = await handshake(tlsPort, { ca: caPem, maxVersion: 'TLSv1.2' }, async socket => {
      await new Promise<void>((resolve, reject) => {
        socket.once('error', reject)
        socket.renegotiate({}, error => error === null ? resolve() : reject(error))
      })
    })
    assert.deepEqual(result, { ok: false, code: 'ERR_SSL_NO_RENEGOTIATION' })
  })

  await t.test('Node: no CA, or a name the certificate does not carry, fails verification', async () => {
    assert.deepEqual(await handshake(tlsPort, {}), { ok: false, code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' })
    assert.deepEqual(await handshake(tlsPort, { ca: caPem, servername: 'elsewhere.example.com' }), { ok: false, code: 'ERR_TLS_CERT_ALTNAME_INVALID' })
  })

  await t.test('skiff ca prints the CA certificate clients trust', async () => {
    const { stdout } = await run(join(repositoryRoot, 'bin/skiff'), ['ca', '--data-dir', dataDir])
    assert.equal(stdout, caPem)
  })
})

test('a restarted node reuses its CA and node certificate', async t => {
  const dataDir = makeTempDir(t)
  const first = await startTestNode(t, { dataDir, config: { tls: { requireSasl: false } } })
  assert.equal(first.node.tls?.caCreated, true)
  assert.equal(first.node.tls?.nodeCertificateIssuedBecause, 'missing')
  const caPem = first.node.tls.caPem
  const certificatePem = first.node.tls.certificatePem
  await first.close()

  const second = await startTestNode(t, { dataDir, config: { tls: { requireSasl: false } } })
  assert.equal(second.node.tls?.caCreated, false)
  assert.equal(second.node.tls?.nodeCertificateIssuedBecause, undefined)
  assert.equal(second.node.tls.caPem, caPem)
  assert.equal(second.node.tls.certificatePem, certificatePem)
  assert.deepEqual(await handshake(second.node.ports.tls!, { ca: caPem, maxVersion: 'TLSv1.2' }), { ok: true, protocol: 'TLSv1.2', cipher: 'ECDHE-ECDSA-AES128-GCM-SHA256' })

  await second.close()
  const renamed = await startTestNode(t, { dataDir, config: { tls: { requireSasl: false, extraNames: ['kafka.example.org'] } } })
  assert.equal(renamed.node.tls?.caPem, caPem, 'the CA stays')
  assert.equal(renamed.node.tls?.nodeCertificateIssuedBecause, 'names changed')
  const verified = await handshake(renamed.node.ports.tls!, { ca: caPem, servername: 'kafka.example.org', checkServerIdentity: (host, cert) => tls.checkServerIdentity(host, cert) })
  assert.equal(verified.ok, true)
})

test('a TLS handshake that never starts is dropped after the handshake timeout', async t => {
  const { node, logs } = await startTestNode(t, { config: { tls: { requireSasl: false, handshakeTimeoutMs: 200 } }, logLevel: 'debug' })
  const socket = net.connect(node.ports.tls!, '127.0.0.1')
  await new Promise<void>((resolve, reject) => {
    socket.on('error', reject)
    socket.on('close', () => resolve())
  })
  assert.ok(logs.lines.some(line => line.msg === 'TLS handshake failed' && JSON.stringify(line).includes('ERR_TLS_HANDSHAKE_TIMEOUT')))
})

test('operator-given certificate files (openssl, RSA) are served instead of a generated CA', async t => {
  const files = await makeOperatorCertificates(t)
  const dataDir = makeTempDir(t)
  const { node } = await startTestNode(t, { dataDir, config: { plaintext: false, tls: { requireSasl: false, certFile: files.certFile, keyFile: files.keyFile, caFile: files.caFile } } })
  assert.equal(node.tls?.source, 'operator')
  assert.equal(node.port, node.ports.tls, 'with plaintext off the TLS listener is the node\'s port')
  assert.equal(node.ports.plaintext, undefined)
  assert.equal(existsSync(join(dataDir, 'tls')), false, 'no CA is generated')
  const tlsBootstrap = `localhost:${node.ports.tls!}`
  const metadata = JSON.parse(await kcat(tlsBootstrap, ['-L', '-J', ...sslArgs(files.caFile)])) as KcatMetadata
  assert.deepEqual(metadata.brokers, [{ id: node.nodeId, name: `127.0.0.1:${node.ports.tls!}` }])
  assert.deepEqual(await handshake(node.ports.tls!, { ca: readFileSync(files.caFile), maxVersion: 'TLSv1.2' }),
    { ok: true, protocol: 'TLSv1.2', cipher: 'ECDHE-RSA-AES128-GCM-SHA256' })

  await assert.rejects(startTestNode(t, { config: { tls: { certFile: files.certFile, keyFile: files.otherCaKeyFile } } }), (error: unknown) => {
    assert.ok(error instanceof ServiceError)
    assert.equal(error.code, 'TLS_MATERIAL_INVALID')
    assert.match(error.message, /does not belong to the certificate/)
    return true
  })
})
