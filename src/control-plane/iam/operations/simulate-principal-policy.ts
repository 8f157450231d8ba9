// IAM SimulatePrincipalPolicy: how the identity policies of a user or role of the account decide
// each action on each resource (kafka-cluster:WriteData on a topic ARN, kafka:CreateClusterV2 ...),
// with Kafka's implication step for kafka-cluster actions, as the broker decides them. It is the API
// side of "explain a decision"; `skiff iam explain` prints the same decision as one line.
// ContextEntries and caller-supplied policies (PolicyInputList) are not supported.
import { ServiceError } from '../../../common/errors.ts'
import { compilePolicy } from '../../../security/iam/compiled-policy.ts'
import { authorizeKafkaAction } from '../../../security/iam/kafka-actions.ts'
import { PolicySet, type Decision } from '../../../security/iam/policy-evaluator.ts'
import type { Principal } from '../../../security/identity.ts'
import { defineQueryOperation, type QueryOperationContext } from '../../query/query-operation.ts'
import type { XmlObject } from '../../query/xml.ts'

const EVAL_DECISION: Record<Decision['reason'], string> = { allowed: 'allowed', 'explicit-deny': 'explicitDeny', 'implicit-deny': 'implicitDeny' }

async function principalOf (context: QueryOperationContext, arn: string): Promise<Principal> {
  const match = /^arn:aws:iam::(\d{12}):(user|role)\/(?:[\x21-\x7e]*\/)?([\w+=,.@-]+)$/.exec(arn)
  if (match === null || match[1] !== context.accountId) {
    throw new ServiceError('IAM_INVALID_INPUT', `PolicySourceArn '${arn}' is not a user or role of account ${context.accountId}`)
  }
  const [, accountId, kind, name] = match as unknown as [string, string, 'user' | 'role', string]
  if (kind === 'user') return context.store.userPrincipal(await context.store.getUser(accountId, name))
  const role = await context.store.getRole(accountId, name)
  return { accountId, arn: role.arn, userId: role.roleId, name: role.roleName, kind: 'assumed-role' }
}

export const simulatePrincipalPolicy = defineQueryOperation({
  service: 'iam',
  action: 'SimulatePrincipalPolicy',
  authorization: 'policy',
  isMutating: false,
  resource: () => '*',
  run: async context => {
    const { params, store } = context
    params.refuseUnsupported(['PolicyInputList', 'PermissionsBoundaryPolicyInputList', 'ContextEntries', 'ResourcePolicy', 'CallerArn'],
      "simulations use the principal's stored identity policies only")
    const principal = await principalOf(context, params.required('PolicySourceArn'))
    const actions = params.list('ActionNames')
    if (actions.length === 0) throw new ServiceError('IAM_INVALID_INPUT', 'ActionNames must name at least one action')
    const resources = params.list('ResourceArns')
    const policies = new PolicySet((await store.policiesOf(principal)).map(policy => compilePolicy(policy.name, policy.document)))
    const results: XmlObject[] = []
    for (const action of actions) {
      for (const resource of resources.length === 0 ? ['*'] : resources) {
        const decision = action.toLowerCase().startsWith('kafka-cluster:')
          ? authorizeKafkaAction(policies, { action, resource })
          : policies.evaluate({ action, resource })
        results.push({
          EvalActionName: action,
          EvalResourceName: resource,
          EvalDecision: EVAL_DECISION[decision.reason],
          MatchedStatements: 'statement' in decision
            ? [{ SourcePolicyId: decision.statement.policyName, SourcePolicyType: 'IAM Policy' }]
            : [],
          MissingContextValues: []
        })
      }
    }
    return { EvaluationResults: results, IsTruncated: false }
  }
})
