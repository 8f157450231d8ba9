// IAM ListRolePolicies: the names of the role's inline policies, paged.
import { defineQueryOperation } from '../../query/query-operation.ts'
import { listInlinePolicies } from '../holder-policies.ts'
import { roleResource } from '../iam-resources.ts'

export const listRolePolicies = defineQueryOperation({
  service: 'iam',
  action: 'ListRolePolicies',
  authorization: 'policy',
  isMutating: false,
  resource: roleResource,
  run: async context => await listInlinePolicies(context, 'role')
})
