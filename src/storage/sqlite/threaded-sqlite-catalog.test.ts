// Runs the Catalog contract on the SQLite catalog in its worker thread, as the node uses it.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after } from 'node:test'
import { runCatalogContract, runCatalogReopenContract } from '../../../test/contracts/catalog.contract.ts'
import { openThreadedSqliteCatalog } from './threaded-sqlite-catalog.ts'

const root = mkdtempSync(join(tmpdir(), 'skiff-threaded-catalog-'))
after(() => rmSync(root, { recursive: true, force: true }))
let count = 0
const newPath = () => join(root, `catalog-${++count}`, 'catalog.db')

runCatalogContract('sqlite in a worker thread', async () => await openThreadedSqliteCatalog(newPath()))
runCatalogReopenContract('sqlite in a worker thread', async () => {
  const path = newPath()
  return async () => await openThreadedSqliteCatalog(path)
})
