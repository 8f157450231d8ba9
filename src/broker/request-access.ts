// Authorization of one request: the Kafka API's IAM checks (spec 4.3, src/security/iam/
// kafka-api-checks.ts) applied to named resources of the connection's cluster with the
// principal's policies, cached per connection. Every denial is logged with principal, action,
// resource and the reason. On a listener without SASL nothing is enforced.
import type { Logger } from '../common/logger.ts'
import type { ClusterArnParts, KafkaResourceType } from '../security/iam/arn.ts'
import { kafkaResourceArn } from '../security/iam/arn.ts'
import { kafkaActionFor, type KafkaCheckPurpose } from '../security/iam/kafka-api-checks.ts'
import { authorizeKafkaCheck } from '../security/iam/kafka-authorization.ts'
import { ErrorCode } from '../protocol/error-codes.ts'
import type { ConnectionSession } from './session.ts'

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
    if (!this.#session.requiresSasl) return true
    const check = kafkaActionFor(this.#apiKey, resourceType, purpose)
    const resource = kafkaResourceArn(this.#cluster, resourceType, resourceName)
    const key = `${check?.action ?? 'none'}|${resource}`
    const cached = this.#session.decisions.get(key)
    if (cached !== undefined) return cached
    const principal = this.#session.principal?.arn
    if (check === undefined) {
      this.#logger.warn({ principal, apiKey: this.#apiKey, resourceType, resource }, 'denied: this API has no IAM check for the resource')
      this.#session.decisions.set(key, false)
      return false
    }
    const result = authorizeKafkaCheck(this.#session.policies, check, { cluster: this.#cluster, resourceName })
    this.#session.decisions.set(key, result.isAllowed)
    if (!result.isAllowed && !quiet) {
      this.#logger.info({ principal, action: check.action, resource, reason: result.reason }, `denied: ${result.reason}`)
    }
    return result.isAllowed
  }

  /** What a denial of that check answers with. */
  deniedError (resourceType: KafkaResourceType, purpose: KafkaCheckPurpose = 'main'): number {
    return kafkaActionFor(this.#apiKey, resourceType, purpose)?.errorCode ?? ErrorCode.CLUSTER_AUTHORIZATION_FAILED
  }
}
