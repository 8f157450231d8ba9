// IAM GetUser: the named user, or without UserName the calling user (an error for role sessions).
import { defineQueryOperation } from '../../query/query-operation.ts'
import { userNameOrCaller, userOrCallerResource } from '../iam-resources.ts'
import { userShape } from '../iam-shapes.ts'

export const getUser = defineQueryOperation({
  service: 'iam',
  action: 'GetUser',
  authorization: 'policy',
  isMutating: false,
  resource: userOrCallerResource,
  async run (context) {
    return { User: userShape(await context.store.getUser(context.accountId, userNameOrCaller(context))) }
  }
})
