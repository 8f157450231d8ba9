// DescribeConfigs (key 32), v1-4. TOPIC resources list every config a client can see (the set
// topic-configs.ts defines) with its effective value, configSource (DYNAMIC_TOPIC_CONFIG when set
// on the topic, DEFAULT_CONFIG otherwise), readOnly (true for managed configs and for the
// creation-only cleanup.policy), configType (v3+), documentation when asked (v3+), and synonyms
// (the topic value, then the broker default it overrides) when asked; configurationKeys filters
// them. An illegal topic name answers INVALID_TOPIC_EXCEPTION, an unknown one
// UNKNOWN_TOPIC_OR_PARTITION. BROKER resources (a live node id, or '' for cluster-wide defaults)
// show a few read-only settings of the service (broker-configs.ts); BROKER_LOGGER and any other
// type answer INVALID_REQUEST. On an IAM listener a topic needs
// kafka-cluster:DescribeTopicDynamicConfiguration (TOPIC_AUTHORIZATION_FAILED, whether or not it
// exists), brokers and broker loggers DescribeClusterDynamicConfiguration on the cluster
// (CLUSTER_AUTHORIZATION_FAILED), checked before anything else about the resource.
import { DescribeConfigsApi, type DescribeConfigsResource, type DescribeConfigsResult } from '../../protocol/messages/describe-configs.ts'
import { ErrorCode } from '../../protocol/error-codes.ts'
import { KafkaError } from '../../common/errors.ts'
import { defineHandler, type RequestContext } from '../handler.ts'
import { topicNameProblem } from '../topic-name.ts'
import { describeTopicConfigs } from '../describe-topic-configs.ts'
import { checkBrokerResourceName, ConfigResourceType, describeBrokerConfigs, requireConfigResourceAccess } from '../broker-configs.ts'

interface DescribeOptions {
  includeSynonyms: boolean
  includeDocumentation: boolean
}

function describeResource (resource: DescribeConfigsResource, options: DescribeOptions, context: RequestContext): DescribeConfigsResult {
  const { services, clusterId } = context
  const { resourceType, resourceName } = resource
  const described = { errorCode: 0, errorMessage: null, resourceType, resourceName }
  const filter = { names: resource.configurationKeys, ...options }
  requireConfigResourceAccess(context.access, resourceType, resourceName)
  switch (resourceType) {
    case ConfigResourceType.TOPIC: {
      const nameProblem = topicNameProblem(resourceName)
      if (nameProblem !== undefined) throw new KafkaError(ErrorCode.INVALID_TOPIC_EXCEPTION, nameProblem)
      const topic = services.topics.get(clusterId, resourceName)
      if (topic === undefined) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic '${resourceName}' does not exist.`)
      return { ...described, configs: describeTopicConfigs(topic.configs, filter) }
    }
    case ConfigResourceType.BROKER:
      checkBrokerResourceName(resourceName, services.brokers())
      return { ...described, configs: describeBrokerConfigs(services.config, filter) }
    case ConfigResourceType.BROKER_LOGGER:
      throw new KafkaError(ErrorCode.INVALID_REQUEST, 'Broker loggers are managed by the service and cannot be described')
    default:
      throw new KafkaError(ErrorCode.INVALID_REQUEST, `Unsupported resource type: ${resourceType}`)
  }
}

export const describeConfigsHandler = defineHandler({
  api: DescribeConfigsApi,
  versions: { min: 1, max: 4 },
  async handle (request, context) {
    const options = {
      includeSynonyms: request.includeSynonyms,
      includeDocumentation: context.apiVersion >= 3 && request.includeDocumentation
    }
    const results = request.resources.map(resource => {
      try {
        return describeResource(resource, options, context)
      } catch (error) {
        if (!(error instanceof KafkaError)) throw error
        return {
          errorCode: error.errorCode,
          errorMessage: error.message,
          resourceType: resource.resourceType,
          resourceName: resource.resourceName,
          configs: []
        }
      }
    })
    return { throttleTimeMs: 0, results }
  }
})
