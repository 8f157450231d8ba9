// A node with its IAM listener on (TLS + SASL with MSK IAM) and identities held in memory, plus
// tokens minted by the real aws-msk-iam-sasl-signer-js, for end-to-end tests of authentication and
// authorization with real clients. The cluster, account and region are those of the MSK
// Serverless guide's policy, so the guide's JSON applies unchanged.
import type { TestContext } from 'node:test'
import { generateAuthTokenFromCredentialsProvider } from 'aws-msk-iam-sasl-signer-js'
import { StaticIdentityDirectory, type Principal } from '../../src/security/identity.ts'
import type { SkiffConfigInput } from '../../src/config/config.ts'
import { startTestNode, type TestNode } from './start-node.ts'

export const GUIDE_ACCOUNT = '123456789'
export const GUIDE_CLUSTER = 'serverless-kafka'
export const REGION = 'us-east-1'

/** The MSK Serverless guide's client policy, as printed there. */
export const GUIDE_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Action: ['kafka-cluster:Connect', 'kafka-cluster:DescribeCluster', 'kafka-cluster:AlterCluster'],
      Resource: `arn:aws:kafka:us-east-1:${GUIDE_ACCOUNT}:cluster/${GUIDE_CLUSTER}/*`
    },
    {
      Effect: 'Allow',
      Action: ['kafka-cluster:CreateTopic', 'kafka-cluster:DescribeTopic', 'kafka-cluster:WriteData', 'kafka-cluster:ReadData',
        'kafka-cluster:AlterTopic', 'kafka-cluster:DeleteTopic'],
      Resource: `arn:aws:kafka:us-east-1:${GUIDE_ACCOUNT}:topic/${GUIDE_CLUSTER}/*`
    },
    {
      Effect: 'Allow',
      Action: ['kafka-cluster:AlterGroup', 'kafka-cluster:DescribeGroup', 'kafka-cluster:DeleteGroup'],
      Resource: `arn:aws:kafka:us-east-1:${GUIDE_ACCOUNT}:group/${GUIDE_CLUSTER}/*`
    }
  ]
})

export interface TestUser {
  name: string
  accessKeyId: string
  secretAccessKey: string
  principal: Principal
}

export interface IamNode extends TestNode {
  /** host:port of the IAM listener (TLS + SASL). */
  iamBootstrap: string
  caPem: string
  identities: StaticIdentityDirectory
  /** Adds a user with an access key and the given policies (JSON documents). */
  addUser: (name: string, policies: string[]) => TestUser
}

export async function startIamNode (t: TestContext, config: SkiffConfigInput = {}): Promise<IamNode> {
  const identities = new StaticIdentityDirectory()
  const node = await startTestNode(t, {
    config: { tls: { enabled: true, port: 0 }, defaultCluster: { name: GUIDE_CLUSTER }, region: REGION, ...config },
    identities,
    accountId: GUIDE_ACCOUNT
  })
  const tls = node.node.tls
  if (tls === undefined || node.node.ports.tls === undefined) throw new Error('the node has no TLS listener')
  let counter = 0
  const addUser = (name: string, policies: string[]): TestUser => {
    counter++
    const accessKeyId = `AKIATEST${String(counter).padStart(12, '0')}`
    const secretAccessKey = `secret-of-${name}-${counter}-wJalrXUtnFEMIK7MDENG`
    const principal: Principal = {
      accountId: GUIDE_ACCOUNT, arn: `arn:aws:iam::${GUIDE_ACCOUNT}:user/${name}`, userId: `AIDATEST${counter}`, name, kind: 'user'
    }
    identities.addKey(accessKeyId, { secretAccessKey, principal })
    identities.setPolicies(principal.arn, policies.map((document, index) => ({ name: `${name}-policy-${index}`, document })))
    return { name, accessKeyId, secretAccessKey, principal }
  }
  return {
    ...node,
    iamBootstrap: `localhost:${node.node.ports.tls}`,
    caPem: tls.caPem ?? tls.certificatePem,
    identities,
    addUser
  }
}

/** An MSK IAM token for the user, minted by the real signer (15 minutes, as the signer makes them). */
export async function mintToken (user: Pick<TestUser, 'accessKeyId' | 'secretAccessKey'>, region = REGION): Promise<{ token: string, expiryTime: number }> {
  return await generateAuthTokenFromCredentialsProvider({
    region,
    awsCredentialsProvider: async () => ({ accessKeyId: user.accessKeyId, secretAccessKey: user.secretAccessKey })
  })
}
