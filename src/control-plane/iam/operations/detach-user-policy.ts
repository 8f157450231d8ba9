// IAM DetachUserPolicy: detaches a managed policy from the user; NoSuchEntity when it is not attached.
import { defineQueryOperation } from '../../query/query-operation.ts'
import { detachPolicy } from '../holder-policies.ts'
import { userResource } from '../iam-resources.ts'

export const detachUserPolicy = defineQueryOperation({
  service: 'iam',
  action: 'DetachUserPolicy',
  authorization: 'policy',
  isMutating: true,
  resource: userResource,
  run: async context => await detachPolicy(context, 'user')
})
