// Runs the Catalog contract on the in-process MemoryCatalog.

import { runCatalogContract } from '../../../test/contracts/catalog.contract.ts'
import { MemoryCatalog } from './memory-catalog.ts'

runCatalogContract('memory', async () => new MemoryCatalog())
