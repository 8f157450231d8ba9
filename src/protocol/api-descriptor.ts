// What the broker needs to know about one Kafka API: its key, versions and codecs. The generated
// modules in messages/ export one descriptor per API (ProduceApi, FetchApi, ...).

import type { Reader } from './primitives/reader.ts'
import type { Writer } from './primitives/writer.ts'

export interface ApiDescriptor<Request, Response> {
  readonly apiKey: number
  /** The API name as Kafka spells it, e.g. 'Produce', 'ApiVersions'. */
  readonly name: string
  readonly minVersion: number
  readonly maxVersion: number
  /** First flexible version (compact encodings, tagged fields); Infinity if the API is never flexible. */
  readonly flexibleMinVersion: number
  /** Kafka marks the newest version as still under development; it should not be advertised. */
  readonly isLatestVersionUnstable: boolean
  // Method syntax keeps descriptors assignable to ApiDescriptor<unknown, unknown>.
  decodeRequest (reader: Reader, version: number): Request
  encodeRequest (writer: Writer, version: number, value: Request): void
  decodeResponse (reader: Reader, version: number): Response
  encodeResponse (writer: Writer, version: number, value: Response): void
  /** Request header version for a request version: 2 when flexible, else 1 (0 for ControlledShutdown v0). */
  requestHeaderVersion (version: number): number
  /** Response header version: 1 when flexible, else 0 (always 0 for ApiVersions). */
  responseHeaderVersion (version: number): number
}
