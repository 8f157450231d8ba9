// Ready-to-paste client settings for a cluster, as the MSK Serverless guide shows them: SASL_SSL
// with an MSK IAM token (OAUTHBEARER with the token provider, or AWS_MSK_IAM for Java), and the
// CA certificate of Skiff's TLS listener (`skiff ca`).

export const CLIENT_KINDS = ['java', 'kafka-python', 'kafkajs', 'librdkafka'] as const
export type ClientKind = typeof CLIENT_KINDS[number]

export interface ClientConfigInput {
  client: ClientKind
  bootstrapServers: string
  region: string
  /** Path of the CA certificate file clients trust. */
  caFile: string
  clusterName: string
}

export function isClientKind (value: string): value is ClientKind {
  return (CLIENT_KINDS as readonly string[]).includes(value)
}

export function clientConfig (input: ClientConfigInput): string {
  const { bootstrapServers, region, caFile } = input
  const brokers = bootstrapServers.split(',')
  const caHint = `# ${caFile}: the CA certificate of Skiff's TLS listener, from: skiff ca > ${caFile}`
  const credentialsHint = `# Credentials: the usual AWS ones (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or a profile), region ${region}.`
  switch (input.client) {
    case 'java':
      return `# client.properties for cluster ${input.clusterName} (needs software.amazon.msk:aws-msk-iam-auth on the classpath)
${caHint}
${credentialsHint}
bootstrap.servers=${bootstrapServers}
security.protocol=SASL_SSL
sasl.mechanism=AWS_MSK_IAM
sasl.jaas.config=software.amazon.msk.auth.iam.IAMLoginModule required;
sasl.client.callback.handler.class=software.amazon.msk.auth.iam.IAMClientCallbackHandler
ssl.truststore.type=PEM
ssl.truststore.location=${caFile}
`
    case 'kafka-python':
      return `# kafka-python for cluster ${input.clusterName} (pip install kafka-python aws-msk-iam-sasl-signer-python)
${caHint}
${credentialsHint}
from kafka import KafkaProducer
from aws_msk_iam_sasl_signer import MSKAuthTokenProvider

class MSKTokenProvider:
    def token(self):
        token, _ = MSKAuthTokenProvider.generate_auth_token('${region}')
        return token

producer = KafkaProducer(
    bootstrap_servers=${JSON.stringify(brokers).replaceAll('"', "'")},
    security_protocol='SASL_SSL',
    sasl_mechanism='OAUTHBEARER',
    sasl_oauth_token_provider=MSKTokenProvider(),
    ssl_cafile='${caFile}',
)
`
    case 'kafkajs':
      return `// KafkaJS for cluster ${input.clusterName} (npm install kafkajs aws-msk-iam-sasl-signer-js)
${caHint.replace('#', '//')}
${credentialsHint.replace('#', '//')}
const fs = require('node:fs')
const { Kafka } = require('kafkajs')
const { generateAuthToken } = require('aws-msk-iam-sasl-signer-js')

const kafka = new Kafka({
  clientId: 'my-app',
  brokers: ${JSON.stringify(brokers).replaceAll('"', "'")},
  ssl: { ca: [fs.readFileSync('${caFile}', 'utf8')] },
  sasl: {
    mechanism: 'oauthbearer',
    oauthBearerProvider: async () => {
      const { token } = await generateAuthToken({ region: '${region}' })
      return { value: token }
    }
  }
})
`
    case 'librdkafka':
      return `# librdkafka (confluent-kafka, kcat) for cluster ${input.clusterName}
${caHint}
${credentialsHint}
# librdkafka cannot make MSK IAM tokens itself: the application sets an OAUTHBEARER token refresh
# callback, e.g. in confluent-kafka-python (pip install confluent-kafka aws-msk-iam-sasl-signer-python):
#   def oauth_cb(config):
#       token, expiry_ms = MSKAuthTokenProvider.generate_auth_token('${region}')
#       return token, expiry_ms / 1000
#   Producer({**settings, 'oauth_cb': oauth_cb})
bootstrap.servers=${bootstrapServers}
security.protocol=SASL_SSL
sasl.mechanisms=OAUTHBEARER
ssl.ca.location=${caFile}
`
  }
}
