// IAM PutUserPolicy: creates or replaces an inline policy of the user; the document is validated
// (MalformedPolicyDocument) and the user's inline policies may total 2048 characters without white space
// (LimitExceeded).
import { defineQueryOperation } from '../../query/query-operation.ts'
import { putInlinePolicy } from '../holder-policies.ts'
import { userResource } from '../iam-resources.ts'

export const putUserPolicy = defineQueryOperation({
  service: 'iam',
  action: 'PutUserPolicy',
  authorization: 'policy',
  isMutating: true,
  resource: userResource,
  run: async context => await putInlinePolicy(context, 'user')
})
