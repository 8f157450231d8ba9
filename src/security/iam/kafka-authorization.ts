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

export interface KafkaCheckResult {
  isAllowed: boolean
  /** ErrorCode.NONE when allowed, else the check's error code. */
  errorCode: number
  /** One line: which statement allowed or denied, or that none allows (see explainDecision). */
  reason: string
  /** undefined for internal APIs, which no policy can grant. */
  decision: Decision | undefined
}

export function authorizeKafkaCheck (policies: PolicySet, check: KafkaApiCheck, target: KafkaCheckTarget): KafkaCheckResult {
  const resource = kafkaResourceArn(target.cluster, check.resourceType, target.resourceName)
  if (check.action === undefined) {
    return { isAllowed: false, errorCode: check.errorCode, reason: `internal cluster operations on ${resource} are not granted to IAM principals`, decision: undefined }
  }
  const request = { action: check.action, resource, resourceType: check.resourceType, ...(target.context === undefined ? {} : { context: target.context }) }
  const decision = authorizeKafkaAction(policies, request)
  return {
    isAllowed: decision.isAllowed,
    errorCode: decision.isAllowed ? ErrorCode.NONE : check.errorCode,
    reason: explainDecision(decision),
    decision
  }
}
