/** Awaitable reads from a socket during the connection handshake (before the session proxies it). */
import type { Socket } from 'node:net'
import { type Frame, FrameReader, MAX_MESSAGE_BYTES, StartupReader } from './protocol/framing.js'

/** Reads opening packets and typed messages one at a time; `detach` hands the rest to the session. */
export class SocketReader {
  readonly #socket: Socket
  #buffered: Buffer[] = []
  #waiter: (() => void) | undefined
  #error: Error | undefined
  readonly #onData = (chunk: Buffer): void => {
    this.#buffered.push(chunk)
    this.#wake()
  }
  readonly #onEnd = (): void => {
    this.#error ??= new Error('the connection closed during startup')
    this.#wake()
  }
  readonly #onError = (error: Error): void => {
    this.#error ??= error
    this.#wake()
  }

  /** @param maxMessageBytes the largest typed message accepted (before login: the password's bound) */
  constructor(socket: Socket, initial?: Buffer, maxMessageBytes: number = MAX_MESSAGE_BYTES) {
    this.#socket = socket
    this.#frames = new FrameReader(maxMessageBytes)
    if (initial !== undefined && initial.length > 0) this.#buffered.push(initial)
    socket.on('data', this.#onData)
    socket.on('end', this.#onEnd)
    socket.on('close', this.#onEnd)
    socket.on('error', this.#onError)
  }

  #wake(): void {
    const w = this.#waiter
    this.#waiter = undefined
    w?.()
  }

  async #more(): Promise<Buffer> {
    for (;;) {
      const chunk = this.#buffered.shift()
      if (chunk !== undefined) return chunk
      if (this.#error) throw this.#error
      await new Promise<void>((resolve) => {
        this.#waiter = resolve
      })
    }
  }

  /** The next untyped opening packet (SSLRequest, StartupMessage, ...). */
  async startupPacket(): Promise<Buffer> {
    const reader = new StartupReader()
    for (;;) {
      const got = reader.push(await this.#more())
      if (got !== undefined) {
        if (got.rest.length > 0) this.#buffered.unshift(got.rest)
        return got.message
      }
    }
  }

  readonly #frames: FrameReader
  #ready: Frame[] = []

  /** The next typed message. */
  async frame(): Promise<Frame> {
    for (;;) {
      const next = this.#ready.shift()
      if (next !== undefined) return next
      this.#ready = this.#frames.push(await this.#more())
    }
  }

  /** Stops reading; returns bytes received but not consumed (already framed ones included). */
  detach(): Buffer {
    this.#socket.off('data', this.#onData)
    this.#socket.off('end', this.#onEnd)
    this.#socket.off('close', this.#onEnd)
    this.#socket.off('error', this.#onError)
    const parts = [...this.#ready.map((f) => f.frame), ...this.#buffered]
    if (this.#frames.bufferedBytes > 0) throw new Error('a partial message was left over from the handshake')
    this.#ready = []
    this.#buffered = []
    return Buffer.concat(parts)
  }
}
