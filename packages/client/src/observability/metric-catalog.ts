/** How an instrument is built. */
export type InstrumentKind =
  | 'histogram'
  | 'counter'
  | 'observable-counter'
  | 'observable-updowncounter'
  | 'observable-gauge'

/** One metric the client emits. */
export interface MetricSpec {
  readonly name: string
  readonly kind: InstrumentKind
  readonly unit: string
  readonly description: string
  /** Its attributes' keys. */
  readonly attributes: readonly string[]
}

const DB = ['db.system.name', 'db.namespace', 'server.address', 'server.port'] as const

/**
 * Every metric of the client. Names follow the OpenTelemetry database client conventions where one
 * exists (`db.client.*`); the rest are the client's own (`redshift.client.*`). `docs/operations.md`
 * (alert rules, dashboard) uses only these, which a test checks against a Prometheus scrape.
 *
 * @example
 * CLIENT_METRICS.operationDuration.name // 'db.client.operation.duration'
 */
export const CLIENT_METRICS = {
  operationDuration: {
    name: 'db.client.operation.duration',
    kind: 'histogram',
    unit: 's',
    description: 'Duration of database client operations (statements), retries included.',
    attributes: [...DB, 'db.operation.name', 'redshift.operation', 'error.type', 'db.response.status_code'],
  },
  returnedRows: {
    name: 'db.client.response.returned_rows',
    kind: 'histogram',
    unit: '{row}',
    description: 'Rows returned by database operations.',
    attributes: [...DB, 'db.operation.name'],
  },
  connectionCount: {
    name: 'db.client.connection.count',
    kind: 'observable-updowncounter',
    unit: '{connection}',
    description: 'Connections open now, by state (idle, used).',
    attributes: ['db.client.connection.pool.name', 'db.client.connection.state'],
  },
  connectionMax: {
    name: 'db.client.connection.max',
    kind: 'observable-updowncounter',
    unit: '{connection}',
    description: 'The most connections the pool opens (poolSize).',
    attributes: ['db.client.connection.pool.name'],
  },
  connectionIdleMin: {
    name: 'db.client.connection.idle.min',
    kind: 'observable-updowncounter',
    unit: '{connection}',
    description: 'Connections kept open even when idle (minConnections).',
    attributes: ['db.client.connection.pool.name'],
  },
  pendingRequests: {
    name: 'db.client.connection.pending_requests',
    kind: 'observable-updowncounter',
    unit: '{request}',
    description: 'Callers waiting for a connection now.',
    attributes: ['db.client.connection.pool.name'],
  },
  connectionTimeouts: {
    name: 'db.client.connection.timeouts',
    kind: 'observable-counter',
    unit: '{timeout}',
    description: 'Connection acquisitions that gave up after the acquire timeout.',
    attributes: ['db.client.connection.pool.name'],
  },
  waitTime: {
    name: 'db.client.connection.wait_time',
    kind: 'histogram',
    unit: 's',
    description: 'Time it took to obtain a connection from the pool.',
    attributes: ['db.client.connection.pool.name'],
  },
  createTime: {
    name: 'db.client.connection.create_time',
    kind: 'histogram',
    unit: 's',
    description: 'Time it took to open a connection (credentials, TLS and login included).',
    attributes: ['db.client.connection.pool.name'],
  },
  poolUtilization: {
    name: 'redshift.client.pool.utilization',
    kind: 'observable-gauge',
    unit: '1',
    description: 'Share of the pool in use (used / max), 0 to 1.',
    attributes: ['db.client.connection.pool.name'],
  },
  acquireTime: {
    name: 'redshift.client.pool.acquire_time_p99',
    kind: 'observable-gauge',
    unit: 's',
    description: 'p99 of the recent connection acquisitions.',
    attributes: ['db.client.connection.pool.name'],
  },
  errors: {
    name: 'redshift.client.operation.errors',
    kind: 'counter',
    unit: '{error}',
    description: 'Failed operations by error class (error.type is the error code).',
    attributes: [...DB, 'db.operation.name', 'redshift.operation', 'error.type'],
  },
  timeouts: {
    name: 'redshift.client.operation.timeouts',
    kind: 'counter',
    unit: '{operation}',
    description: 'Operations that ended with QueryTimeoutError.',
    attributes: [...DB, 'redshift.operation'],
  },
  cancellations: {
    name: 'redshift.client.operation.cancellations',
    kind: 'counter',
    unit: '{operation}',
    description: 'Operations that ended with QueryCancelledError.',
    attributes: [...DB, 'redshift.operation'],
  },
  retries: {
    name: 'redshift.client.retries',
    kind: 'counter',
    unit: '{retry}',
    description: 'Statements sent again, by reason.',
    attributes: [...DB, 'redshift.operation', 'redshift.retry.reason'],
  },
  breakerState: {
    name: 'redshift.client.circuit_breaker.state',
    kind: 'observable-gauge',
    unit: '1',
    description:
      '1 for the state the endpoint circuit breaker is in (closed, open, half-open), 0 for the others.',
    attributes: ['server.address', 'server.port', 'redshift.circuit_breaker.state'],
  },
  breakerOpens: {
    name: 'redshift.client.circuit_breaker.opens',
    kind: 'counter',
    unit: '{event}',
    description: 'Times the endpoint circuit breaker opened.',
    attributes: ['server.address', 'server.port'],
  },
  rejections: {
    name: 'redshift.client.policy.rejections',
    kind: 'counter',
    unit: '{operation}',
    description: 'Statements refused by a policy (circuit-breaker, rate-limit, bulkhead, retry-budget).',
    attributes: [...DB, 'redshift.policy'],
  },
  limiterWaiting: {
    name: 'redshift.client.rate_limiter.waiting',
    kind: 'observable-updowncounter',
    unit: '{operation}',
    description: 'Statements waiting for a rate-limit token now.',
    attributes: ['server.address', 'server.port'],
  },
  bulkheadActive: {
    name: 'redshift.client.bulkhead.active',
    kind: 'observable-updowncounter',
    unit: '{operation}',
    description: 'Statements running inside the bulkhead now.',
    attributes: ['server.address', 'server.port'],
  },
  bulkheadQueued: {
    name: 'redshift.client.bulkhead.queued',
    kind: 'observable-updowncounter',
    unit: '{operation}',
    description: 'Statements queued at the bulkhead now.',
    attributes: ['server.address', 'server.port'],
  },
  transferRows: {
    name: 'redshift.client.transfer.rows',
    kind: 'counter',
    unit: '{row}',
    description: 'Rows loaded by COPY and written by UNLOAD.',
    attributes: [...DB, 'db.operation.name'],
  },
  transferBytes: {
    name: 'redshift.client.transfer.bytes',
    kind: 'counter',
    unit: 'By',
    description: 'Bytes written by UNLOAD (and loaded by COPY where known).',
    attributes: [...DB, 'db.operation.name'],
  },
  transferFailures: {
    name: 'redshift.client.transfer.failures',
    kind: 'counter',
    unit: '{operation}',
    description: 'COPY and UNLOAD operations that failed.',
    attributes: [...DB, 'db.operation.name', 'error.type'],
  },
  credentialsAge: {
    name: 'redshift.client.credentials.age',
    kind: 'observable-gauge',
    unit: 's',
    description: 'Seconds since the current database credentials were fetched.',
    attributes: ['redshift.credentials.method'],
  },
  credentialsFetches: {
    name: 'redshift.client.credentials.fetches',
    kind: 'observable-counter',
    unit: '{fetch}',
    description:
      'Database credentials fetched (IAM, Serverless, Secrets Manager), first fetch and refreshes.',
    attributes: ['redshift.credentials.method'],
  },
} as const satisfies Record<string, MetricSpec>

/** Upper bounds of the duration histogram's buckets, in seconds (the conventions' advice). */
export const DURATION_BUCKETS_S = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300]
/** Upper bounds of the returned-rows histogram's buckets. */
export const ROW_BUCKETS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 10_000, 100_000, 1_000_000]
