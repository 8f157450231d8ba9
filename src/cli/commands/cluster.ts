// `skiff cluster`: create, list, describe and delete clusters, print a cluster's bootstrap address
// or ready-to-paste client settings, through the control-plane API (the AWS Kafka REST API) signed
// with the usual AWS credentials, for people without the AWS CLI.
import type { Command } from 'commander'
import {
  CreateClusterV2Command, DeleteClusterCommand, DescribeClusterV2Command, GetBootstrapBrokersCommand, KafkaClient,
  KafkaServiceException, paginateListClustersV2, type Cluster
} from '@aws-sdk/client-kafka'
import { resolveCredentials } from '../aws-credentials.ts'
import { CLIENT_KINDS, clientConfig, isClientKind } from '../client-config.ts'

interface ApiOptions {
  endpointUrl?: string
  region?: string
  profile?: string
  output: string
}

const DEFAULT_ENDPOINT = 'http://127.0.0.1:9099'
const WAIT_MS = 30_000

function regionOf (options: ApiOptions): string {
  return options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1'
}

function kafkaClient (options: ApiOptions): KafkaClient {
  if (options.output !== 'text' && options.output !== 'json') throw new Error(`--output ${options.output}: give text or json`)
  // The SDK is pinned in package-lock.json; its notice that later versions need Node 22 is noise on a user's terminal.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'
  return new KafkaClient({
    endpoint: options.endpointUrl ?? process.env.SKIFF_API_URL ?? DEFAULT_ENDPOINT,
    region: regionOf(options),
    credentials: resolveCredentials({ env: process.env, profile: options.profile }),
    maxAttempts: 2
  })
}

/** Runs a call; AWS errors become one line naming the error type. */
async function call<T> (work: () => Promise<T>): Promise<T> {
  try {
    return await work()
  } catch (error) {
    if (error instanceof KafkaServiceException) throw new Error(`${error.name}: ${error.message}`)
    if (error instanceof Error && 'code' in error && error.code === 'ECONNREFUSED') {
      throw new Error(`cannot reach the control plane (${error.message}); is Skiff up, and is --endpoint-url right?`)
    }
    throw error
  }
}

function withoutMetadata<T extends object> (output: T): Omit<T, '$metadata'> {
  const { $metadata: _, ...rest } = output as T & { $metadata?: unknown }
  return rest
}

function print (options: ApiOptions, json: unknown, text: string): void {
  process.stdout.write(options.output === 'json' ? `${JSON.stringify(json, null, 2)}\n` : text)
}

async function listAll (kafka: KafkaClient, nameFilter?: string): Promise<Cluster[]> {
  const clusters: Cluster[] = []
  for await (const page of paginateListClustersV2({ client: kafka }, nameFilter === undefined ? {} : { ClusterNameFilter: nameFilter })) {
    clusters.push(...(page.ClusterInfoList ?? []))
  }
  return clusters
}

/** A cluster ARN as given, or the ARN of the caller's cluster of that name. */
async function clusterArnOf (kafka: KafkaClient, nameOrArn: string): Promise<string> {
  if (nameOrArn.startsWith('arn:')) return nameOrArn
  const found = (await call(() => listAll(kafka, nameOrArn))).find(cluster => cluster.ClusterName === nameOrArn)
  if (found?.ClusterArn === undefined) throw new Error(`no cluster named ${nameOrArn} (skiff cluster list shows them)`)
  return found.ClusterArn
}

async function describe (kafka: KafkaClient, arn: string): Promise<Cluster> {
  const output = await call(() => kafka.send(new DescribeClusterV2Command({ ClusterArn: arn })))
  return output.ClusterInfo!
}

