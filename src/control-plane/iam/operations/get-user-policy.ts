// IAM GetUserPolicy: the inline policy's document, URL-encoded as IAM returns it.
import { defineQueryOperation } from '../../query/query-operation.ts'
import { getInlinePolicy } from '../holder-policies.ts'
import { userResource } from '../iam-resources.ts'

export const getUserPolicy = defineQueryOperation({
  service: 'iam',
  action: 'GetUserPolicy',
  authorization: 'policy',
  isMutating: false,
  resource: userResource,
  run: async context => await getInlinePolicy(context, 'user')
})
