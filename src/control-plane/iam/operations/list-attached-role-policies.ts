// IAM ListAttachedRolePolicies: the managed policies attached to the role, filtered by PathPrefix, paged.
import { defineQueryOperation } from '../../query/query-operation.ts'
import { listAttachedPolicies } from '../holder-policies.ts'
import { roleResource } from '../iam-resources.ts'

export const listAttachedRolePolicies = defineQueryOperation({
  service: 'iam',
  action: 'ListAttachedRolePolicies',
  authorization: 'policy',
  isMutating: false,
  resource: roleResource,
  run: async context => await listAttachedPolicies(context, 'role')
})
