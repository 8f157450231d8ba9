// SASL authentication of MSK IAM clients: the first SaslAuthenticate message of either mechanism
// (OAUTHBEARER carrying an MSK IAM token, or AWS_MSK_IAM's JSON) verified with SigV4 against the
// identity directory, then kafka-cluster:Connect checked on the cluster (spec sections 2-4).
// Answers carry what the client gets back; reasons are for the log only (never secrets).
import { randomUUID } from 'node:crypto'
import type { Clock } from '../../common/clock.ts'
import { awsMskIamSuccessResponse, verifyAwsMskIamPayload } from '../sigv4/aws-msk-iam-payload.ts'
import { verifyOAuthBearerClientFirst } from '../sigv4/oauthbearer-client-first.ts'
import type { CredentialLookup } from '../sigv4/verification.ts'
import type { ClusterArnParts } from '../iam/arn.ts'
import { kafkaActionFor } from '../iam/kafka-api-checks.ts'
import { authorizeKafkaCheck } from '../iam/kafka-authorization.ts'
import type { PolicySet } from '../iam/policy-evaluator.ts'
import type { Authorizer } from '../authorizer.ts'
import type { IdentityDirectory, Principal } from '../identity.ts'

const SASL_AUTHENTICATE_KEY = 36

export type SaslOutcome =
  | { isAuthenticated: true, principal: Principal, policies: PolicySet, generation: number, expiresAtMs: number, responseBytes: Buffer }
  | { isAuthenticated: false, requestId: string, reason: string }

export interface AuthenticateOptions {
  mechanism: 'OAUTHBEARER' | 'AWS_MSK_IAM'
  authBytes: Buffer
  cluster: ClusterArnParts
  authorizer: Authorizer
  clock: Clock
}

/** The identity directory as the SigV4 verifiers ask for credentials. */
export function credentialLookup (identities: IdentityDirectory): CredentialLookup<Principal> {
  return async accessKeyId => {
    const found = await identities.lookupAccessKey(accessKeyId)
    if (found === undefined) return undefined
    return { secretAccessKey: found.secretAccessKey, sessionToken: found.sessionToken, expiresAtMs: found.expiresAtMs, principal: found.principal }
  }
}

export async function authenticateMskIam (options: AuthenticateOptions): Promise<SaslOutcome> {
  const { mechanism, authBytes, cluster, authorizer, clock } = options
  const requestId = randomUUID()
  const verifyOptions = { region: cluster.region, lookup: credentialLookup(authorizer.identities), clock }
  const verified = mechanism === 'OAUTHBEARER'
    ? await verifyOAuthBearerClientFirst(authBytes, verifyOptions)
    : await verifyAwsMskIamPayload(authBytes, verifyOptions)
  if (!verified.ok) return { isAuthenticated: false, requestId, reason: `${verified.reason}: ${verified.message}` }
  const generation = authorizer.generation
  const policies = await authorizer.policiesFor(verified.principal)
  const check = kafkaActionFor(SASL_AUTHENTICATE_KEY, 'cluster')
  if (check === undefined) return { isAuthenticated: false, requestId, reason: 'no IAM check is defined for kafka-cluster:Connect' }
  const connect = authorizeKafkaCheck(policies, check, { cluster })
  if (!connect.isAllowed) return { isAuthenticated: false, requestId, reason: connect.reason }
  return {
    isAuthenticated: true,
    principal: verified.principal,
    policies,
    generation,
    expiresAtMs: verified.expiresAtMs,
    responseBytes: mechanism === 'AWS_MSK_IAM' ? awsMskIamSuccessResponse(requestId) : Buffer.alloc(0)
  }
}
