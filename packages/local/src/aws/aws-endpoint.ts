/**
 * One HTTP port serving local `redshift`, `redshift-data`, `redshift-serverless`, `secretsmanager` and `sts` in their
 * real wire formats, so the AWS SDK v3 clients and the AWS CLI work against it with an endpoint
 * override. Every request must carry a valid SigV4 signature from a configured (or assumed) key.
 */
import { randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { createS3Rest, type ObjectStore } from '../s3/index.js'
import { AwsApiError } from './aws-api-error.js'
import type { AwsCall, AwsContext, WireEndpoint } from './aws-context.js'
import type { LocalAccessKey, ResolvedAwsOptions } from './aws-options.js'
import { type DataApiEvent, DataApiService } from './data-api/index.js'
import { DatabaseLogins, type DatabaseRoles } from './database-logins.js'
import { glueOperation } from './glue/glue-api.js'
import type { GlueCatalog } from './glue/glue-catalog.js'
import { Identities } from './identities.js'
import { type JsonInput, secretsOperation, serverlessOperation } from './json-services.js'
import { REDSHIFT_NAMESPACE, redshiftAction } from './redshift-api.js'
import { SecretStore } from './secret-store.js'
import { parseAuthorization, type SignedRequest, type SigV4Failure, verifySignature } from './sigv4.js'
import { STS_NAMESPACE, stsAction } from './sts-api.js'
import { type HttpReply, jsonError, jsonReply, QueryParams, queryError, queryReply } from './wire-formats.js'

/** What {@link startAwsEndpoint} needs. */
export interface AwsEndpointOptions {
  readonly aws: ResolvedAwsOptions
  /** Interface to listen on. */
  readonly host: string
  /** The gateway every cluster, workgroup and secret points at. */
  readonly wire: WireEndpoint
  /** Configured database users and their passwords (secrets of these users carry them). */
  readonly users: ReadonlyMap<string, string>
  readonly roles: DatabaseRoles
  /** The object store COPY and UNLOAD use: when given, S3's REST API serves it on this port too. */
  readonly s3?: ObjectStore
  readonly onLog?: (line: string) => void
  /** The local Glue Data Catalog served as `glue` (Spectrum's catalog); absent: no Glue service. */
  readonly glue?: GlueCatalog
}

/** A running AWS endpoint. */
export interface AwsEndpoint {
  /** `http://<host>:<port>`: the endpoint override for the SDK (`endpoint`) and the CLI (`--endpoint-url`). */
  readonly url: string
  readonly port: number
  readonly region: string
  readonly accountId: string
  /** The keys requests may be signed with. */
  readonly accessKeys: readonly Required<LocalAccessKey>[]
  /** The gateway's `temporaryPassword` hook: the password `user` may log in with now, if the endpoint issued one. */
  passwordFor(user: string): string | undefined
  /** Rotates a secret: a new password (given or generated) for its user, in the secret and the database. */
  rotateSecret(name: string, password?: string): void
  /** Ends issued temporary passwords now (all, or one login's), as if they had expired; returns how many. */
  expireCredentials(login?: string): number
  /** The Redshift Data API's WithEvent events so far (EventBridge's shape), oldest first. */
  dataApiEvents(): readonly DataApiEvent[]
  stop(): Promise<void>
}

type ServiceName = 'redshift' | 'sts' | 'redshift-serverless' | 'secretsmanager' | 'glue' | 'redshift-data'

interface Service {
  readonly protocol: 'query' | 'json'
  readonly namespace?: string
  readonly version?: string
  readonly targetPrefix?: string
}

const SERVICES: Readonly<Record<ServiceName, Service>> = {
  redshift: { protocol: 'query', namespace: REDSHIFT_NAMESPACE, version: '2012-12-01' },
  sts: { protocol: 'query', namespace: STS_NAMESPACE, version: '2011-06-15' },
  'redshift-serverless': { protocol: 'json', targetPrefix: 'RedshiftServerless' },
  secretsmanager: { protocol: 'json', targetPrefix: 'secretsmanager' },
  glue: { protocol: 'json', targetPrefix: 'AWSGlue' },
  'redshift-data': { protocol: 'json', targetPrefix: 'RedshiftData' },
}

const MAX_BODY_BYTES = 1024 * 1024

/** JSON services name the signing errors differently from query services. */
const JSON_ERROR_CODES: Readonly<Record<string, string>> = {
  InvalidClientTokenId: 'UnrecognizedClientException',
  ExpiredToken: 'ExpiredTokenException',
  SignatureDoesNotMatch: 'InvalidSignatureException',
  IncompleteSignature: 'IncompleteSignatureException',
  MissingAuthenticationToken: 'MissingAuthenticationTokenException',
}

function signingError(failure: SigV4Failure): AwsApiError {
  switch (failure.kind) {
    case 'missing':
      return new AwsApiError('MissingAuthenticationToken', failure.message, 403)
    case 'incomplete':
      return new AwsApiError('IncompleteSignature', failure.message, 400)
    case 'mismatch':
    case 'expired':
      return new AwsApiError('SignatureDoesNotMatch', failure.message, 403)
  }
}

function render(service: Service, error: AwsApiError, requestId: string): HttpReply {
  if (service.protocol === 'query') return queryError(error, service.namespace as string, requestId)
  const code = JSON_ERROR_CODES[error.code]
  return jsonError(
    code === undefined
      ? error
      : new AwsApiError(code, error.message, error.status === 403 ? 400 : error.status),
    requestId,
  )
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name]
  return Array.isArray(v) ? v[0] : v
}

