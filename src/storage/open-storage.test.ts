// openStorage picks backends from URLs: memory, sqlite + file (plain paths and file:// URLs).

import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { after, describe, it } from 'node:test'
import { isServiceError } from '../../test/contracts/object-store.contract.ts'
import { openEmbeddedStorage, openStorage } from './open-storage.ts'
import type { Storage } from './open-storage.ts'

const root = mkdtempSync(join(tmpdir(), 'skiff-open-storage-'))
after(() => rmSync(root, { recursive: true, force: true }))

async function roundTrip (storage: Storage): Promise<void> {
  try {
    await storage.catalog.createCluster({ clusterId: 'c', name: 'c', state: 'ACTIVE', createdAtMs: 0 })
    assert.equal((await storage.catalog.getCluster('c'))?.name, 'c')
    const location = await storage.objectStore.append([Buffer.from('hello')])
    assert.equal((await storage.objectStore.read(location.objectKey, location.position, 5)).toString(), 'hello')
  } finally {
    await storage.catalog.close()
    await storage.objectStore.close()
  }
}

describe('openStorage', () => {
  it('opens the memory backends for memory: URLs', async () => {
    await roundTrip(await openStorage({ catalogUrl: 'memory:', objectStoreUrl: 'memory:' }))
  })

  it('opens SQLite and segment files at plain paths', async () => {
    const dir = join(root, 'plain dir%20')
    await roundTrip(await openStorage({ catalogUrl: `sqlite:${dir}/catalog.db`, objectStoreUrl: `file:${dir}/objects` }))
    assert.ok(existsSync(join(dir, 'catalog.db')))
    assert.ok(existsSync(join(dir, 'objects', 'segments')))
  })

  it('accepts file:// URLs, percent-decoded', async () => {
    const dir = join(root, 'url dir')
    const url = pathToFileURL(dir).href
    assert.ok(url.includes('%20'))
    await roundTrip(await openStorage({ catalogUrl: `sqlite:${url.slice('file:'.length)}/catalog.db`, objectStoreUrl: `${url}/objects` }))
    assert.ok(existsSync(join(dir, 'catalog.db')))
    assert.ok(existsSync(join(dir, 'objects', 'segments')))
  })

  it('refuses unknown or not yet available backends with CONFIG_INVALID', async () => {
    await assert.rejects(openStorage({ catalogUrl: 'redis://x', objectStoreUrl: 'memory:' }), isServiceError('CONFIG_INVALID'))
    await assert.rejects(openStorage({ catalogUrl: 'postgres://x/db', objectStoreUrl: 'memory:' }), isServiceError('CONFIG_INVALID'))
    await assert.rejects(openStorage({ catalogUrl: 'memory:', objectStoreUrl: 's3://bucket' }), isServiceError('CONFIG_INVALID'))
    await assert.rejects(openStorage({ catalogUrl: 'sqlite:', objectStoreUrl: 'memory:' }), isServiceError('CONFIG_INVALID'))
    await assert.rejects(openStorage({ catalogUrl: '/just/a/path', objectStoreUrl: 'memory:' }), isServiceError('CONFIG_INVALID'))
  })

  it('opens the embedded pair in one data directory', async () => {
    const dir = join(root, 'data')
    await roundTrip(await openEmbeddedStorage(dir))
    assert.ok(existsSync(join(dir, 'catalog.db')))
    assert.ok(existsSync(join(dir, 'objects', 'segments')))
  })
})
