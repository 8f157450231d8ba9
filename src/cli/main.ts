// The `skiff` command line: one subcommand per task, `--help` everywhere. Only the subcommand being
// run is loaded, so `skiff up` does not carry the AWS SDK that `skiff cluster` talks to the API with
// (a smaller heap keeps the node's garbage-collection pauses short); without one, all are loaded
// for the help text.
import { Command } from 'commander'

const commands: Record<string, (program: Command) => Promise<void>> = {
  up: async program => { (await import('./commands/up.ts')).registerUpCommand(program) },
  ca: async program => { (await import('./commands/ca.ts')).registerCaCommand(program) },
  iam: async program => { (await import('./commands/iam.ts')).registerIamCommand(program) },
  cluster: async program => { (await import('./commands/cluster.ts')).registerClusterCommand(program) }
}

const program = new Command()
program
  .name('skiff')
  .description('Skiff: a self-hosted, Kafka-compatible serverless streaming service')

const requested = process.argv[2]
const selected = requested !== undefined && Object.hasOwn(commands, requested) ? [requested] : Object.keys(commands)

async function main (): Promise<void> {
  for (const name of selected) await commands[name]!(program)
  await program.parseAsync(process.argv)
}

main().catch((error: unknown) => {
  process.stderr.write(`skiff: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
})
