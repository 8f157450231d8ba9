// CreateClusterV2 (POST /api/v2/clusters). Serverless only: VPC configs and client authentication
// are accepted and echoed by DescribeClusterV2; a `provisioned` request is refused. The cluster is
// CREATING in the answer and ACTIVE within a second. Checked as kafka:CreateClusterV2 on the ARN
// the cluster will get, so a policy can limit cluster names.
import type { ServerlessClusterSettings } from '../../storage/catalog.ts'
import { badRequest } from '../errors.ts'
import { authorizeOperation, defineOperation } from '../operation.ts'
import { isRecord, stringList, tagMap } from '../validation.ts'

// MSK's rule for clusterName: 1-64 characters, letters, digits and hyphens, starting with a letter or digit.
const CLUSTER_NAME = /^[0-9A-Za-z][0-9A-Za-z-]{0,63}$/

function clusterName (value: unknown): string {
  if (value === undefined || value === null) throw badRequest('clusterName is required', 'clusterName')
  if (typeof value !== 'string' || !CLUSTER_NAME.test(value)) {
    throw badRequest(`clusterName must be 1-64 letters, digits and hyphens, starting with a letter or digit; got ${JSON.stringify(value).slice(0, 80)}`, 'clusterName')
  }
  return value
}

function serverlessSettings (value: unknown): ServerlessClusterSettings {
  if (!isRecord(value)) throw badRequest('serverless must be an object with vpcConfigs', 'serverless')
  const vpcConfigs = value.vpcConfigs
  if (vpcConfigs === undefined || vpcConfigs === null) throw badRequest('serverless.vpcConfigs is required', 'vpcConfigs')
  if (!Array.isArray(vpcConfigs) || vpcConfigs.length === 0) throw badRequest('serverless.vpcConfigs must be a non-empty list', 'vpcConfigs')
  const settings: ServerlessClusterSettings = {
    vpcConfigs: vpcConfigs.map((config: unknown, index) => {
      if (!isRecord(config)) throw badRequest(`serverless.vpcConfigs[${index}] must be an object with subnetIds`, 'vpcConfigs')
      const subnetIds = stringList(config.subnetIds, `serverless.vpcConfigs[${index}].subnetIds`, { isRequired: true })!
      const securityGroupIds = stringList(config.securityGroupIds, `serverless.vpcConfigs[${index}].securityGroupIds`, { isRequired: false })
      return securityGroupIds === undefined ? { subnetIds } : { subnetIds, securityGroupIds }
    })
  }
  const authentication = value.clientAuthentication
  if (authentication !== undefined && authentication !== null) {
    if (!isRecord(authentication)) throw badRequest('serverless.clientAuthentication must be an object', 'clientAuthentication')
    const sasl = authentication.sasl
    const iam = isRecord(sasl) ? sasl.iam : undefined
    const enabled = isRecord(iam) ? iam.enabled : undefined
    if (enabled !== undefined && typeof enabled !== 'boolean') {
      throw badRequest('serverless.clientAuthentication.sasl.iam.enabled must be true or false', 'clientAuthentication')
    }
    if (enabled === false) {
      throw badRequest('Skiff serverless clusters authenticate clients with IAM only: sasl.iam.enabled cannot be false', 'clientAuthentication')
    }
    settings.clientAuthentication = enabled === undefined ? {} : { sasl: { iam: { enabled } } }
  }
  return settings
}

export const createClusterV2 = defineOperation({
  name: 'CreateClusterV2',
  method: 'POST',
  url: '/api/v2/clusters',
  successStatus: 200,
  async handle (context) {
    const { body, clusters, caller } = context
    const name = clusterName(body.clusterName)
    if (body.provisioned !== undefined && body.provisioned !== null) {
      throw badRequest('Skiff offers serverless clusters only: give serverless (vpcConfigs, clientAuthentication) instead of provisioned', 'provisioned')
    }
    if (body.serverless === undefined || body.serverless === null) {
      throw badRequest('serverless is required: Skiff offers serverless clusters only', 'serverless')
    }
    const serverless = serverlessSettings(body.serverless)
    const tags = tagMap(body.tags, 'tags', { isRequired: false })
    const clusterId = clusters.newClusterId()
    const arn = clusters.arnOf(caller.principal.accountId, name, clusterId)
    await authorizeOperation(context, arn, {
      extra: { 'aws:TagKeys': Object.keys(tags), ...Object.fromEntries(Object.entries(tags).map(([key, value]) => [`aws:RequestTag/${key}`, value])) }
    })
    const cluster = await clusters.create(clusterId, { accountId: caller.principal.accountId, name, serverless, tags })
    return { clusterArn: cluster.arn, clusterName: cluster.name, state: cluster.state, clusterType: 'SERVERLESS' }
  }
})
