/** Cancel requests: forwarded to the engine as they came, and the texts given with `CANCEL pid 'message'`. */
import { connect } from 'node:net'
import path from 'node:path'

/** Path of the engine's Unix socket. */
export function engineSocketPath(socketDir: string, port: number): string {
  return path.join(socketDir, `.s.PGSQL.${port}`)
}

const CANCEL_TIMEOUT_MS = 5000

/**
 * Sends a CancelRequest (the client's 16 bytes, unchanged: the backend key the client holds is the
 * engine's) to the engine on a new connection, and resolves once the engine has closed it.
 */
export function forwardCancel(socketPath: string, request: Buffer): Promise<void> {
  return new Promise((resolve) => {
    const socket = connect({ path: socketPath })
    const done = (): void => {
      clearTimeout(timer)
      socket.destroy()
      resolve()
    }
    const timer = setTimeout(done, CANCEL_TIMEOUT_MS)
    timer.unref()
    socket.once('connect', () => socket.end(request))
    socket.once('close', done)
    socket.once('error', done)
  })
}

/** Builds a CancelRequest for a backend key (used when the gateway cancels on its own, e.g. WLM timeouts). */
export function buildCancelRequest(pid: number, secretKey: Buffer): Buffer {
  const out = Buffer.alloc(12 + secretKey.length)
  out.writeInt32BE(out.length, 0)
  out.writeInt32BE(80877102, 4)
  out.writeInt32BE(pid, 8)
  secretKey.copy(out, 12)
  return out
}

/** How long a `CANCEL pid 'message'` text waits for the cancelled statement's error to come back. */
const MESSAGE_GRACE_MS = 10_000

/** The texts of recent `CANCEL pid 'message'` statements, by target pid; they expire on their own. */
export class CancelMessages {
  readonly #byPid = new Map<number, { message: string; expires: number }>()

  set(pid: number, message: string): void {
    this.#byPid.set(pid, { message, expires: Date.now() + MESSAGE_GRACE_MS })
  }

  /** The text for a cancellation of `pid`, consumed, or undefined. */
  take(pid: number): string | undefined {
    const entry = this.#byPid.get(pid)
    if (entry === undefined) return undefined
    this.#byPid.delete(pid)
    return entry.expires >= Date.now() ? entry.message : undefined
  }
}
