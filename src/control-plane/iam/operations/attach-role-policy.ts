// IAM AttachRolePolicy: attaches a managed policy of the account to the role (LimitExceeded beyond 10).
import { defineQueryOperation } from '../../query/query-operation.ts'
import { attachPolicy } from '../holder-policies.ts'
import { roleResource } from '../iam-resources.ts'

export const attachRolePolicy = defineQueryOperation({
  service: 'iam',
  action: 'AttachRolePolicy',
  authorization: 'policy',
  isMutating: true,
  resource: roleResource,
  run: async context => await attachPolicy(context, 'role')
})
