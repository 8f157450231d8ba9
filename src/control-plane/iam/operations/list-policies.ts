// IAM ListPolicies: the account's managed policies (Scope Local or All; Skiff has no AWS managed
// policies, so Scope AWS lists none), OnlyAttached, PathPrefix, paged.
import { pageOf, pagingXml } from '../../query/paging.ts'
import { validationError } from '../../query/query-errors.ts'
import { defineQueryOperation } from '../../query/query-operation.ts'
import { ANY_RESOURCE, pathPrefixOf } from '../iam-resources.ts'
import { policyShape } from '../iam-shapes.ts'

export const listPolicies = defineQueryOperation({
  service: 'iam',
  action: 'ListPolicies',
  authorization: 'policy',
  isMutating: false,
  resource: ANY_RESOURCE,
  async run (context) {
    const { params } = context
    const scope = params.optional('Scope') ?? 'All'
    if (scope !== 'All' && scope !== 'AWS' && scope !== 'Local') throw validationError(`Scope '${scope}' must be All, AWS or Local`)
    const usage = params.optional('PolicyUsageFilter') ?? 'PermissionsPolicy'
    if (usage !== 'PermissionsPolicy' && usage !== 'PermissionsBoundary') throw validationError(`PolicyUsageFilter '${usage}' must be PermissionsPolicy or PermissionsBoundary`)
    const isOnlyAttached = params.boolean('OnlyAttached') ?? false
    const pathPrefix = pathPrefixOf(context)
    const policies = scope === 'AWS' || usage === 'PermissionsBoundary'
      ? []
      : await context.store.policies.listPolicies(context.accountId, { isOnlyAttached, pathPrefix })
    const page = pageOf(policies, params, policy => policy.policyName)
    return { Policies: page.items.map(policyShape), ...pagingXml(page) }
  }
})
