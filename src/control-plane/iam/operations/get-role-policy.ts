// IAM GetRolePolicy: the role's inline policy document, URL-encoded as IAM returns it.
import { defineQueryOperation } from '../../query/query-operation.ts'
import { getInlinePolicy } from '../holder-policies.ts'
import { roleResource } from '../iam-resources.ts'

export const getRolePolicy = defineQueryOperation({
  service: 'iam',
  action: 'GetRolePolicy',
  authorization: 'policy',
  isMutating: false,
  resource: roleResource,
  run: async context => await getInlinePolicy(context, 'role')
})
