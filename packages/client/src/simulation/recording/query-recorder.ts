import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { type ClientOptions, createClient, type RedshiftClient } from '../../client.js'
import type { RedshiftConfig } from '../../config/redshift-config.js'
import type { Transport } from '../../transport/transport.js'
import {
  assertRecordingFile,
  RECORDING_FORMAT,
  RECORDING_VERSION,
  type RecordedExchange,
  type RecordingFile,
  type RecordingRedaction,
} from './recording-format.js'
import { RecordingTransport } from './recording-transport.js'

/** Options of a {@link QueryRecorder}. */
export interface QueryRecorderOptions {
  /**
   * Also hide literal values: string and number literals in the SQL become `?` and parameter values
   * `{"$redacted":true}` (a replay then matches statements by their shape). Secrets are always hidden.
   * @default false
   */
  readonly redactLiterals?: boolean
}

/**
 * Records the exchanges of a real client with Redshift (statement, parameters, result or error,
 * timing) into a versioned JSON file, with secrets redacted, for a {@link QueryReplayer} to play
 * back without a database.
 *
 * @example
 * const recorder = new QueryRecorder()
 * const client = recorder.createClient(RedshiftConfig.fromEnv())
 * recorder.startRecording()
 * await client.executeQuery('SELECT region, SUM(amount) FROM sales GROUP BY region')
 * recorder.stopRecording()
 * await recorder.save('test/recordings/sales.json')
 * await client.close()
 */
export class QueryRecorder {
  readonly #redaction: RecordingRedaction
  readonly #exchanges: RecordedExchange[] = []
  #createdAt: string
  #recording = false

  constructor(options: QueryRecorderOptions = {}) {
    this.#redaction = Object.freeze({ secrets: true, literals: options.redactLiterals === true })
    this.#createdAt = new Date().toISOString()
  }

  /** Whether exchanges are being recorded now. */
  get isRecording(): boolean {
    return this.#recording
  }

  /** How the recording is redacted. */
  get redaction(): RecordingRedaction {
    return this.#redaction
  }

  /** The exchanges recorded so far, in the order they completed. */
  get exchanges(): readonly RecordedExchange[] {
    return [...this.#exchanges]
  }

  /** Starts (or resumes) recording. */
  startRecording(): void {
    this.#recording = true
  }

  /** Stops recording; exchanges recorded so far are kept. */
  stopRecording(): void {
    this.#recording = false
  }

  /** Forgets the exchanges recorded so far. */
  clear(): void {
    this.#exchanges.length = 0
  }

  /**
   * A real client whose exchanges this recorder records (while recording): `createClient(config)`
   * with its transport wrapped.
   *
   * @example
   * const client = recorder.createClient(config)
   */
  createClient(config: RedshiftConfig, options: Omit<ClientOptions, 'wrapTransport'> = {}): RedshiftClient {
    return createClient(config, { ...options, wrapTransport: (transport) => this.wrap(transport) })
  }

  /**
   * Wraps any transport so that its exchanges are recorded (for `createClient(config, { transport })`).
   *
   * @example
   * const client = createClient(config, { wrapTransport: (t) => recorder.wrap(t) })
   */
  wrap(transport: Transport): Transport {
    const recorder = this
    return new RecordingTransport(transport, {
      get isRecording() {
        return recorder.#recording
      },
      redaction: this.#redaction,
      add: (exchange) => {
        this.#exchanges.push(Object.freeze({ seq: this.#exchanges.length + 1, ...exchange }))
      },
    })
  }

  /** The recording as its JSON file holds it. */
  toJSON(): RecordingFile {
    return {
      format: RECORDING_FORMAT,
      version: RECORDING_VERSION,
      createdAt: this.#createdAt,
      redaction: this.#redaction,
      exchanges: this.exchanges,
    }
  }

  /**
   * Writes the recording to `path` (JSON; folders are created).
   *
   * @example
   * await recorder.save('test/recordings/sales.json')
   */
  async save(path: string): Promise<void> {
    await mkdir(dirname(path), { recursive: true })
    await writeFile(path, `${JSON.stringify(this.toJSON(), null, 2)}\n`, 'utf8')
  }

  /**
   * A recorder holding the recording saved at `path` (to add to it, or to replay it).
   *
   * @example
   * const recorder = await QueryRecorder.load('test/recordings/sales.json')
   */
  static async load(path: string): Promise<QueryRecorder> {
    const data: unknown = JSON.parse(await readFile(path, 'utf8'))
    return QueryRecorder.fromJSON(data, path)
  }

  /** A recorder holding a parsed recording file. */
  static fromJSON(data: unknown, source = 'the recording'): QueryRecorder {
    assertRecordingFile(data, source)
    const recorder = new QueryRecorder({ redactLiterals: data.redaction?.literals === true })
    recorder.#createdAt = data.createdAt
    recorder.#exchanges.push(...data.exchanges.map((e) => Object.freeze({ ...e })))
    return recorder
  }
}
