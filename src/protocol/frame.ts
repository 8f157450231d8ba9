// Request and response frames: the 4-byte size prefix, the request header (v0-2) and the
// response header (v0-1). The header version depends on the API and version, so the request
// header is read in two steps: API key and version first, then the rest.

import type { ApiDescriptor } from './api-descriptor.ts'
import { apiDescriptors } from './messages/index.ts'
import { decodeRequestHeader, encodeRequestHeader } from './messages/request-header.ts'
import { decodeResponseHeader, encodeResponseHeader } from './messages/response-header.ts'
import { DecodeError, Reader } from './primitives/reader.ts'
import { Writer } from './primitives/writer.ts'

export interface ParsedRequestHeader {
  apiKey: number
  apiVersion: number
  correlationId: number
  clientId: string | null
  /** The header version used to read the frame (1 when the API or version is unknown). */
  headerVersion: number
  /** The descriptor of the API, or undefined for an API key Kafka does not define. */
  api: ApiDescriptor<unknown, unknown> | undefined
  /** Where the request body starts in the frame. */
  bodyOffset: number
}

/**
 * Reads the request header from a frame (the bytes after the size prefix). For an unknown API key
 * or version the header is read as v1, which still yields the correlation id and client id: the
 * client id is a classic string even in header v2, so the broker can answer UNSUPPORTED_VERSION.
 */
export function readRequestHeader (frame: Buffer): ParsedRequestHeader {
  if (frame.length < 8) throw new DecodeError(`request frame of ${frame.length} bytes is too short for a header`)
  const apiKey = frame.readInt16BE(0)
  const apiVersion = frame.readInt16BE(2)
  const api = apiDescriptors.get(apiKey)
  const isKnownVersion = api !== undefined && apiVersion >= api.minVersion && apiVersion <= api.maxVersion
  const headerVersion = isKnownVersion ? api.requestHeaderVersion(apiVersion) : 1
  const reader = new Reader(frame)
  const header = decodeRequestHeader(reader, headerVersion)
  return {
    apiKey,
    apiVersion,
    correlationId: header.correlationId,
    clientId: header.clientId,
    headerVersion,
    api,
    bodyOffset: reader.offset
  }
}

/** Decodes a whole request frame (after the size prefix) with a known API. */
export function decodeRequestFrame<Request, Response> (
  api: ApiDescriptor<Request, Response>, frame: Buffer
): { header: ParsedRequestHeader, request: Request } {
  const header = readRequestHeader(frame)
  if (header.apiKey !== api.apiKey) throw new DecodeError(`expected API key ${api.apiKey}, got ${header.apiKey}`)
  const request = api.decodeRequest(new Reader(frame, header.bodyOffset), header.apiVersion)
  return { header, request }
}

/** Encodes a response frame as chunks, size prefix first; record chunks are not copied. */
export function encodeResponseFrame<Request, Response> (
  api: ApiDescriptor<Request, Response>, version: number, correlationId: number, response: Response
): Buffer[] {
  const writer = new Writer()
  writer.int32(0)
  encodeResponseHeader(writer, api.responseHeaderVersion(version), { correlationId })
  api.encodeResponse(writer, version, response)
  const chunks = writer.toChunks()
  // The first chunk starts with the 4 bytes reserved above.
  ;(chunks[0] as Buffer).writeInt32BE(writer.length - 4, 0)
  return chunks
}

/** Encodes a request frame, size prefix included, into one buffer (for tests and clients). */
export function encodeRequestFrame<Request, Response> (
  api: ApiDescriptor<Request, Response>,
  version: number,
  correlationId: number,
  clientId: string | null,
  request: Request
): Buffer {
  const writer = new Writer()
  writer.int32(0)
  encodeRequestHeader(writer, api.requestHeaderVersion(version), {
    requestApiKey: api.apiKey,
    requestApiVersion: version,
    correlationId,
    clientId
  })
  api.encodeRequest(writer, version, request)
  const frame = writer.toBuffer()
  frame.writeInt32BE(frame.length - 4, 0)
  return frame
}

/**
 * Decodes a response frame (the bytes after the size prefix) for a request sent with `version`;
 * returns the correlation id and the response (for tests and clients).
 */
export function decodeResponseFrame<Request, Response> (
  api: ApiDescriptor<Request, Response>, version: number, frame: Buffer
): { correlationId: number, response: Response } {
  const reader = new Reader(frame)
  const { correlationId } = decodeResponseHeader(reader, api.responseHeaderVersion(version))
  return { correlationId, response: api.decodeResponse(reader, version) }
}
