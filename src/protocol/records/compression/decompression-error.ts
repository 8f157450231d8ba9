// The one error the decompressors throw: names the codec, and tells a too-large output (a
// decompression bomb, or a batch beyond the limit) from malformed input.

export class DecompressionError extends Error {
  readonly codec: string
  readonly isOutputTooLarge: boolean

  constructor (codec: string, message: string, options: { isOutputTooLarge?: boolean, cause?: unknown } = {}) {
    super(`${codec}: ${message}`, { cause: options.cause })
    this.name = 'DecompressionError'
    this.codec = codec
    this.isOutputTooLarge = options.isOutputTooLarge ?? false
  }

  static tooLarge (codec: string, maxOutputBytes: number): DecompressionError {
    const message = `decompressed output exceeds the limit of ${maxOutputBytes} bytes`
    return new DecompressionError(codec, message, { isOutputTooLarge: true })
  }

  /** Wraps whatever a codec library threw, keeping our own errors as they are. */
  static malformed (codec: string, error: unknown): DecompressionError {
    if (error instanceof DecompressionError) return error
    const reason = error instanceof Error ? error.message : String(error)
    return new DecompressionError(codec, `malformed input: ${reason}`, { cause: error })
  }
}
