import type { Readable } from 'node:stream'
import type { DataApiSdk } from './sdk-client.js'
import type { PageFormat } from './statement-client.js'

/** Where a page starts: a statement id and the NextToken of the page before (none for the first). */
export interface PageRequest {
  readonly Id: string
  readonly NextToken?: string
  /** Wait on the service (up to 30 s) for a statement still running to end, then answer. */
  readonly WaitTimeSeconds?: number
}

/** The service's empty reply, handed to the SDK's deserializer in place of the page it would copy. */
const EMPTY_REPLY = new Uint8Array(Buffer.from('{}'))

/** A deserialize-step middleware: it sees the HTTP response before the SDK's deserializer does. */
type CaptureMiddleware = (
  next: (args: unknown) => Promise<{ response: unknown; output: unknown }>,
) => (args: unknown) => Promise<{ response: unknown; output: unknown }>

interface CaptureStack {
  add(middleware: CaptureMiddleware, options: typeof CAPTURE): void
}

/** Next to the HTTP handler, inside the SDK's deserializer (which runs at the normal priority). */
const CAPTURE = { step: 'deserialize', priority: 'low', name: 'redshiftKitRawPage' } as const

/**
 * Reads a reply's body into `into` when it fits (else into a new buffer of the body's size), so a
 * cursor reading page after page writes each into the same memory rather than leaving a page-sized
 * buffer behind for the garbage collector every time.
 */
async function collect(body: unknown, length: number, into: Buffer | undefined): Promise<Buffer> {
  let target =
    into !== undefined && into.length >= length ? into : Buffer.allocUnsafeSlow(Math.max(length, 1))
  let size = 0
  const chunks = body instanceof Uint8Array ? [body] : (body as Readable)
  for await (const chunk of chunks) {
    const piece = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array)
    if (size + piece.length > target.length) {
      // No (or a wrong) Content-Length: grow by doubling.
      const grown = Buffer.allocUnsafeSlow(Math.max(2 * target.length, size + piece.length))
      target.copy(grown, 0, 0, size)
      target = grown
    }
    piece.copy(target, size)
    size += piece.length
  }
  return target.subarray(0, size)
}

/**
 * Fetches one page of a result (GetStatementResult, or GetStatementResultV2 for CSV) through the
 * SDK, which signs it, resolves its endpoint and maps the service's errors, and returns the reply's
 * body as bytes (in `into` when it fits there). The SDK's deserializer would parse the whole page into objects and then copy them
 * into its output (two object graphs of the page's every field alive at once); a middleware next to
 * the HTTP handler takes the body of a successful reply instead, so the page can be decoded a slice
 * at a time. A failed reply is left to the SDK, whose errors the caller maps as for any command.
 */
export async function fetchPageBody(
  api: DataApiSdk,
  format: PageFormat,
  input: PageRequest,
  abortSignal?: AbortSignal,
  into?: Buffer,
): Promise<Buffer> {
  let body: Buffer | undefined
  const capture: CaptureMiddleware = (next) => async (args) => {
    const result = await next(args)
    const response = result.response as {
      statusCode?: number
      headers?: Record<string, string | undefined>
      body?: unknown
    }
    const status = response.statusCode ?? 0
    if (status >= 200 && status < 300) {
      const length = Number(response.headers?.['content-length'] ?? 0)
      body = await collect(response.body, Number.isSafeInteger(length) ? length : 0, into)
      response.body = EMPTY_REPLY
    }
    return result
  }
  const options = abortSignal === undefined ? {} : { abortSignal }
  if (format === 'csv') {
    const command = new api.sdk.GetStatementResultV2Command(input)
    ;(command.middlewareStack as unknown as CaptureStack).add(capture, CAPTURE)
    await api.client.send(command, options)
  } else {
    const command = new api.sdk.GetStatementResultCommand(input)
    ;(command.middlewareStack as unknown as CaptureStack).add(capture, CAPTURE)
    await api.client.send(command, options)
  }
  return body ?? Buffer.from(EMPTY_REPLY)
}
