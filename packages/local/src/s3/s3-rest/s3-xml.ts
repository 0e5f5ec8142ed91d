/** S3's XML both ways: replies in the `http://s3.amazonaws.com/doc/2006-03-01/` namespace, and the few request documents. */
import { XMLParser } from 'fast-xml-parser'
import { toXml, type XmlValue } from '../../aws/wire-formats.js'
import { type S3Error, s3Errors } from './s3-error.js'

export { XmlList, type XmlValue } from '../../aws/wire-formats.js'

const NAMESPACE = 'http://s3.amazonaws.com/doc/2006-03-01/'

/**
 * A whole reply document: declaration, root element (in S3's namespace) and its children.
 *
 * @example
 * xmlDocument('LocationConstraint', {}) // '<?xml ...?><LocationConstraint xmlns="..."></LocationConstraint>'
 */
export function xmlDocument(
  root: string,
  children: XmlValue | readonly XmlValue[],
  namespaced = false,
): string {
  const ns = namespaced ? ` xmlns="${NAMESPACE}"` : ''
  const inner = Array.isArray(children)
    ? children.map((c: XmlValue) => toXml(c)).join('')
    : toXml(children as XmlValue)
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${root}${ns}>${inner}</${root}>`
}

/** A parsed request element: text, child elements (repeated ones as arrays), or both. */
export type XmlNode = string | { readonly [name: string]: XmlNode | readonly XmlNode[] }

const parser = new XMLParser({
  ignoreAttributes: true,
  removeNSPrefix: true,
  parseTagValue: false,
  // Keys may begin or end with spaces.
  trimValues: false,
  processEntities: true,
  htmlEntities: false,
  ignoreDeclaration: true,
  maxNestedTags: 16,
})

/**
 * Parses a request document and returns its root element's content, or answers S3's MalformedXML.
 * Document type declarations are refused outright: S3 has none, and entity expansion is an attack.
 */
export function parseXmlRequest(body: Buffer, root: string): Record<string, XmlNode | readonly XmlNode[]> {
  const text = body.toString('utf8')
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) throw s3Errors.malformedXml()
  let doc: Record<string, unknown>
  try {
    doc = parser.parse(text, true) as Record<string, unknown>
  } catch {
    throw s3Errors.malformedXml()
  }
  const content = doc[root]
  if (content === undefined) throw s3Errors.malformedXml()
  if (content === '') return {}
  if (typeof content !== 'object' || content === null) throw s3Errors.malformedXml()
  return content as Record<string, XmlNode | readonly XmlNode[]>
}

/** The children named `name` of a parsed element, always as a list. */
export function children(node: XmlNode | readonly XmlNode[] | undefined, name: string): readonly XmlNode[] {
  if (node === undefined || typeof node === 'string' || Array.isArray(node)) return []
  const v = (node as Record<string, XmlNode | readonly XmlNode[]>)[name]
  if (v === undefined) return []
  return Array.isArray(v) ? (v as readonly XmlNode[]) : [v as XmlNode]
}

/** The text of child `name` (undefined when absent; MalformedXML when it is not text). */
export function text(node: XmlNode | readonly XmlNode[] | undefined, name: string): string | undefined {
  const [first, second] = children(node, name)
  if (first === undefined) return undefined
  if (second !== undefined || typeof first !== 'string') throw s3Errors.malformedXml()
  return first
}

/** The XML body of an error reply. */
export function errorXml(error: S3Error, resource: string, requestId: string): string {
  return xmlDocument('Error', {
    Code: error.code,
    Message: error.message,
    ...error.details,
    Resource: resource,
    RequestId: requestId,
    HostId: requestId,
  })
}
