// The IAM and STS query APIs of a real node's control plane (POST /) through @aws-sdk/client-iam
// and @aws-sdk/client-sts, signed with the bootstrap admin key from <data-dir>/admin-credentials:
// the guide's user, key and policy, managed policies, a role assumed with STS whose temporary
// credentials work on the control plane and on the Kafka IAM listener, SimulatePrincipalPolicy,
// and AWS errors surfacing as the SDK's exception classes.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import {
  AttachUserPolicyCommand, CreateAccessKeyCommand, CreatePolicyCommand, CreateRoleCommand, CreateUserCommand, DeleteConflictException,
  DeleteUserCommand, EntityAlreadyExistsException, GetUserCommand, GetUserPolicyCommand, IAMClient, IAMServiceException,
  ListAccessKeysCommand, ListAttachedUserPoliciesCommand, ListPoliciesCommand, ListUserPoliciesCommand, ListUsersCommand,
  MalformedPolicyDocumentException, NoSuchEntityException, PutRolePolicyCommand, PutUserPolicyCommand, SimulatePrincipalPolicyCommand
} from '@aws-sdk/client-iam'
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient, STSServiceException } from '@aws-sdk/client-sts'
import { generateAuthTokenFromCredentialsProvider } from 'aws-msk-iam-sasl-signer-js'
import { parseIni } from '../../src/cli/aws-credentials.ts'
import { ADMIN_PROFILE } from '../../src/security/bootstrap-identities.ts'
import { GUIDE_POLICY } from '../helpers/iam-node.ts'
import { startTestNode } from '../helpers/start-node.ts'
import { WireClient } from '../helpers/wire-client.ts'

const REGION = 'us-east-1'

interface Credentials {
  accessKeyId: string
  secretAccessKey: string
  sessionToken?: string
}

