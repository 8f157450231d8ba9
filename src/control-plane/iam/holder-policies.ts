// What the user and role variants of the policy operations share (PutUserPolicy/PutRolePolicy,
// AttachUserPolicy/AttachRolePolicy ...): the holder named by UserName or RoleName, and the answers.
import type { PolicyHolderType } from '../../storage/catalog-identities.ts'
import { pageOf, pagingXml } from '../query/paging.ts'
import type { QueryOperationContext } from '../query/query-operation.ts'
import type { XmlObject } from '../query/xml.ts'
import { pathPrefixOf } from './iam-resources.ts'
import { attachedPolicyShape, policyDocumentXml } from './iam-shapes.ts'

export function holderNameParameter (holderType: PolicyHolderType): 'UserName' | 'RoleName' {
  return holderType === 'user' ? 'UserName' : 'RoleName'
}

export async function putInlinePolicy (context: QueryOperationContext, holderType: PolicyHolderType): Promise<undefined> {
  const { params } = context
  await context.store.policies.putInlinePolicy(context.accountId, holderType, params.required(holderNameParameter(holderType)),
    params.required('PolicyName'), params.required('PolicyDocument'))
  return undefined
}

export async function getInlinePolicy (context: QueryOperationContext, holderType: PolicyHolderType): Promise<XmlObject> {
  const nameParameter = holderNameParameter(holderType)
  const policy = await context.store.policies.getInlinePolicy(context.accountId, holderType, context.params.required(nameParameter),
    context.params.required('PolicyName'))
  return { [nameParameter]: policy.holderName, PolicyName: policy.policyName, PolicyDocument: policyDocumentXml(policy.document) }
}

export async function listInlinePolicies (context: QueryOperationContext, holderType: PolicyHolderType): Promise<XmlObject> {
  const names = await context.store.policies.listInlinePolicyNames(context.accountId, holderType, context.params.required(holderNameParameter(holderType)))
  const page = pageOf(names, context.params, name => name)
  return { PolicyNames: page.items, ...pagingXml(page) }
}

export async function deleteInlinePolicy (context: QueryOperationContext, holderType: PolicyHolderType): Promise<undefined> {
  await context.store.policies.deleteInlinePolicy(context.accountId, holderType, context.params.required(holderNameParameter(holderType)),
    context.params.required('PolicyName'))
  return undefined
}

export async function attachPolicy (context: QueryOperationContext, holderType: PolicyHolderType): Promise<undefined> {
  await context.store.policies.attachPolicy(context.accountId, holderType, context.params.required(holderNameParameter(holderType)),
    context.params.required('PolicyArn'))
  return undefined
}

export async function detachPolicy (context: QueryOperationContext, holderType: PolicyHolderType): Promise<undefined> {
  await context.store.policies.detachPolicy(context.accountId, holderType, context.params.required(holderNameParameter(holderType)),
    context.params.required('PolicyArn'))
  return undefined
}

export async function listAttachedPolicies (context: QueryOperationContext, holderType: PolicyHolderType): Promise<XmlObject> {
  const prefix = pathPrefixOf(context)
  const policies = (await context.store.policies.listAttachedPolicies(context.accountId, holderType, context.params.required(holderNameParameter(holderType))))
    .filter(policy => policy.path.startsWith(prefix))
  const page = pageOf(policies, context.params, policy => policy.policyName)
  return { AttachedPolicies: page.items.map(attachedPolicyShape), ...pagingXml(page) }
}
