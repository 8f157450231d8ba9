// The MSK Serverless guide's journey with Debian's real AWS CLI (awscli 2.x, --endpoint-url):
// create-cluster-v2 with the guide's JSON, describe-cluster-v2 --query 'ClusterInfo.State' until
// ACTIVE, get-bootstrap-brokers, kcat producing and consuming over TLS at that address, list,
// tags, delete-cluster closing the endpoint; bad requests printed as the CLI prints AWS errors.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { LIMITED } from '../helpers/control-plane-kit.ts'
import { startControlPlaneNode, sslArgs } from '../helpers/control-plane-node.ts'
import { kcatConsume, kcatProduce } from '../helpers/kcat.ts'
import { run } from '../helpers/run.ts'
import { createTopics } from '../helpers/wire-client.ts'
import { waitFor } from '../helpers/wait-for.ts'

const GUIDE_SERVERLESS = `{
  "VpcConfigs": [
    {
      "SubnetIds": ["subnet-az1-abc", "subnet-az2-def", "subnet-az3-ghi"],
      "SecurityGroupIds": ["sg-msk-serverless"]
    }
  ],
  "ClientAuthentication": {
    "Sasl": {
      "Iam": {
        "Enabled": true
      }
    }
  }
}`

function json<T> (result: { code: number | null, stdout: string, stderr: string }): T {
  assert.equal(result.code, 0, `aws failed: ${result.stderr}`)
  return JSON.parse(result.stdout) as T
}

test('the guide\'s journey with the AWS CLI: create, ACTIVE, bootstrap, produce over TLS, list, tags, delete', async t => {
  const node = await startControlPlaneNode(t)
  const created = json<{ ClusterArn: string, ClusterName: string, State: string, ClusterType: string }>(
    await node.aws(['kafka', 'create-cluster-v2', '--cluster-name', 'serverless-kafka', '--serverless', GUIDE_SERVERLESS, '--tags', 'env=dev'])
  )
  assert.match(created.ClusterArn, /^arn:aws:kafka:us-east-1:123456789012:cluster\/serverless-kafka\/[0-9a-f-]{36}-s1$/)
  assert.deepEqual([created.ClusterName, created.State, created.ClusterType], ['serverless-kafka', 'CREATING', 'SERVERLESS'])
  const arn = created.ClusterArn

  await waitFor(async () => {
    const state = await node.aws(['kafka', 'describe-cluster-v2', '--cluster-arn', arn, '--query', 'ClusterInfo.State'])
    return state.stdout.trim() === '"ACTIVE"'
  }, { timeoutMs: 10_000, what: 'the cluster to be ACTIVE' })

  const described = json<{ ClusterInfo: Record<string, unknown> }>(await node.aws(['kafka', 'describe-cluster-v2', '--cluster-arn', arn]))
  assert.equal(described.ClusterInfo.ClusterArn, arn)
  assert.equal(described.ClusterInfo.ClusterType, 'SERVERLESS')
  assert.match(String(described.ClusterInfo.CreationTime), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$/)
  assert.deepEqual(described.ClusterInfo.Tags, { env: 'dev' })
  assert.deepEqual(described.ClusterInfo.Serverless, JSON.parse(GUIDE_SERVERLESS))

  const bootstrapResult = await node.aws(['kafka', 'get-bootstrap-brokers', '--cluster-arn', arn, '--output', 'text'])
  assert.equal(bootstrapResult.code, 0, bootstrapResult.stderr)
  const bootstrap = bootstrapResult.stdout.trim()
  assert.match(bootstrap, /^127\.0\.0\.1:\d+$/)
  assert.deepEqual(json(await node.aws(['kafka', 'get-bootstrap-brokers', '--cluster-arn', arn])), { BootstrapBrokerStringSaslIam: bootstrap })

  await createTopics(bootstrap, [{ name: 'user-events', partitions: 3 }], { tls: { ca: node.node.tls!.caPem } })
  await kcatProduce(bootstrap, 'user-events', ['user-1:page_view', 'user-2:click'], ['-K:', ...sslArgs(node.caFile)])
  const consumed = await kcatConsume(bootstrap, 'user-events', ['-o', 'beginning', ...sslArgs(node.caFile)])
  assert.deepEqual(consumed.map(message => `${message.key ?? ''}:${message.payload ?? ''}`).sort(), ['user-1:page_view', 'user-2:click'])

  const listed = json<{ ClusterInfoList: Array<{ ClusterName: string, State: string }> }>(
    await node.aws(['kafka', 'list-clusters-v2', '--cluster-name-filter', 'server', '--cluster-type-filter', 'SERVERLESS'])
  )
  assert.deepEqual(listed.ClusterInfoList.map(info => [info.ClusterName, info.State]), [['serverless-kafka', 'ACTIVE']])

  assert.equal((await node.aws(['kafka', 'tag-resource', '--resource-arn', arn, '--tags', 'team=data,owner=me'])).code, 0)
  assert.equal((await node.aws(['kafka', 'untag-resource', '--resource-arn', arn, '--tag-keys', 'owner', 'env'])).code, 0)
  assert.deepEqual(json(await node.aws(['kafka', 'list-tags-for-resource', '--resource-arn', arn])), { Tags: { team: 'data' } })

  assert.deepEqual(json(await node.aws(['kafka', 'delete-cluster', '--cluster-arn', arn])), { ClusterArn: arn, State: 'DELETING' })
  await waitFor(async () => (await node.aws(['kafka', 'describe-cluster-v2', '--cluster-arn', arn])).code === 254, { timeoutMs: 10_000, what: 'the cluster to be gone' })
  const gone = await node.aws(['kafka', 'describe-cluster-v2', '--cluster-arn', arn])
  assert.match(gone.stderr, /An error occurred \(NotFoundException\) when calling the DescribeClusterV2 operation: The specified cluster was not found: arn:aws:kafka/)
  const refused = await run('kcat', ['-b', bootstrap, '-L', '-m', '3', ...sslArgs(node.caFile)], { allowFailure: true, timeoutMs: 30_000 })
  assert.notEqual(refused.code, 0, 'the deleted cluster\'s endpoint no longer answers')
})

