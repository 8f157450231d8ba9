// The one call the broker makes per check: a row of the Kafka API table (kafka-api-checks.ts)
// applied to one named resource of a cluster, with Kafka's implication step, giving the Kafka
// error code to answer and a one-line reason for the log.
import { ErrorCode } from '../../protocol/error-codes.ts'
import { type ClusterArnParts, kafkaResourceArn } from './arn.ts'
import type { KafkaApiCheck } from './kafka-api-checks.ts'
import { authorizeKafkaAction } from './kafka-actions.ts'
import type { Decision, PolicySet } from './policy-evaluator.ts'
import { explainDecision } from './policy-evaluator.ts'
import type { RequestContext } from './request-context.ts'

export interface KafkaCheckTarget {
  cluster: ClusterArnParts
  /** Topic name, group id or transactional id; unused for cluster checks. */
  resourceName?: string
  context?: RequestContext
}

/** The outcome of one check; `reason` is rendered only when read (denials are logged, allows rarely). */
export class KafkaCheckResult {
  readonly isAllowed: boolean
  /** ErrorCode.NONE when allowed, else the check's error code. */
  readonly errorCode: number
  /** undefined for internal APIs, which no policy can grant. */
  readonly decision: Decision | undefined
  readonly #resource: string

  constructor (errorCode: number, decision: Decision | undefined, resource: string) {
    this.isAllowed = decision?.isAllowed === true
    this.errorCode = this.isAllowed ? ErrorCode.NONE : errorCode
    this.decision = decision
    this.#resource = resource
  }

  /** One line: which statement allowed or denied, or that none allows (see explainDecision). */
  get reason (): string {
    if (this.decision === undefined) return `internal cluster operations on ${this.#resource} are not granted to IAM principals`
    return explainDecision(this.decision)
  }
}

export function authorizeKafkaCheck (policies: PolicySet, check: KafkaApiCheck, target: KafkaCheckTarget): KafkaCheckResult {
  const resource = kafkaResourceArn(target.cluster, check.resourceType, target.resourceName)
  if (check.action === undefined) return new KafkaCheckResult(check.errorCode, undefined, resource)
  const decision = authorizeKafkaAction(policies, { action: check.action, resource, resourceType: check.resourceType, context: target.context })
  return new KafkaCheckResult(check.errorCode, decision, resource)
}
