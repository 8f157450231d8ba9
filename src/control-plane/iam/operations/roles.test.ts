// IAM CreateRole, GetRole, ListRoles, DeleteRole and the role policy operations through handleQueryRequest.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { errorOf, startQueryApi } from '../../../../test/helpers/query-api.ts'

function trustAccount (accountId: string): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${accountId}:root` }, Action: 'sts:AssumeRole' }] })
}

describe('IAM roles', () => {
  it('CreateRole answers the role with its URL-encoded trust policy; GetRole and ListRoles show it', async () => {
    const api = await startQueryApi()
    const trust = trustAccount(api.accountId)
    const created = await api.call({ Action: 'CreateRole', RoleName: 'producer', AssumeRolePolicyDocument: trust, Description: 'writes', MaxSessionDuration: '7200' })
    assert.equal(created.statusCode, 200, created.body)
    assert.deepEqual([created.text('RoleName'), created.text('Arn'), created.text('MaxSessionDuration'), created.text('Description')],
      ['producer', `arn:aws:iam::${api.accountId}:role/producer`, '7200', 'writes'])
    assert.match(created.text('RoleId'), /^AROA[A-Z2-7]{17}$/)
    assert.equal(created.text('AssumeRolePolicyDocument'), encodeURIComponent(trust))
    assert.equal((await api.call({ Action: 'GetRole', RoleName: 'producer' })).text('RoleId'), created.text('RoleId'))
    assert.deepEqual((await api.call({ Action: 'ListRoles' })).texts('RoleName'), ['producer'])
    assert.equal(errorOf(await api.call({ Action: 'CreateRole', RoleName: 'producer', AssumeRolePolicyDocument: trust })).code, 'EntityAlreadyExists')
    assert.equal(errorOf(await api.call({ Action: 'GetRole', RoleName: 'nobody' })).statusCode, 404)
  })

  it('CreateRole refuses a trust policy without a Principal and an out-of-range MaxSessionDuration', async () => {
    const api = await startQueryApi()
    const noPrincipal = errorOf(await api.call({ Action: 'CreateRole', RoleName: 'r', AssumeRolePolicyDocument: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole"}]}' }))
    assert.deepEqual([noPrincipal.statusCode, noPrincipal.code], [400, 'MalformedPolicyDocument'])
    assert.match(noPrincipal.message, /Principal/)
    const duration = errorOf(await api.call({ Action: 'CreateRole', RoleName: 'r', AssumeRolePolicyDocument: trustAccount(api.accountId), MaxSessionDuration: '60' }))
    assert.deepEqual([duration.statusCode, duration.code], [400, 'ValidationError'])
  })

  it('role policies: Put/Get/List/DeleteRolePolicy, Attach/Detach/ListAttachedRolePolicies; DeleteRole waits for them', async () => {
    const api = await startQueryApi()
    await api.call({ Action: 'CreateRole', RoleName: 'producer', AssumeRolePolicyDocument: trustAccount(api.accountId) })
    const document = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kafka-cluster:*","Resource":"*"}]}'
    assert.equal((await api.call({ Action: 'PutRolePolicy', RoleName: 'producer', PolicyName: 'kafka', PolicyDocument: document })).statusCode, 200)
    const got = await api.call({ Action: 'GetRolePolicy', RoleName: 'producer', PolicyName: 'kafka' })
    assert.deepEqual([got.text('RoleName'), decodeURIComponent(got.text('PolicyDocument'))], ['producer', document])
    assert.deepEqual((await api.call({ Action: 'ListRolePolicies', RoleName: 'producer' })).texts('member'), ['kafka'])
    const policyArn = (await api.call({ Action: 'CreatePolicy', PolicyName: 'extra', PolicyDocument: document })).text('Arn')
    assert.equal((await api.call({ Action: 'AttachRolePolicy', RoleName: 'producer', PolicyArn: policyArn })).statusCode, 200)
    assert.deepEqual((await api.call({ Action: 'ListAttachedRolePolicies', RoleName: 'producer' })).texts('PolicyArn'), [policyArn])

    const conflict = errorOf(await api.call({ Action: 'DeleteRole', RoleName: 'producer' }))
    assert.deepEqual([conflict.statusCode, conflict.code], [409, 'DeleteConflict'])
    assert.equal((await api.call({ Action: 'DetachRolePolicy', RoleName: 'producer', PolicyArn: policyArn })).statusCode, 200)
    assert.equal((await api.call({ Action: 'DeleteRolePolicy', RoleName: 'producer', PolicyName: 'kafka' })).statusCode, 200)
    assert.equal((await api.call({ Action: 'DeleteRole', RoleName: 'producer' })).statusCode, 200)
    assert.equal(errorOf(await api.call({ Action: 'DeleteRole', RoleName: 'producer' })).code, 'NoSuchEntity')
  })
})
