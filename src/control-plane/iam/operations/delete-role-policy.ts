// IAM DeleteRolePolicy: removes an inline policy of the role.
import { defineQueryOperation } from '../../query/query-operation.ts'
import { deleteInlinePolicy } from '../holder-policies.ts'
import { roleResource } from '../iam-resources.ts'

export const deleteRolePolicy = defineQueryOperation({
  service: 'iam',
  action: 'DeleteRolePolicy',
  authorization: 'policy',
  isMutating: true,
  resource: roleResource,
  run: async context => await deleteInlinePolicy(context, 'role')
})
