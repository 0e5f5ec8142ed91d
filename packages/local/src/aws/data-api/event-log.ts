/**
 * The status-change events of statements run `WithEvent`: what Redshift puts on the default
 * EventBridge bus (source `aws.redshift-data`, detail-type `Redshift Data Statement Status Change`),
 * kept in memory for tests (`local.aws.events()`) and, when configured, appended to a JSON-lines file.
 */
import { randomUUID } from 'node:crypto'
import { appendFile } from 'node:fs/promises'

/**
 * An EventBridge event of the Data API.
 *
 * @example
 * const event = local.aws?.events().find((e) => e.detail.statementId === id)
 * event?.detail.state // 'FINISHED'
 */
export interface DataApiEvent {
  readonly version: '0'
  readonly id: string
  readonly 'detail-type': 'Redshift Data Statement Status Change'
  readonly source: 'aws.redshift-data'
  readonly account: string
  /** ISO 8601 without milliseconds, as EventBridge writes it. */
  readonly time: string
  readonly region: string
  /** The cluster's or workgroup's ARN. */
  readonly resources: readonly string[]
  readonly detail: {
    /** The caller's ARN. */
    readonly principal: string
    readonly statementName: string
    readonly statementId: string
    readonly redshiftQueryId: number
    readonly state: 'FINISHED' | 'FAILED' | 'ABORTED'
    readonly rows: number
    /** Epoch seconds when the result expires. */
    readonly expireAt: number
  }
}

/** How many events are kept in memory (the oldest go first). */
const KEPT_EVENTS = 10_000

/** The event log of one endpoint. */
export class EventLog {
  readonly #events: DataApiEvent[] = []
  readonly #file: string | undefined
  #writes: Promise<void> = Promise.resolve()
  readonly #log: (line: string) => void

  constructor(file: string | undefined, log: (line: string) => void) {
    this.#file = file
    this.#log = log
  }

  record(event: DataApiEvent): void {
    this.#events.push(event)
    if (this.#events.length > KEPT_EVENTS) this.#events.shift()
    const file = this.#file
    if (file !== undefined) {
      this.#writes = this.#writes
        .then(() => appendFile(file, `${JSON.stringify(event)}\n`, { mode: 0o600 }))
        .catch((e: unknown) => this.#log(`[aws] redshift-data event log ${file}: ${(e as Error).message}`))
    }
  }

  /** The events so far, oldest first. */
  list(): readonly DataApiEvent[] {
    return [...this.#events]
  }

  /** Resolves when every event so far is in the file. */
  flushed(): Promise<void> {
    return this.#writes
  }
}

/** Builds the event of a statement that reached a final state. */
export function statementEvent(fields: {
  readonly account: string
  readonly region: string
  readonly resource: string
  readonly principal: string
  readonly statementName: string | undefined
  readonly statementId: string
  readonly redshiftQueryId: number
  readonly state: 'FINISHED' | 'FAILED' | 'ABORTED'
  readonly rows: number
  readonly expireAt: Date
  readonly now: Date
}): DataApiEvent {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Redshift Data Statement Status Change',
    source: 'aws.redshift-data',
    account: fields.account,
    time: `${fields.now.toISOString().slice(0, 19)}Z`,
    region: fields.region,
    resources: [fields.resource],
    detail: {
      principal: fields.principal,
      statementName: fields.statementName ?? '',
      statementId: fields.statementId,
      redshiftQueryId: fields.redshiftQueryId,
      state: fields.state,
      rows: fields.rows,
      expireAt: Math.floor(fields.expireAt.getTime() / 1000),
    },
  }
}
