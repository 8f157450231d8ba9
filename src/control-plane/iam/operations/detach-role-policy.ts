// IAM DetachRolePolicy: detaches a managed policy from the role; NoSuchEntity when it is not attached.
import { defineQueryOperation } from '../../query/query-operation.ts'
import { detachPolicy } from '../holder-policies.ts'
import { roleResource } from '../iam-resources.ts'

export const detachRolePolicy = defineQueryOperation({
  service: 'iam',
  action: 'DetachRolePolicy',
  authorization: 'policy',
  isMutating: true,
  resource: roleResource,
  run: async context => await detachPolicy(context, 'role')
})
