/**
 * The two wire formats of the services served here: the AWS query protocol (form-encoded request,
 * XML reply: Redshift, STS) and AWS JSON 1.1 (JSON both ways, the operation in `X-Amz-Target`:
 * Secrets Manager, Redshift Serverless).
 */
import type { AwsApiError } from './aws-api-error.js'

/** A list in an XML reply, with the element name of each member (`<Clusters><Cluster>...`). */
export class XmlList {
  readonly member: string
  readonly items: readonly XmlValue[]

  constructor(member: string, items: readonly XmlValue[]) {
    this.member = member
    this.items = items
  }
}

/** A value of an XML reply: text, a timestamp, a nested structure, or a list. Undefined fields are left out. */
export type XmlValue =
  | string
  | number
  | boolean
  | Date
  | undefined
  | XmlList
  | { readonly [name: string]: XmlValue }

/** A reply ready to write. */
export interface HttpReply {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  /** Text, or bytes already encoded (large Data API pages are served as they are kept). */
  readonly body: string | Buffer
}

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) =>
    c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '&' ? '&amp;' : c === "'" ? '&apos;' : '&quot;',
  )
}

/** Serialises the children of an element. */
export function toXml(value: XmlValue): string {
  if (value === undefined) return ''
  if (value instanceof Date) return value.toISOString()
  if (typeof value === 'string') return escapeXml(value)
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  if (value instanceof XmlList) {
    return value.items.map((item) => `<${value.member}>${toXml(item)}</${value.member}>`).join('')
  }
  return Object.entries(value)
    .filter(([, v]) => v !== undefined)
    .map(([name, v]) => `<${name}>${toXml(v)}</${name}>`)
    .join('')
}

/** A successful query-protocol reply: `<ActionResponse><ActionResult>...</ActionResult><ResponseMetadata>`. */
export function queryReply(
  action: string,
  namespace: string,
  result: XmlValue,
  requestId: string,
): HttpReply {
  const body =
    `<${action}Response xmlns="${namespace}"><${action}Result>${toXml(result)}</${action}Result>` +
    `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`
  return {
    status: 200,
    headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
    body,
  }
}

/** A query-protocol error: `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/>`. */
export function queryError(error: AwsApiError, namespace: string, requestId: string): HttpReply {
  const body =
    `<ErrorResponse xmlns="${namespace}"><Error><Type>${error.fault}</Type><Code>${escapeXml(error.code)}</Code>` +
    `<Message>${escapeXml(error.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`
  return {
    status: error.status,
    headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
    body,
  }
}

/** A successful JSON 1.1 reply (timestamps must already be epoch seconds: see {@link epochSeconds}). */
export function jsonReply(result: unknown, requestId: string): HttpReply {
  return {
    status: 200,
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': requestId },
    body: JSON.stringify(result),
  }
}

/** A JSON 1.1 error: `{"__type": code, "message": ...}` and the `x-amzn-ErrorType` header. */
export function jsonError(error: AwsApiError, requestId: string): HttpReply {
  return {
    status: error.status,
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amzn-requestid': requestId,
      'x-amzn-errortype': error.code,
    },
    body: JSON.stringify({ __type: error.code, message: error.message }),
  }
}

/** Epoch seconds with milliseconds, the JSON protocols' timestamp form. */
export function epochSeconds(date: Date): number {
  return date.getTime() / 1000
}

/**
 * The parameters of a query-protocol request (form body and URL query merged), with helpers to read
 * lists (`DbGroups.member.1`, or `DbGroups.DbGroup.1` as members named in the model are sent).
 */
export class QueryParams {
  readonly #values: ReadonlyMap<string, string>

  constructor(values: ReadonlyMap<string, string>) {
    this.#values = values
  }

  /** Parses `a=1&b=2` text (form body or query string) into one parameter set; later sources win. */
  static parse(...sources: readonly string[]): QueryParams {
    const values = new Map<string, string>()
    for (const source of sources) {
      for (const [k, v] of new URLSearchParams(source)) values.set(k, v)
    }
    return new QueryParams(values)
  }

  get(name: string): string | undefined {
    return this.#values.get(name)
  }

  /** The items of list `name` in index order, whatever the member element name. */
  list(name: string): string[] {
    const items: [number, string][] = []
    const pattern = new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.[^.]+\\.(\\d+)$`)
    for (const [k, v] of this.#values) {
      const m = pattern.exec(k)
      if (m !== null) items.push([Number(m[1]), v])
    }
    return items.sort(([a], [b]) => a - b).map(([, v]) => v)
  }
}
