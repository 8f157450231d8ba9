// The topic configs a client may see and set, as MSK Serverless allows them (spec section 5.2):
// defaults, validation, and the effective values DescribeConfigs reports. Anything else is refused.
import { ErrorCode } from '../protocol/error-codes.ts'
import { KafkaError } from '../common/errors.ts'

const LONG_MAX = '9223372036854775807'

export interface TopicConfigDefinition {
  name: string
  defaultValue: string
  /** Kafka ConfigType, for DescribeConfigs v3+: 1 BOOLEAN, 2 STRING, 3 INT, 4 SHORT, 5 LONG, 6 DOUBLE, 7 LIST. */
  type: number
  isReadOnly: boolean
  /** Only settable in CreateTopics (cleanup.policy). */
  isCreateOnly: boolean
  documentation: string
  /** Returns a problem description, or undefined when the value is acceptable. */
  check: (value: string, limits: TopicConfigLimits) => string | undefined
}

export interface TopicConfigLimits {
  maxMessageBytes: number
  maxRetentionMs: number
}

function longInRange (min: number, max?: number) {
  return (value: string): string | undefined => {
    if (!/^-?\d+$/.test(value)) return `'${value}' is not an integer`
    const number = Number(value)
    if (number < min) return `${value} is below the minimum ${min}`
    if (max !== undefined && number > max) return `${value} exceeds the maximum ${max}`
    return undefined
  }
}

function oneOf (...allowed: string[]) {
  return (value: string): string | undefined =>
    allowed.includes(value) ? undefined : `'${value}' is not one of ${allowed.join(', ')}`
}

const definitions: TopicConfigDefinition[] = [
  {
    name: 'cleanup.policy',
    defaultValue: 'delete',
    type: 7,
    isReadOnly: false,
    isCreateOnly: true,
    documentation: 'delete or compact; set at topic creation only',
    check: value => {
      const parts = value.split(',').map(part => part.trim())
      return parts.every(part => part === 'delete' || part === 'compact') ? undefined : `'${value}' is not delete and/or compact`
    }
  },
  {
    name: 'compression.type',
    defaultValue: 'producer',
    type: 2,
    isReadOnly: false,
    isCreateOnly: false,
    documentation: 'producer keeps the batches as the producer compressed them',
    check: oneOf('producer', 'uncompressed', 'gzip', 'snappy', 'lz4', 'zstd')
  },
  {
    name: 'max.message.bytes',
    defaultValue: '1048588',
    type: 3,
    isReadOnly: false,
    isCreateOnly: false,
    documentation: 'largest record batch accepted',
    check: (value, limits) => longInRange(0, limits.maxMessageBytes)(value)
  },
  {
    name: 'message.timestamp.type',
    defaultValue: 'CreateTime',
    type: 2,
    isReadOnly: false,
    isCreateOnly: false,
    documentation: 'CreateTime or LogAppendTime',
    check: oneOf('CreateTime', 'LogAppendTime')
  },
  {
    name: 'message.timestamp.difference.max.ms',
    defaultValue: LONG_MAX,
    type: 5,
    isReadOnly: false,
    isCreateOnly: false,
    documentation: 'largest difference between a CreateTime timestamp and the broker clock',
    check: longInRange(0)
  },
  {
    name: 'message.timestamp.before.max.ms',
    defaultValue: LONG_MAX,
    type: 5,
    isReadOnly: false,
    isCreateOnly: false,
    documentation: 'how far in the past a CreateTime timestamp may be',
    check: longInRange(0)
  },
  {
    name: 'message.timestamp.after.max.ms',
    defaultValue: LONG_MAX,
    type: 5,
    isReadOnly: false,
    isCreateOnly: false,
    documentation: 'how far in the future a CreateTime timestamp may be',
    check: longInRange(0)
  },
  {
    name: 'retention.bytes',
    defaultValue: '268435456000',
    type: 5,
    isReadOnly: false,
    isCreateOnly: false,
    documentation: 'bytes kept per partition; -1 for no size limit',
    check: longInRange(-1)
  },
  {
    name: 'retention.ms',
    defaultValue: '86400000',
    type: 5,
    isReadOnly: false,
    isCreateOnly: false,
    documentation: 'how long records are kept',
    check: (value, limits) => {
      const problem = longInRange(-1)(value)
      if (problem !== undefined) return problem
      const number = Number(value)
      if (number === -1 || number > limits.maxRetentionMs) {
        return `retention.ms ${value} exceeds the cluster's retention limit of ${limits.maxRetentionMs} ms`
      }
      return undefined
    }
  },
  {
    name: 'min.insync.replicas',
    defaultValue: '2',
    type: 3,
    isReadOnly: true,
    isCreateOnly: false,
    documentation: 'managed by the service',
    check: () => 'min.insync.replicas is managed by the service'
  },
  {
    name: 'unclean.leader.election.enable',
    defaultValue: 'false',
    type: 1,
    isReadOnly: true,
    isCreateOnly: false,
    documentation: 'managed by the service',
    check: () => 'unclean.leader.election.enable is managed by the service'
  }
]

const byName = new Map(definitions.map(definition => [definition.name, definition]))

export const topicConfigDefinitions: readonly TopicConfigDefinition[] = definitions

export function topicConfigDefinition (name: string): TopicConfigDefinition | undefined {
  return byName.get(name)
}

/**
 * Checks one config a client wants to set. Throws KafkaError POLICY_VIOLATION for configs the
 * service does not let clients set, INVALID_CONFIG for values out of range or unparsable.
 */
export function checkTopicConfig (name: string, value: string | null, limits: TopicConfigLimits, isCreate: boolean): void {
  const definition = byName.get(name)
  if (definition === undefined) {
    throw new KafkaError(ErrorCode.POLICY_VIOLATION, `topic config ${name} cannot be set on this cluster`)
  }
  if (definition.isReadOnly) {
    throw new KafkaError(ErrorCode.POLICY_VIOLATION, `topic config ${name} is managed by the service and cannot be set`)
  }
  if (definition.isCreateOnly && !isCreate) {
    throw new KafkaError(ErrorCode.POLICY_VIOLATION, `topic config ${name} can only be set when the topic is created`)
  }
  if (value === null) return
  const problem = definition.check(value, limits)
  if (problem !== undefined) throw new KafkaError(ErrorCode.INVALID_CONFIG, `invalid value for ${name}: ${problem}`)
}

/** The effective value of a config for a topic: what it set, else the default. */
export function effectiveTopicConfig (configs: Record<string, string>, name: string): string {
  return configs[name] ?? byName.get(name)?.defaultValue ?? ''
}
