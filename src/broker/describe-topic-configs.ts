// The DescribeConfigs view of a topic's configs: every config a client may see, with its effective
// value, where that value comes from, and its broker-level synonym. CreateTopics v5+ reports the
// same entries for a new topic.
import type { DescribeConfigsResourceResult, DescribeConfigsSynonym } from '../protocol/messages/describe-configs.ts'
import { topicConfigDefinitions } from './topic-configs.ts'

/** Kafka's DescribeConfigsResponse.ConfigSource ids. */
export const ConfigSource = {
  DYNAMIC_TOPIC_CONFIG: 1,
  DYNAMIC_BROKER_CONFIG: 2,
  DYNAMIC_DEFAULT_BROKER_CONFIG: 3,
  STATIC_BROKER_CONFIG: 4,
  DEFAULT_CONFIG: 5
} as const

/** The broker config that supplies each topic config's default, as Kafka names them. */
export const brokerSynonyms: Readonly<Record<string, string>> = {
  'cleanup.policy': 'log.cleanup.policy',
  'compression.type': 'compression.type',
  'max.message.bytes': 'message.max.bytes',
  'message.timestamp.type': 'log.message.timestamp.type',
  'message.timestamp.difference.max.ms': 'log.message.timestamp.difference.max.ms',
  'message.timestamp.before.max.ms': 'log.message.timestamp.before.max.ms',
  'message.timestamp.after.max.ms': 'log.message.timestamp.after.max.ms',
  'retention.bytes': 'log.retention.bytes',
  'retention.ms': 'log.retention.ms',
  'min.insync.replicas': 'min.insync.replicas',
  'unclean.leader.election.enable': 'unclean.leader.election.enable'
}

export interface DescribeTopicConfigsOptions {
  /** Only these configs (names not defined are skipped); null or empty for all. */
  names?: readonly string[] | null
  includeSynonyms?: boolean
  includeDocumentation?: boolean
}

/**
 * Entries for the configs of an existing topic, sorted by name. `configs` holds only what the
 * topic set. A create-only config (cleanup.policy) is reported read-only: it can no longer change.
 */
export function describeTopicConfigs (configs: Readonly<Record<string, string>>, options: DescribeTopicConfigsOptions = {}): DescribeConfigsResourceResult[] {
  const wanted = options.names === null || options.names === undefined || options.names.length === 0
    ? undefined
    : new Set(options.names)
  const entries: DescribeConfigsResourceResult[] = []
  for (const definition of topicConfigDefinitions) {
    if (wanted !== undefined && !wanted.has(definition.name)) continue
    const setValue = Object.hasOwn(configs, definition.name) ? configs[definition.name] : undefined
    const value = setValue ?? definition.defaultValue
    const source = setValue === undefined ? ConfigSource.DEFAULT_CONFIG : ConfigSource.DYNAMIC_TOPIC_CONFIG
    const synonyms: DescribeConfigsSynonym[] = []
    if (options.includeSynonyms === true) {
      if (setValue !== undefined) synonyms.push({ name: definition.name, value: setValue, source })
      synonyms.push({
        name: brokerSynonyms[definition.name] ?? definition.name,
        value: definition.defaultValue,
        source: ConfigSource.DEFAULT_CONFIG
      })
    }
    entries.push({
      name: definition.name,
      value,
      readOnly: definition.isReadOnly || definition.isCreateOnly,
      isDefault: setValue === undefined,
      configSource: source,
      isSensitive: false,
      synonyms,
      configType: definition.type,
      documentation: options.includeDocumentation === true ? definition.documentation : null
    })
  }
  return entries.sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0)
}
