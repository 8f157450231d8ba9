// Drives kcat (librdkafka's command-line client): produce lines, consume as JSON, query offsets.
import { run, type RunOptions } from './run.ts'

export interface KcatMessage {
  topic: string
  partition: number
  offset: number
  tstype: string
  ts: number
  key: string | null
  payload: string | null
  headers?: string[]
}

export async function kcat (bootstrap: string, args: readonly string[], options: RunOptions = {}): Promise<string> {
  const result = await run('kcat', ['-b', bootstrap, '-X', 'socket.timeout.ms=20000', ...args], { timeoutMs: 90_000, ...options })
  return result.stdout
}

/** Produces one message per line of `lines` (`key:value` when `-K:` is among the args). */
export async function kcatProduce (bootstrap: string, topic: string, lines: readonly string[], args: readonly string[] = []): Promise<void> {
  await kcat(bootstrap, ['-P', '-t', topic, ...args], { input: lines.map(line => `${line}\n`).join('') })
}

/** Consumes with `-J -e` (JSON, exit at the end of every partition) and parses the messages. */
export async function kcatConsume (bootstrap: string, topic: string, args: readonly string[] = []): Promise<KcatMessage[]> {
  const stdout = await kcat(bootstrap, ['-C', '-J', '-e', '-q', '-t', topic, ...args])
  return stdout.split('\n').filter(line => line.trim() !== '').map(line => JSON.parse(line) as KcatMessage)
}
