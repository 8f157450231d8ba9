// Listener and TLS settings: defaults, the environment, and combinations refused with a clear message.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { loadConfig } from './config.ts'

test('both listeners run by default: plaintext on 9092, TLS on 9098 with a generated certificate', () => {
  const config = loadConfig({}, {})
  assert.equal(config.plaintext, true)
  assert.equal(config.port, 9092)
  assert.deepEqual(config.tls, { enabled: true, port: 9098, certFile: '', keyFile: '', caFile: '', extraNames: [], handshakeTimeoutMs: 10_000, listener: true, requireSasl: true })
})

test('TLS settings come from the environment, and flags replace lists instead of merging them', () => {
  const env = { SKIFF_TLS_PORT: '19098', SKIFF_TLS_CERT: '/etc/skiff/cert.pem', SKIFF_TLS_KEY: '/etc/skiff/key.pem', SKIFF_TLS_NAMES: 'a.example, 10.1.2.3' }
  const fromEnv = loadConfig({}, env)
  assert.equal(fromEnv.tls.port, 19098)
  assert.equal(fromEnv.tls.certFile, '/etc/skiff/cert.pem')
  assert.deepEqual(fromEnv.tls.extraNames, ['a.example', '10.1.2.3'])
  assert.deepEqual(loadConfig({ tls: { extraNames: ['b.example'] } }, env).tls.extraNames, ['b.example'])
})

test('listener combinations that cannot work are refused, each naming its problem', () => {
  const refused: Array<[Parameters<typeof loadConfig>[0], RegExp]> = [
    [{ plaintext: false, tls: { enabled: false } }, /no Kafka listener/],
    [{ port: 9100, tls: { port: 9100 } }, /both want port 9100/],
    [{ tls: { certFile: 'cert.pem' } }, /--tls-cert, --tls-key\) go together/],
    [{ tls: { keyFile: 'key.pem' } }, /--tls-cert, --tls-key\) go together/],
    [{ tls: { caFile: 'ca.pem' } }, /--tls-ca\) is the CA of a given --tls-cert/],
    [{ tls: { extraNames: ['ok.example', 'not a name'] } }, /'not a name' is neither a DNS name nor an IP address/],
    [{ tls: { port: 70000 } }, /tls.port 70000 is not a TCP port/],
    [{ tls: { handshakeTimeoutMs: 0 } }, /handshakeTimeoutMs must be > 0/]
  ]
  for (const [input, message] of refused) assert.throws(() => loadConfig(input, {}), message, JSON.stringify(input))
  assert.equal(loadConfig({ plaintext: false }, {}).tls.enabled, true, 'TLS alone is fine')
  assert.equal(loadConfig({ tls: { enabled: false, port: 9092 } }, {}).tls.enabled, false, 'an unused TLS port is not checked')
  assert.equal(loadConfig({ port: 0, tls: { port: 0 } }, {}).tls.port, 0, 'two kernel-picked ports do not clash')
})

test('SNI routing of clusters: off by default, the domain and its port from the environment or flags', () => {
  assert.deepEqual([loadConfig({}, {}).clusterEndpoints.domain, loadConfig({}, {}).clusterEndpoints.sniPort], ['', 9098])
  const fromEnv = loadConfig({ tls: { listener: false } }, { SKIFF_CLUSTER_DOMAIN: 'kafka.example.internal', SKIFF_CLUSTER_SNI_PORT: '19098' })
  assert.deepEqual([fromEnv.clusterEndpoints.domain, fromEnv.clusterEndpoints.sniPort], ['kafka.example.internal', 19098])
  const fromFlags = loadConfig({ tls: { listener: false }, clusterEndpoints: { domain: 'c1.example.com' } }, {})
  assert.equal(fromFlags.clusterEndpoints.domain, 'c1.example.com')
})

test('a cluster domain that cannot work is refused, naming its problem', () => {
  const refused: Array<[Parameters<typeof loadConfig>[0], RegExp]> = [
    [{ tls: { listener: false }, clusterEndpoints: { domain: 'internal' } }, /'internal' has one label/],
    [{ tls: { listener: false }, clusterEndpoints: { domain: '*.kafka.example' } }, /without '\*\.'/],
    [{ tls: { listener: false }, clusterEndpoints: { domain: '10.0.0.1' } }, /is an IP address/],
    [{ tls: { listener: false }, clusterEndpoints: { domain: 'bad_domain!.example' } }, /is not a DNS domain/],
    [{ tls: { enabled: false }, clusterEndpoints: { domain: 'kafka.example' } }, /it needs TLS/],
    [{ clusterEndpoints: { domain: 'kafka.example' } }, /sniPort 9098 is also the port of the default cluster's TLS listener/],
    [{ tls: { listener: false }, port: 9098, clusterEndpoints: { domain: 'kafka.example' } }, /sniPort 9098 is also the port of the plaintext listener/],
    [{ tls: { listener: false }, clusterEndpoints: { domain: 'kafka.example', sniPort: 9099 } }, /also the port of the control plane/],
    [{ tls: { listener: false }, clusterEndpoints: { domain: 'kafka.example', sniPort: -1 } }, /sniPort -1 is not a TCP port/]
  ]
  for (const [input, message] of refused) assert.throws(() => loadConfig(input, {}), message, JSON.stringify(input))
  assert.equal(loadConfig({ port: 0, tls: { port: 0 }, clusterEndpoints: { domain: 'kafka.example', sniPort: 0 } }, {}).clusterEndpoints.sniPort, 0)
})
