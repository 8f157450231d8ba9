// IncrementalAlterConfigs (key 44), v0-1: SET (0) and DELETE (1) one config of a topic, APPEND (2)
// and SUBTRACT (3) items of a LIST config (cleanup.policy; others answer INVALID_CONFIG, as Kafka
// does), starting from the effective value. Each touched config goes through checkTopicConfig
// (POLICY_VIOLATION / INVALID_CONFIG); a change of the creation-only cleanup.policy is a
// POLICY_VIOLATION, restating its value is not. Null values for SET/APPEND/SUBTRACT, unknown
// operations, and repeated resources or keys answer INVALID_REQUEST; validateOnly checks only.
// Broker resources answer POLICY_VIOLATION (the service sets them), BROKER_LOGGER and other types
// INVALID_REQUEST. On an IAM listener a topic needs kafka-cluster:AlterTopicDynamicConfiguration
// (TOPIC_AUTHORIZATION_FAILED, whether or not it exists) and brokers AlterClusterDynamicConfiguration
// (CLUSTER_AUTHORIZATION_FAILED), checked right after the duplicate-resource check.
import { IncrementalAlterConfigsApi, type AlterableConfig } from '../../protocol/messages/incremental-alter-configs.ts'
import { ErrorCode } from '../../protocol/error-codes.ts'
import { KafkaError } from '../../common/errors.ts'
import { defineHandler } from '../handler.ts'
import { checkTopicConfig, effectiveTopicConfig, topicConfigDefinition } from '../topic-configs.ts'
import { topicConfigLimits } from '../topic-admin.ts'
import { alterConfigResources, listItems, type ConfigChange } from '../alter-topic-configs.ts'

const SET = 0
const DELETE = 1
const APPEND = 2
const SUBTRACT = 3
const OPERATION_NAMES = ['SET', 'DELETE', 'APPEND', 'SUBTRACT']
const LIST_TYPE = 7

function checkConfigs (configs: AlterableConfig[]): void {
  const unknown = configs.find(config => config.configOperation < SET || config.configOperation > SUBTRACT)
  if (unknown !== undefined) throw new KafkaError(ErrorCode.INVALID_REQUEST, `Unknown operations type ${unknown.configOperation}`)
  const nulls = configs.filter(config => config.configOperation !== DELETE && config.value === null).map(config => config.name)
  if (nulls.length > 0) throw new KafkaError(ErrorCode.INVALID_REQUEST, `Null value not supported for : ${nulls.join(', ')}`)
}

export const incrementalAlterConfigsHandler = defineHandler({
  api: IncrementalAlterConfigsApi,
  versions: { min: 0, max: 1 },
  async handle (request, context) {
    const limits = topicConfigLimits(context.services.config)
    const applyOperations = (current: Record<string, string>, configs: AlterableConfig[]): ConfigChange => {
      const next = { ...current }
      for (const { name, configOperation, value } of configs) {
        if (configOperation === SET) {
          next[name] = value ?? ''
        } else if (configOperation === DELETE) {
          delete next[name]
        } else {
          const definition = topicConfigDefinition(name)
          // A config clients may not touch is refused as such before its type matters.
          if (definition === undefined || definition.isReadOnly) checkTopicConfig(name, null, limits, false)
          if (definition?.type !== LIST_TYPE) {
            throw new KafkaError(ErrorCode.INVALID_CONFIG, `Can't ${OPERATION_NAMES[configOperation]} to key ${name} because its type is not LIST.`)
          }
          const items = listItems(effectiveTopicConfig(next, name))
          for (const item of listItems(value ?? '')) {
            if (configOperation === APPEND && !items.includes(item)) items.push(item)
            if (configOperation === SUBTRACT) items.splice(0, items.length, ...items.filter(existing => existing !== item))
          }
          next[name] = items.join(',')
        }
      }
      return { next, touched: configs.map(config => config.name) }
    }
    const responses = await alterConfigResources(request.resources, request.validateOnly, context, checkConfigs, applyOperations)
    return { throttleTimeMs: 0, responses }
  }
})
