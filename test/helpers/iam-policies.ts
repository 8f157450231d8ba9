// Policies and authenticated wire connections for authorization tests: ARNs of the IAM node's
// cluster (any incarnation, `*` for the uuid), statements built from short action names, and a
// WireClient that has passed SASL OAUTHBEARER as a new user holding exactly those statements
// (plus kafka-cluster:Connect, without which it could not authenticate).
import type { TestContext } from 'node:test'
import { GUIDE_ACCOUNT, GUIDE_CLUSTER, REGION, mintToken, type IamNode, type TestUser } from './iam-node.ts'
import { WireClient } from './wire-client.ts'

const PREFIX = `arn:aws:kafka:${REGION}:${GUIDE_ACCOUNT}`

/** Resource ARNs of the test cluster; names may hold wildcards (policy side). */
export const arn = {
  cluster: `${PREFIX}:cluster/${GUIDE_CLUSTER}/*`,
  topic: (name: string) => `${PREFIX}:topic/${GUIDE_CLUSTER}/*/${name}`,
  group: (groupId: string) => `${PREFIX}:group/${GUIDE_CLUSTER}/*/${groupId}`,
  transactionalId: (transactionalId: string) => `${PREFIX}:transactional-id/${GUIDE_CLUSTER}/*/${transactionalId}`
}

export interface Statement {
  Effect: 'Allow' | 'Deny'
  Action: string[]
  Resource: string[]
}

/** `kafka-cluster:` is added to each action name, e.g. allow(['DescribeTopic'], [arn.topic('orders')]). */
export function allow (actions: string[], resources: string[]): Statement {
  return { Effect: 'Allow', Action: actions.map(action => `kafka-cluster:${action}`), Resource: resources }
}

export function deny (actions: string[], resources: string[]): Statement {
  return { Effect: 'Deny', Action: actions.map(action => `kafka-cluster:${action}`), Resource: resources }
}

/** A policy document with the statements and Connect on the cluster. */
export function policyOf (statements: Statement[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: [allow(['Connect'], [arn.cluster]), ...statements] })
}

export interface IamConnection {
  client: WireClient
  user: TestUser
}

/** A new user with the statements, connected and authenticated over the IAM listener; closed when the test ends. */
export async function connectAs (t: TestContext, node: IamNode, name: string, statements: Statement[]): Promise<IamConnection> {
  const user = node.addUser(name, [policyOf(statements)])
  const client = await WireClient.connectIam(node.iamBootstrap, node.caPem, (await mintToken(user)).token)
  t.after(() => client.close())
  return { client, user }
}

/** A plaintext connection (no authorization) for setting up state; closed when the test ends. */
export async function connectAdmin (t: TestContext, node: IamNode): Promise<WireClient> {
  const client = await WireClient.connect(node.bootstrap)
  t.after(() => client.close())
  return client
}

/** Replaces the user's policies (the identity directory's change counter moves; the node's Authorizer sees it within its poll). */
export function changePolicies (node: IamNode, user: TestUser, statements: Statement[]): void {
  node.identities.setPolicies(user.principal.arn, [{ name: `${user.name}-changed`, document: policyOf(statements) }])
}
