// MSK IAM tokens handed to client processes that have no signer of their own (Python's
// kafka-python and confluent-kafka): the test mints them with the real aws-msk-iam-sasl-signer-js
// and keeps a fresh one in a file that the client's token provider re-reads on every call. A test
// can also put a broken token there (expired, tampered, wrong region, unknown key).
import { renameSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import type { TestContext } from 'node:test'
import { generateAuthTokenFromCredentialsProvider } from 'aws-msk-iam-sasl-signer-js'
import { makeTempDir } from './start-node.ts'
import { mintToken, REGION, type TestUser } from './iam-node.ts'

type Credentials = Pick<TestUser, 'accessKeyId' | 'secretAccessKey'>

export class TokenFile {
  readonly path: string
  /** How many tokens were written (each write is a newly minted or given token). */
  writes = 0
  #timer: NodeJS.Timeout | undefined

  constructor (t: TestContext) {
    this.path = path.join(makeTempDir(t, 'skiff-token-'), 'token')
    t.after(() => this.stopRefreshing())
  }

  /** Replaces the file's content in one step, so a reader never sees half a token. */
  write (token: string): void {
    const temporary = `${this.path}.${process.pid}.tmp`
    writeFileSync(temporary, token)
    renameSync(temporary, this.path)
    this.writes++
  }

  /** Writes a newly minted token for `user`. */
  async mint (user: Credentials, region = REGION): Promise<void> {
    this.write((await mintToken(user, region)).token)
  }

  /** Mints a new token for `user` now and then every `intervalMs`, until the test ends. */
  async keepFresh (user: Credentials, intervalMs: number): Promise<void> {
    this.stopRefreshing()
    await this.mint(user)
    this.#timer = setInterval(() => { this.mint(user).catch(() => {}) }, intervalMs)
  }

  stopRefreshing (): void {
    if (this.#timer !== undefined) clearInterval(this.#timer)
    this.#timer = undefined
  }
}

/**
 * A real signer token that expires after `lifetimeMs`: the signer caps X-Amz-Expires at the
 * credentials' expiration, so credentials about to expire give a short-lived token.
 */
export async function mintShortLivedToken (user: Credentials, lifetimeMs: number, region = REGION): Promise<string> {
  const { token } = await generateAuthTokenFromCredentialsProvider({
    region,
    awsCredentialsProvider: async () => ({ ...user, expiration: new Date(Date.now() + lifetimeMs) })
  })
  return token
}

/** The token's signed URL with X-Amz-Expires changed: the signature no longer matches. */
export function tamperToken (token: string): string {
  const url = Buffer.from(token, 'base64url').toString('utf8')
  if (!url.includes('X-Amz-Expires=900')) throw new Error(`unexpected token URL ${url}`)
  return Buffer.from(url.replace('X-Amz-Expires=900', 'X-Amz-Expires=901'), 'utf8').toString('base64url')
}

/** The decoded URL of a token, for assertions on what the signer made. */
export function tokenUrl (token: string): URL {
  return new URL(Buffer.from(token, 'base64url').toString('utf8'))
}
