// The ARN an IAM operation's action is checked on, as IAM checks it: the user's or role's real ARN
// (with its path) when it exists, else the one it would have; the caller's own user when an
// operation that allows it omits UserName.
import { ServiceError } from '../../common/errors.ts'
import { iamRoleArn, iamUserArn } from '../../security/iam/control-plane-actions.ts'
import { validationError } from '../query/query-errors.ts'
import type { QueryOperationContext } from '../query/query-operation.ts'

function isNoSuchEntity (error: unknown): boolean {
  return error instanceof ServiceError && error.code === 'IAM_NO_SUCH_ENTITY'
}

export async function userArnOf (context: QueryOperationContext, userName: string): Promise<string> {
  try {
    return (await context.store.getUser(context.accountId, userName)).arn
  } catch (error) {
    if (isNoSuchEntity(error)) return iamUserArn(context.accountId, userName)
    throw error
  }
}

export async function roleArnOf (context: QueryOperationContext, roleName: string): Promise<string> {
  try {
    return (await context.store.getRole(context.accountId, roleName)).arn
  } catch (error) {
    if (isNoSuchEntity(error)) return iamRoleArn(context.accountId, roleName)
    throw error
  }
}

/** UserName, or the calling user's name when it is omitted (CreateAccessKey, ListAccessKeys, GetUser ...). */
export function userNameOrCaller (context: QueryOperationContext): string {
  const userName = context.params.optional('UserName')
  if (userName !== undefined) return userName
  if (context.caller.kind !== 'user') throw validationError('Must specify userName when calling with non-User credentials')
  return context.caller.name
}

export async function userResource (context: QueryOperationContext): Promise<string> {
  return await userArnOf(context, context.params.required('UserName'))
}

export async function userOrCallerResource (context: QueryOperationContext): Promise<string> {
  return context.params.optional('UserName') === undefined && context.caller.kind === 'user'
    ? context.caller.arn
    : await userArnOf(context, userNameOrCaller(context))
}

export async function roleResource (context: QueryOperationContext): Promise<string> {
  return await roleArnOf(context, context.params.required('RoleName'))
}

export function policyResource (context: QueryOperationContext): string {
  return context.params.required('PolicyArn')
}

export const ANY_RESOURCE = (): string => '*'

/** Path filters of the List* operations: `/` or `/a/b/`-style prefixes. */
export function pathPrefixOf (context: QueryOperationContext): string {
  const prefix = context.params.optional('PathPrefix') ?? '/'
  if (!prefix.startsWith('/') || prefix.length > 512) throw validationError(`PathPrefix '${prefix.slice(0, 64)}' must start with / and be at most 512 characters`)
  return prefix
}
