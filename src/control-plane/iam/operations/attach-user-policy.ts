// IAM AttachUserPolicy: attaches a managed policy of the account to the user (LimitExceeded beyond 10).
import { defineQueryOperation } from '../../query/query-operation.ts'
import { attachPolicy } from '../holder-policies.ts'
import { userResource } from '../iam-resources.ts'

export const attachUserPolicy = defineQueryOperation({
  service: 'iam',
  action: 'AttachUserPolicy',
  authorization: 'policy',
  isMutating: true,
  resource: userResource,
  run: async context => await attachPolicy(context, 'user')
})
