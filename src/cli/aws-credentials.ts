// Credentials for the CLI's control-plane calls, found where AWS tools look: the AWS_ACCESS_KEY_ID /
// AWS_SECRET_ACCESS_KEY (/ AWS_SESSION_TOKEN) variables, else a profile (--profile, AWS_PROFILE,
// `default`) of the shared credentials file (AWS_SHARED_CREDENTIALS_FILE, ~/.aws/credentials).
import { existsSync, readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'

export interface AwsCredentials {
  accessKeyId: string
  secretAccessKey: string
  sessionToken?: string
}

export interface CredentialSource {
  env: NodeJS.ProcessEnv
  profile?: string
  credentialsFile?: string
}

/** Sections of an INI file by name, each a map of keys to values. */
export function parseIni (text: string): Map<string, Map<string, string>> {
  const sections = new Map<string, Map<string, string>>()
  let current: Map<string, string> | undefined
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim()
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue
    const section = /^\[\s*(?:profile\s+)?([^\]]+?)\s*\]$/.exec(line)
    if (section !== null) {
      current = new Map()
      sections.set(section[1]!, current)
      continue
    }
    const equals = line.indexOf('=')
    if (equals === -1 || current === undefined) continue
    current.set(line.slice(0, equals).trim().toLowerCase(), line.slice(equals + 1).trim())
  }
  return sections
}

/** The credentials to sign with, or an Error saying where they were looked for. */
export function resolveCredentials (source: CredentialSource): AwsCredentials {
  const { env } = source
  const accessKeyId = env.AWS_ACCESS_KEY_ID
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY
  if (source.profile === undefined && accessKeyId !== undefined && accessKeyId !== '' && secretAccessKey !== undefined && secretAccessKey !== '') {
    const sessionToken = env.AWS_SESSION_TOKEN
    return sessionToken === undefined || sessionToken === '' ? { accessKeyId, secretAccessKey } : { accessKeyId, secretAccessKey, sessionToken }
  }
  const file = source.credentialsFile ?? env.AWS_SHARED_CREDENTIALS_FILE ?? join(homedir(), '.aws', 'credentials')
  const profile = source.profile ?? env.AWS_PROFILE ?? 'default'
  if (!existsSync(file)) {
    throw new Error(`no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or create profile ${profile} in ${file}`)
  }
  const section = parseIni(readFileSync(file, 'utf8')).get(profile)
  const fileKeyId = section?.get('aws_access_key_id')
  const fileSecret = section?.get('aws_secret_access_key')
  if (fileKeyId === undefined || fileSecret === undefined) {
    throw new Error(`profile ${profile} in ${file} has no aws_access_key_id and aws_secret_access_key`)
  }
  const sessionToken = section?.get('aws_session_token')
  return sessionToken === undefined ? { accessKeyId: fileKeyId, secretAccessKey: fileSecret } : { accessKeyId: fileKeyId, secretAccessKey: fileSecret, sessionToken }
}
