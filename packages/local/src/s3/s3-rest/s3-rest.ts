/**
 * S3's REST API on the local AWS endpoint, over the same object store COPY reads and UNLOAD writes:
 * a request signed for `s3` (or addressed to `bucket.localhost`) is claimed before the endpoint reads
 * its body, so object bodies stream to and from disk and are never held in memory.
 */
import { randomBytes, randomUUID } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { KeyConflictError, type ObjectStore } from '../object-store.js'
import { createBucket, deleteBucket, getBucketLocation, headBucket, listBuckets } from './bucket-handlers.js'
import { listObjects } from './list-objects.js'
import {
  abortMultipartUpload,
  completeMultipartUpload,
  createMultipartUpload,
  listMultipartUploads,
  listParts,
  uploadPart,
} from './multipart-handlers.js'
import { MultipartStore } from './multipart-store.js'
import { copyObject, deleteObject, deleteObjects, getObject, putObject } from './object-handlers.js'
import { authenticateS3, type KeyResolver, signedService } from './s3-auth.js'
import type { S3Call, S3Deps, S3Reply } from './s3-context.js'
import { S3Error, s3Errors } from './s3-error.js'
import { s3Target, virtualHostBucket } from './s3-request.js'
import { errorXml } from './s3-xml.js'

/** What {@link createS3Rest} needs. */
export interface S3RestOptions {
  /** The store COPY and UNLOAD use. */
  readonly store: ObjectStore
  readonly region: string
  readonly accountId: string
  /** The endpoint's keys: the secret of an access key, or a throw when it is unknown or expired. */
  readonly resolveKey: KeyResolver
  readonly now?: () => Date
  readonly log?: (line: string) => void
}

/** The S3 face of the AWS endpoint. */
export interface S3Rest {
  /** True when the request is for S3 (signed for `s3`, virtual-host addressed, or an unsigned plain HTTP call). */
  claims(req: IncomingMessage): boolean
  /** Answers the request (never rejects). */
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>
}

type Handler = (deps: S3Deps, call: S3Call) => Promise<S3Reply>

const HANDLERS: Readonly<Record<string, Handler>> = {
  ListBuckets: listBuckets,
  CreateBucket: createBucket,
  DeleteBucket: deleteBucket,
  HeadBucket: headBucket,
  GetBucketLocation: getBucketLocation,
  ListObjects: (d, c) => listObjects(d, c, false),
  ListObjectsV2: (d, c) => listObjects(d, c, true),
  GetObject: (d, c) => getObject(d, c, false),
  HeadObject: (d, c) => getObject(d, c, true),
  PutObject: putObject,
  CopyObject: copyObject,
  DeleteObject: deleteObject,
  DeleteObjects: deleteObjects,
  CreateMultipartUpload: createMultipartUpload,
  UploadPart: uploadPart,
  CompleteMultipartUpload: completeMultipartUpload,
  AbortMultipartUpload: abortMultipartUpload,
  ListParts: listParts,
  ListMultipartUploads: listMultipartUploads,
}

function fromFsError(error: unknown): S3Error | undefined {
  if (error instanceof S3Error) return error
  if (error instanceof KeyConflictError) return s3Errors.invalidRequest(error.message)
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  if (code === 'ENAMETOOLONG') return new S3Error('KeyTooLongError', 'Your key is too long', 400)
  return undefined
}

/**
 * Creates the S3 REST handler for an object store.
 *
 * @example
 * const s3 = createS3Rest({ store, region: 'us-east-1', accountId, resolveKey })
 * createServer((req, res) => (s3.claims(req) ? void s3.handle(req, res) : other(req, res)))
 */
export function createS3Rest(options: S3RestOptions): S3Rest {
  const deps: S3Deps = {
    store: options.store,
    uploads: new MultipartStore(options.store),
    region: options.region,
    accountId: options.accountId,
    log: options.log ?? (() => undefined),
  }
  const now = options.now ?? (() => new Date())

  async function answer(
    req: IncomingMessage,
  ): Promise<{ reply: S3Reply; resource: string; operation: string }> {
    let resource = (req.url ?? '/').split('?')[0] ?? '/'
    let operation = 'unknown'
    try {
      const payload = authenticateS3(req, options.region, options.resolveKey, now())
      const target = s3Target(req)
      resource = target.resource
      operation = target.operation
      if (!target.implemented) throw s3Errors.notImplemented(target.operation)
      const handler = HANDLERS[target.operation] as Handler
      const reply = await handler(deps, { req, target, payload, requestId: '' })
      return { reply, resource, operation }
    } catch (error) {
      const e = fromFsError(error)
      if (e === undefined) {
        deps.log(
          `[s3] ${operation} internal failure: ${error instanceof Error ? error.message : String(error)}`,
        )
      } else if (e.status >= 400) {
        deps.log(`[s3] ${operation} ${resource}: ${e.code}`)
      }
      throw Object.assign(e ?? s3Errors.internal(), { resource })
    }
  }

  return {
    claims(req) {
      const service = signedService(req)
      if (service !== undefined) return service === 's3'
      if (virtualHostBucket(req.headers.host) !== undefined) return true
      // Unsigned requests that are not query-protocol or JSON calls are S3's (answered AccessDenied).
      const url = req.url ?? '/'
      const contentType = String(req.headers['content-type'] ?? '')
      return (
        req.headers['x-amz-target'] === undefined &&
        !contentType.startsWith('application/x-www-form-urlencoded') &&
        !/[?&](Action|Version)=/.test(url)
      )
    },

    async handle(req, res) {
      const requestId = randomUUID().replace(/-/g, '').slice(0, 16).toUpperCase()
      const base = {
        'x-amz-request-id': requestId,
        'x-amz-id-2': randomBytes(24).toString('base64'),
        server: 'AmazonS3',
      }
      let reply: S3Reply
      try {
        reply = (await answer(req)).reply
      } catch (error) {
        const e = error as S3Error & { resource?: string }
        const body = req.method === 'HEAD' ? undefined : errorXml(e, e.resource ?? '/', requestId)
        reply = {
          status: e.status,
          headers: {
            'content-type': 'application/xml',
            ...(req.method === 'HEAD' ? { 'x-amz-error-code': e.code } : {}),
          },
          ...(body === undefined ? {} : { body }),
        }
      }
      // A body the handler did not read (an error before the upload) is not drained: the connection closes.
      const close = !req.complete ? { connection: 'close' } : {}
      const body = reply.body
      if (body === undefined || typeof body === 'string') {
        const text = body ?? ''
        res.writeHead(reply.status, {
          ...base,
          ...reply.headers,
          ...close,
          ...(reply.headers['content-length'] === undefined
            ? { 'content-length': String(Buffer.byteLength(text)) }
            : {}),
        })
        res.end(req.method === 'HEAD' ? undefined : text)
        return
      }
      res.writeHead(reply.status, { ...base, ...reply.headers, ...close })
      try {
        await pipeline(body as Readable, res)
      } catch {
        // The client went away mid-download: nothing more to send.
        res.destroy()
      }
    },
  }
}
