// IAM DeleteRole: DeleteConflict while the role has inline or attached policies; the temporary
// keys of its sessions stop working with it.
import { defineQueryOperation } from '../../query/query-operation.ts'
import { roleResource } from '../iam-resources.ts'

export const deleteRole = defineQueryOperation({
  service: 'iam',
  action: 'DeleteRole',
  authorization: 'policy',
  isMutating: true,
  resource: roleResource,
  async run ({ params, store, accountId }) {
    await store.deleteRole(accountId, params.required('RoleName'))
    return undefined
  }
})
