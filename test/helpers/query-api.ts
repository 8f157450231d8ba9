// The IAM and STS query APIs over an in-memory Catalog, called the way the AWS SDKs call them:
// form bodies signed by @smithy/signature-v4 and handed to handleQueryRequest. Starts with one
// account and an `admin` user allowed everything; a fake clock the tests can move.
import { SignatureV4 } from '@smithy/signature-v4'
import { silentLogger } from '../../src/common/logger.ts'
import { handleQueryRequest, type QueryHttpRequest, type QueryHttpResponse } from '../../src/control-plane/query/handle-query-request.ts'
import { Authorizer } from '../../src/security/authorizer.ts'
import { CatalogIdentityDirectory } from '../../src/security/catalog-identity-directory.ts'
import { IdentityStore } from '../../src/security/identity-store.ts'
import { SecretBox } from '../../src/security/secret-box.ts'
import { MemoryCatalog } from '../../src/storage/memory/memory-catalog.ts'
import { NodeSha256 } from './sigv4-credentials.ts'

export const ALLOW_ALL = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}'
export const HOST = '127.0.0.1:4599'

export interface Credentials {
  accessKeyId: string
  secretAccessKey: string
  sessionToken?: string
}

export interface CallOptions {
  credentials?: Credentials
  /** Default: sts for AssumeRole and GetCallerIdentity, else iam. */
  service?: string
  region?: string
  /** Changes the request after signing (tampering tests). */
  mutate?: (request: QueryHttpRequest) => QueryHttpRequest
  /** Leaves the request unsigned. */
  isUnsigned?: boolean
}

export interface QueryApiCall extends QueryHttpResponse {
  /** Inner texts of every `<name>` element, in document order. */
  texts: (name: string) => string[]
  /** The one `<name>` element's text; throws unless there is exactly one. */
  text: (name: string) => string
}

const STS_ACTIONS = new Set(['AssumeRole', 'GetCallerIdentity'])

/** Form-encodes as botocore does: `%20` for a space, `-_.~` left alone. */
export function formBody (params: Record<string, string>): string {
  return Object.entries(params).map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`.replace(/[!'()*]/g, c => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)).join('&')
}

export function xmlTexts (body: string, name: string): string[] {
  const texts: string[] = []
  for (const match of body.matchAll(new RegExp(`<${name}>([^<]*)</${name}>`, 'g'))) {
    texts.push((match[1] ?? '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&'))
  }
  return texts
}

export async function startQueryApi () {
  const catalog = new MemoryCatalog()
  let nowMs = Date.UTC(2026, 0, 15, 12, 0, 0)
  const clock = { nowMs: () => nowMs }
  const store = new IdentityStore({ catalog, secrets: new SecretBox(Buffer.alloc(32, 7)), clock })
  const { accountId } = await store.createAccount()
  const admin = await store.createUser(accountId, { userName: 'admin' })
  await store.policies.putInlinePolicy(accountId, 'user', 'admin', 'AdministratorAccess', ALLOW_ALL)
  const adminKey = await store.createAccessKey(accountId, 'admin')
  const adminCredentials: Credentials = { accessKeyId: adminKey.accessKeyId, secretAccessKey: adminKey.secretAccessKey }
  const authorizer = new Authorizer({ identities: new CatalogIdentityDirectory(store), logger: silentLogger })
  await authorizer.refresh()
  const deps = { store, authorizer, logger: silentLogger, region: 'us-east-1', clock }

  async function signedRequest (params: Record<string, string>, options: CallOptions): Promise<QueryHttpRequest> {
    const body = formBody(params)
    const headers = { host: HOST, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', 'content-length': String(Buffer.byteLength(body)) }
    if (options.isUnsigned === true) return { method: 'POST', path: '/', query: '', headers, body: Buffer.from(body) }
    const service = options.service ?? (STS_ACTIONS.has(params.Action ?? '') ? 'sts' : 'iam')
    const signer = new SignatureV4({ service, region: options.region ?? 'us-east-1', credentials: options.credentials ?? adminCredentials, sha256: NodeSha256 })
    const signed = await signer.sign({ method: 'POST', protocol: 'http:', hostname: '127.0.0.1', port: 4599, path: '/', headers, body }, { signingDate: new Date(nowMs) })
    return { method: 'POST', path: '/', query: '', headers: { ...signed.headers }, body: Buffer.from(body) }
  }

  async function call (params: Record<string, string>, options: CallOptions = {}): Promise<QueryApiCall> {
    const version = STS_ACTIONS.has(params.Action ?? '') ? '2011-06-15' : '2010-05-08'
    let request = await signedRequest({ Version: version, ...params }, options)
    if (options.mutate !== undefined) request = options.mutate(request)
    const response = await handleQueryRequest(request, deps)
    return {
      ...response,
      texts: name => xmlTexts(response.body, name),
      text: name => {
        const found = xmlTexts(response.body, name)
        if (found.length !== 1) throw new Error(`expected one <${name}> in ${response.body}`)
        return found[0] ?? ''
      }
    }
  }

  /** A user with an access key and the given inline policies. */
  async function addUser (userName: string, policies: string[] = []): Promise<Credentials> {
    await store.createUser(accountId, { userName })
    for (const [index, document] of policies.entries()) await store.policies.putInlinePolicy(accountId, 'user', userName, `p${index}`, document)
    const key = await store.createAccessKey(accountId, userName)
    await authorizer.refresh()
    return { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey }
  }

  return {
    catalog,
    store,
    authorizer,
    deps,
    accountId,
    admin,
    adminCredentials,
    call,
    signedRequest,
    addUser,
    advance: (ms: number) => { nowMs += ms },
    nowMs: () => nowMs
  }
}

export type QueryApi = Awaited<ReturnType<typeof startQueryApi>>

/** Asserts an `<ErrorResponse>` with this status, Type and Code; returns its Message. */
export function errorOf (response: QueryApiCall): { statusCode: number, type: string, code: string, message: string } {
  return { statusCode: response.statusCode, type: response.text('Type'), code: response.text('Code'), message: response.text('Message') }
}
