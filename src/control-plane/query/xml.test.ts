// The XML writer of query answers: escaping (including characters XML cannot carry), member lists,
// omitted members, and IAM's second-precision dates.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { escapeXml, isoDate, xmlElement } from './xml.ts'

test('escapes markup characters and replaces characters XML 1.0 cannot carry', () => {
  assert.equal(escapeXml('<a href="x">Tom & Jerry\'s</a>'), '&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&apos;s&lt;/a&gt;')
  assert.equal(escapeXml('bell\u0007 tab\t lone\ud800 pair\ud83d\ude00'), 'bell\ufffd tab\t lone\ufffd pair\ud83d\ude00')
})

test('writes objects in key order, arrays as member lists, and leaves undefined members out', () => {
  assert.equal(xmlElement('Result', { Users: [{ UserName: 'a<b' }, { UserName: 'c' }], Names: ['x'], IsTruncated: false, Marker: undefined, Count: 2 }),
    '<Result><Users><member><UserName>a&lt;b</UserName></member><member><UserName>c</UserName></member></Users>' +
    '<Names><member>x</member></Names><IsTruncated>false</IsTruncated><Count>2</Count></Result>')
  assert.equal(xmlElement('Empty', []), '<Empty></Empty>')
  assert.equal(xmlElement('Gone', undefined), '')
})

test('dates are ISO 8601 UTC to the second', () => {
  assert.equal(isoDate(Date.UTC(2026, 0, 15, 12, 0, 0, 999)), '2026-01-15T12:00:00Z')
})
