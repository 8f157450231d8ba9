// The MSK Serverless guide end to end against one real node, with nothing injected: Debian's AWS CLI
// with the admin credentials the first start wrote creates the guide's cluster, waits for ACTIVE
// with --query 'ClusterInfo.State', gets the IAM bootstrap address, creates a user, its access key
// and the guide's policy (for this account); then kafka-python runs the guide's producer and
// consumer at that address over TLS with MSK IAM tokens signed with the new user's key.
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { test } from 'node:test'
import { CreateTopicsApi } from '../../src/protocol/messages/create-topics.ts'
import { GUIDE_ACCOUNT, GUIDE_POLICY, mintToken } from '../helpers/iam-node.ts'
import { run, runPythonScript, type RunResult } from '../helpers/run.ts'
import { makeTempDir, startTestNode } from '../helpers/start-node.ts'
import { TokenFile } from '../helpers/token-file.ts'
import { waitFor } from '../helpers/wait-for.ts'
import { WireClient } from '../helpers/wire-client.ts'

const GUIDE_SERVERLESS = JSON.stringify({
  VpcConfigs: [{ SubnetIds: ['subnet-az1-abc', 'subnet-az2-def', 'subnet-az3-ghi'], SecurityGroupIds: ['sg-msk-serverless'] }],
  ClientAuthentication: { Sasl: { Iam: { Enabled: true } } }
})

function parseLines<T> (stdout: string): T[] {
  return stdout.split('\n').filter(line => line.trim() !== '').map(line => JSON.parse(line) as T)
}

test('the MSK Serverless guide: AWS CLI cluster and IAM user, then kafka-python over TLS with IAM tokens', async t => {
  const firstPort = 20_000 + Math.floor(Math.random() * 40_000)
  const node = await startTestNode(t, {
    config: { tls: { listener: false }, controlPlane: {}, clusterEndpoints: { firstPort, lastPort: firstPort + 50 } }
  })
  const { credentialsFile, accountId } = node.node.identities
  const workDir = makeTempDir(t, 'skiff-guide-')
  const aws = async (args: readonly string[]): Promise<RunResult> => await run('/usr/bin/aws',
    [...args, '--endpoint-url', `http://127.0.0.1:${node.node.controlPlanePort!}`, '--region', 'us-east-1', '--output', 'json'], {
      timeoutMs: 60_000,
      env: { AWS_SHARED_CREDENTIALS_FILE: credentialsFile, AWS_PROFILE: 'skiff', AWS_CONFIG_FILE: path.join(workDir, 'none'), AWS_PAGER: '' }
    })
  const json = async <T> (args: readonly string[]): Promise<T> => JSON.parse((await aws(args)).stdout) as T

  const { ClusterArn: arn } = await json<{ ClusterArn: string }>(['kafka', 'create-cluster-v2', '--cluster-name', 'serverless-kafka', '--serverless', GUIDE_SERVERLESS])
  assert.match(arn, new RegExp(`^arn:aws:kafka:us-east-1:${accountId}:cluster/serverless-kafka/`))
  await waitFor(async () => (await aws(['kafka', 'describe-cluster-v2', '--cluster-arn', arn, '--query', 'ClusterInfo.State'])).stdout.trim() === '"ACTIVE"',
    { timeoutMs: 10_000, what: 'the cluster to be ACTIVE' })
  const { BootstrapBrokerStringSaslIam: bootstrap } = await json<{ BootstrapBrokerStringSaslIam: string }>(['kafka', 'get-bootstrap-brokers', '--cluster-arn', arn])
  assert.equal(bootstrap, `127.0.0.1:${firstPort}`, 'the first cluster gets the first port of the range')

  await aws(['iam', 'create-user', '--user-name', 'msk-client'])
  const { AccessKey: key } = await json<{ AccessKey: { AccessKeyId: string, SecretAccessKey: string } }>(['iam', 'create-access-key', '--user-name', 'msk-client'])
  const policyFile = path.join(workDir, 'policy.json')
  writeFileSync(policyFile, GUIDE_POLICY.replaceAll(`:${GUIDE_ACCOUNT}:`, `:${accountId}:`))
  await aws(['iam', 'put-user-policy', '--user-name', 'msk-client', '--policy-name', 'msk-serverless-client', '--policy-document', `file://${policyFile}`])

  const user = { accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey }
  const caFile = path.join(workDir, 'ca.pem')
  writeFileSync(caFile, node.node.tls!.caPem!)
  // The guide's policy allows CreateTopic on the cluster's topics: the new user creates the topic.
  const admin = await WireClient.connectIam(bootstrap, node.node.tls!.caPem!, (await mintToken(user)).token)
  try {
    const created = await admin.request(CreateTopicsApi, 5, {
      topics: [{ name: 'user-events', numPartitions: 3, replicationFactor: -1, assignments: [], configs: [] }], timeoutMs: 30_000, validateOnly: false
    })
    assert.equal(created.topics[0]?.errorCode, 0)
  } finally {
    admin.close()
  }

  const tokens = new TokenFile(t)
  await tokens.mint(user)
  const produced = parseLines<{ partition: number, offset: number }>((await runPythonScript('iam_python_clients.py',
    ['kafka-python-produce', bootstrap, 'user-events', '30', caFile, tokens.path], { timeoutMs: 90_000 })).stdout)
  assert.equal(produced.length, 30)
  const consumed = parseLines<{ partition: number, offset: number }>((await runPythonScript('iam_python_clients.py',
    ['kafka-python-consume', bootstrap, 'user-events', '30', caFile, tokens.path, 'event-processor'], { timeoutMs: 90_000 })).stdout)
  const positions = (records: Array<{ partition: number, offset: number }>): string[] => records.map(record => `${record.partition}/${record.offset}`).sort()
  assert.deepEqual(positions(consumed), positions(produced))
  assert.ok(node.logs.lines.some(line => line.msg === 'SASL authenticated' && line.principal === `arn:aws:iam::${accountId}:user/msk-client`))
})
