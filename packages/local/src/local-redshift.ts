import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import type pg from 'pg'
// Public types come from files that import nothing of `pg`: a consumer needs no @types/pg.
import type { LocalAccessKey, LocalAwsOptions } from './aws/aws-options.js'
import type { DataApiEvent } from './aws/data-api/event-log.js'
import { GlueCatalog } from './aws/glue/glue-catalog.js'
import {
  type AwsEndpoint,
  type EngineRoles,
  engineRoles,
  resolveAwsOptions,
  startAwsEndpoint,
} from './aws/index.js'
import { connectAdmin } from './engine/admin-session.js'
import { installCompat } from './engine/compat/index.js'
import { type Engine, startEngine } from './engine/engine.js'
import { ensureEngineUsers } from './engine/superuser-role.js'
import { DEFAULT_DIALECT } from './gateway/dialect-seam.js'
import { type Gateway, generateCertificates, startGateway } from './gateway/index.js'
import type { ListenerLimits } from './gateway/listener-limits.js'
import type { LocalUser } from './gateway/local-user.js'
import { checkExposure } from './insecure-defaults.js'
import { type OpenedS3, openLocalS3 } from './s3/index.js'
import type { LocalS3 } from './s3/local-s3.js'
import { createS3CommandExecutor } from './s3-commands/index.js'
import { ExternalSchemas } from './spectrum/external-schemas.js'
import { spectrumDialect } from './spectrum/spectrum-dialect.js'
import { SpectrumService } from './spectrum/spectrum-service.js'
import type { WlmQueueConfig } from './wlm/config.js'

/** Options of {@link startLocalRedshift}. Every field is optional. */
export interface LocalRedshiftOptions {
  /** Interface to listen on. @default '127.0.0.1' */
  readonly host?: string
  /** Port of the wire gateway; 0 picks a free one. @default 0 (the `redshift-local` command: 5439) */
  readonly port?: number
  /** Keep the cluster here across restarts; a temporary directory, removed on stop, when absent. */
  readonly dataDir?: string
  /** The database clients connect to, created on first start. @default 'dev' (as on Redshift) */
  readonly database?: string
  /**
   * Database users. @default one superuser `awsuser` with password `Password1` (Redshift's default admin
   * user name; a local-only password).
   */
  readonly users?: readonly LocalUser[]
  /** Manual WLM queues in routing order; the last one is the default queue. @default one queue of 50 slots */
  readonly wlm?: readonly WlmQueueConfig[]
  /** Offer TLS on SSLRequest with a CA generated at start. @default true */
  readonly tls?: boolean
  /** Receives log lines of the engine and the gateway. */
  readonly onLog?: (line: string) => void
  /**
   * The local AWS endpoint (STS, Redshift IAM credentials, Serverless, Secrets Manager), or false for
   * none. @default on, on a free port, with the local-only key `DEFAULT_ACCESS_KEY`
   */
  readonly aws?: LocalAwsOptions | false
  /**
   * The local S3 store's folder (`s3://bucket/key` is `<s3Dir>/bucket/key`), kept on stop.
   * @default a temporary folder, removed on stop
   */
  readonly s3Dir?: string
  /** Connection cap, authentication timeout and login throttling of the wire listener. */
  readonly limits?: ListenerLimits
  /**
   * Listen on a non-loopback `host` even with the published defaults (the password `Password1`, the
   * local AWS access key): without it that is refused, since anyone reaching the port would log in as a
   * superuser. With it, a warning is emitted (`process.emitWarning`, code
   * `REDSHIFT_LOCAL_INSECURE_DEFAULTS`). @default false
   */
  readonly allowInsecureDefaults?: boolean
}

/** The local AWS endpoint of a running local Redshift (`LocalRedshift.aws`). */
export interface LocalAws {
  /** `http://<host>:<port>`: `endpoint` for the AWS SDK clients, `--endpoint-url` for the AWS CLI. */
  readonly endpoint: string
  readonly region: string
  readonly accountId: string
  /** The first configured access key (local-only values unless configured). */
  readonly accessKeyId: string
  readonly secretAccessKey: string
  /** Every configured access key. */
  readonly accessKeys: readonly Required<LocalAccessKey>[]
  /** Rotates a secret whose user's password it owns: a new password in the secret and the database. */
  rotateSecret(name: string, password?: string): void
  /** Ends issued IAM temporary passwords now (all, or one login's such as `IAM:alice`); returns how many. */
  expireCredentials(login?: string): number
  /**
   * The events of Data API statements run `WithEvent`, as Redshift sends them to EventBridge
   * (source `aws.redshift-data`), oldest first.
   */
  events(): readonly DataApiEvent[]
}

