// Secrets at rest: access-key secrets and session tokens are sealed with AES-256-GCM under a master
// key that lives outside the Catalog, so a Catalog dump does not reveal them. The key comes from
// SKIFF_MASTER_KEY (base64 of 32 bytes; every node of a deployment needs the same one) or from
// `<data-dir>/master.key`, created on first start with mode 0600 and never overwritten.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import { link, mkdir, open, readFile, rm } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { ServiceError } from '../common/errors.ts'

const KEY_BYTES = 32
const IV_BYTES = 12
const TAG_BYTES = 16
/** Sealed values start with this, so a later scheme can be told apart. */
const FORMAT = 'v1:'

export const MASTER_KEY_FILE = 'master.key'
export const MASTER_KEY_ENV = 'SKIFF_MASTER_KEY'

export class SecretBox {
  readonly #key: Buffer

  constructor (key: Buffer) {
    if (key.length !== KEY_BYTES) throw new ServiceError('MASTER_KEY_INVALID', `the master key must be ${KEY_BYTES} bytes, not ${key.length}`)
    this.#key = Buffer.from(key)
  }

  /**
   * Seals `plaintext`, bound to `context` (e.g. the access key id): a sealed value copied onto
   * another row does not open there.
   */
  seal (plaintext: string, context: string): string {
    const iv = randomBytes(IV_BYTES)
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv)
    cipher.setAAD(Buffer.from(context, 'utf8'))
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()])
    return FORMAT + Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString('base64')
  }

  /** Opens a sealed value; throws IAM_SECRET_UNREADABLE when the master key or the context is not the one it was sealed with. */
  open (sealed: string, context: string): string {
    const bytes = sealed.startsWith(FORMAT) ? Buffer.from(sealed.slice(FORMAT.length), 'base64') : Buffer.alloc(0)
    if (bytes.length < IV_BYTES + TAG_BYTES) throw unreadable(context)
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#key, bytes.subarray(0, IV_BYTES))
      decipher.setAAD(Buffer.from(context, 'utf8'))
      decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES))
      return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8')
    } catch (error) {
      throw unreadable(context, error)
    }
  }
}

function unreadable (context: string, cause?: unknown): ServiceError {
  return new ServiceError(
    'IAM_SECRET_UNREADABLE',
    `the stored secret of ${context} cannot be decrypted with this master key (was ${MASTER_KEY_FILE} or ${MASTER_KEY_ENV} changed?)`,
    { cause }
  )
}

export interface MasterKeyOptions {
  /** The environment to read SKIFF_MASTER_KEY from; process.env unless given. */
  env?: Record<string, string | undefined>
}

/** The master key: SKIFF_MASTER_KEY when set, else `<dataDir>/master.key`, created when missing. */
export async function loadMasterKey (dataDir: string, options: MasterKeyOptions = {}): Promise<{ box: SecretBox, source: 'env' | 'file' | 'created' }> {
  const fromEnv = (options.env ?? process.env)[MASTER_KEY_ENV]
  if (fromEnv !== undefined && fromEnv !== '') return { box: new SecretBox(decodeKey(fromEnv.trim(), MASTER_KEY_ENV)), source: 'env' }
  const path = join(dataDir, MASTER_KEY_FILE)
  const existing = await readKeyFile(path)
  if (existing !== undefined) return { box: new SecretBox(existing), source: 'file' }
  await mkdir(dataDir, { recursive: true })
  const created = await createKeyFile(path)
  return { box: new SecretBox(created.key), source: created.isNew ? 'created' : 'file' }
}

function decodeKey (text: string, where: string): Buffer {
  const key = /^[A-Za-z0-9+/]+={0,2}$/.test(text) ? Buffer.from(text, 'base64') : Buffer.alloc(0)
  if (key.length !== KEY_BYTES) {
    throw new ServiceError('MASTER_KEY_INVALID', `${where} must hold ${KEY_BYTES} random bytes in base64 (e.g. from \`openssl rand -base64 32\`)`)
  }
  return key
}

async function readKeyFile (path: string): Promise<Buffer | undefined> {
  try {
    return decodeKey((await readFile(path, 'utf8')).trim(), path)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
}

/**
 * Writes a new key to a temporary file (0600, fsynced) and links it into place: link fails when
 * another process (a CLI next to a starting node) got there first, and then its key is used.
 */
async function createKeyFile (path: string): Promise<{ key: Buffer, isNew: boolean }> {
  const key = randomBytes(KEY_BYTES)
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`)
  const handle = await open(temporary, 'wx', 0o600)
  try {
    await handle.chmod(0o600)
    await handle.writeFile(`${key.toString('base64')}\n`)
    await handle.sync()
  } finally {
    await handle.close()
  }
  try {
    await link(temporary, path)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    const existing = await readKeyFile(path)
    if (existing === undefined) throw error
    return { key: existing, isNew: false }
  } finally {
    await rm(temporary, { force: true })
  }
  const directory = await open(dirname(path), 'r')
  try {
    await directory.sync()
  } finally {
    await directory.close()
  }
  return { key, isNew: true }
}
