// Authorization of one request: the Kafka API's IAM checks (spec 4.3, src/security/iam/
// kafka-api-checks.ts) applied to named resources of the connection's cluster with the
// principal's policies, cached per connection, and the authorizedOperations bit sets Kafka reports.
// Every denial is logged with principal, action, resource and the reason (a cached one too). On a
// listener without SASL nothing is enforced.
import type { Logger } from '../common/logger.ts'
import type { ClusterArnParts, KafkaResourceType } from '../security/iam/arn.ts'
import { kafkaResourceArn } from '../security/iam/arn.ts'
import { kafkaActionFor, kafkaChecksFor, type KafkaApiCheck, type KafkaCheckPurpose } from '../security/iam/kafka-api-checks.ts'
import { authorizeKafkaCheck, type KafkaCheckResult } from '../security/iam/kafka-authorization.ts'
import { aclOperationBits } from '../security/iam/kafka-acl-operations.ts'
import { ErrorCode } from '../protocol/error-codes.ts'
import { KafkaError } from '../common/errors.ts'
import type { ConnectionSession } from './session.ts'

const AUTHORIZATION_MESSAGES: ReadonlyMap<number, string> = new Map([
  [ErrorCode.TOPIC_AUTHORIZATION_FAILED, 'Topic authorization failed.'],
  [ErrorCode.GROUP_AUTHORIZATION_FAILED, 'Group authorization failed.'],
  [ErrorCode.CLUSTER_AUTHORIZATION_FAILED, 'Cluster authorization failed.'],
  [ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, 'Transactional Id authorization failed.']
])

/** Kafka's message for an authorization error (Errors.X.message()), for responses that carry one. */
export function authorizationMessage (errorCode: number): string {
  return AUTHORIZATION_MESSAGES.get(errorCode) ?? 'Authorization failed.'
}

export class RequestAccess {
  readonly #apiKey: number
  readonly #session: ConnectionSession
  readonly #cluster: ClusterArnParts
  readonly #logger: Logger

  constructor (apiKey: number, session: ConnectionSession, cluster: ClusterArnParts, logger: Logger) {
    this.#apiKey = apiKey
    this.#session = session
    this.#cluster = cluster
    this.#logger = logger
  }

  /** Whether requests are authorised at all (a SASL listener). */
  get isEnforced (): boolean {
    return this.#session.requiresSasl
  }

  /**
   * Whether the principal passes this API's check on the resource (a topic name, group id or
   * transactional id; none for the cluster). An API with no such check in the table is denied.
   * `quiet` skips the log line, for listings that leave what is denied out.
   */
  allows (resourceType: KafkaResourceType, resourceName?: string, purpose: KafkaCheckPurpose = 'main', quiet = false): boolean {
    if (!this.isEnforced) return true
    const principal = this.#session.principal?.arn
    const check = kafkaActionFor(this.#apiKey, resourceType, purpose)
    if (check === undefined) {
      const resource = kafkaResourceArn(this.#cluster, resourceType, resourceName)
      this.#logger.warn({ principal, apiKey: this.#apiKey, resourceType, resource }, 'denied: this API has no IAM check for the resource')
      return false
    }
    const result = this.#decide(check, resourceName)
    if (!result.isAllowed && !quiet) {
      const resource = kafkaResourceArn(this.#cluster, resourceType, resourceName)
      const api = kafkaChecksFor(this.#apiKey)?.apiName
      this.#logger.info({ principal, api, action: check.action, resource, reason: result.reason }, `denied: ${result.reason}`)
    }
    return result.isAllowed
  }

  /** ErrorCode.NONE when the principal passes the check (logged when not), else the error its denial answers with. */
  errorFor (resourceType: KafkaResourceType, resourceName?: string, purpose: KafkaCheckPurpose = 'main'): number {
    return this.allows(resourceType, resourceName, purpose) ? ErrorCode.NONE : this.deniedError(resourceType, purpose)
  }

  /** Throws KafkaError with the denial's code and Kafka's message unless the principal passes the check. */
  requireAllowed (resourceType: KafkaResourceType, resourceName?: string, purpose: KafkaCheckPurpose = 'main'): void {
    const errorCode = this.errorFor(resourceType, resourceName, purpose)
    if (errorCode !== ErrorCode.NONE) throw new KafkaError(errorCode, authorizationMessage(errorCode))
  }

  /** The error of the first of these checks the principal fails (the later ones are not made), or ErrorCode.NONE. */
  firstError (...checks: Array<[KafkaResourceType, string?]>): number {
    for (const [resourceType, resourceName] of checks) {
      const errorCode = this.errorFor(resourceType, resourceName)
      if (errorCode !== ErrorCode.NONE) return errorCode
    }
    return ErrorCode.NONE
  }

  /** What a denial of that check answers with. */
  deniedError (resourceType: KafkaResourceType, purpose: KafkaCheckPurpose = 'main'): number {
    return kafkaActionFor(this.#apiKey, resourceType, purpose)?.errorCode ?? ErrorCode.CLUSTER_AUTHORIZATION_FAILED
  }

  /**
   * Kafka's authorizedOperations for a resource: the AclOperation bits of what the principal's
   * policies allow on it (kafka-acl-operations.ts), whatever this API checks; everything on a
   * listener that enforces nothing. Not logged: a missing operation is no denial.
   */
  authorizedOperations (resourceType: KafkaResourceType, resourceName?: string): number {
    return aclOperationBits(resourceType, action => !this.isEnforced ||
      this.#decide({ resourceType, action, errorCode: ErrorCode.NONE, onDenied: 'omit', purpose: 'main' }, resourceName).isAllowed)
  }

  /** The session's cached decision of the check's action on the resource, taken now if there is none. */
  #decide (check: KafkaApiCheck, resourceName: string | undefined): KafkaCheckResult {
    // A session serves one cluster, so action, resource type and name identify the decision
    // without building the ARN (the name goes last: group ids may contain any character).
    const key = `${check.action ?? 'internal'}|${check.resourceType}|${resourceName ?? ''}`
    let result = this.#session.decisions.get(key)
    if (result === undefined) {
      result = authorizeKafkaCheck(this.#session.policies, check, { cluster: this.#cluster, resourceName })
      this.#session.decisions.set(key, result)
    }
    return result
  }
}
