// The IAM and STS query APIs with Debian's real AWS CLI (/usr/bin/aws, v2) over HTTP: a tiny
// node:http server hands each request to handleQueryRequest, as the control-plane server will.
// The bootstrap admin's credentials file is used as written; the guide's client policy goes in
// with put-user-policy; a role is assumed and its temporary credentials used; errors are printed
// by the CLI as AWS's are.
import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { silentLogger } from '../../src/common/logger.ts'
import { handleQueryRequest } from '../../src/control-plane/query/handle-query-request.ts'
import { Authorizer } from '../../src/security/authorizer.ts'
import { ADMIN_PROFILE, bootstrapIdentities, credentialsFileText, type Identities } from '../../src/security/bootstrap-identities.ts'
import { MemoryCatalog } from '../../src/storage/memory/memory-catalog.ts'
import { GUIDE_POLICY } from '../helpers/iam-node.ts'
import { run, type RunResult } from '../helpers/run.ts'

const AWS = '/usr/bin/aws'
const REGION = 'us-east-1'

interface Fixture {
  dir: string
  server: Server
  endpoint: string
  identities: Identities
}

let fixture: Fixture

async function startFixture (): Promise<Fixture> {
  const dir = mkdtempSync(path.join(tmpdir(), 'skiff-iam-cli-'))
  const identities = await bootstrapIdentities(new MemoryCatalog(), dir, { env: {}, region: REGION })
  const authorizer = new Authorizer({ identities: identities.directory, logger: silentLogger })
  await authorizer.refresh()
  const deps = { store: identities.store, authorizer, logger: silentLogger, region: REGION }
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const url = req.url ?? '/'
      const question = url.indexOf('?')
      handleQueryRequest({
        method: req.method ?? 'GET',
        path: question === -1 ? url : url.slice(0, question),
        query: question === -1 ? '' : url.slice(question + 1),
        headers: req.headersDistinct,
        body: Buffer.concat(chunks),
        sourceIp: req.socket.remoteAddress
      }, deps).then(response => {
        res.writeHead(response.statusCode, response.headers)
        res.end(response.body)
      }, (error: unknown) => {
        res.writeHead(500)
        res.end(String(error))
      })
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return { dir, server, endpoint: `http://127.0.0.1:${port}`, identities }
}

/** Runs `aws <args>` as the profile (the bootstrap admin by default) against the fixture. */
async function aws (args: string[], options: { profile?: string, allowFailure?: boolean } = {}): Promise<RunResult> {
  return await run(AWS, [...args, '--endpoint-url', fixture.endpoint, '--region', REGION, '--output', 'json'], {
    allowFailure: options.allowFailure,
    timeoutMs: 60_000,
    env: {
      HOME: fixture.dir,
      AWS_CONFIG_FILE: path.join(fixture.dir, 'no-config'),
      AWS_SHARED_CREDENTIALS_FILE: fixture.identities.credentialsFile,
      AWS_PROFILE: options.profile ?? ADMIN_PROFILE,
      AWS_ACCESS_KEY_ID: '',
      AWS_SECRET_ACCESS_KEY: '',
      AWS_SESSION_TOKEN: '',
      AWS_PAGER: '',
      AWS_EC2_METADATA_DISABLED: 'true'
    }
  })
}

async function awsJson (args: string[], profile?: string): Promise<Record<string, unknown>> {
  const result = await aws(args, { profile })
  return JSON.parse(result.stdout === '' ? '{}' : result.stdout) as Record<string, unknown>
}

/** Expects the CLI to fail as it does on an AWS error: exit code 254 and its one-line message. */
async function awsError (args: string[], profile?: string): Promise<string> {
  const result = await aws(args, { profile, allowFailure: true })
  assert.equal(result.code, 254, `exit code of aws ${args.join(' ')}\n${result.stdout}\n${result.stderr}`)
  return result.stderr.trim()
}

/** Adds a profile to the credentials file the CLI reads. */
function addProfile (profile: string, credentials: { AccessKeyId: string, SecretAccessKey: string, SessionToken?: string }): void {
  let text = credentialsFileText(credentials.AccessKeyId, credentials.SecretAccessKey, REGION, profile)
  if (credentials.SessionToken !== undefined) text += `aws_session_token = ${credentials.SessionToken}\n`
  writeFileSync(fixture.identities.credentialsFile, `${text}\n`, { flag: 'a' })
}