function targetService(target: string | undefined): ServiceName | undefined {
  if (target === undefined) return undefined
  const prefix = target.slice(0, target.indexOf('.'))
  return (Object.keys(SERVICES) as ServiceName[]).find((name) => SERVICES[name].targetPrefix === prefix)
}

function glueService(glue: GlueCatalog | undefined, operation: string, input: JsonInput): Promise<unknown> {
  if (glue === undefined)
    throw new AwsApiError('UnknownService', 'This endpoint serves no Glue catalog.', 400)
  return glueOperation(glue, operation, input)
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > MAX_BODY_BYTES) {
        reject(
          new AwsApiError(
            'RequestEntityTooLarge',
            `Request bodies are limited to ${MAX_BODY_BYTES} bytes.`,
            413,
          ),
        )
        req.destroy()
        return
      }
      chunks.push(chunk)
    })
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

/**
 * Starts the endpoint: creates the secrets' database users, then listens.
 *
 * @example
 * const aws = await startAwsEndpoint({ aws: resolveAwsOptions({}, ['awsuser']), host: '127.0.0.1',
 *   wire: { host: '127.0.0.1', port: 5439, database: 'dev', masterUser: 'awsuser' }, users, roles })
 * // new STSClient({ endpoint: aws.url, region: aws.region, credentials: aws.accessKeys[0] })
 */