test('IAM and STS through the AWS SDK for JavaScript against a node\'s control plane', async t => {
  const started = await startTestNode(t, { config: { tls: {}, controlPlane: {} } })
  const { node } = started
  const endpoint = `http://127.0.0.1:${node.controlPlanePort!}`
  const profile = parseIni(readFileSync(node.identities.credentialsFile, 'utf8')).get(ADMIN_PROFILE)
  const admin: Credentials = { accessKeyId: profile?.get('aws_access_key_id') ?? '', secretAccessKey: profile?.get('aws_secret_access_key') ?? '' }
  assert.match(admin.accessKeyId, /^AKIA/)
  const clients: Array<{ destroy: () => void }> = []
  t.after(() => { for (const client of clients) client.destroy() })
  const iamAs = (credentials: Credentials): IAMClient => {
    const client = new IAMClient({ endpoint, region: REGION, credentials, maxAttempts: 1 })
    clients.push(client)
    return client
  }
  const stsAs = (credentials: Credentials): STSClient => {
    const client = new STSClient({ endpoint, region: REGION, credentials, maxAttempts: 1 })
    clients.push(client)
    return client
  }
  const iam = iamAs(admin)
  const accountId = node.identities.accountId

  await t.test('the guide\'s user, access key and inline policy, listed back', async () => {
    const user = (await iam.send(new CreateUserCommand({ UserName: 'msk-client' }))).User!
    assert.equal(user.Arn, `arn:aws:iam::${accountId}:user/msk-client`)
    assert.ok(user.CreateDate instanceof Date)
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'msk-client' }))).AccessKey!
    assert.equal(key.Status, 'Active')
    assert.match(key.AccessKeyId ?? '', /^AKIA[A-Z0-9]{16}$/)
    assert.ok((key.SecretAccessKey ?? '').length >= 40)

    await iam.send(new PutUserPolicyCommand({ UserName: 'msk-client', PolicyName: 'msk-serverless-client', PolicyDocument: GUIDE_POLICY }))
    const policy = await iam.send(new GetUserPolicyCommand({ UserName: 'msk-client', PolicyName: 'msk-serverless-client' }))
    // IAM answers the document URL-encoded (RFC 3986), and the SDK hands it over as it came.
    assert.deepEqual(JSON.parse(decodeURIComponent(policy.PolicyDocument ?? '')), JSON.parse(GUIDE_POLICY))

    assert.deepEqual((await iam.send(new ListUsersCommand({}))).Users?.map(entry => entry.UserName), ['admin', 'msk-client'])
    assert.deepEqual((await iam.send(new ListUserPoliciesCommand({ UserName: 'msk-client' }))).PolicyNames, ['msk-serverless-client'])
    assert.deepEqual((await iam.send(new ListAccessKeysCommand({ UserName: 'msk-client' }))).AccessKeyMetadata?.map(entry => entry.AccessKeyId), [key.AccessKeyId])
    assert.equal((await iam.send(new GetUserCommand({ UserName: 'msk-client' }))).User?.UserId, user.UserId)

    const identity = await stsAs({ accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! }).send(new GetCallerIdentityCommand({}))
    assert.deepEqual([identity.Account, identity.Arn], [accountId, user.Arn])
  })

  await t.test('a managed policy created, attached and listed', async () => {
    const created = (await iam.send(new CreatePolicyCommand({ PolicyName: 'msk-reader', PolicyDocument: GUIDE_POLICY }))).Policy!
    assert.equal(created.Arn, `arn:aws:iam::${accountId}:policy/msk-reader`)
    await iam.send(new AttachUserPolicyCommand({ UserName: 'msk-client', PolicyArn: created.Arn }))
    const attached = (await iam.send(new ListAttachedUserPoliciesCommand({ UserName: 'msk-client' }))).AttachedPolicies
    assert.deepEqual(attached, [{ PolicyName: 'msk-reader', PolicyArn: created.Arn }])
    const local = (await iam.send(new ListPoliciesCommand({ Scope: 'Local' }))).Policies?.map(entry => entry.PolicyName)
    assert.deepEqual(local, ['msk-reader'])
  })

  await t.test('SimulatePrincipalPolicy decides kafka-cluster actions by the guide\'s policy', async () => {
    const topicArn = 'arn:aws:kafka:us-east-1:123456789:topic/serverless-kafka/2f5c-s1/user-events'
    const groupArn = 'arn:aws:kafka:us-east-1:123456789:group/other-cluster/2f5c-s1/readers'
    const simulated = await iam.send(new SimulatePrincipalPolicyCommand({
      PolicySourceArn: `arn:aws:iam::${accountId}:user/msk-client`,
      ActionNames: ['kafka-cluster:WriteData', 'kafka-cluster:DescribeGroup'],
      ResourceArns: [topicArn, groupArn]
    }))
    const decisions = simulated.EvaluationResults?.map(result => [result.EvalActionName, result.EvalResourceName, result.EvalDecision])
    assert.deepEqual(decisions, [
      ['kafka-cluster:WriteData', topicArn, 'allowed'],
      ['kafka-cluster:WriteData', groupArn, 'implicitDeny'],
      ['kafka-cluster:DescribeGroup', topicArn, 'implicitDeny'],
      ['kafka-cluster:DescribeGroup', groupArn, 'implicitDeny']
    ])
  })

  await t.test('a role assumed with STS: its temporary credentials on the control plane and the Kafka IAM listener', async () => {
    const trust = JSON.stringify({
      Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${accountId}:user/admin` }, Action: 'sts:AssumeRole' }]
    })
    const role = (await iam.send(new CreateRoleCommand({ RoleName: 'kafka-operator', AssumeRolePolicyDocument: trust }))).Role!
    assert.equal(role.Arn, `arn:aws:iam::${accountId}:role/kafka-operator`)
    await iam.send(new PutRolePolicyCommand({
      RoleName: 'kafka-operator',
      PolicyName: 'read-iam',
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: ['iam:List*', 'iam:Get*'], Resource: '*' },
          // Authentication on the Kafka listener checks kafka-cluster:Connect, as MSK does.
          { Effect: 'Allow', Action: 'kafka-cluster:Connect', Resource: `arn:aws:kafka:${REGION}:${accountId}:cluster/*` }
        ]
      })
    }))

    const assumed = await stsAs(admin).send(new AssumeRoleCommand({ RoleArn: role.Arn, RoleSessionName: 'sdk-session', DurationSeconds: 900 }))
    const temporary = assumed.Credentials!
    assert.match(temporary.AccessKeyId ?? '', /^ASIA/)
    assert.ok(temporary.Expiration instanceof Date)
    const expiresInMs = temporary.Expiration.getTime() - Date.now()
    assert.ok(expiresInMs > 800_000 && expiresInMs <= 900_000, `Expiration ${temporary.Expiration.toISOString()}`)
    assert.equal(assumed.AssumedRoleUser?.Arn, `arn:aws:sts::${accountId}:assumed-role/kafka-operator/sdk-session`)
    const session: Credentials = { accessKeyId: temporary.AccessKeyId!, secretAccessKey: temporary.SecretAccessKey!, sessionToken: temporary.SessionToken! }

    const identity = await stsAs(session).send(new GetCallerIdentityCommand({}))
    assert.equal(identity.Arn, `arn:aws:sts::${accountId}:assumed-role/kafka-operator/sdk-session`)
    assert.ok((await iamAs(session).send(new ListUsersCommand({}))).Users?.some(user => user.UserName === 'msk-client'))
    await assert.rejects(iamAs(session).send(new CreateUserCommand({ UserName: 'intruder' })), (error: unknown) => {
      assert.ok(error instanceof IAMServiceException)
      assert.equal(error.name, 'AccessDenied')
      assert.match(error.message, /assumed-role\/kafka-operator\/sdk-session is not authorized to perform: iam:CreateUser/)
      return true
    })

    // The same temporary credentials sign an MSK IAM token the Kafka listener accepts.
    const { token } = await generateAuthTokenFromCredentialsProvider({ region: REGION, awsCredentialsProvider: async () => session })
    const kafka = await WireClient.connectIam(`localhost:${node.ports.tls!}`, node.tls!.caPem!, token)
    kafka.close()
    assert.ok(started.logs.lines.some(line => line.msg === 'SASL authenticated' && JSON.stringify(line).includes('assumed-role/kafka-operator/sdk-session')))
  })

  await t.test('AWS errors arrive as the SDK\'s exception classes', async () => {
    await assert.rejects(iam.send(new GetUserCommand({ UserName: 'nobody' })), (error: unknown) => {
      assert.ok(error instanceof NoSuchEntityException)
      assert.equal(error.$metadata.httpStatusCode, 404)
      assert.equal(error.message, 'The user with name nobody cannot be found.')
      return true
    })
    await assert.rejects(iam.send(new CreateUserCommand({ UserName: 'msk-client' })), (error: unknown) => {
      assert.ok(error instanceof EntityAlreadyExistsException)
      assert.equal(error.$metadata.httpStatusCode, 409)
      return true
    })
    await assert.rejects(iam.send(new PutUserPolicyCommand({
      UserName: 'msk-client', PolicyName: 'bad', PolicyDocument: '{"Version":"2012-10-17","Statement":[{"Effect":"Perhaps","Action":"*","Resource":"*"}]}'
    })), (error: unknown) => error instanceof MalformedPolicyDocumentException && /Effect/.test(error.message))
    await assert.rejects(iam.send(new PutUserPolicyCommand({ UserName: 'msk-client', PolicyName: 'bad', PolicyDocument: '{"Version":' })),
      MalformedPolicyDocumentException)
    await assert.rejects(iam.send(new DeleteUserCommand({ UserName: 'msk-client' })), DeleteConflictException)
    await assert.rejects(iam.send(new GetUserPolicyCommand({ UserName: 'msk-client', PolicyName: 'absent' })), NoSuchEntityException)
    await assert.rejects(stsAs({ accessKeyId: admin.accessKeyId, secretAccessKey: 'x'.repeat(40) }).send(new GetCallerIdentityCommand({})),
      (error: unknown) => error instanceof STSServiceException && error.name === 'SignatureDoesNotMatch')
  })
})
