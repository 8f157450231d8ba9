// Test credentials for SigV4 verification: AWS's documented fake example keys (spec conventions),
// an in-memory CredentialLookup over them, and a node:crypto hash for @smithy/signature-v4.
import { createHash, createHmac } from 'node:crypto'
import type { Hash as HashLike } from 'node:crypto'
import type { CredentialLookup, SigV4Credential } from '../../src/security/sigv4/verification.ts'
import type { Clock } from '../../src/common/clock.ts'

export const ACCESS_KEY_ID = 'AKIAIOSFODNN7EXAMPLE'
export const SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'
export const TEMPORARY_ACCESS_KEY_ID = 'ASIAIOSFODNN7EXAMPLE'
export const SESSION_TOKEN = 'IQoJb3JpZ2luX2VjEXAMPLE/TOKEN+abc=='

export interface TestPrincipal {
  user: string
}

/** Long-term AKIA... -> alice; temporary ASIA... -> bob (with SESSION_TOKEN); anything else unknown. */
export function exampleLookup (overrides: Record<string, SigV4Credential<TestPrincipal> | undefined> = {}): CredentialLookup<TestPrincipal> {
  const credentials = new Map<string, SigV4Credential<TestPrincipal>>([
    [ACCESS_KEY_ID, { secretAccessKey: SECRET_ACCESS_KEY, principal: { user: 'alice' } }],
    [TEMPORARY_ACCESS_KEY_ID, { secretAccessKey: SECRET_ACCESS_KEY, sessionToken: SESSION_TOKEN, principal: { user: 'bob' } }]
  ])
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) credentials.delete(key)
    else credentials.set(key, value)
  }
  return async accessKeyId => credentials.get(accessKeyId)
}

export function fixedClock (nowMs: number): Clock {
  return { nowMs: () => nowMs }
}

type SourceData = string | ArrayBuffer | ArrayBufferView

function toBuffer (data: SourceData): Buffer {
  if (typeof data === 'string') return Buffer.from(data, 'utf8')
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength)
  return Buffer.from(data)
}

/** The Hash shape @smithy/signature-v4 takes (`sha256` option), backed by node:crypto. */
export class NodeSha256 {
  readonly #secret: SourceData | undefined
  #hash: HashLike | ReturnType<typeof createHmac>

  constructor (secret?: SourceData) {
    this.#secret = secret
    this.#hash = this.#fresh()
  }

  update (data: SourceData): void {
    this.#hash.update(toBuffer(data))
  }

  async digest (): Promise<Uint8Array> {
    return new Uint8Array(this.#hash.digest())
  }

  reset (): void {
    this.#hash = this.#fresh()
  }

  #fresh (): HashLike | ReturnType<typeof createHmac> {
    return this.#secret === undefined ? createHash('sha256') : createHmac('sha256', toBuffer(this.#secret))
  }
}
