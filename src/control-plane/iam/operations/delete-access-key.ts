// IAM DeleteAccessKey: removes the user's key (default: the calling user's); it stops signing at once.
import { defineQueryOperation } from '../../query/query-operation.ts'
import { userNameOrCaller, userOrCallerResource } from '../iam-resources.ts'

export const deleteAccessKey = defineQueryOperation({
  service: 'iam',
  action: 'DeleteAccessKey',
  authorization: 'policy',
  isMutating: true,
  resource: userOrCallerResource,
  async run (context) {
    await context.store.deleteAccessKey(context.accountId, userNameOrCaller(context), context.params.required('AccessKeyId'))
    return undefined
  }
})
