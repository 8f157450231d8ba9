// `skiff ca`: prints the PEM certificate of the node's own CA (creating the CA if there is none
// yet), for clients' ssl.ca.location / ssl_cafile / `ca` options.
import type { Command } from 'commander'
import { loadConfig } from '../../config/config.ts'
import { certificateAuthorityPem } from '../../security/tls/tls-material.ts'

export function registerCaCommand (program: Command): void {
  program
    .command('ca')
    .description('print the certificate of Skiff\'s CA (PEM), which TLS clients must trust; creates the CA if needed')
    .option('-d, --data-dir <dir>', 'data directory (default .skiff, env SKIFF_DATA_DIR)')
    .action(async (options: { dataDir?: string }) => {
      const config = loadConfig({ dataDir: options.dataDir })
      process.stdout.write(await certificateAuthorityPem(config.dataDir))
    })
}
