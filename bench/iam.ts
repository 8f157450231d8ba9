// The IAM benchmark: produce throughput over TLS + SASL OAUTHBEARER (MSK IAM) against plaintext on
// the same node, with the first benchmark's loadgen scenario (1 KiB records, 6 partitions,
// acks=all, linger 5 ms); then 1,000 authenticated connections held open, and new authenticated
// connections at 200 a second. Tokens come from the real aws-msk-iam-sasl-signer-js.
//
//   node --import tsx bench/iam.ts          (needs bench/bin/loadgen: bash bench/run.sh builds it,
//                                            or gcc -O2 -o bench/bin/loadgen bench/loadgen.c $(pkg-config --cflags --libs rdkafka) -lpthread)
//
// Env: BENCH_REPEATS (3), BENCH_PRODUCE_SECONDS (4), BENCH_CONNECTIONS (1000), BENCH_HOLD_SECONDS (10),
// BENCH_CONNECT_RATE (200), BENCH_CONNECT_SECONDS (10). The node runs in this process (its
// identities are in memory); the load generators are separate processes. Prints a JSON summary.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { generateAuthTokenFromCredentialsProvider } from 'aws-msk-iam-sasl-signer-js'
import { startNode } from '../src/app.ts'
import { createLogger } from '../src/common/logger.ts'
import { loadConfig } from '../src/config/config.ts'
import { StaticIdentityDirectory } from '../src/security/identity.ts'

const env = process.env
const repeats = Number(env.BENCH_REPEATS ?? 3)
const produceSeconds = Number(env.BENCH_PRODUCE_SECONDS ?? 4)
const connections = Number(env.BENCH_CONNECTIONS ?? 1000)
const holdSeconds = Number(env.BENCH_HOLD_SECONDS ?? 10)
const connectRate = Number(env.BENCH_CONNECT_RATE ?? 200)
const connectSeconds = Number(env.BENCH_CONNECT_SECONDS ?? 10)
const benchDir = path.dirname(new URL(import.meta.url).pathname)
const loadgen = path.join(benchDir, 'bin', 'loadgen')
const ACCOUNT = '123456789012'
const REGION = 'us-east-1'

async function runJson (command: string, args: string[], extraEnv: Record<string, string> = {}): Promise<Record<string, unknown>> {
  const child = spawn(command, args, { env: { ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (text: string) => { stdout += text })
  child.stderr.setEncoding('utf8').on('data', (text: string) => { stderr += text })
  const code = await new Promise<number | null>(resolve => child.once('close', resolve))
  const line = stdout.trim().split('\n').pop() ?? ''
  if (code !== 0) throw new Error(`${command} ${args.join(' ')} failed (${code})\n${stderr.slice(-2000)}`)
  process.stderr.write(stderr)
  return JSON.parse(line) as Record<string, unknown>
}

function median (values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN
}

const dataDir = mkdtempSync(path.join(env.BENCH_TMPDIR ?? tmpdir(), 'skiff-iam-bench-'))
const config = loadConfig({
  host: '127.0.0.1',
  port: 0,
  logLevel: 'warn',
  dataDir,
  region: REGION,
  tls: { enabled: true, port: 0 },
  defaultCluster: { name: 'bench' }
}, {})
const identities = new StaticIdentityDirectory()
const user = { accessKeyId: 'AKIABENCH00000000001', secretAccessKey: 'bench-secret-wJalrXUtnFEMIK7MDENGbPxRfiCY' }
const principal = { accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:user/bench`, userId: 'AIDABENCH', name: 'bench', kind: 'user' as const }
identities.addKey(user.accessKeyId, { ...user, principal })
identities.setPolicies(principal.arn, [{
  name: 'bench-all',
  document: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kafka-cluster:*', Resource: '*' }] })
}])
const node = await startNode(config, { logger: createLogger('warn'), identities, accountId: ACCOUNT })
const tokenFile = path.join(dataDir, 'token')
const caFile = path.join(dataDir, 'bench-ca.pem')
try {
  if (node.tls === undefined || node.ports.tls === undefined) throw new Error('the node has no TLS listener')
  writeFileSync(caFile, node.tls.caPem ?? node.tls.certificatePem)
  const { token } = await generateAuthTokenFromCredentialsProvider({ region: REGION, awsCredentialsProvider: async () => user })
  writeFileSync(tokenFile, token)
  const plaintext = `127.0.0.1:${node.port}`
  const iam = `localhost:${node.ports.tls}`
  const iamArgs = ['-X', 'security.protocol=sasl_ssl', '-X', 'sasl.mechanisms=OAUTHBEARER', '-X', `ssl.ca.location=${caFile}`]
  const commands: string[] = []
  const produce = async (label: string, bootstrap: string, run: number, extra: string[], extraEnv: Record<string, string>): Promise<number> => {
    const args = ['produce', '-b', bootstrap, '-t', `bench-${label}-${run}`, '-p', '6', '-s', '1024', '-d', String(produceSeconds), '--create', ...extra]
    if (run === 0) commands.push(`${Object.entries(extraEnv).map(([k, v]) => `${k}=${v} `).join('')}${loadgen} ${args.join(' ')}`)
    const result = await runJson(loadgen, args, extraEnv)
    return Number(result.mb_per_s)
  }
  const plainRuns: number[] = []
  const iamRuns: number[] = []
  for (let run = 0; run < repeats; run++) {
    plainRuns.push(await produce('plain', plaintext, run, [], {}))
    iamRuns.push(await produce('iam', iam, run, iamArgs, { LOADGEN_OAUTHBEARER_TOKEN_FILE: tokenFile }))
  }
  const connectionScript = path.join(benchDir, 'iam-connections.mjs')
  const holdArgs = [connectionScript, 'hold', 'localhost', String(node.ports.tls), caFile, tokenFile, String(connections), String(holdSeconds)]
  const rateArgs = [connectionScript, 'rate', 'localhost', String(node.ports.tls), caFile, tokenFile, String(connectRate), String(connectSeconds)]
  const holdRuns: Array<Record<string, unknown>> = []
  const rateRuns: Array<Record<string, unknown>> = []
  for (let run = 0; run < repeats; run++) {
    holdRuns.push(await runJson(process.execPath, holdArgs))
    rateRuns.push(await runJson(process.execPath, rateArgs))
  }
  commands.push(`node ${holdArgs.join(' ')}`, `node ${rateArgs.join(' ')}`)
  const plainMedian = median(plainRuns)
  const iamMedian = median(iamRuns)
  console.log(JSON.stringify({
    produce: {
      scenario: `1 KiB records, 6 partitions, acks=all, ${produceSeconds} s, ${repeats} runs each`,
      plaintextMBps: plainRuns,
      iamMBps: iamRuns,
      plaintextMedianMBps: plainMedian,
      iamMedianMBps: iamMedian,
      iamVsPlaintext: Math.round((iamMedian / plainMedian) * 1000) / 1000
    },
    hold: holdRuns,
    holdMedianAlive: median(holdRuns.map(result => Number(result.aliveAfterHold))),
    rate: rateRuns,
    rateMedianAchievedPerSecond: median(rateRuns.map(result => Number(result.achievedPerSecond))),
    commands
  }, null, 2))
} finally {
  await node.close()
  rmSync(dataDir, { recursive: true, force: true })
}
