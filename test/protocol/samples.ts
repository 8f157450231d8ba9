// Builds sample values for any message spec and version, and the value a decoder must return for
// them, by reading the same JSON specs the generator reads. Shared by the codec tests.

import {
  contains, defaultValue, loadMessageSpecs, type FieldSpec, type FieldType, type MessageSpec, type StructSpec
} from '../../scripts/generate-protocol.ts'
import * as messages from '../../src/protocol/messages/index.ts'
import type { Reader } from '../../src/protocol/primitives/reader.ts'
import type { Writer } from '../../src/protocol/primitives/writer.ts'

export type Decode = (reader: Reader, version: number) => unknown
export type Encode = (writer: Writer, version: number, value: unknown) => void

export const specs: MessageSpec[] = loadMessageSpecs()

export function versionsOf (spec: MessageSpec): number[] {
  const result: number[] = []
  for (let version = spec.validVersions.min; version <= spec.validVersions.max; version++) result.push(version)
  return result
}

/** The generated decode and encode functions of a message, found by name in the messages index. */
export function codecsOf (spec: MessageSpec): { decode: Decode, encode: Encode } {
  const exports = messages as unknown as Record<string, unknown>
  const decode = exports[`decode${spec.name}`]
  const encode = exports[`encode${spec.name}`]
  if (typeof decode !== 'function' || typeof encode !== 'function') throw new Error(`no codecs for ${spec.name}`)
  return { decode: decode as Decode, encode: encode as Encode }
}

/** Small deterministic PRNG (mulberry32), so failures reproduce. */
export function createRandom (seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export type SampleMode = 'values' | 'nulls'

const INTEGER_RANGES: Record<string, [number, number]> = {
  int8: [-128, 127],
  int16: [-32768, 32767],
  uint16: [0, 65535],
  int32: [-2147483648, 2147483647],
  uint32: [0, 4294967295],
  int64: [-(2 ** 53) + 1, 2 ** 53 - 1]
}

// Non-ASCII pieces and one long enough for the writer's slow path (byte length unknown up front).
const STRING_PIECES = ['topic', 'gröup', 'клиент', '✓', 'x', 'a-longer-piece-of-text-for-the-long-path', '']

function isPresent (field: FieldSpec, version: number): boolean {
  return contains(field.versions, version)
}

function isNullableIn (field: FieldSpec, version: number): boolean {
  return contains(field.nullableVersions, version)
}

class SampleBuilder {
  readonly #random: () => number
  readonly #mode: SampleMode

  constructor (seed: number, mode: SampleMode) {
    this.#random = createRandom(seed)
    this.#mode = mode
  }

  #int (min: number, max: number): number {
    return min + Math.floor(this.#random() * (max - min + 1))
  }

  #primitive (name: string, fieldDefault: unknown): unknown {
    const range = INTEGER_RANGES[name]
    if (range !== undefined) {
      // Mix small and extreme values; int64 values beyond 32 bits exercise both halves.
      for (;;) {
        const pick = this.#random()
        let value: number
        if (pick < 0.2) value = range[0]
        else if (pick < 0.4) value = range[1]
        else if (name === 'int64' && pick < 0.7) value = this.#int(-(2 ** 40), 2 ** 40) * 4099
        else value = this.#int(Math.max(range[0], -1000), Math.min(range[1], 1000))
        if (value !== fieldDefault) return value
      }
    }
    switch (name) {
      case 'float64': return this.#int(-1e6, 1e6) / 64 + 0.25
      case 'bool': return fieldDefault !== true
      case 'uuid': {
        const bytes = Buffer.alloc(16)
        for (let i = 0; i < 16; i++) bytes[i] = this.#int(0, 255)
        bytes[0] = bytes[0] === 0 ? 1 : bytes[0] as number
        const hex = bytes.toString('hex')
        return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
      }
      case 'string': {
        let text = ''
        const count = this.#int(1, 3)
        for (let i = 0; i < count; i++) text += STRING_PIECES[this.#int(0, STRING_PIECES.length - 1)] as string
        return text === fieldDefault || text === '' ? `${text}s` : text
      }
      case 'bytes':
      case 'records': {
        const bytes = Buffer.alloc(this.#int(1, 40))
        for (let i = 0; i < bytes.length; i++) bytes[i] = this.#int(0, 255)
        return bytes
      }
      default: throw new Error(`unknown primitive ${name}`)
    }
  }

  #valueOf (type: FieldType, fieldDefault: unknown, version: number, depth: number): unknown {
    if (type.kind === 'primitive') return this.#primitive(type.name, fieldDefault)
    if (type.kind === 'struct') return this.struct(type.struct, version, depth + 1)
    const count = depth > 3 ? 1 : this.#int(1, 3)
    const items: unknown[] = []
    for (let i = 0; i < count; i++) items.push(this.#valueOf(type.element, undefined, version, depth))
    return items
  }

  /** A value for every field of the struct: non-default, or null where nullable in 'nulls' mode. */
  struct (struct: StructSpec, version: number, depth = 0): Record<string, unknown> {
    const value: Record<string, unknown> = {}
    for (const field of struct.fields) {
      if (this.#mode === 'nulls' && isPresent(field, version) && isNullableIn(field, version)) {
        value[field.propertyName] = null
      } else {
        value[field.propertyName] = this.#valueOf(field.type, defaultValue(field), version, depth)
      }
    }
    return value
  }
}

export function sampleValue (spec: MessageSpec, version: number, mode: SampleMode, seed = 1): Record<string, unknown> {
  return new SampleBuilder(seed * 7919 + version * 31 + (mode === 'nulls' ? 1 : 0), mode).struct(spec.struct, version)
}

/** What decoding must return: fields absent from the version take their defaults, records become one buffer. */
export function expectedValue (
  struct: StructSpec, version: number, value: Record<string, unknown>
): Record<string, unknown> {
  const result: Record<string, unknown> = {}
  for (const field of struct.fields) {
    const item = value[field.propertyName]
    const isInVersion = isPresent(field, version)
    result[field.propertyName] = isInVersion ? expectedField(field.type, version, item) : defaultValue(field)
  }
  return result
}

function expectedField (type: FieldType, version: number, item: unknown): unknown {
  if (item === null || item === undefined) return item ?? null
  if (type.kind === 'struct') return expectedValue(type.struct, version, item as Record<string, unknown>)
  if (type.kind === 'array') return (item as unknown[]).map(element => expectedField(type.element, version, element))
  if (type.name === 'records' && Array.isArray(item)) return Buffer.concat(item as Buffer[])
  return item
}

/** Replaces every records buffer with a list of two chunks (to check that chunks encode like one buffer). */
export function withChunkedRecords (struct: StructSpec, value: Record<string, unknown>): Record<string, unknown> {
  const result: Record<string, unknown> = {}
  for (const field of struct.fields) {
    result[field.propertyName] = chunkField(field.type, value[field.propertyName])
  }
  return result
}

function chunkField (type: FieldType, item: unknown): unknown {
  if (item === null || item === undefined) return item
  if (type.kind === 'struct') return withChunkedRecords(type.struct, item as Record<string, unknown>)
  if (type.kind === 'array') return (item as unknown[]).map(element => chunkField(type.element, element))
  if (type.name === 'records' && Buffer.isBuffer(item)) {
    const middle = Math.floor(item.length / 2)
    return [item.subarray(0, middle), Buffer.alloc(0), item.subarray(middle)]
  }
  return item
}
