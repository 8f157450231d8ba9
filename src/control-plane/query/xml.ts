// The XML of AWS query-protocol answers: escaping, ISO 8601 dates, and a writer from plain values
// (objects become elements in key order, arrays become `<member>` lists, undefined is left out).

export type XmlValue = string | number | boolean | XmlObject | readonly XmlValue[] | undefined

export interface XmlObject {
  readonly [name: string]: XmlValue
}

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' }

/**
 * Text safe inside an element or an attribute. Characters XML 1.0 cannot carry at all (controls
 * other than tab, LF and CR, lone surrogates) become U+FFFD, so the answer always parses.
 */
export function escapeXml (text: string): string {
  return text
    .replace(/[&<>"']/g, character => ESCAPES[character] ?? character)
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd')
}

/** IAM's timestamps: ISO 8601 in UTC to the second, e.g. `2024-05-01T12:00:00Z`. */
export function isoDate (ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z')
}

/** `<name>value</name>`, recursing into objects and member lists. */
export function xmlElement (name: string, value: XmlValue): string {
  if (value === undefined) return ''
  return `<${name}>${xmlContent(value)}</${name}>`
}

function xmlContent (value: XmlValue): string {
  if (value === undefined) return ''
  if (typeof value === 'string') return escapeXml(value)
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  if (isList(value)) return value.map(member => xmlElement('member', member)).join('')
  return Object.entries(value).map(([name, child]) => xmlElement(name, child)).join('')
}

function isList (value: XmlObject | readonly XmlValue[]): value is readonly XmlValue[] {
  return Array.isArray(value)
}