describe('aws iam and aws sts (Debian AWS CLI v2)', () => {
  before(() => assert.ok(existsSync(AWS), `${AWS} is missing: apt-get install awscli`))
  before(async () => { fixture = await startFixture() })
  after(() => {
    fixture.server.close()
    rmSync(fixture.dir, { recursive: true, force: true })
  })

  it('the bootstrap admin creates a user, an access key and the guide\'s policy, and lists them', async () => {
    const { accountId } = fixture.identities
    const caller = await awsJson(['sts', 'get-caller-identity'])
    assert.deepEqual([caller.Account, caller.Arn], [accountId, `arn:aws:iam::${accountId}:user/admin`])

    const created = await awsJson(['iam', 'create-user', '--user-name', 'msk-client'])
    assert.equal((created.User as Record<string, unknown>).Arn, `arn:aws:iam::${accountId}:user/msk-client`)
    const key = (await awsJson(['iam', 'create-access-key', '--user-name', 'msk-client'])).AccessKey as Record<string, string>
    assert.equal(key.Status, 'Active')
    assert.match(key.CreateDate ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\+00:00|Z)$/)
    addProfile('msk-client', { AccessKeyId: key.AccessKeyId ?? '', SecretAccessKey: key.SecretAccessKey ?? '' })

    const policyFile = path.join(fixture.dir, 'msk-policy.json')
    writeFileSync(policyFile, JSON.stringify(JSON.parse(GUIDE_POLICY), null, 2))
    await aws(['iam', 'put-user-policy', '--user-name', 'msk-client', '--policy-name', 'msk-serverless-client', '--policy-document', `file://${policyFile}`])
    const policy = await awsJson(['iam', 'get-user-policy', '--user-name', 'msk-client', '--policy-name', 'msk-serverless-client'])
    assert.deepEqual(policy.PolicyDocument, JSON.parse(GUIDE_POLICY), 'the CLI decodes the URL-encoded document back to the guide\'s JSON')

    const users = (await awsJson(['iam', 'list-users'])).Users as Array<Record<string, string>>
    assert.deepEqual(users.map(user => user.UserName), ['admin', 'msk-client'])
    assert.deepEqual((await awsJson(['iam', 'list-user-policies', '--user-name', 'msk-client'])).PolicyNames, ['msk-serverless-client'])
    const keys = (await awsJson(['iam', 'list-access-keys', '--user-name', 'msk-client'])).AccessKeyMetadata as Array<Record<string, string>>
    assert.deepEqual(keys.map(entry => entry.AccessKeyId), [key.AccessKeyId])

    const managed = (await awsJson(['iam', 'create-policy', '--policy-name', 'msk-reader', '--policy-document', `file://${policyFile}`])).Policy as Record<string, string>
    assert.equal(managed.Arn, `arn:aws:iam::${accountId}:policy/msk-reader`)
    await aws(['iam', 'attach-user-policy', '--user-name', 'msk-client', '--policy-arn', managed.Arn])
    const attached = (await awsJson(['iam', 'list-attached-user-policies', '--user-name', 'msk-client'])).AttachedPolicies
    assert.deepEqual(attached, [{ PolicyName: 'msk-reader', PolicyArn: managed.Arn }])

    const client = await awsJson(['sts', 'get-caller-identity'], 'msk-client')
    assert.equal(client.Arn, `arn:aws:iam::${accountId}:user/msk-client`)
  })

  it('simulate-principal-policy explains how the guide\'s policy decides kafka-cluster actions', async () => {
    const { accountId } = fixture.identities
    const topicArn = 'arn:aws:kafka:us-east-1:123456789:topic/serverless-kafka/2f5c-s1/user-events'
    const transactionArn = 'arn:aws:kafka:us-east-1:123456789:transactional-id/serverless-kafka/2f5c-s1/etl'
    const simulated = await awsJson(['iam', 'simulate-principal-policy', '--policy-source-arn', `arn:aws:iam::${accountId}:user/msk-client`,
      '--action-names', 'kafka-cluster:WriteData', 'kafka-cluster:AlterTransactionalId', '--resource-arns', topicArn, transactionArn])
    const decisions = (simulated.EvaluationResults as Array<Record<string, unknown>>)
      .map(result => [result.EvalActionName, result.EvalResourceName, result.EvalDecision])
    assert.deepEqual(decisions, [
      ['kafka-cluster:WriteData', topicArn, 'allowed'],
      ['kafka-cluster:WriteData', transactionArn, 'implicitDeny'],
      ['kafka-cluster:AlterTransactionalId', topicArn, 'implicitDeny'],
      ['kafka-cluster:AlterTransactionalId', transactionArn, 'implicitDeny']
    ])
    const allowed = (simulated.EvaluationResults as Array<{ MatchedStatements: Array<Record<string, string>> }>)[0]!
    assert.equal(allowed.MatchedStatements[0]?.SourcePolicyId, 'user/msk-client/msk-serverless-client')
  })

  it('creates a role, assumes it with aws sts assume-role, and acts with the temporary credentials', async () => {
    const { accountId } = fixture.identities
    const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${accountId}:user/admin` }, Action: 'sts:AssumeRole' }] })
    const role = (await awsJson(['iam', 'create-role', '--role-name', 'kafka-operator', '--assume-role-policy-document', trust])).Role as Record<string, unknown>
    assert.deepEqual(role.AssumeRolePolicyDocument, JSON.parse(trust))
    await aws(['iam', 'put-role-policy', '--role-name', 'kafka-operator', '--policy-name', 'read-iam',
      '--policy-document', '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:List*","iam:Get*"],"Resource":"*"}]}'])
    const [managedArn] = ((await awsJson(['iam', 'list-policies', '--scope', 'Local'])).Policies as Array<Record<string, string>>).map(entry => entry.Arn)
    await aws(['iam', 'attach-role-policy', '--role-name', 'kafka-operator', '--policy-arn', managedArn ?? ''])

    const assumed = await awsJson(['sts', 'assume-role', '--role-arn', String(role.Arn), '--role-session-name', 'cli-session', '--duration-seconds', '900'])
    const credentials = assumed.Credentials as { AccessKeyId: string, SecretAccessKey: string, SessionToken: string, Expiration: string }
    assert.match(credentials.AccessKeyId, /^ASIA/)
    const expiresInMs = Date.parse(credentials.Expiration) - Date.now()
    assert.ok(expiresInMs > 800_000 && expiresInMs <= 900_000, `Expiration ${credentials.Expiration}`)
    addProfile('session', credentials)

    const identity = await awsJson(['sts', 'get-caller-identity'], 'session')
    assert.equal(identity.Arn, `arn:aws:sts::${accountId}:assumed-role/kafka-operator/cli-session`)
    const users = (await awsJson(['iam', 'list-users'], 'session')).Users as Array<Record<string, string>>
    assert.ok(users.some(user => user.UserName === 'msk-client'))
    const denied = await awsError(['iam', 'create-user', '--user-name', 'intruder'], 'session')
    assert.match(denied, /An error occurred \(AccessDenied\) when calling the CreateUser operation: User: arn:aws:sts::\d+:assumed-role\/kafka-operator\/cli-session is not authorized to perform: iam:CreateUser/)
  })

  it('prints NoSuchEntity, EntityAlreadyExists, MalformedPolicyDocument, AccessDenied and signature errors as AWS\'s', async () => {
    assert.equal(await awsError(['iam', 'get-user', '--user-name', 'nobody']),
      'An error occurred (NoSuchEntity) when calling the GetUser operation: The user with name nobody cannot be found.')
    assert.match(await awsError(['iam', 'create-user', '--user-name', 'msk-client']),
      /^An error occurred \(EntityAlreadyExists\) when calling the CreateUser operation: /)
    assert.match(await awsError(['iam', 'put-user-policy', '--user-name', 'msk-client', '--policy-name', 'bad', '--policy-document', '{"Version":"2012-10-17","Statement":[{"Effect":"Perhaps","Action":"*","Resource":"*"}]}']),
      /^An error occurred \(MalformedPolicyDocument\) when calling the PutUserPolicy operation: .*Effect/)
    assert.match(await awsError(['iam', 'list-users'], 'msk-client'),
      /^An error occurred \(AccessDenied\) when calling the ListUsers operation: User: arn:aws:iam::\d+:user\/msk-client is not authorized to perform: iam:ListUsers on resource: \*/)
    assert.match(await awsError(['iam', 'delete-user', '--user-name', 'msk-client']),
      /^An error occurred \(DeleteConflict\) when calling the DeleteUser operation: /)

    addProfile('wrong-secret', { AccessKeyId: await adminKeyId(), SecretAccessKey: 'x'.repeat(40) })
    assert.match(await awsError(['sts', 'get-caller-identity'], 'wrong-secret'),
      /^An error occurred \(SignatureDoesNotMatch\) when calling the GetCallerIdentity operation: The request signature we calculated does not match/)
    addProfile('unknown-key', { AccessKeyId: 'AKIAIOSFODNN7EXAMPLE', SecretAccessKey: 'x'.repeat(40) })
    assert.equal(await awsError(['iam', 'list-users'], 'unknown-key'),
      'An error occurred (InvalidClientTokenId) when calling the ListUsers operation: The security token included in the request is invalid.')
  })
})

async function adminKeyId (): Promise<string> {
  const [key] = await fixture.identities.store.listAccessKeys(fixture.identities.accountId, 'admin')
  assert.ok(key !== undefined)
  return key.accessKeyId
}
