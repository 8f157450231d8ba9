// The XML documents of the IAM and STS query APIs: `<ActionResponse xmlns=...><ActionResult>...`
// with its ResponseMetadata, and `<ErrorResponse>` with the error's HTTP status.
import type { QueryError } from './query-errors.ts'
import type { QueryService } from './query-operation.ts'
import { escapeXml, xmlElement, type XmlObject } from './xml.ts'

export const QUERY_SERVICES: Readonly<Record<QueryService, { version: string, namespace: string }>> = {
  iam: { version: '2010-05-08', namespace: 'https://iam.amazonaws.com/doc/2010-05-08/' },
  sts: { version: '2011-06-15', namespace: 'https://sts.amazonaws.com/doc/2011-06-15/' }
}

export interface QueryHttpResponse {
  statusCode: number
  headers: Record<string, string>
  body: string
}

function respond (statusCode: number, requestId: string, body: string): QueryHttpResponse {
  return { statusCode, headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId }, body }
}

export function resultResponse (service: QueryService, action: string, result: XmlObject | undefined, requestId: string): QueryHttpResponse {
  const { namespace } = QUERY_SERVICES[service]
  const body = `<${action}Response xmlns="${namespace}">` +
    (result === undefined ? '' : xmlElement(`${action}Result`, result)) +
    `<ResponseMetadata><RequestId>${escapeXml(requestId)}</RequestId></ResponseMetadata></${action}Response>`
  return respond(200, requestId, body)
}

export function errorResponse (service: QueryService, error: QueryError, requestId: string): QueryHttpResponse {
  const { namespace } = QUERY_SERVICES[service]
  const body = `<ErrorResponse xmlns="${namespace}">` +
    xmlElement('Error', { Type: error.type, Code: error.code, Message: error.message }) +
    `<RequestId>${escapeXml(requestId)}</RequestId></ErrorResponse>`
  return respond(error.statusCode, requestId, body)
}