/** A running local Redshift, as returned by {@link startLocalRedshift}. */
export interface LocalRedshift {
  /** Where clients connect (the Redshift wire protocol). */
  readonly wire: { readonly host: string; readonly port: number }
  readonly database: string
  readonly users: readonly LocalUser[]
  /** The cluster's data directory (below a temporary directory, removed on stop, unless `dataDir` was given). */
  readonly dataDir: string
  /** Present when TLS is on: the CA certificate clients trust for `verify-ca` / `verify-full`. */
  readonly tls?: { readonly caPath: string; readonly caCert: string }
  /** The local S3 store COPY reads and UNLOAD write: its folder, and helpers to put, list and get objects. */
  readonly s3: LocalS3
  /** Present when the AWS endpoint is on: its URL. */
  readonly http?: { readonly endpoint: string }
  /** Present when the AWS endpoint is on: its URL, region, keys, and test controls. */
  readonly aws?: LocalAws
  /**
   * The PostgreSQL engine behind the gateway, for benchmarks and debugging: not Redshift. TCP on
   * `host:port` with `user`/`password`, or the Unix socket in `socketDir` without a password.
   */
  readonly engine: {
    readonly host: string
    readonly port: number
    readonly socketDir: string
    readonly user: string
    readonly password: string
  }
  /** A `redshift://` URL for `user` (default: the first configured user). */
  url(user?: string): string
  /** Stops the gateway and the engine and removes temporary files. Safe to call twice. */
  stop(): Promise<void>
}

