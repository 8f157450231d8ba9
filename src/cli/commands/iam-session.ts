// What every `skiff iam` subcommand shares: opening the data directory's Catalog (next to a running
// node is fine: SQLite in WAL mode takes turns), the identities in it (bootstrapped on first use),
// policy documents given inline or as file://path, and printing for people or, with
// `--output json`, AWS-CLI-shaped JSON for scripts.
import { readFile } from 'node:fs/promises'
import { ServiceError } from '../../common/errors.ts'
import { loadConfig } from '../../config/config.ts'
import { bootstrapIdentities, type Identities } from '../../security/bootstrap-identities.ts'
import { openCatalog } from '../../storage/open-storage.ts'

export interface IamOptions {
  dataDir?: string
  output: string
}

export interface IamSession extends Identities {
  /** Prints `json` as JSON with --output json, else the human lines. */
  print: (json: unknown, human: () => string) => void
}

/** Opens the identities of the data directory, runs `work`, closes the Catalog whatever happens. */
export async function withIdentities (options: IamOptions, work: (session: IamSession) => Promise<void>): Promise<void> {
  if (options.output !== 'text' && options.output !== 'json') throw new Error(`--output ${options.output}: use text or json`)
  const config = loadConfig({ dataDir: options.dataDir, logLevel: 'silent' })
  if (config.catalogUrl.startsWith('memory:')) throw new Error('the catalog is memory:, which only a running node holds; give --data-dir or SKIFF_CATALOG_URL')
  const catalog = await openCatalog(config.catalogUrl)
  try {
    const identities = await bootstrapIdentities(catalog, config.dataDir)
    const print = (json: unknown, human: () => string): void => {
      process.stdout.write(options.output === 'json' ? `${JSON.stringify(json, null, 2)}\n` : human())
    }
    await work({ ...identities, print })
  } catch (error) {
    // IAM refusals name their code, so scripts and people can tell NoSuchEntity from DeleteConflict.
    if (error instanceof ServiceError) throw new Error(`${error.code}: ${error.message}`, { cause: error })
    throw error
  } finally {
    await catalog.close()
  }
}

/** A policy document as the AWS CLI takes it: `file://path` or the JSON itself. */
export async function readPolicyDocument (value: string): Promise<string> {
  if (!value.startsWith('file://')) return value
  const path = value.slice('file://'.length)
  try {
    return await readFile(path, 'utf8')
  } catch (error) {
    throw new Error(`cannot read the policy document ${path}: ${(error as Error).message}`, { cause: error })
  }
}

/** Lines of aligned columns under a header; `(none)` when there are no rows. */
export function table (header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  if (rows.length === 0) return '(none)\n'
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map(row => (row[column] ?? '').length)))
  const line = (cells: readonly string[]): string => cells.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd()
  return [line(header), ...rows.map(line)].join('\n') + '\n'
}
