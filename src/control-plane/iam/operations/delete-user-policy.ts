// IAM DeleteUserPolicy: removes an inline policy of the user.
import { defineQueryOperation } from '../../query/query-operation.ts'
import { deleteInlinePolicy } from '../holder-policies.ts'
import { userResource } from '../iam-resources.ts'

export const deleteUserPolicy = defineQueryOperation({
  service: 'iam',
  action: 'DeleteUserPolicy',
  authorization: 'policy',
  isMutating: true,
  resource: userResource,
  run: async context => await deleteInlinePolicy(context, 'user')
})
