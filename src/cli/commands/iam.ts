// `skiff iam`: operators manage the deployment's users, access keys and policies directly in the
// data directory's Catalog, with the AWS CLI's option names (`--user-name`, `--policy-document
// file://...`), and ask why a request would be allowed or denied (`skiff iam explain`).
import type { Command } from 'commander'
import { compilePolicy } from '../../security/iam/compiled-policy.ts'
import { PolicySet, explainDecision } from '../../security/iam/policy-evaluator.ts'
import { ADMIN_PROFILE } from '../../security/bootstrap-identities.ts'
import { accessKeyMetadataShape, policyShape, userShape } from '../../control-plane/iam/iam-shapes.ts'
import { isoDate } from '../../control-plane/query/xml.ts'
import { type IamOptions, readPolicyDocument, table, withIdentities } from './iam-session.ts'

type Action<T> = (options: T & IamOptions) => Promise<void>

function subcommand<T> (parent: Command, name: string, description: string, action: Action<T>): Command {
  return parent
    .command(name)
    .description(description)
    .option('-d, --data-dir <dir>', 'data directory (default .skiff, env SKIFF_DATA_DIR)')
    .option('--output <format>', 'text or json', 'text')
    .action(action)
}

export function registerIamCommand (program: Command): void {
  const iam = program.command('iam').description('manage IAM users, access keys and policies in the data directory\'s catalog')

  subcommand(iam, 'bootstrap', 'create the first account and admin key if there are none; show where the admin credentials are', async options => {
    await withIdentities(options, async ({ accountId, credentialsFile, isCreated, print }) => {
      print({ Account: accountId, CredentialsFile: credentialsFile, Profile: ADMIN_PROFILE, Created: isCreated }, () =>
        `${isCreated ? 'Created account' : 'Account'} ${accountId}; the admin key is in ${credentialsFile} (profile ${ADMIN_PROFILE}).\n` +
        `Use it with: AWS_SHARED_CREDENTIALS_FILE=${credentialsFile} AWS_PROFILE=${ADMIN_PROFILE}\n`)
    })
  })

  subcommand<{ userName: string, path?: string }>(iam, 'create-user', 'create an IAM user', async options => {
    await withIdentities(options, async ({ store, accountId, print }) => {
      const user = await store.createUser(accountId, { userName: options.userName, path: options.path })
      print({ User: userShape(user) }, () => `Created user ${user.userName} (${user.arn})\n`)
    })
  }).requiredOption('--user-name <name>', 'the user\'s name').option('--path <path>', 'IAM path such as /team/ (default /)')

  subcommand(iam, 'list-users', 'list the IAM users', async options => {
    await withIdentities(options, async ({ store, accountId, print }) => {
      const users = await store.listUsers(accountId)
      print({ Users: users.map(userShape) }, () => table(['NAME', 'USER ID', 'CREATED', 'ARN'], users.map(user =>
        [user.userName, user.userId, isoDate(user.createdAtMs), user.arn])))
    })
  })

  subcommand<{ userName: string }>(iam, 'delete-user', 'delete an IAM user (its keys and policies must be gone first)', async options => {
    await withIdentities(options, async ({ store, accountId, print }) => {
      await store.deleteUser(accountId, options.userName)
      print({}, () => `Deleted user ${options.userName}\n`)
    })
  }).requiredOption('--user-name <name>', 'the user\'s name')

  subcommand<{ userName: string }>(iam, 'create-access-key', 'create an access key for a user; the secret is shown only now', async options => {
    await withIdentities(options, async ({ store, accountId, print }) => {
      const key = await store.createAccessKey(accountId, options.userName)
      print({ AccessKey: { ...accessKeyMetadataShape(key), SecretAccessKey: key.secretAccessKey } }, () =>
        `aws_access_key_id = ${key.accessKeyId}\naws_secret_access_key = ${key.secretAccessKey}\n(the secret is not shown again)\n`)
    })
  }).requiredOption('--user-name <name>', 'the user\'s name')

  subcommand<{ userName: string }>(iam, 'list-access-keys', 'list a user\'s access keys (never their secrets)', async options => {
    await withIdentities(options, async ({ store, accountId, print }) => {
      const keys = await store.listAccessKeys(accountId, options.userName)
      print({ AccessKeyMetadata: keys.map(accessKeyMetadataShape) }, () => table(['ACCESS KEY ID', 'STATUS', 'CREATED', 'LAST USED'], keys.map(key =>
        [key.accessKeyId, key.status, isoDate(key.createdAtMs), key.lastUsedAtMs === null ? '-' : isoDate(key.lastUsedAtMs)])))
    })
  }).requiredOption('--user-name <name>', 'the user\'s name')

  subcommand<{ userName: string, accessKeyId: string }>(iam, 'delete-access-key', 'delete a user\'s access key', async options => {
    await withIdentities(options, async ({ store, accountId, print }) => {
      await store.deleteAccessKey(accountId, options.userName, options.accessKeyId)
      print({}, () => `Deleted access key ${options.accessKeyId}\n`)
    })
  }).requiredOption('--user-name <name>', 'the user\'s name').requiredOption('--access-key-id <id>', 'the key')

  subcommand<{ userName: string, accessKeyId: string, status: string }>(iam, 'update-access-key', 'make a user\'s access key Active or Inactive', async options => {
    await withIdentities(options, async ({ store, accountId, print }) => {
      await store.updateAccessKey(accountId, options.userName, options.accessKeyId, options.status as 'Active' | 'Inactive')
      print({}, () => `Access key ${options.accessKeyId} is ${options.status}\n`)
    })
  }).requiredOption('--user-name <name>', 'the user\'s name').requiredOption('--access-key-id <id>', 'the key').requiredOption('--status <status>', 'Active or Inactive')

  registerPolicyCommands(iam)
}

