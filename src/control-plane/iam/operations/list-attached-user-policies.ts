// IAM ListAttachedUserPolicies: the managed policies attached to the user (name and ARN), filtered by
// PathPrefix, paged.
import { defineQueryOperation } from '../../query/query-operation.ts'
import { listAttachedPolicies } from '../holder-policies.ts'
import { userResource } from '../iam-resources.ts'

export const listAttachedUserPolicies = defineQueryOperation({
  service: 'iam',
  action: 'ListAttachedUserPolicies',
  authorization: 'policy',
  isMutating: false,
  resource: userResource,
  run: async context => await listAttachedPolicies(context, 'user')
})
