// IAM PutRolePolicy: creates or replaces an inline policy of the role (its sessions' permissions);
// validated, 10240 characters in all.
import { defineQueryOperation } from '../../query/query-operation.ts'
import { putInlinePolicy } from '../holder-policies.ts'
import { roleResource } from '../iam-resources.ts'

export const putRolePolicy = defineQueryOperation({
  service: 'iam',
  action: 'PutRolePolicy',
  authorization: 'policy',
  isMutating: true,
  resource: roleResource,
  run: async context => await putInlinePolicy(context, 'role')
})
