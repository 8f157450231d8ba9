// AlterConfigs (key 33), v0-2, the legacy API: the configs given become the topic's whole set of
// explicitly set configs, and any config left out returns to its default. The creation-only
// cleanup.policy is the exception: left out, it keeps its value (it cannot change, and clients such
// as KafkaJS send only the configs they mean to change); restated unchanged, it is accepted.
// Each config goes through checkTopicConfig (POLICY_VIOLATION / INVALID_CONFIG); null values and
// repeated resources or keys answer INVALID_REQUEST, as Kafka does; validateOnly checks only.
// Broker resources answer POLICY_VIOLATION (the service sets them), other types INVALID_REQUEST.
// On an IAM listener a topic needs kafka-cluster:AlterTopicDynamicConfiguration
// (TOPIC_AUTHORIZATION_FAILED, whether or not it exists) and brokers AlterClusterDynamicConfiguration
// (CLUSTER_AUTHORIZATION_FAILED), checked right after the duplicate-resource check.
import { AlterConfigsApi, type AlterableConfig } from '../../protocol/messages/alter-configs.ts'
import { ErrorCode } from '../../protocol/error-codes.ts'
import { KafkaError } from '../../common/errors.ts'
import { defineHandler } from '../handler.ts'
import { topicConfigDefinitions } from '../topic-configs.ts'
import { alterConfigResources, type ConfigChange } from '../alter-topic-configs.ts'

function checkConfigs (configs: AlterableConfig[]): void {
  const nulls = configs.filter(config => config.value === null).map(config => config.name)
  if (nulls.length > 0) throw new KafkaError(ErrorCode.INVALID_REQUEST, `Null value not supported for : ${nulls.join(', ')}`)
}

function replaceConfigs (current: Record<string, string>, configs: AlterableConfig[]): ConfigChange {
  const next: Record<string, string> = {}
  for (const { name, value } of configs) next[name] = value ?? ''
  for (const definition of topicConfigDefinitions) {
    const kept = current[definition.name]
    if (definition.isCreateOnly && kept !== undefined && !Object.hasOwn(next, definition.name)) next[definition.name] = kept
  }
  const removed = Object.keys(current).filter(name => !Object.hasOwn(next, name))
  return { next, touched: [...configs.map(config => config.name), ...removed] }
}

export const alterConfigsHandler = defineHandler({
  api: AlterConfigsApi,
  versions: { min: 0, max: 2 },
  async handle (request, context) {
    const responses = await alterConfigResources(request.resources, request.validateOnly, context, checkConfigs, replaceConfigs)
    return { throttleTimeMs: 0, responses }
  }
})
