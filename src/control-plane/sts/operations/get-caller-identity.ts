// STS GetCallerIdentity: the account, ARN and unique id of whoever signed the request; like AWS,
// it needs no permission.
import { defineQueryOperation } from '../../query/query-operation.ts'

export const getCallerIdentity = defineQueryOperation({
  service: 'sts',
  action: 'GetCallerIdentity',
  authorization: 'none',
  isMutating: false,
  async run ({ store, caller }) {
    const identity = store.getCallerIdentity(caller)
    return { UserId: identity.userId, Account: identity.account, Arn: identity.arn }
  }
})
