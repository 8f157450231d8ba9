// A Skiff node for control-plane end-to-end tests: TLS on, the control plane on a free port, the
// test identities (control-plane-kit.ts) as its directory, tenant cluster ports from a random
// range (so parallel test files rarely meet), the CA certificate in a file for kcat.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { TestContext } from 'node:test'
import { ADMIN, testIdentities, type TestCredentials } from './control-plane-kit.ts'
import { startTestNode, type TestNode } from './start-node.ts'
import { run, type RunResult } from './run.ts'

export interface ControlPlaneNode extends TestNode {
  endpointUrl: string
  caFile: string
  /** Runs Debian's AWS CLI (/usr/bin/aws) against this node with the given credentials. */
  aws: (args: readonly string[], credentials?: TestCredentials) => Promise<RunResult>
}

export async function startControlPlaneNode (t: TestContext): Promise<ControlPlaneNode> {
  const firstPort = 20_000 + Math.floor(Math.random() * 40_000)
  const started = await startTestNode(t, {
    // SASL off: these tests drive tenant endpoints with kcat over TLS alone (kcat has no MSK IAM
    // token callback); the IAM journey tests authenticate with real IAM clients instead.
    config: { tls: { requireSasl: false }, controlPlane: {}, clusterEndpoints: { firstPort, lastPort: firstPort + 200, syncIntervalMs: 500 } },
    identities: testIdentities()
  })
  const caFile = join(started.dataDir, 'ca.pem')
  writeFileSync(caFile, started.node.tls!.caPem!)
  const endpointUrl = `http://127.0.0.1:${started.node.controlPlanePort!}`
  const aws = async (args: readonly string[], credentials: TestCredentials = ADMIN): Promise<RunResult> =>
    await run('/usr/bin/aws', [...args, '--endpoint-url', endpointUrl, '--region', 'us-east-1'], {
      allowFailure: true,
      timeoutMs: 60_000,
      env: {
        AWS_ACCESS_KEY_ID: credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
        AWS_SESSION_TOKEN: credentials.sessionToken ?? '',
        AWS_CONFIG_FILE: join(started.dataDir, 'no-aws-config'),
        AWS_SHARED_CREDENTIALS_FILE: join(started.dataDir, 'no-aws-credentials'),
        AWS_PAGER: '',
        AWS_EC2_METADATA_DISABLED: 'true'
      }
    })
  return { ...started, endpointUrl, caFile, aws }
}

export function sslArgs (caFile: string): string[] {
  return ['-X', 'security.protocol=ssl', '-X', `ssl.ca.location=${caFile}`]
}
