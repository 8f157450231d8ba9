// The request context IAM conditions read: global keys (aws:SourceIp, aws:PrincipalArn,
// aws:CurrentTime, aws:SecureTransport, aws:username, aws:userid, ...) and aws:ResourceTag/<key>,
// which MSK defines for the cluster resource only. Keys are case-insensitive, as in IAM.
import type { Principal } from '../identity.ts'
import type { KafkaResourceType } from './arn.ts'
import type { ContextLookup } from './wildcard.ts'

export type ContextValue = string | readonly string[]

/** The usual keys by name; `extra` adds any other key (e.g. aws:TagKeys, aws:RequestTag/env). */
export interface RequestContextInput {
  sourceIp?: string
  principalArn?: string
  principalAccount?: string
  /** `User`, `AssumedRole`, `Account` ... */
  principalType?: string
  /** aws:username, for IAM users. */
  username?: string
  /** aws:userid: the user id, or `<role id>:<session name>` for an assumed role. */
  userId?: string
  /** Sets aws:CurrentTime (ISO 8601) and aws:EpochTime (seconds). */
  currentTimeMs?: number
  isSecureTransport?: boolean
  /** The cluster's tags, seen as aws:ResourceTag/<key> when the resource is the cluster. */
  resourceTags?: Readonly<Record<string, string>>
  extra?: Readonly<Record<string, ContextValue>>
}

/** The keys that describe who signed a request: aws:PrincipalArn, aws:PrincipalAccount, aws:PrincipalType, aws:username, aws:userid. */
export function principalContext (principal: Principal): RequestContextInput {
  return {
    principalArn: principal.arn,
    principalAccount: principal.accountId,
    principalType: principal.kind === 'user' ? 'User' : 'AssumedRole',
    username: principal.kind === 'user' ? principal.name : undefined,
    userId: principal.userId
  }
}

const RESOURCE_TAG_PREFIX = 'aws:resourcetag/'

/** An immutable set of context keys; build one per request (or per connection, with the time refreshed). */
export class RequestContext {
  static readonly EMPTY = new RequestContext({})
  readonly #values: ReadonlyMap<string, readonly string[]>
  readonly #resourceTags: ReadonlyMap<string, readonly string[]>

  constructor (input: RequestContextInput) {
    const values = new Map<string, readonly string[]>()
    const set = (key: string, value: ContextValue | undefined) => {
      if (value !== undefined) values.set(key.toLowerCase(), Object.freeze(typeof value === 'string' ? [value] : [...value]))
    }
    set('aws:SourceIp', input.sourceIp)
    set('aws:PrincipalArn', input.principalArn)
    set('aws:PrincipalAccount', input.principalAccount)
    set('aws:PrincipalType', input.principalType)
    set('aws:username', input.username)
    set('aws:userid', input.userId)
    if (input.currentTimeMs !== undefined) {
      set('aws:CurrentTime', new Date(input.currentTimeMs).toISOString())
      set('aws:EpochTime', String(Math.floor(input.currentTimeMs / 1000)))
    }
    if (input.isSecureTransport !== undefined) set('aws:SecureTransport', String(input.isSecureTransport))
    for (const [key, value] of Object.entries(input.extra ?? {})) {
      if (key.toLowerCase().startsWith(RESOURCE_TAG_PREFIX)) throw new TypeError(`${key}: give resource tags as resourceTags`)
      set(key, value)
    }
    const resourceTags = new Map<string, readonly string[]>()
    for (const [tagKey, tagValue] of Object.entries(input.resourceTags ?? {})) {
      resourceTags.set(RESOURCE_TAG_PREFIX + tagKey.toLowerCase(), Object.freeze([tagValue]))
    }
    this.#values = values
    this.#resourceTags = resourceTags
  }

  /** A lookup for conditions; aws:ResourceTag/* is present only when the resource is the cluster (or unspecified). */
  lookupFor (resourceType?: KafkaResourceType): ContextLookup {
    const hasResourceTags = resourceType === undefined || resourceType === 'cluster'
    return key => {
      const values = this.#values.get(key)
      if (values !== undefined || !hasResourceTags) return values
      return this.#resourceTags.get(key)
    }
  }
}
