// The `skiff` command line: one subcommand per task, `--help` everywhere.
import { Command } from 'commander'
import { registerUpCommand } from './commands/up.ts'
import { registerCaCommand } from './commands/ca.ts'
import { registerIamCommand } from './commands/iam.ts'
import { registerClusterCommand } from './commands/cluster.ts'

const program = new Command()
program
  .name('skiff')
  .description('Skiff: a self-hosted, Kafka-compatible serverless streaming service')
registerUpCommand(program)
registerCaCommand(program)
registerIamCommand(program)
registerClusterCommand(program)

program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`skiff: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
})
