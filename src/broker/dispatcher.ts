// Routes a request to the handler of its API key and version. The ApiVersions answer is built
// from the same handler list, so Skiff cannot advertise what it does not serve.
import type { AnyHandler } from './handler.ts'

export interface SupportedApi {
  apiKey: number
  minVersion: number
  maxVersion: number
}

export class Dispatcher {
  readonly #handlers = new Map<number, AnyHandler>()

  constructor (handlers: readonly AnyHandler[]) {
    for (const handler of handlers) {
      const { api, versions } = handler
      if (this.#handlers.has(api.apiKey)) throw new Error(`two handlers for API key ${api.apiKey}`)
      if (versions.min < api.minVersion || versions.max > api.maxVersion) {
        throw new Error(`${api.name} handler versions ${versions.min}-${versions.max} exceed the codec's ${api.minVersion}-${api.maxVersion}`)
      }
      this.#handlers.set(api.apiKey, handler)
    }
  }

  /** The handler serving this API key at this version, if any. */
  handlerFor (apiKey: number, apiVersion: number): AnyHandler | undefined {
    const handler = this.#handlers.get(apiKey)
    if (handler === undefined) return undefined
    return apiVersion >= handler.versions.min && apiVersion <= handler.versions.max ? handler : undefined
  }

  supportedApis (): SupportedApi[] {
    return [...this.#handlers.values()]
      .map(({ api, versions }) => ({ apiKey: api.apiKey, minVersion: versions.min, maxVersion: versions.max }))
      .sort((a, b) => a.apiKey - b.apiKey)
  }
}
