// IAM ListRoles: the account's roles by name, filtered by PathPrefix, paged.
import { pageOf, pagingXml } from '../../query/paging.ts'
import { defineQueryOperation } from '../../query/query-operation.ts'
import { ANY_RESOURCE, pathPrefixOf } from '../iam-resources.ts'
import { roleShape } from '../iam-shapes.ts'

export const listRoles = defineQueryOperation({
  service: 'iam',
  action: 'ListRoles',
  authorization: 'policy',
  isMutating: false,
  resource: ANY_RESOURCE,
  async run (context) {
    const roles = await context.store.listRoles(context.accountId, pathPrefixOf(context))
    const page = pageOf(roles, context.params, role => role.roleName)
    return { Roles: page.items.map(roleShape), ...pagingXml(page) }
  }
})
