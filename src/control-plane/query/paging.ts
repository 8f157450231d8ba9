// IAM's Marker/MaxItems paging over a list already in its final order: MaxItems 1 to 1000 (default
// 100), an opaque Marker naming the last item returned, IsTruncated always present.
import type { XmlValue } from './xml.ts'
import type { QueryParams } from './query-params.ts'
import { validationError } from './query-errors.ts'

export interface Page<T> {
  items: T[]
  isTruncated: boolean
  marker: string | undefined
}

export function pageOf<T> (all: readonly T[], params: QueryParams, keyOf: (item: T) => string): Page<T> {
  const maxItems = params.integer('MaxItems', 1, 1000) ?? 100
  const markerText = params.optional('Marker')
  let start = 0
  if (markerText !== undefined) {
    const key = Buffer.from(markerText, 'base64url').toString('utf8')
    if (markerText === '' || Buffer.from(key, 'utf8').toString('base64url') !== markerText) throw validationError(`Marker '${markerText.slice(0, 64)}' is not one this API returned`)
    const exact = all.findIndex(item => keyOf(item) === key)
    // The item named may have been deleted since: go on from the first one after it.
    const next = exact !== -1 ? exact + 1 : all.findIndex(item => keyOf(item) > key)
    start = next === -1 ? all.length : next
  }
  const items = all.slice(start, start + maxItems)
  const isTruncated = start + maxItems < all.length
  const last = items.at(-1)
  return { items, isTruncated, marker: isTruncated && last !== undefined ? Buffer.from(keyOf(last), 'utf8').toString('base64url') : undefined }
}

/** The paging members of a List* result, after its list. */
export function pagingXml (page: Page<unknown>): Record<string, XmlValue> {
  return { IsTruncated: page.isTruncated, Marker: page.marker }
}
