// IAM DeleteUser: DeleteConflict while the user still has access keys or policies, as IAM refuses.
import { defineQueryOperation } from '../../query/query-operation.ts'
import { userResource } from '../iam-resources.ts'

export const deleteUser = defineQueryOperation({
  service: 'iam',
  action: 'DeleteUser',
  authorization: 'policy',
  isMutating: true,
  resource: userResource,
  async run ({ params, store, accountId }) {
    await store.deleteUser(accountId, params.required('UserName'))
    return undefined
  }
})