export async function startAwsEndpoint(options: AwsEndpointOptions): Promise<AwsEndpoint> {
  const aws = options.aws
  const log = options.onLog ?? (() => undefined)
  const logins = new DatabaseLogins()
  const firstCluster = aws.clusters[0]?.identifier
  const secrets = await SecretStore.create(
    aws.secrets,
    {
      host: options.wire.host,
      port: options.wire.port,
      database: options.wire.database,
      region: aws.region,
      accountId: aws.accountId,
      defaultCluster: firstCluster,
      users: options.users,
    },
    logins,
    options.roles,
  )
  const ctx: AwsContext = {
    options: aws,
    identities: new Identities(aws.accountId, aws.accessKeys),
    logins,
    roles: options.roles,
    secrets,
    wire: options.wire,
    startedAt: new Date(),
    now: () => new Date(),
    log,
  }
  const dataApi = new DataApiService(ctx, aws.dataApi)

  const handle = async (req: IncomingMessage): Promise<HttpReply> => {
    const requestId = randomUUID()
    const body = await readBody(req).catch((e: unknown) => e)
    const url = req.url ?? '/'
    const search = url.includes('?') ? url.slice(url.indexOf('?') + 1) : ''
    const target = header(req, 'x-amz-target')
    const authHeader = header(req, 'authorization')
    const auth = authHeader === undefined ? undefined : parseAuthorization(authHeader)
    const scoped = auth !== undefined && 'service' in auth ? auth.service : undefined
    const params =
      target === undefined && body instanceof Buffer
        ? QueryParams.parse(body.toString('utf8'), search)
        : undefined
    const version = params?.get('Version')
    // JSON services have no Version: an absent one must not match them.
    const byVersion =
      version === undefined
        ? undefined
        : (Object.keys(SERVICES) as ServiceName[]).find((n) => SERVICES[n].version === version)
    const name =
      targetService(target) ??
      (scoped !== undefined && scoped in SERVICES ? (scoped as ServiceName) : byVersion)
    // An unknown service is answered in the protocol the request speaks (JSON when it names a target).
    const service: Service =
      name !== undefined ? SERVICES[name] : target !== undefined ? { protocol: 'json' } : SERVICES.redshift
    try {
      if (body instanceof Error) throw body
      if (name === undefined) {
        const served = [...Object.keys(SERVICES), ...(options.s3 ? ['s3'] : [])].join(', ')
        throw new AwsApiError(
          'UnknownService',
          scoped === undefined
            ? `This endpoint serves ${served}; the request names none of them.`
            : `redshift-local does not serve the AWS service '${scoped}' (the request is signed for it); it serves ${served}.`,
          400,
        )
      }
      if (auth === undefined) {
        throw signingError({ kind: 'missing', message: 'Request is missing Authentication Token' })
      }
      if (!('service' in auth)) throw signingError(auth)
      if (auth.service !== name) {
        throw signingError({
          kind: 'mismatch',
          message: `Credential should be scoped to correct service: '${name}'.`,
        })
      }
      if (auth.region !== aws.region) {
        throw signingError({
          kind: 'mismatch',
          message: `Credential should be scoped to a valid region, not '${auth.region}'.`,
        })
      }
      const now = ctx.now()
      const key = ctx.identities.resolve(auth.accessKeyId, header(req, 'x-amz-security-token'), now)
      const signed: SignedRequest = {
        method: req.method ?? 'GET',
        url,
        headers: req.headers,
        body: body as Buffer,
      }
      const failure = verifySignature(signed, auth, key.secretAccessKey, now)
      if (failure !== undefined) throw signingError(failure)
      const call: AwsCall = { principal: key.principal, requestId, now }

      if (service.protocol === 'query') {
        const action = params?.get('Action')
        if (action === undefined)
          throw new AwsApiError('MissingAction', 'The request must contain the parameter Action.')
        const result =
          name === 'sts'
            ? stsAction(ctx, action, params as QueryParams, call)
            : await redshiftAction(ctx, action, params as QueryParams, call)
        return queryReply(action, service.namespace as string, result, requestId)
      }
      if (target === undefined) {
        throw new AwsApiError(
          'UnknownOperationException',
          'The request names no operation (X-Amz-Target header).',
        )
      }
      let input: JsonInput
      try {
        const text = (body as Buffer).toString('utf8')
        input = text.trim() === '' ? {} : (JSON.parse(text) as JsonInput)
      } catch {
        throw new AwsApiError('SerializationException', 'The request body is not valid JSON.')
      }
      const operation = target.slice(target.indexOf('.') + 1)
      if (name === 'redshift-data') return await dataApi.handle(operation, input, call)
      const result =
        name === 'glue'
          ? await glueService(options.glue, operation, input)
          : name === 'secretsmanager'
            ? secretsOperation(ctx, operation, input)
            : await serverlessOperation(ctx, operation, input, call)
      return jsonReply(result, requestId)
    } catch (error) {
      if (error instanceof AwsApiError) {
        log(`[aws] ${name ?? '?'} ${error.code}: ${error.message}`)
        return render(service, error, requestId)
      }
      log(`[aws] ${name ?? '?'} internal failure: ${error instanceof Error ? error.message : String(error)}`)
      return render(
        service,
        new AwsApiError(
          'InternalFailure',
          'The request processing has failed because of an unknown error.',
          500,
          'Receiver',
        ),
        requestId,
      )
    }
  }

  const s3 =
    options.s3 === undefined
      ? undefined
      : createS3Rest({
          store: options.s3,
          region: aws.region,
          accountId: aws.accountId,
          resolveKey: (id, token, now) => ctx.identities.resolve(id, token, now),
          now: () => ctx.now(),
          log,
        })
  const sockets = new Set<Socket>()
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    // S3 streams its bodies: it takes its requests before anything here reads them.
    if (s3?.claims(req)) {
      void s3.handle(req, res)
      return
    }
    void handle(req).then((reply) => {
      res.writeHead(reply.status, { ...reply.headers, 'content-length': Buffer.byteLength(reply.body) })
      res.end(reply.body)
    })
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(aws.port, options.host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const port = (server.address() as AddressInfo).port
  const hostForUrl = options.host.includes(':') ? `[${options.host}]` : options.host
  let stopping: Promise<void> | undefined
  log(`[aws] endpoint listening on http://${hostForUrl}:${port} (region ${aws.region})`)
  return {
    url: `http://${hostForUrl}:${port}`,
    port,
    region: aws.region,
    accountId: aws.accountId,
    accessKeys: aws.accessKeys,
    passwordFor: (user) => logins.passwordFor(user),
    rotateSecret: (name, password) => secrets.rotate(name, password),
    expireCredentials: (login) => logins.expire(login),
    dataApiEvents: () => dataApi.events(),
    stop() {
      stopping ??= new Promise<void>((resolve) => {
        server.close(() => resolve())
        for (const s of sockets) s.destroy()
      }).then(() => dataApi.stop())
      return stopping
    },
  }
}