function registerPolicyCommands (iam: Command): void {
  subcommand<{ userName: string, policyName: string, policyDocument: string }>(iam, 'put-user-policy', 'create or replace a user\'s inline policy', async options => {
    const document = await readPolicyDocument(options.policyDocument)
    await withIdentities(options, async ({ store, accountId, print }) => {
      await store.policies.putInlinePolicy(accountId, 'user', options.userName, options.policyName, document)
      print({}, () => `Put policy ${options.policyName} on user ${options.userName}\n`)
    })
  }).requiredOption('--user-name <name>', 'the user\'s name').requiredOption('--policy-name <name>', 'the inline policy\'s name')
    .requiredOption('--policy-document <json>', 'the policy JSON, or file://path')

  subcommand<{ userName: string, policyName: string }>(iam, 'get-user-policy', 'print a user\'s inline policy', async options => {
    await withIdentities(options, async ({ store, accountId, print }) => {
      const policy = await store.policies.getInlinePolicy(accountId, 'user', options.userName, options.policyName)
      print({ UserName: options.userName, PolicyName: policy.policyName, PolicyDocument: JSON.parse(policy.document) as unknown }, () =>
        `${JSON.stringify(JSON.parse(policy.document), null, 2)}\n`)
    })
  }).requiredOption('--user-name <name>', 'the user\'s name').requiredOption('--policy-name <name>', 'the inline policy\'s name')

  subcommand<{ userName: string }>(iam, 'list-user-policies', 'list the names of a user\'s inline policies', async options => {
    await withIdentities(options, async ({ store, accountId, print }) => {
      const names = await store.policies.listInlinePolicyNames(accountId, 'user', options.userName)
      print({ PolicyNames: names }, () => names.length === 0 ? '(none)\n' : names.map(name => `${name}\n`).join(''))
    })
  }).requiredOption('--user-name <name>', 'the user\'s name')

  subcommand<{ userName: string, policyName: string }>(iam, 'delete-user-policy', 'delete a user\'s inline policy', async options => {
    await withIdentities(options, async ({ store, accountId, print }) => {
      await store.policies.deleteInlinePolicy(accountId, 'user', options.userName, options.policyName)
      print({}, () => `Deleted policy ${options.policyName} of user ${options.userName}\n`)
    })
  }).requiredOption('--user-name <name>', 'the user\'s name').requiredOption('--policy-name <name>', 'the inline policy\'s name')

  subcommand<{ policyName: string, policyDocument: string, path?: string, description?: string }>(iam, 'create-policy', 'create a managed policy', async options => {
    const document = await readPolicyDocument(options.policyDocument)
    await withIdentities(options, async ({ store, accountId, print }) => {
      const policy = await store.policies.createPolicy(accountId, { policyName: options.policyName, path: options.path, description: options.description, document })
      print({ Policy: policyShape(policy) }, () => `Created policy ${policy.arn}\n`)
    })
  }).requiredOption('--policy-name <name>', 'the policy\'s name').requiredOption('--policy-document <json>', 'the policy JSON, or file://path')
    .option('--path <path>', 'IAM path (default /)').option('--description <text>', 'what the policy is for')

  subcommand(iam, 'list-policies', 'list the managed policies', async options => {
    await withIdentities(options, async ({ store, accountId, print }) => {
      const policies = await store.policies.listPolicies(accountId)
      print({ Policies: policies.map(policyShape) }, () => table(['NAME', 'ATTACHMENTS', 'ARN'], policies.map(policy =>
        [policy.policyName, String(policy.attachmentCount), policy.arn])))
    })
  })

  for (const verb of ['attach', 'detach'] as const) {
    subcommand<{ userName: string, policyArn: string }>(iam, `${verb}-user-policy`, `${verb} a managed policy ${verb === 'attach' ? 'to' : 'from'} a user`, async options => {
      await withIdentities(options, async ({ store, accountId, print }) => {
        if (verb === 'attach') await store.policies.attachPolicy(accountId, 'user', options.userName, options.policyArn)
        else await store.policies.detachPolicy(accountId, 'user', options.userName, options.policyArn)
        print({}, () => `${verb === 'attach' ? 'Attached' : 'Detached'} ${options.policyArn} ${verb === 'attach' ? 'to' : 'from'} user ${options.userName}\n`)
      })
    }).requiredOption('--user-name <name>', 'the user\'s name').requiredOption('--policy-arn <arn>', 'the managed policy\'s ARN')
  }

  subcommand<{ userName: string }>(iam, 'list-attached-user-policies', 'list the managed policies attached to a user', async options => {
    await withIdentities(options, async ({ store, accountId, print }) => {
      const policies = await store.policies.listAttachedPolicies(accountId, 'user', options.userName)
      print({ AttachedPolicies: policies.map(policy => ({ PolicyName: policy.policyName, PolicyArn: policy.arn })) }, () =>
        table(['NAME', 'ARN'], policies.map(policy => [policy.policyName, policy.arn])))
    })
  }).requiredOption('--user-name <name>', 'the user\'s name')

  subcommand<{ user: string, action: string, resource: string }>(iam, 'explain', 'say whether the user\'s policies allow an action on a resource, and why', async options => {
    await withIdentities(options, async ({ store, accountId, print }) => {
      const principal = store.userPrincipal(await store.getUser(accountId, options.user))
      const policies = new PolicySet((await store.policiesOf(principal)).map(policy => compilePolicy(policy.name, policy.document)))
      const decision = policies.evaluate({ action: options.action, resource: options.resource })
      const line = `${decision.isAllowed ? 'allowed' : 'denied'}: ${explainDecision(decision)}`
      print({ Principal: principal.arn, Action: decision.action, Resource: decision.resource, Allowed: decision.isAllowed, Reason: decision.reason, Explanation: line }, () => `${line}\n`)
    })
  }).requiredOption('--user <name>', 'the IAM user').requiredOption('--action <action>', 'e.g. kafka-cluster:WriteData')
    .requiredOption('--resource <arn>', 'e.g. arn:aws:kafka:us-east-1:123456789012:topic/my-cluster/<uuid>/user-events')
}