const DEFAULT_USERS: readonly LocalUser[] = [{ name: 'awsuser', password: 'Password1', superuser: true }]

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`
}

async function withClient<T>(engine: Engine, database: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = engine.client(database)
  await connectAdmin(client)
  try {
    return await fn(client)
  } finally {
    await client.end()
  }
}

/** Makes `database` Redshift-like: the compat schema, and `public` open to every user as on Redshift. */
async function prepareDatabase(engine: Engine, database: string): Promise<void> {
  await withClient(engine, database, async (c) => {
    await installCompat(c)
    // Redshift lets every user create tables in `public`; PostgreSQL 15+ does not by default.
    await c.query('GRANT ALL ON SCHEMA public TO PUBLIC')
  })
}

/**
 * Creates the database, the users and their groups, idempotently (a kept data directory has them).
 * `template1` gets the compat schema first, so the database (on a fresh data directory) and every
 * database users make with CREATE DATABASE are copies that have Redshift's functions and views.
 */
async function prepareEngine(engine: Engine, database: string, users: readonly LocalUser[]): Promise<void> {
  await prepareDatabase(engine, 'template1')
  await withClient(engine, 'postgres', async (c) => {
    const exists = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [database])
    if (exists.rowCount === 0) await c.query(`CREATE DATABASE ${quoteIdent(database)}`)
    await ensureEngineUsers(c, users)
  })
  await prepareDatabase(engine, database)
}

/**
 * Starts a local Redshift: an embedded PostgreSQL with Redshift's functions and system views, behind a
 * gateway that speaks Redshift's dialect of the PostgreSQL wire protocol.
 *
 * @example
 * import { startLocalRedshift } from '@redshift-kit/local'
 * const redshift = await startLocalRedshift()
 * console.log(redshift.url())   // redshift://awsuser:Password1@127.0.0.1:54012/dev
 * await redshift.stop()
 */
export async function startLocalRedshift(options: LocalRedshiftOptions = {}): Promise<LocalRedshift> {
  const host = options.host ?? '127.0.0.1'
  const database = options.database ?? 'dev'
  const users = options.users ?? DEFAULT_USERS
  if (users.length === 0) throw new Error('startLocalRedshift: `users` is empty; give at least one user')
  const log = options.onLog
  const awsOptions =
    options.aws === false
      ? undefined
      : resolveAwsOptions(
          options.aws ?? {},
          users.map((u) => u.name),
        )
  const warning = checkExposure(
    { host, users, accessKeys: awsOptions?.accessKeys },
    options.allowInsecureDefaults === true,
  )
  if (warning !== undefined) {
    process.emitWarning(warning, { code: 'REDSHIFT_LOCAL_INSECURE_DEFAULTS' })
    log?.(`[redshift-local] ${warning}`)
  }
  const s3: OpenedS3 = await openLocalS3(options.s3Dir)
  let engine: Engine
  try {
    engine = await startEngine({
      dataDir: options.dataDir,
      onLog: log,
      orphanCleanupDirs: s3.temporaryDir === undefined ? [] : [s3.temporaryDir],
    })
  } catch (err) {
    await s3.dispose()
    throw err
  }
  let gateway: Gateway | undefined
  let awsEndpoint: AwsEndpoint | undefined
  let roles: EngineRoles | undefined
  let spectrum: SpectrumService | undefined
  try {
    const certificatesPromise = options.tls === false ? undefined : generateCertificates([host])
    await prepareEngine(engine, database, users)
    const certificates = await certificatesPromise
    const s3Commands = createS3CommandExecutor(s3.store, () => engine.client(database))
    // Spectrum's catalog (Glue) and external schemas live beside the cluster's data, kept with it.
    const root = path.dirname(engine.dataDir)
    const glue = await GlueCatalog.open(path.join(root, 'glue-catalog.json'), awsOptions?.accountId)
    const externalSchemas = await ExternalSchemas.open(path.join(root, 'spectrum-schemas.json'))
    const dialect = spectrumDialect(DEFAULT_DIALECT, externalSchemas, () => glue.generation)
    spectrum = new SpectrumService({
      catalog: glue,
      schemas: externalSchemas,
      store: s3.store,
      dialect,
      connect: (db) => engine.client(db),
      adminDatabase: database,
      log: log ?? (() => undefined),
    })
    await spectrum.start()
    const spectrumService = spectrum
    const localS3 = s3
    let tls: LocalRedshift['tls']
    if (certificates) {
      const caPath = path.join(path.dirname(engine.socketDir), 'ca.pem')
      await writeFile(caPath, certificates.caCert)
      tls = { caPath, caCert: certificates.caCert }
    }
    gateway = await startGateway({
      host,
      port: options.port ?? 0,
      engine,
      database,
      users,
      wlm: options.wlm ?? [],
      ...(certificates ? { tls: { key: certificates.key, cert: certificates.cert } } : {}),
      ...(log ? { onLog: log } : {}),
      commandExecutor: s3Commands.execute,
      dialect,
      statementHook: spectrumService,
      ...(options.limits ? { limits: options.limits } : {}),
      // IAM temporary passwords and secret-held passwords, issued by the AWS endpoint started below.
      ...(awsOptions ? { temporaryPassword: (user: string) => awsEndpoint?.passwordFor(user) } : {}),
    })
    const started = gateway
    if (awsOptions) {
      roles = engineRoles(engine)
      awsEndpoint = await startAwsEndpoint({
        aws: awsOptions,
        host,
        wire: {
          host: started.host,
          port: started.port,
          database,
          masterUser: (users.find((u) => u.superuser) ?? users[0])?.name ?? 'awsuser',
        },
        users: new Map(users.map((u) => [u.name, u.password])),
        roles,
        glue,
        s3: localS3.store,
        ...(log ? { onLog: log } : {}),
      })
    }
    const aws = awsEndpoint
    const awsRoles = roles
    let stopping: Promise<void> | undefined
    return {
      wire: { host: started.host, port: started.port },
      database,
      users,
      dataDir: engine.dataDir,
      ...(tls ? { tls } : {}),
      s3: localS3.helper,
      ...(aws
        ? {
            http: { endpoint: aws.url },
            aws: {
              endpoint: aws.url,
              region: aws.region,
              accountId: aws.accountId,
              accessKeyId: aws.accessKeys[0]?.accessKeyId ?? '',
              secretAccessKey: aws.accessKeys[0]?.secretAccessKey ?? '',
              accessKeys: aws.accessKeys,
              rotateSecret: (name: string, password?: string) => aws.rotateSecret(name, password),
              expireCredentials: (login?: string) => aws.expireCredentials(login),
              events: () => aws.dataApiEvents(),
            },
          }
        : {}),
      engine: {
        host: '127.0.0.1',
        port: engine.port,
        socketDir: engine.socketDir,
        user: engine.superuser,
        password: engine.superuserPassword,
      },
      url(user?: string) {
        const u = user === undefined ? users[0] : users.find((x) => x.name === user)
        if (!u)
          throw new Error(`no local user named ${user}; configured: ${users.map((x) => x.name).join(', ')}`)
        const auth = `${encodeURIComponent(u.name)}:${encodeURIComponent(u.password)}`
        return `redshift://${auth}@${started.host}:${started.port}/${encodeURIComponent(database)}`
      },
      stop() {
        stopping ??= Promise.all([aws?.stop(), awsRoles?.close()])
          .then(() => started.stop())
          .finally(() => spectrumService.close())
          .finally(() => s3Commands.close())
          .finally(() => engine.stop())
          .finally(() => localS3.dispose())
        return stopping
      },
    }
  } catch (err) {
    await awsEndpoint?.stop().catch(() => undefined)
    await roles?.close().catch(() => undefined)
    await gateway?.stop().catch(() => undefined)
    await spectrum?.close().catch(() => undefined)
    await engine.stop().catch(() => undefined)
    await s3.dispose().catch(() => undefined)
    throw err
  }
}