function describeText (cluster: Cluster): string {
  const vpc = cluster.Serverless?.VpcConfigs ?? []
  const lines = [
    ['Name', cluster.ClusterName],
    ['ARN', cluster.ClusterArn],
    ['State', cluster.State + (cluster.StateInfo?.Message === undefined ? '' : ` (${cluster.StateInfo.Message})`)],
    ['Type', cluster.ClusterType],
    ['Created', cluster.CreationTime?.toISOString()],
    ['Version', cluster.CurrentVersion],
    ['Subnets', vpc.flatMap(config => config.SubnetIds ?? []).join(', ')],
    ['Security groups', vpc.flatMap(config => config.SecurityGroupIds ?? []).join(', ')],
    ['IAM auth', String(cluster.Serverless?.ClientAuthentication?.Sasl?.Iam?.Enabled ?? true)],
    ['Tags', Object.entries(cluster.Tags ?? {}).map(([key, value]) => `${key}=${value}`).join(', ')]
  ]
  return lines.map(([name, value]) => `${`${name ?? ''}:`.padEnd(17)}${value ?? ''}\n`).join('')
}

function collectTags (value: string, previous: Record<string, string>): Record<string, string> {
  const equals = value.indexOf('=')
  if (equals < 1) throw new Error(`--tag ${value}: give key=value`)
  return { ...previous, [value.slice(0, equals)]: value.slice(equals + 1) }
}

function list (value: string): string[] {
  return value.split(',').map(item => item.trim()).filter(item => item !== '')
}

async function bootstrapOf (kafka: KafkaClient, arn: string): Promise<string> {
  const output = await call(() => kafka.send(new GetBootstrapBrokersCommand({ ClusterArn: arn })))
  return output.BootstrapBrokerStringSaslIam ?? ''
}

