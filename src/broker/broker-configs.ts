// Config resources other than topics. MSK Serverless sets broker configs itself ("You can't change
// these"), so a broker resource shows a few read-only values clients and tools look for, and every
// attempt to change one is refused. Also the IAM check of any config resource, topics included.
import type { DescribeConfigsResourceResult } from '../protocol/messages/describe-configs.ts'
import { ErrorCode } from '../protocol/error-codes.ts'
import { KafkaError } from '../common/errors.ts'
import type { SkiffConfig } from '../config/config.ts'
import type { BrokerEndpoint } from './handler.ts'
import { topicConfigDefinitions } from './topic-configs.ts'
import { brokerSynonyms, ConfigSource } from './describe-topic-configs.ts'
import type { RequestAccess } from './request-access.ts'

/** Kafka's ConfigResource.Type ids. */
export const ConfigResourceType = {
  TOPIC: 2,
  GROUP: 32,
  BROKER: 4,
  BROKER_LOGGER: 8,
  CLIENT_METRICS: 16
} as const

interface BrokerConfig {
  name: string
  value: string
  /** Kafka ConfigType: 1 BOOLEAN, 2 STRING, 3 INT, 5 LONG, 7 LIST. */
  type: number
  source: number
  documentation: string
}

const BROKER_CONFIGS_READ_ONLY = 'Broker configs are set by the service on a serverless cluster and cannot be changed'

/** The broker configs shown: service settings, then the defaults topic configs inherit. */
function brokerConfigs (config: SkiffConfig): BrokerConfig[] {
  const service = ConfigSource.STATIC_BROKER_CONFIG
  const configs: BrokerConfig[] = [
    { name: 'auto.create.topics.enable', value: 'false', type: 1, source: service, documentation: 'topics are created only by CreateTopics' },
    { name: 'default.replication.factor', value: '3', type: 3, source: service, documentation: 'every partition is stored durably in three copies' },
    { name: 'delete.topic.enable', value: 'true', type: 1, source: ConfigSource.DEFAULT_CONFIG, documentation: 'DeleteTopics is allowed' },
    { name: 'num.partitions', value: String(config.limits.defaultPartitions), type: 3, source: service, documentation: 'partitions of a topic created with numPartitions -1' }
  ]
  for (const definition of topicConfigDefinitions) {
    const name = brokerSynonyms[definition.name]
    if (name === undefined || configs.some(existing => existing.name === name)) continue
    configs.push({
      name,
      value: definition.defaultValue,
      type: definition.type,
      source: ConfigSource.DEFAULT_CONFIG,
      documentation: `default of the topic config ${definition.name}`
    })
  }
  return configs.sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0)
}

export interface DescribeBrokerConfigsOptions {
  names?: readonly string[] | null
  includeSynonyms?: boolean
  includeDocumentation?: boolean
}

/** DescribeConfigs entries for a broker resource (a node id, or '' for the cluster-wide defaults). */
export function describeBrokerConfigs (config: SkiffConfig, options: DescribeBrokerConfigsOptions = {}): DescribeConfigsResourceResult[] {
  const wanted = options.names === null || options.names === undefined || options.names.length === 0
    ? undefined
    : new Set(options.names)
  return brokerConfigs(config)
    .filter(entry => wanted === undefined || wanted.has(entry.name))
    .map(entry => ({
      name: entry.name,
      value: entry.value,
      readOnly: true,
      isDefault: entry.source === ConfigSource.DEFAULT_CONFIG,
      configSource: entry.source,
      isSensitive: false,
      synonyms: options.includeSynonyms === true ? [{ name: entry.name, value: entry.value, source: entry.source }] : [],
      configType: entry.type,
      documentation: options.includeDocumentation === true ? entry.documentation : null
    }))
}

/** Throws KafkaError INVALID_REQUEST unless `name` is '' or the id of a live broker, as Kafka checks it. */
export function checkBrokerResourceName (name: string, brokers: readonly BrokerEndpoint[]): void {
  if (name === '') return
  const ids = brokers.map(broker => broker.nodeId)
  if (!/^-?\d+$/.test(name)) throw new KafkaError(ErrorCode.INVALID_REQUEST, `Node id must be an integer, but it is: ${name}`)
  if (!ids.includes(Number(name))) {
    throw new KafkaError(ErrorCode.INVALID_REQUEST, `Unexpected broker id, expected one of ${ids.join(', ')} or empty string, but received ${name}`)
  }
}

/**
 * The refusal for changing any non-topic resource: broker configs are managed (POLICY_VIOLATION),
 * other types are not served here (INVALID_REQUEST).
 */
export function refuseNonTopicAlteration (resourceType: number, resourceName: string, brokers: readonly BrokerEndpoint[]): KafkaError {
  if (resourceType === ConfigResourceType.BROKER) {
    try {
      checkBrokerResourceName(resourceName, brokers)
    } catch (error) {
      if (error instanceof KafkaError) return error
      throw error
    }
    return new KafkaError(ErrorCode.POLICY_VIOLATION, BROKER_CONFIGS_READ_ONLY)
  }
  if (resourceType === ConfigResourceType.BROKER_LOGGER) {
    return new KafkaError(ErrorCode.INVALID_REQUEST, 'Broker loggers are managed by the service and cannot be changed')
  }
  return new KafkaError(ErrorCode.INVALID_REQUEST, `Unsupported resource type ${resourceType}: only topic (2) configs can be changed`)
}

/**
 * The IAM check of a config resource (spec 4.3), made before anything else about it: a topic's
 * own configuration action (TOPIC_AUTHORIZATION_FAILED), the cluster's for brokers and broker
 * loggers (CLUSTER_AUTHORIZATION_FAILED). Other types are refused later as invalid.
 */
export function requireConfigResourceAccess (access: RequestAccess, resourceType: number, resourceName: string): void {
  if (resourceType === ConfigResourceType.TOPIC) access.requireAllowed('topic', resourceName)
  else if (resourceType === ConfigResourceType.BROKER || resourceType === ConfigResourceType.BROKER_LOGGER) access.requireAllowed('cluster')
}
