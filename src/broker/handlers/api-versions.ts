// ApiVersions (key 18), v0-4. Lists exactly the handlers this node serves (the dispatcher's list).
// An unsupported ApiVersions version is answered by the connection with v0 and UNSUPPORTED_VERSION.
import { ApiVersionsApi } from '../../protocol/messages/api-versions.ts'
import { defineHandler } from '../handler.ts'

export const apiVersionsHandler = defineHandler({
  api: ApiVersionsApi,
  versions: { min: 0, max: 4 },
  async handle (_request, { services }) {
    return {
      errorCode: 0,
      apiKeys: services.supportedApis(),
      throttleTimeMs: 0,
      supportedFeatures: [],
      finalizedFeaturesEpoch: -1,
      finalizedFeatures: [],
      zkMigrationReady: false
    }
  }
})