export function registerClusterCommand (program: Command): void {
  const cluster = program.command('cluster').description('manage clusters through the control plane (the AWS Kafka API)')
  const withApiOptions = (command: Command): Command => command
    .option('--endpoint-url <url>', `control-plane URL (default ${DEFAULT_ENDPOINT}, env SKIFF_API_URL)`)
    .option('--region <region>', 'region to sign for (default AWS_REGION, AWS_DEFAULT_REGION or us-east-1)')
    .option('--profile <name>', 'profile of the shared credentials file (default: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, else AWS_PROFILE or default)')
    .option('-o, --output <format>', 'text or json', 'text')

  withApiOptions(cluster.command('create <name>').description('create a serverless cluster and wait until it is ACTIVE'))
    .option('--subnet-ids <ids>', 'comma-separated subnet ids to record (echoed by describe)', list, ['skiff-local'])
    .option('--security-group-ids <ids>', 'comma-separated security group ids to record', list)
    .option('--tag <key=value>', 'a tag; repeat for more', collectTags, {})
    .option('--no-wait', 'return at once, while the cluster is CREATING')
    .action(async (name: string, options: ApiOptions & { subnetIds: string[], securityGroupIds?: string[], tag: Record<string, string>, wait: boolean }) => {
      const kafka = kafkaClient(options)
      const created = await call(() => kafka.send(new CreateClusterV2Command({
        ClusterName: name,
        Tags: options.tag,
        Serverless: {
          VpcConfigs: [{ SubnetIds: options.subnetIds, ...(options.securityGroupIds === undefined ? {} : { SecurityGroupIds: options.securityGroupIds }) }],
          ClientAuthentication: { Sasl: { Iam: { Enabled: true } } }
        }
      })))
      let info: Cluster | undefined
      if (options.wait) {
        const deadline = Date.now() + WAIT_MS
        for (;;) {
          info = await describe(kafka, created.ClusterArn!)
          if (info.State !== 'CREATING' || Date.now() > deadline) break
          await new Promise(resolve => setTimeout(resolve, 100))
        }
        if (info.State !== 'ACTIVE') throw new Error(`cluster ${name} is ${info.State ?? '?'}: ${info.StateInfo?.Message ?? 'see skiff cluster describe'}`)
      }
      const bootstrap = info === undefined ? undefined : await bootstrapOf(kafka, created.ClusterArn!)
      print(options, { ...withoutMetadata(created), ...(info === undefined ? {} : { State: info.State, BootstrapBrokerStringSaslIam: bootstrap }) },
        `Cluster ${name} is ${info?.State ?? created.State ?? '?'}: ${created.ClusterArn ?? ''}\n` +
        (bootstrap === undefined ? '' : `Bootstrap (SASL_SSL, IAM): ${bootstrap}\n`))
    })

  withApiOptions(cluster.command('list').description('list clusters'))
    .option('--name-filter <prefix>', 'only clusters whose name starts with this')
    .action(async (options: ApiOptions & { nameFilter?: string }) => {
      const clusters = await call(() => listAll(kafkaClient(options), options.nameFilter))
      const rows = clusters.map(info => [info.ClusterName ?? '', info.State ?? '', info.CreationTime?.toISOString() ?? '', info.ClusterArn ?? ''])
      const widths = [4, 5, 7].map((minimum, column) => Math.max(minimum, ...rows.map(row => row[column]!.length)))
      const line = (row: string[]) => `${row.map((cell, column) => column < 3 ? cell.padEnd(widths[column]! + 2) : cell).join('')}\n`
      print(options, { ClusterInfoList: clusters }, clusters.length === 0 ? 'No clusters.\n' : line(['NAME', 'STATE', 'CREATED', 'ARN']) + rows.map(line).join(''))
    })

  withApiOptions(cluster.command('describe <name-or-arn>').description('show a cluster'))
    .action(async (nameOrArn: string, options: ApiOptions) => {
      const kafka = kafkaClient(options)
      const info = await describe(kafka, await clusterArnOf(kafka, nameOrArn))
      print(options, { ClusterInfo: info }, describeText(info))
    })

  withApiOptions(cluster.command('delete <name-or-arn>').description('delete a cluster with all its topics and data'))
    .action(async (nameOrArn: string, options: ApiOptions) => {
      const kafka = kafkaClient(options)
      const output = await call(async () => await kafka.send(new DeleteClusterCommand({ ClusterArn: await clusterArnOf(kafka, nameOrArn) })))
      print(options, withoutMetadata(output), `Cluster ${nameOrArn} is ${output.State ?? '?'}: ${output.ClusterArn ?? ''}\n`)
    })

  withApiOptions(cluster.command('bootstrap <name-or-arn>').description('print the cluster\'s bootstrap address (host:port, SASL_SSL with IAM)'))
    .action(async (nameOrArn: string, options: ApiOptions) => {
      const kafka = kafkaClient(options)
      const bootstrap = await bootstrapOf(kafka, await clusterArnOf(kafka, nameOrArn))
      print(options, { BootstrapBrokerStringSaslIam: bootstrap }, `${bootstrap}\n`)
    })

  withApiOptions(cluster.command('client-config <name-or-arn>').description('print ready-to-paste client settings for the cluster'))
    .requiredOption('--client <kind>', `one of ${CLIENT_KINDS.join(', ')}`)
    .option('--ca-file <path>', 'where clients find the CA certificate (written with: skiff ca > <path>)', 'skiff-ca.pem')
    .action(async (nameOrArn: string, options: ApiOptions & { client: string, caFile: string }) => {
      if (!isClientKind(options.client)) throw new Error(`--client ${options.client}: give one of ${CLIENT_KINDS.join(', ')}`)
      const kafka = kafkaClient(options)
      const arn = await clusterArnOf(kafka, nameOrArn)
      const info = await describe(kafka, arn)
      const bootstrapServers = await bootstrapOf(kafka, arn)
      const settings = clientConfig({ client: options.client, bootstrapServers, region: regionOf(options), caFile: options.caFile, clusterName: info.ClusterName ?? nameOrArn })
      print(options, { client: options.client, bootstrapServers, region: regionOf(options), caFile: options.caFile, settings }, settings)
    })
}
