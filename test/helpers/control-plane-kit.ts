// A control plane for tests without sockets: a MemoryCatalog, endpoints that only record what they
// were asked, a StaticIdentityDirectory with an admin and a restricted user, and requests signed
// with @smithy/signature-v4 as the AWS SDK signs them, sent with fastify.inject.
import type { TestContext } from 'node:test'
import { SignatureV4 } from '@smithy/signature-v4'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { pino } from 'pino'
import type { Clock } from '../../src/common/clock.ts'
import { ClusterLifecycle, type ClusterEndpoints } from '../../src/control-plane/cluster-lifecycle.ts'
import { buildControlPlane } from '../../src/control-plane/server.ts'
import { StaticIdentityDirectory, type Principal } from '../../src/security/identity.ts'
import { Authorizer } from '../../src/security/authorizer.ts'
import { MemoryCatalog } from '../../src/storage/memory/memory-catalog.ts'
import type { ClusterRecord } from '../../src/storage/catalog.ts'
import { NodeSha256 } from './sigv4-credentials.ts'

export const ACCOUNT_ID = '123456789012'
export const OTHER_ACCOUNT_ID = '210987654321'

export interface TestCredentials {
  accessKeyId: string
  secretAccessKey: string
  sessionToken?: string
}

export const ADMIN: TestCredentials = { accessKeyId: 'AKIAADMINEXAMPLE0001', secretAccessKey: 'admin-secret/EXAMPLEKEY' }
/** May only describe clusters whose name starts with `team-a-`, and list. */
export const LIMITED: TestCredentials = { accessKeyId: 'AKIALIMITEDEXAMPLE01', secretAccessKey: 'limited-secret/EXAMPLEKEY' }
/** An admin of another account. */
export const STRANGER: TestCredentials = { accessKeyId: 'AKIASTRANGEREXAMPLE1', secretAccessKey: 'stranger-secret/EXAMPLEKEY' }

function user (accountId: string, name: string): Principal {
  return { accountId, arn: `arn:aws:iam::${accountId}:user/${name}`, userId: `AIDA${name.toUpperCase()}EXAMPLE`, name, kind: 'user' }
}

export const ALLOW_ALL = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] })

export function testIdentities (): StaticIdentityDirectory {
  const identities = new StaticIdentityDirectory()
  const admin = user(ACCOUNT_ID, 'admin')
  const limited = user(ACCOUNT_ID, 'limited')
  const stranger = user(OTHER_ACCOUNT_ID, 'stranger')
  identities.addKey(ADMIN.accessKeyId, { secretAccessKey: ADMIN.secretAccessKey, principal: admin })
  identities.addKey(LIMITED.accessKeyId, { secretAccessKey: LIMITED.secretAccessKey, principal: limited })
  identities.addKey(STRANGER.accessKeyId, { secretAccessKey: STRANGER.secretAccessKey, principal: stranger })
  identities.setPolicies(admin.arn, [{ name: 'admin', document: ALLOW_ALL }])
  identities.setPolicies(stranger.arn, [{ name: 'admin', document: ALLOW_ALL }])
  identities.setPolicies(limited.arn, [{
    name: 'team-a',
    document: JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: ['kafka:DescribeClusterV2', 'kafka:CreateClusterV2'], Resource: `arn:aws:kafka:us-east-1:${ACCOUNT_ID}:cluster/team-a-*` },
        { Effect: 'Allow', Action: 'kafka:ListClustersV2', Resource: '*' }
      ]
    })
  }])
  return identities
}

/** Endpoints that open nothing: they record calls, and can be told to fail or to find a port busy. */
export class RecordingEndpoints implements ClusterEndpoints {
  readonly opened: string[] = []
  readonly closed: string[] = []
  readonly busyPorts = new Set<number>()
  failOpenWith: Error | undefined

  async open (cluster: ClusterRecord): Promise<void> {
    if (this.failOpenWith !== undefined) throw this.failOpenWith
    this.opened.push(cluster.clusterId)
  }

  async close (clusterId: string): Promise<void> {
    this.closed.push(clusterId)
  }

  async bootstrapBrokers (cluster: ClusterRecord): Promise<string[]> {
    return [`127.0.0.1:${cluster.bootstrapPort ?? -1}`]
  }

  async isPortAvailable (port: number): Promise<boolean> {
    return !this.busyPorts.has(port)
  }
}

export interface ControlPlaneKit {
  app: FastifyInstance
  catalog: MemoryCatalog
  endpoints: RecordingEndpoints
  clusters: ClusterLifecycle
  identities: StaticIdentityDirectory
  request: (input: SignedRequestInput) => Promise<LightMyRequestResponse>
}

