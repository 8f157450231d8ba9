// IAM ListUserPolicies: the names of the user's inline policies, paged.
import { defineQueryOperation } from '../../query/query-operation.ts'
import { listInlinePolicies } from '../holder-policies.ts'
import { userResource } from '../iam-resources.ts'

export const listUserPolicies = defineQueryOperation({
  service: 'iam',
  action: 'ListUserPolicies',
  authorization: 'policy',
  isMutating: false,
  resource: userResource,
  run: async context => await listInlinePolicies(context, 'user')
})
