// Picks the Catalog and ObjectStore backends from URLs, in one place: the only module that
// imports the backends. `memory:` is for tests; `sqlite:<path>` with `file:<dir>` is embedded.

import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ServiceError } from '../common/errors.ts'
import type { Catalog } from './catalog.ts'
import type { ObjectStore } from './object-store.ts'
import { openFsObjectStore } from './fs/fs-object-store.ts'
import { MemoryCatalog } from './memory/memory-catalog.ts'
import { MemoryObjectStore } from './memory/memory-object-store.ts'
import { openThreadedSqliteCatalog } from './sqlite/threaded-sqlite-catalog.ts'

export interface StorageOptions {
  /** `memory:` or `sqlite:/path/to/catalog.db` (also `sqlite:relative/path`, `sqlite:///abs/path`). */
  catalogUrl: string
  /** `memory:` or `file:/path/to/dir` (also `file:relative/dir`, `file:///abs/dir`). */
  objectStoreUrl: string
}

export interface Storage {
  catalog: Catalog
  objectStore: ObjectStore
}

/**
 * The path of `sqlite:` and `file:` URLs. The part after the scheme is taken literally (config
 * writes `file:${dataDir}/objects`), unless it starts with `//`: then it is a URL (`file:///a%20b`).
 */
function pathOf (url: string, scheme: string): string {
  const rest = url.slice(scheme.length)
  const path = rest.startsWith('//') ? fileURLToPath(`file:${rest}`) : rest
  if (path === '') throw new ServiceError('CONFIG_INVALID', `${url}: a path is missing after '${scheme}'`)
  return path
}

function schemeOf (url: string): string {
  return /^[a-z][a-z0-9+.-]*:/i.exec(url)?.[0].toLowerCase() ?? ''
}

/** Opens the Catalog a URL names (the CLI needs no ObjectStore). */
export async function openCatalog (url: string): Promise<Catalog> {
  const scheme = schemeOf(url)
  switch (scheme) {
    case 'memory:': return new MemoryCatalog()
    case 'sqlite:': return await openThreadedSqliteCatalog(pathOf(url, scheme))
    case 'postgres:':
    case 'postgresql:':
      throw new ServiceError('CONFIG_INVALID', `${scheme} catalogs are not available yet; use sqlite: or memory:`)
    default:
      throw new ServiceError('CONFIG_INVALID', `unknown catalog URL '${url}': expected memory: or sqlite:<path>`)
  }
}

async function openObjectStore (url: string): Promise<ObjectStore> {
  const scheme = schemeOf(url)
  switch (scheme) {
    case 'memory:': return new MemoryObjectStore()
    case 'file:': return await openFsObjectStore(pathOf(url, scheme))
    case 's3:':
      throw new ServiceError('CONFIG_INVALID', 's3: object stores are not available yet; use file: or memory:')
    default:
      throw new ServiceError('CONFIG_INVALID', `unknown object store URL '${url}': expected memory: or file:<dir>`)
  }
}

/** Opens both backends; if the second fails, the first is closed again. */
export async function openStorage (options: StorageOptions): Promise<Storage> {
  const catalog = await openCatalog(options.catalogUrl)
  try {
    return { catalog, objectStore: await openObjectStore(options.objectStoreUrl) }
  } catch (error) {
    await catalog.close()
    throw error
  }
}

/** The embedded pair in one data directory: `<dataDir>/catalog.db` and `<dataDir>/objects`. */
export async function openEmbeddedStorage (dataDir: string): Promise<Storage> {
  const catalog = await openThreadedSqliteCatalog(join(dataDir, 'catalog.db'))
  try {
    return { catalog, objectStore: await openFsObjectStore(join(dataDir, 'objects')) }
  } catch (error) {
    await catalog.close()
    throw error
  }
}
