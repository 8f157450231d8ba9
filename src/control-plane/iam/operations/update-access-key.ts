// IAM UpdateAccessKey: Status Active or Inactive; an inactive key signs nothing until reactivated.
import { defineQueryOperation } from '../../query/query-operation.ts'
import { userNameOrCaller, userOrCallerResource } from '../iam-resources.ts'
import type { AccessKeyStatus } from '../../../storage/catalog-identities.ts'

export const updateAccessKey = defineQueryOperation({
  service: 'iam',
  action: 'UpdateAccessKey',
  authorization: 'policy',
  isMutating: true,
  resource: userOrCallerResource,
  async run (context) {
    const { params } = context
    const status = params.required('Status') as AccessKeyStatus
    await context.store.updateAccessKey(context.accountId, userNameOrCaller(context), params.required('AccessKeyId'), status)
    return undefined
  }
})