export interface KitOptions {
  identities?: StaticIdentityDirectory | null
  ports?: { firstPort: number, lastPort: number }
  reservedPorts?: number[]
  clock?: Clock
}

export async function startControlPlaneKit (t: TestContext, options: KitOptions = {}): Promise<ControlPlaneKit> {
  const catalog = new MemoryCatalog()
  const endpoints = new RecordingEndpoints()
  const logger = pino({ level: 'silent' })
  const clock = options.clock ?? { nowMs: () => Date.now() }
  const clusters = new ClusterLifecycle({
    catalog,
    endpoints,
    region: 'us-east-1',
    ports: options.ports ?? { firstPort: 9098, lastPort: 9197 },
    reservedPorts: () => options.reservedPorts ?? [],
    clock,
    logger
  })
  const identities = options.identities === null ? undefined : options.identities ?? testIdentities()
  const authorizer = identities === undefined ? undefined : new Authorizer({ identities, logger })
  const app = buildControlPlane({ catalog, clusters, endpoints, authorizer, region: 'us-east-1', clock, logger })
  t.after(async () => {
    await clusters.settled()
    await app.close()
  })
  return {
    app,
    catalog,
    endpoints,
    clusters,
    identities: identities ?? new StaticIdentityDirectory(),
    request: async input => await signedInject(app, input)
  }
}

export interface SignedRequestInput {
  method: 'GET' | 'POST' | 'DELETE'
  /** The path as the client sends it, e.g. `/api/v2/clusters/${encodeURIComponent(arn)}`. */
  path: string
  query?: Record<string, string | string[]>
  body?: unknown
  /** Raw body text instead of JSON of `body`. */
  rawBody?: string
  credentials?: TestCredentials | null
  region?: string
  service?: string
  signingDate?: Date
  /** false: no x-amz-content-sha256 header, as the AWS CLI signs. */
  applyChecksum?: boolean
  /** Changes the request after signing (e.g. to tamper with it). */
  afterSigning?: (request: { headers: Record<string, string>, body: string }) => void
}

/** Signs as the JS SDK does (x-amz-content-sha256 included) and injects the request. */
export async function signedInject (app: FastifyInstance, input: SignedRequestInput): Promise<LightMyRequestResponse> {
  const body = input.rawBody ?? (input.body === undefined ? '' : JSON.stringify(input.body))
  const headers: Record<string, string> = { host: 'localhost:80' }
  if (body !== '') headers['content-type'] = 'application/json'
  let signedHeaders = headers
  if (input.credentials !== null) {
    const signer = new SignatureV4({
      service: input.service ?? 'kafka',
      region: input.region ?? 'us-east-1',
      credentials: input.credentials ?? ADMIN,
      sha256: NodeSha256,
      applyChecksum: input.applyChecksum ?? true
    })
    const signed = await signer.sign({
      method: input.method, protocol: 'http:', hostname: 'localhost', port: 80, path: input.path, query: input.query ?? {}, headers, body
    }, input.signingDate === undefined ? {} : { signingDate: input.signingDate })
    signedHeaders = { ...(signed.headers as Record<string, string>) }
  }
  const request = { headers: signedHeaders, body }
  input.afterSigning?.(request)
  const query = Object.entries(input.query ?? {})
    .flatMap(([name, value]) => (Array.isArray(value) ? value : [value]).map(one => `${encodeURIComponent(name)}=${encodeURIComponent(one)}`))
    .join('&')
  return await app.inject({
    method: input.method,
    url: query === '' ? input.path : `${input.path}?${query}`,
    headers: request.headers,
    ...(request.body === '' ? {} : { payload: request.body })
  })
}

export function clusterPath (arn: string, suffix = ''): string {
  return `/api/v2/clusters/${encodeURIComponent(arn)}${suffix}`
}

export const GUIDE_SERVERLESS = {
  vpcConfigs: [{ subnetIds: ['subnet-az1-abc', 'subnet-az2-def', 'subnet-az3-ghi'], securityGroupIds: ['sg-msk-serverless'] }],
  clientAuthentication: { sasl: { iam: { enabled: true } } }
}

/** Creates a cluster through the API and waits until its activation has run. */
export async function createCluster (kit: ControlPlaneKit, name: string, extra: Record<string, unknown> = {}, credentials = ADMIN): Promise<string> {
  const response = await kit.request({ method: 'POST', path: '/api/v2/clusters', body: { clusterName: name, serverless: GUIDE_SERVERLESS, ...extra }, credentials })
  if (response.statusCode !== 200) throw new Error(`CreateClusterV2 answered ${response.statusCode}: ${response.body}`)
  await kit.clusters.settled()
  return (response.json() as { clusterArn: string }).clusterArn
}
