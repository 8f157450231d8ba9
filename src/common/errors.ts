// Error types shared across layers: Kafka errors carried as values up to the handlers,
// and internal ServiceErrors with a stable code (listed in docs/errors.md).

/** A refusal with a specific Kafka error code; handlers map it onto the right response entry. */
export class KafkaError extends Error {
  readonly errorCode: number
  constructor (errorCode: number, message: string) {
    super(message)
    this.name = 'KafkaError'
    this.errorCode = errorCode
  }
}

/** Internal failure with a stable code, e.g. STORAGE_CONFLICT or CONFIG_INVALID. */
export class ServiceError extends Error {
  readonly code: string
  constructor (code: string, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'ServiceError'
    this.code = code
  }
}