test('the AWS CLI prints AWS errors: unknown ARN, name taken, missing fields, provisioned, bad signature, denied by policy', async t => {
  const node = await startControlPlaneNode(t)
  const arn = json<{ ClusterArn: string }>(await node.aws(['kafka', 'create-cluster-v2', '--cluster-name', 'taken', '--serverless', GUIDE_SERVERLESS])).ClusterArn
  const cases: Array<[string, readonly string[], RegExp, typeof LIMITED?]> = [
    ['unknown ARN', ['kafka', 'describe-cluster-v2', '--cluster-arn', arn.replace(/[0-9a-f-]{36}-s1$/, '44444444-4444-4444-4444-444444444444-s1')],
      /\(NotFoundException\) when calling the DescribeClusterV2 operation: The specified cluster was not found/],
    ['malformed ARN', ['kafka', 'get-bootstrap-brokers', '--cluster-arn', 'arn:aws:kafka:us-east-1:123456789012:topic/x'],
      /\(BadRequestException\) when calling the GetBootstrapBrokers operation: Invalid cluster ARN/],
    ['name taken', ['kafka', 'create-cluster-v2', '--cluster-name', 'taken', '--serverless', GUIDE_SERVERLESS],
      /\(ConflictException\) when calling the CreateClusterV2 operation: A cluster named taken already exists/],
    ['no serverless', ['kafka', 'create-cluster-v2', '--cluster-name', 'bare'],
      /\(BadRequestException\) when calling the CreateClusterV2 operation: serverless is required/],
    ['no subnets', ['kafka', 'create-cluster-v2', '--cluster-name', 'bare', '--serverless', '{"VpcConfigs":[{"SecurityGroupIds":["sg-1"]}]}'],
      /BadRequestException|Missing required parameter/],
    ['provisioned', ['kafka', 'create-cluster-v2', '--cluster-name', 'big', '--provisioned', '{"BrokerNodeGroupInfo":{"ClientSubnets":["s"],"InstanceType":"kafka.m5.large"},"KafkaVersion":"3.5.1","NumberOfBrokerNodes":3}'],
      /\(BadRequestException\) when calling the CreateClusterV2 operation: Skiff offers serverless clusters only/],
    ['bad signature', ['kafka', 'list-clusters-v2'], /\(UnauthorizedException\) when calling the ListClustersV2 operation: The request signature we calculated does not match/,
      { accessKeyId: LIMITED.accessKeyId, secretAccessKey: 'not-the-secret' }],
    ['denied', ['kafka', 'delete-cluster', '--cluster-arn', arn],
      /\(ForbiddenException\) when calling the DeleteCluster operation: User: arn:aws:iam::123456789012:user\/limited is not authorized to perform: kafka:DeleteCluster/, LIMITED]
  ]
  for (const [name, args, message, credentials] of cases) {
    const result = await node.aws(args, credentials)
    assert.notEqual(result.code, 0, name)
    assert.match(result.stderr, message, name)
    if (!/Missing required parameter/.test(result.stderr)) assert.equal(result.code, 254, name)
  }
  assert.equal((await node.aws(['kafka', 'describe-cluster-v2', '--cluster-arn', arn, '--query', 'ClusterInfo.State', '--output', 'text'])).stdout.trim(), 'ACTIVE')
})
