// `skiff cluster` against a running node, signing with credentials from the environment or a shared
// credentials file profile: create (waits for ACTIVE), list, describe, bootstrap, client-config for
// every client kind, --output json, --help, delete, and clear errors.
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { ADMIN, type TestCredentials } from '../helpers/control-plane-kit.ts'
import { startControlPlaneNode } from '../helpers/control-plane-node.ts'
import { run, type RunResult } from '../helpers/run.ts'
import { repositoryRoot } from '../helpers/spawn-node.ts'

test('skiff cluster: create, list, describe, bootstrap, client-config, delete', async t => {
  const node = await startControlPlaneNode(t)
  const skiff = async (args: readonly string[], env: Record<string, string> = {}, credentials: TestCredentials | null = ADMIN): Promise<RunResult> =>
    await run(join(repositoryRoot, 'bin/skiff'), ['cluster', ...args], {
      allowFailure: true,
      timeoutMs: 60_000,
      env: {
        SKIFF_API_URL: node.endpointUrl,
        AWS_SHARED_CREDENTIALS_FILE: join(node.dataDir, 'none'),
        AWS_ACCESS_KEY_ID: credentials?.accessKeyId ?? '',
        AWS_SECRET_ACCESS_KEY: credentials?.secretAccessKey ?? '',
        ...env
      }
    })

  const created = await skiff(['create', 'cli-cluster', '--tag', 'env=dev', '--subnet-ids', 'subnet-1,subnet-2'])
  assert.equal(created.code, 0, created.stderr)
  assert.match(created.stdout, /^Cluster cli-cluster is ACTIVE: arn:aws:kafka:us-east-1:123456789012:cluster\/cli-cluster\/[0-9a-f-]{36}-s1\nBootstrap \(SASL_SSL, IAM\): 127\.0\.0\.1:\d+\n$/)
  const bootstrap = /Bootstrap \(SASL_SSL, IAM\): (\S+)/.exec(created.stdout)![1]!

  const listed = await skiff(['list'])
  assert.match(listed.stdout, /^NAME +STATE +CREATED +ARN\ncli-cluster +ACTIVE +\d{4}-.*Z +arn:aws:kafka:/)
  const listedJson = JSON.parse((await skiff(['list', '--output', 'json'])).stdout) as { ClusterInfoList: Array<{ ClusterName: string }> }
  assert.deepEqual(listedJson.ClusterInfoList.map(info => info.ClusterName), ['cli-cluster'])

  const described = await skiff(['describe', 'cli-cluster'])
  assert.match(described.stdout, /^Name: +cli-cluster\n/m)
  assert.match(described.stdout, /^State: +ACTIVE\n/m)
  assert.match(described.stdout, /^Subnets: +subnet-1, subnet-2\n/m)
  assert.match(described.stdout, /^Tags: +env=dev\n/m)

  assert.equal((await skiff(['bootstrap', 'cli-cluster'])).stdout, `${bootstrap}\n`)
  assert.deepEqual(JSON.parse((await skiff(['bootstrap', 'cli-cluster', '-o', 'json'])).stdout), { BootstrapBrokerStringSaslIam: bootstrap })

  const java = await skiff(['client-config', 'cli-cluster', '--client', 'java', '--ca-file', '/etc/skiff-ca.pem'])
  assert.match(java.stdout, new RegExp(`^bootstrap.servers=${bootstrap}$`, 'm'))
  assert.match(java.stdout, /^security.protocol=SASL_SSL$/m)
  assert.match(java.stdout, /^sasl.mechanism=AWS_MSK_IAM$/m)
  assert.match(java.stdout, /^sasl.jaas.config=software.amazon.msk.auth.iam.IAMLoginModule required;$/m)
  assert.match(java.stdout, /^ssl.truststore.location=\/etc\/skiff-ca.pem$/m)
  const python = await skiff(['client-config', 'cli-cluster', '--client', 'kafka-python'])
  assert.match(python.stdout, new RegExp(`bootstrap_servers=\\['${bootstrap}'\\]`))
  assert.match(python.stdout, /sasl_mechanism='OAUTHBEARER'/)
  assert.match(python.stdout, /MSKAuthTokenProvider.generate_auth_token\('us-east-1'\)/)
  assert.match(python.stdout, /ssl_cafile='skiff-ca.pem'/)
  const kafkajs = await skiff(['client-config', 'cli-cluster', '--client', 'kafkajs'])
  assert.match(kafkajs.stdout, /mechanism: 'oauthbearer'/)
  assert.match(kafkajs.stdout, /generateAuthToken\(\{ region: 'us-east-1' \}\)/)
  const librdkafka = await skiff(['client-config', 'cli-cluster', '--client', 'librdkafka', '-o', 'json'])
  const settings = JSON.parse(librdkafka.stdout) as { client: string, bootstrapServers: string, settings: string }
  assert.equal(settings.bootstrapServers, bootstrap)
  assert.match(settings.settings, /^sasl.mechanisms=OAUTHBEARER$/m)
  assert.match(settings.settings, /^ssl.ca.location=skiff-ca.pem$/m)
  const badKind = await skiff(['client-config', 'cli-cluster', '--client', 'cobol'])
  assert.equal(badKind.code, 1)
  assert.match(badKind.stderr, /--client cobol: give one of java, kafka-python, kafkajs, librdkafka/)

  // A profile of a shared credentials file, as the AWS CLI reads it.
  const credentialsFile = join(node.dataDir, 'credentials')
  writeFileSync(credentialsFile, `[default]\naws_access_key_id = nope\naws_secret_access_key = nope\n\n[skiff]\naws_access_key_id = ${ADMIN.accessKeyId}\naws_secret_access_key = ${ADMIN.secretAccessKey}\n`)
  const viaProfile = await skiff(['bootstrap', 'cli-cluster', '--profile', 'skiff'], { AWS_SHARED_CREDENTIALS_FILE: credentialsFile }, null)
  assert.equal(viaProfile.stdout, `${bootstrap}\n`, viaProfile.stderr)

  const help = await skiff(['create', '--help'])
  assert.match(help.stdout, /--endpoint-url <url>/)
  assert.match(help.stdout, /--no-wait/)

  const unknown = await skiff(['describe', 'arn:aws:kafka:us-east-1:123456789012:cluster/none/66666666-6666-6666-6666-666666666666-s1'])
  assert.equal(unknown.code, 1)
  assert.match(unknown.stderr, /^skiff: NotFoundException: The specified cluster was not found/)
  const noName = await skiff(['describe', 'no-such-cluster'])
  assert.match(noName.stderr, /no cluster named no-such-cluster/)
  const taken = await skiff(['create', 'cli-cluster'])
  assert.match(taken.stderr, /ConflictException: A cluster named cli-cluster already exists/)
  const noCredentials = await skiff(['list'], {}, null)
  assert.match(noCredentials.stderr, /no AWS credentials: set AWS_ACCESS_KEY_ID/)

  const deleted = await skiff(['delete', 'cli-cluster'])
  assert.match(deleted.stdout, /^Cluster cli-cluster is DELETING: arn:aws:kafka:/)
})
