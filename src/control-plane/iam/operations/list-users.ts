// IAM ListUsers: the account's users by name, filtered by PathPrefix, paged with Marker/MaxItems.
import { pageOf, pagingXml } from '../../query/paging.ts'
import { defineQueryOperation } from '../../query/query-operation.ts'
import { ANY_RESOURCE, pathPrefixOf } from '../iam-resources.ts'
import { userShape } from '../iam-shapes.ts'

export const listUsers = defineQueryOperation({
  service: 'iam',
  action: 'ListUsers',
  authorization: 'policy',
  isMutating: false,
  resource: ANY_RESOURCE,
  async run (context) {
    const users = await context.store.listUsers(context.accountId, pathPrefixOf(context))
    const page = pageOf(users, context.params, user => user.userName)
    return { Users: page.items.map(userShape), ...pagingXml(page) }
  }
})
