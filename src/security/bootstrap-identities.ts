// First start of a deployment's identities: opens the master key, and when the Catalog holds no
// account yet, creates one (random 12-digit id), an `admin` user whose inline policy allows
// everything, and an access key written to `<data-dir>/admin-credentials` (mode 0600) in the AWS
// shared-credentials format under the profile `skiff`. The log says where; never the secret.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { Logger } from '../common/logger.ts'
import type { Clock } from '../common/clock.ts'
import type { IdentityCatalog } from '../storage/catalog-identities.ts'
import { CatalogIdentityDirectory } from './catalog-identity-directory.ts'
import type { RandomSource } from './iam-ids.ts'
import { IdentityStore } from './identity-store.ts'
import { loadMasterKey } from './secret-box.ts'
import { writeFileAtomic } from './tls/atomic-file.ts'

export const ADMIN_CREDENTIALS_FILE = 'admin-credentials'
export const ADMIN_PROFILE = 'skiff'
export const ADMIN_USER = 'admin'
export const ADMIN_POLICY_NAME = 'AdministratorAccess'
const ADMIN_POLICY = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] })

export interface BootstrapOptions {
  /** Written to the credentials file for SDKs and the AWS CLI; default us-east-1. */
  region?: string
  logger?: Logger
  clock?: Clock
  random?: RandomSource
  /** Where SKIFF_MASTER_KEY is read; process.env unless given. */
  env?: Record<string, string | undefined>
}

export interface Identities {
  store: IdentityStore
  directory: CatalogIdentityDirectory
  /** The first account: the deployment's own. */
  accountId: string
  /** `<data-dir>/admin-credentials`. */
  credentialsFile: string
  /** Whether this call created the account and the admin key. */
  isCreated: boolean
}

/** Opens the identity store over the Catalog, bootstrapping the first account and admin key if there is none. */
export async function bootstrapIdentities (catalog: IdentityCatalog, dataDir: string, options: BootstrapOptions = {}): Promise<Identities> {
  const { box, source } = await loadMasterKey(dataDir, { env: options.env })
  const store = new IdentityStore({ catalog, secrets: box, clock: options.clock, random: options.random })
  const directory = new CatalogIdentityDirectory(store)
  const credentialsFile = join(dataDir, ADMIN_CREDENTIALS_FILE)
  const [existing] = await store.listAccounts()
  if (existing !== undefined) {
    options.logger?.info({ accountId: existing.accountId, credentialsFile: existsSync(credentialsFile) ? credentialsFile : undefined }, 'identities ready')
    return { store, directory, accountId: existing.accountId, credentialsFile, isCreated: false }
  }
  const account = await store.createAccount()
  await store.createUser(account.accountId, { userName: ADMIN_USER })
  await store.policies.putInlinePolicy(account.accountId, 'user', ADMIN_USER, ADMIN_POLICY_NAME, ADMIN_POLICY)
  const key = await store.createAccessKey(account.accountId, ADMIN_USER)
  await writeFileAtomic(credentialsFile, credentialsFileText(key.accessKeyId, key.secretAccessKey, options.region ?? 'us-east-1'), 0o600)
  options.logger?.info({
    accountId: account.accountId,
    accessKeyId: key.accessKeyId,
    credentialsFile,
    masterKey: source === 'env' ? 'SKIFF_MASTER_KEY' : join(dataDir, 'master.key')
  }, `created the first account and its admin access key; use it with AWS_SHARED_CREDENTIALS_FILE=${credentialsFile} AWS_PROFILE=${ADMIN_PROFILE}`)
  return { store, directory, accountId: account.accountId, credentialsFile, isCreated: true }
}

/** The AWS shared-credentials format (~/.aws/credentials), one profile. */
export function credentialsFileText (accessKeyId: string, secretAccessKey: string, region: string, profile = ADMIN_PROFILE): string {
  return `[${profile}]\naws_access_key_id = ${accessKeyId}\naws_secret_access_key = ${secretAccessKey}\nregion = ${region}\n`
}
