// IAM's response shapes (User, Role, Policy, AttachedPolicy, AccessKeyMetadata) from the identity
// records, member for member as the IAM API model orders them: written as XML by the query API,
// and printed as JSON by `skiff iam --output json`, as the AWS CLI prints them. Policy documents are URL-encoded,
// as IAM returns them and as the AWS CLI and SDKs decode them.
import type { AccessKeySummary } from '../../security/identity-store.ts'
import type { ManagedPolicyRecord, RoleRecord, UserRecord } from '../../storage/catalog-identities.ts'
import { isoDate, type XmlObject } from '../query/xml.ts'

export function policyDocumentXml (document: string): string {
  return encodeURIComponent(document)
}

export function userShape (user: UserRecord): XmlObject {
  return { Path: user.path, UserName: user.userName, UserId: user.userId, Arn: user.arn, CreateDate: isoDate(user.createdAtMs) }
}

/** GetRole and CreateRole carry the trust policy; ListRoles does too, as IAM's does. */
export function roleShape (role: RoleRecord): XmlObject {
  return {
    Path: role.path,
    RoleName: role.roleName,
    RoleId: role.roleId,
    Arn: role.arn,
    CreateDate: isoDate(role.createdAtMs),
    AssumeRolePolicyDocument: policyDocumentXml(role.assumeRolePolicyDocument),
    Description: role.description === '' ? undefined : role.description,
    MaxSessionDuration: role.maxSessionDurationSec
  }
}

export function policyShape (policy: ManagedPolicyRecord): XmlObject {
  return {
    PolicyName: policy.policyName,
    PolicyId: policy.policyId,
    Arn: policy.arn,
    Path: policy.path,
    DefaultVersionId: policy.defaultVersionId,
    AttachmentCount: policy.attachmentCount,
    PermissionsBoundaryUsageCount: 0,
    IsAttachable: true,
    Description: policy.description === '' ? undefined : policy.description,
    CreateDate: isoDate(policy.createdAtMs),
    UpdateDate: isoDate(policy.updatedAtMs)
  }
}

export function attachedPolicyShape (policy: ManagedPolicyRecord): XmlObject {
  return { PolicyName: policy.policyName, PolicyArn: policy.arn }
}

export function accessKeyMetadataShape (key: AccessKeySummary): XmlObject {
  return { UserName: key.userName, AccessKeyId: key.accessKeyId, Status: key.status, CreateDate: isoDate(key.createdAtMs) }
}
