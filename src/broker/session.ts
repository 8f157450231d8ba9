// What a connection knows about its client's authentication: the SASL mechanism chosen by
// SaslHandshake, the principal SaslAuthenticate proved, when that session ends (KIP-368), and the
// principal's policies with the decisions taken from them. Listeners without SASL have no
// principal and enforce nothing (the plaintext development listener).
import { PolicySet } from '../security/iam/policy-evaluator.ts'
import type { Principal } from '../security/identity.ts'
import type { KafkaCheckResult } from '../security/iam/kafka-authorization.ts'

export type SaslMechanism = 'OAUTHBEARER' | 'AWS_MSK_IAM'

export const SASL_MECHANISMS: readonly SaslMechanism[] = ['AWS_MSK_IAM', 'OAUTHBEARER']

export class ConnectionSession {
  readonly requiresSasl: boolean
  /** Set by SaslHandshake; SaslAuthenticate must follow it. */
  mechanism: SaslMechanism | undefined
  /** After a SaslHandshake v0 the next frame is the client's bare SASL token, not a Kafka request. */
  expectsRawSaslToken = false
  principal: Principal | undefined
  /** When the authenticated session ends; requests after it close the connection unless the client re-authenticates. */
  expiresAtMs = Number.POSITIVE_INFINITY
  policies: PolicySet = PolicySet.EMPTY
  /** The Authorizer generation `policies` and `decisions` were taken at. */
  policyGeneration = Number.NaN
  /** Decisions (allowed or not, and why), by action, resource type and name (the connection serves one cluster). */
  readonly decisions = new Map<string, KafkaCheckResult>()
  /** The response being written is the last: the connection closes after it (a failed authentication). */
  closeAfterResponse = false

  constructor (requiresSasl: boolean) {
    this.requiresSasl = requiresSasl
  }

  get isAuthenticated (): boolean {
    return this.principal !== undefined
  }

  usePolicies (policies: PolicySet, generation: number): void {
    this.policies = policies
    this.policyGeneration = generation
    this.decisions.clear()
  }
}
