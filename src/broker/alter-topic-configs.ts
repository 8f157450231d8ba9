// What AlterConfigs and IncrementalAlterConfigs share: Kafka's request checks (each resource once,
// each config once per resource), the topic lookup, the policy check of a topic's new config set,
// and storing it. Each handler only says how its operations turn the current set into the new one.
// On an IAM listener each resource is authorized right after the duplicate-resource check:
// AlterTopicDynamicConfiguration on a topic, AlterClusterDynamicConfiguration for brokers.
import type { AlterConfigsResourceResponse } from '../protocol/messages/alter-configs.ts'
import { ErrorCode } from '../protocol/error-codes.ts'
import { KafkaError } from '../common/errors.ts'
import type { RequestContext } from './handler.ts'
import { checkTopicConfig, effectiveTopicConfig, topicConfigDefinition, type TopicConfigLimits } from './topic-configs.ts'
import { topicNameProblem } from './topic-name.ts'
import { topicConfigLimits } from './topic-admin.ts'
import { ConfigResourceType, refuseNonTopicAlteration, requireConfigResourceAccess } from './broker-configs.ts'

const LIST_TYPE = 7

export interface ConfigChange {
  /** The topic's complete new set of explicitly set configs. */
  next: Record<string, string>
  /** Every config the request touched, to be checked. */
  touched: Iterable<string>
}

export interface AlterableResource<Config extends { name: string }> {
  resourceType: number
  resourceName: string
  configs: Config[]
}

/** A LIST config's value as a set of items, for comparing values regardless of order and spaces. */
export function listItems (value: string): string[] {
  return value.split(',').map(item => item.trim()).filter(item => item !== '')
}

function isSameEffectiveValue (name: string, current: Record<string, string>, next: Record<string, string>): boolean {
  const before = effectiveTopicConfig(current, name)
  const after = effectiveTopicConfig(next, name)
  if (topicConfigDefinition(name)?.type !== LIST_TYPE) return before === after
  const normalize = (value: string): string => [...new Set(listItems(value))].sort().join(',')
  return normalize(before) === normalize(after)
}

/**
 * Checks every touched config of a topic's new set. A creation-only config (cleanup.policy) may be
 * restated with its current value, which is no change; changing it is a POLICY_VIOLATION.
 */
export function checkTopicConfigChange (current: Record<string, string>, change: ConfigChange, limits: TopicConfigLimits): void {
  for (const name of change.touched) {
    if (topicConfigDefinition(name)?.isCreateOnly === true && isSameEffectiveValue(name, current, change.next)) continue
    checkTopicConfig(name, Object.hasOwn(change.next, name) ? change.next[name] ?? null : null, limits, false)
  }
}

/**
 * Runs a config alteration over the request's resources, one result per resource in request order.
 * `checkConfigs` refuses malformed entries before the topic is looked up; `apply` computes the
 * new config set from the topic's current one.
 */
export async function alterConfigResources<Config extends { name: string }> (
  resources: ReadonlyArray<AlterableResource<Config>>,
  isValidateOnly: boolean,
  context: RequestContext,
  checkConfigs: (configs: Config[]) => void,
  apply: (current: Record<string, string>, configs: Config[]) => ConfigChange
): Promise<AlterConfigsResourceResponse[]> {
  const { services, clusterId, logger } = context
  const resourceCounts = new Map<string, number>()
  const keyOf = (resource: AlterableResource<Config>): string => `${resource.resourceType}:${resource.resourceName}`
  for (const resource of resources) resourceCounts.set(keyOf(resource), (resourceCounts.get(keyOf(resource)) ?? 0) + 1)
  const limits = topicConfigLimits(services.config)

  return await services.topics.withChangeLock(clusterId, async () => {
    const responses: AlterConfigsResourceResponse[] = []
    for (const resource of resources) {
      const { resourceType, resourceName } = resource
      try {
        if ((resourceCounts.get(keyOf(resource)) ?? 0) > 1) {
          throw new KafkaError(ErrorCode.INVALID_REQUEST, 'Each resource must appear at most once.')
        }
        requireConfigResourceAccess(context.access, resourceType, resourceName)
        if (new Set(resource.configs.map(config => config.name)).size !== resource.configs.length) {
          throw new KafkaError(ErrorCode.INVALID_REQUEST, 'Error due to duplicate config keys')
        }
        checkConfigs(resource.configs)
        if (resourceType !== ConfigResourceType.TOPIC) throw refuseNonTopicAlteration(resourceType, resourceName, services.brokers())
        const nameProblem = topicNameProblem(resourceName)
        if (nameProblem !== undefined) throw new KafkaError(ErrorCode.INVALID_TOPIC_EXCEPTION, nameProblem)
        const topic = services.topics.get(clusterId, resourceName)
        if (topic === undefined) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic '${resourceName}' does not exist.`)
        const change = apply(topic.configs, resource.configs)
        checkTopicConfigChange(topic.configs, change, limits)
        if (!isValidateOnly) {
          await services.topics.setConfigs(topic, change.next)
          logger.info({ topic: topic.name, configs: change.next }, 'topic configs altered')
        }
        responses.push({ errorCode: 0, errorMessage: null, resourceType, resourceName })
      } catch (error) {
        if (!(error instanceof KafkaError)) throw error
        responses.push({ errorCode: error.errorCode, errorMessage: error.message, resourceType, resourceName })
      }
    }
    return responses
  })
}
