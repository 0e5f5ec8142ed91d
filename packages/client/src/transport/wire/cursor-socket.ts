import type { Socket } from 'node:net'
import type pg from 'pg'
import { FrameReader, type MessageHandler } from './cursor-frames.js'
import { pgConnectionOf } from './pg-internals.js'

/** The frontend messages a cursor sends, as `pg`'s Connection writes them. */
export interface ProtocolWriter {
  parse(query: { text: string; name: string }): void
  bind(config: { portal: string; statement: string; values: unknown[] }): void
  describe(message: { type: 'P' | 'S'; name: string }): void
  execute(config: { portal: string; rows: number }): void
  sync(): void
}

interface PgConnection extends ProtocolWriter {
  readonly stream: Socket
  emit(event: string, payload: unknown): boolean
}

type DataListener = (chunk: Buffer) => void

/**
 * The socket of an idle `pg` connection, borrowed: while taken over, its bytes go to the cursor's
 * frame reader instead of `pg`'s parser (which decodes every value to a string and would hand the
 * rows to a query that does not exist); given back, `pg` reads it again as if nothing happened.
 * Taking over is only done between statements, when `pg` has nothing buffered and expects nothing.
 * Socket errors and close still reach `pg` (its listeners stay), so the connection is marked broken.
 */
export class CursorSocket {
  readonly #connection: PgConnection
  readonly #reader: FrameReader
  readonly #onLost: (error: unknown) => void
  #saved: DataListener[] = []
  #taken = false
  #lost: unknown
  readonly #onData: DataListener
  readonly #onClose = (): void => this.#lose(new Error('Connection terminated unexpectedly'))
  readonly #onError = (error: unknown): void => this.#lose(error)

  constructor(client: pg.Client, onMessage: MessageHandler, onLost: (error: unknown) => void) {
    this.#connection = pgConnectionOf(client) as unknown as PgConnection
    this.#reader = new FrameReader(onMessage)
    this.#onLost = onLost
    this.#onData = (chunk) => this.#reader.push(chunk)
  }

  /** Set once the socket failed or closed while taken over. */
  get lost(): unknown {
    return this.#lost
  }

  takeOver(): void {
    if (this.#taken) return
    const stream = this.#connection.stream
    this.#saved = stream.listeners('data') as DataListener[]
    for (const listener of this.#saved) stream.removeListener('data', listener)
    stream.on('data', this.#onData)
    stream.once('close', this.#onClose)
    stream.once('error', this.#onError)
    this.#taken = true
  }

  /** Writes messages in one go (corked: one TCP segment rather than one per message). */
  send(write: (writer: ProtocolWriter) => void): void {
    const stream = this.#connection.stream
    stream.cork()
    try {
      write(this.#connection)
    } finally {
      stream.uncork()
    }
  }

  /** Hands `pg` a ParameterStatus it would otherwise have missed (it tracks them per session). */
  emitParameterStatus(name: string, value: string): void {
    this.#connection.emit('parameterStatus', {
      name: 'parameterStatus',
      parameterName: name,
      parameterValue: value,
    })
  }

  giveBack(): void {
    if (!this.#taken) return
    this.#taken = false
    const stream = this.#connection.stream
    stream.removeListener('data', this.#onData)
    stream.removeListener('close', this.#onClose)
    stream.removeListener('error', this.#onError)
    for (const listener of this.#saved) stream.on('data', listener)
    const rest = this.#reader.takePending()
    if (rest !== undefined) for (const listener of this.#saved) listener(rest)
    this.#saved = []
  }

  /** Ends the connection from the client side (a server that answers nothing, not even a cancel). */
  destroy(error: unknown): void {
    this.#lose(error)
    this.#connection.stream.destroy()
  }

  #lose(error: unknown): void {
    if (this.#lost !== undefined || !this.#taken) return
    this.#lost = error ?? new Error('Connection terminated unexpectedly')
    this.#onLost(this.#lost)
  }
}
