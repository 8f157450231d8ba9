// What a client may do on the IAM listener before it has authenticated, as Kafka's SASL
// authenticator allows it: ApiVersions is answered; any other request closes the connection with a
// log line naming it; a frame larger than Kafka's sasl.server.max.receive.size (512 KiB) is refused
// from its size prefix alone, before anything is read or allocated for it.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ApiVersionsApi } from '../../src/protocol/messages/api-versions.ts'
import { MetadataApi } from '../../src/protocol/messages/metadata.ts'
import { encodeRequestFrame } from '../../src/protocol/frame.ts'
import { startIamNode } from '../helpers/iam-node.ts'
import { waitFor } from '../helpers/wait-for.ts'
import { WireClient } from '../helpers/wire-client.ts'

test('before SASL authentication only ApiVersions is served, and frames are held to 512 KiB', async t => {
  const node = await startIamNode(t)

  const client = await WireClient.connectTls(node.iamBootstrap, node.caPem)
  t.after(() => client.close())
  const versions = await client.request(ApiVersionsApi, 3, { clientSoftwareName: 'skiff-test', clientSoftwareVersion: '1' })
  assert.equal(versions.errorCode, 0)
  assert.ok(versions.apiKeys.some(entry => entry.apiKey === 36 && entry.maxVersion === 2), 'SaslAuthenticate v0-2 is advertised')
  client.sendRaw(encodeRequestFrame(MetadataApi, 12, 7, 'skiff-test', {
    topics: null, allowAutoTopicCreation: false, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false
  }))
  assert.equal(await client.nextFrame(10_000), undefined, 'Metadata before authentication closes the connection')
  await waitFor(() => node.logs.warnings().some(line => line.client === client.localAddress &&
    String(line.msg).includes('unexpected Kafka request of type 3 during SASL handshake')), { timeoutMs: 5000, what: 'the log line' })

  const large = await WireClient.connectTls(node.iamBootstrap, node.caPem)
  t.after(() => large.close())
  const header = Buffer.alloc(4)
  header.writeInt32BE(1024 * 1024)
  large.sendRaw(header)
  assert.equal(await large.nextFrame(10_000), undefined, 'a 1 MiB frame announced before authentication closes the connection')
  await waitFor(() => node.logs.warnings().some(line => line.client === large.localAddress &&
    String(line.msg).includes('request frame size 1048576 is outside [8, 524288]')), { timeoutMs: 5000, what: 'the log line' })
})
