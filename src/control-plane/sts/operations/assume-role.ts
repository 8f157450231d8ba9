// STS AssumeRole: temporary credentials (ASIA key, secret, session token, Expiration) for a session
// of the role. Authorised by the role's trust policy (and the caller's own policies when the trust
// names only the account), in IdentityStore.assumeRole. Like STS, an unknown role is answered
// AccessDenied, so callers cannot probe for roles. Session policies, tags, MFA and source identity
// are refused rather than ignored; ExternalId is accepted, and a trust condition on it never matches.
import { ServiceError } from '../../../common/errors.ts'
import { QueryError } from '../../query/query-errors.ts'
import { defineQueryOperation } from '../../query/query-operation.ts'
import { isoDate } from '../../query/xml.ts'

export const assumeRole = defineQueryOperation({
  service: 'sts',
  action: 'AssumeRole',
  authorization: 'operation',
  isMutating: true,
  async run ({ params, store, caller }) {
    params.refuseUnsupported(['Policy', 'PolicyArns', 'Tags', 'TransitiveTagKeys', 'SerialNumber', 'TokenCode', 'SourceIdentity'],
      'session policies, session tags, MFA and source identity are not implemented; the session gets exactly the role\'s permissions')
    const roleArn = params.required('RoleArn')
    const roleSessionName = params.required('RoleSessionName')
    const durationSec = params.integer('DurationSeconds', 900, 43200)
    try {
      const session = await store.assumeRole(caller, { roleArn, roleSessionName, durationSec })
      return {
        Credentials: {
          AccessKeyId: session.accessKeyId,
          SecretAccessKey: session.secretAccessKey,
          SessionToken: session.sessionToken,
          Expiration: isoDate(session.expiresAtMs)
        },
        AssumedRoleUser: { AssumedRoleId: session.assumedRoleId, Arn: session.assumedRoleArn }
      }
    } catch (error) {
      if (error instanceof ServiceError && error.code === 'IAM_NO_SUCH_ENTITY') {
        throw new QueryError('AccessDenied', 403, `User: ${caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`)
      }
      throw error
    }
  }
})
