import { connect as connectTcp, type Socket } from 'node:net'
import { type ConnectionOptions, connect as connectTls } from 'node:tls'
import type pg from 'pg'
import { onAbort as onAbortOf } from '../abort-hub.js'
import { backendOf } from './pg-internals.js'
import type { WireConnection } from './wire-connection.js'

/** Where and to whom a CancelRequest goes: the session's server, and its backend key. */
export interface CancelTarget {
  readonly host: string
  readonly port: number
  /** TLS options of the session (the request is sent over TLS too when the session uses it), or false. */
  readonly ssl: false | ConnectionOptions
  readonly pid: number
  readonly secretKey: number
}

/** The cancel target of a wire session, or undefined before its backend key is known. */
export function cancelTargetOf(client: pg.Client): CancelTarget | undefined {
  const c = backendOf(client)
  if (c.pid === null || c.secretKey === null) return undefined
  return {
    host: c.host,
    port: c.port,
    ssl: c.ssl === true ? {} : c.ssl === false ? false : c.ssl,
    pid: c.pid,
    secretKey: c.secretKey,
  }
}

const CANCEL_REQUEST_CODE = 80877102
const SSL_REQUEST_CODE = 80877103
/** How long a cancel request may take before it is given up (it is best effort by design). */
const CANCEL_TIMEOUT_MS = 5_000

function cancelPacket(pid: number, secretKey: number): Buffer {
  const out = Buffer.alloc(16)
  out.writeInt32BE(16, 0)
  out.writeInt32BE(CANCEL_REQUEST_CODE, 4)
  out.writeInt32BE(pid, 8)
  out.writeInt32BE(secretKey, 12)
  return out
}

/**
 * Sends the protocol's CancelRequest for a backend, on a new connection, as JDBC does: no login, no
 * privilege, only the backend key the session got at startup. Over TLS when the session used TLS (a
 * server that refuses TLS gets it in clear). Resolves once the server has closed the connection (it
 * answers nothing), or after a 5 s limit; rejects only when the server cannot be reached.
 *
 * Whether anything was cancelled is not reported by the protocol: the cancelled statement fails with
 * SQLSTATE 57014, and a statement that had already finished is not affected.
 */
export function sendCancelRequest(target: CancelTarget): Promise<void> {
  return new Promise((resolve, reject) => {
    const packet = cancelPacket(target.pid, target.secretKey)
    const raw = connectTcp({ host: target.host, port: target.port })
    raw.setNoDelay(true)
    let socket: Socket = raw
    let settled = false
    const finish = (error?: unknown): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      socket.destroy()
      raw.destroy()
      if (error === undefined) resolve()
      else reject(error)
    }
    const timer = setTimeout(() => finish(), CANCEL_TIMEOUT_MS)
    timer.unref?.()
    const watch = (s: Socket): void => {
      s.once('close', () => finish())
      s.once('error', (error) => finish(error))
    }
    watch(raw)
    raw.once('connect', () => {
      if (target.ssl === false) {
        raw.end(packet)
        return
      }
      const request = Buffer.alloc(8)
      request.writeInt32BE(8, 0)
      request.writeInt32BE(SSL_REQUEST_CODE, 4)
      raw.write(request)
      raw.once('data', (answer: Buffer) => {
        if (answer[0] !== 0x53) {
          raw.end(packet)
          return
        }
        const tlsOptions = target.ssl === false ? {} : target.ssl
        const secure = connectTls({ ...tlsOptions, socket: raw, host: target.host })
        socket = secure
        watch(secure)
        secure.once('secureConnect', () => secure.end(packet))
      })
    })
  })
}

/** Sends a CancelRequest for what `connection` is running now; false when its backend key is unknown. */
export async function cancelRunning(connection: WireConnection): Promise<boolean> {
  const target = cancelTargetOf(connection.pgClient)
  if (target === undefined) return false
  await sendCancelRequest(target)
  return true
}

/** How long an aborted statement may take to answer its cancel before its connection is dropped. */
const ABORT_ANSWER_MS = 5_000

/** The signals a statement on one connection runs under. */
export interface CallSignals {
  /** The caller's cancel (the connection must be lent exclusively: a CancelRequest hits whatever runs). */
  readonly signal?: AbortSignal | undefined
  /** The client's deadline: the server stopped answering. */
  readonly deadline?: AbortSignal | undefined
}

/**
 * Runs `run` (a statement on `connection`) under the call's signals:
 *
 * - the deadline (the server let the statement's timeout pass without answering) sends a
 *   CancelRequest and destroys the socket at once, so the call and everything pipelined behind it
 *   settle now; the pool replaces the connection;
 * - the caller's signal sends a CancelRequest (the connection is lent exclusively, so it reaches only
 *   this statement), and destroys the socket if the server has not answered within 5 s. A cancel
 *   that found nothing to cancel could still hit the connection's next statement, so unless the
 *   statement failed with SQLSTATE 57014 (the cancel took) the connection is dropped afterwards.
 */
export async function guardCall<T>(
  connection: WireConnection,
  call: CallSignals,
  run: () => Promise<T>,
): Promise<T> {
  const { signal, deadline } = call
  if (signal === undefined && deadline === undefined) return run()
  signal?.throwIfAborted()
  deadline?.throwIfAborted()
  let cancelled = false
  let watchdog: ReturnType<typeof setTimeout> | undefined
  const onAbort = (): void => {
    cancelled = true
    cancelRunning(connection).catch(() => undefined)
    watchdog = setTimeout(
      () => connection.destroy(new Error('the server did not answer a cancel request within 5 s')),
      ABORT_ANSWER_MS,
    )
    watchdog.unref?.()
  }
  const onDeadline = (): void => {
    cancelled = true
    cancelRunning(connection).catch(() => undefined)
    connection.destroy(deadline?.reason ?? new Error('the statement passed its deadline'))
  }
  const stopListening = signal === undefined ? undefined : onAbortOf(signal, onAbort)
  deadline?.addEventListener('abort', onDeadline, { once: true })
  let took = false
  try {
    return await run()
  } catch (error) {
    const e = error as { sqlState?: unknown; code?: unknown } | null
    took = e?.sqlState === '57014' || e?.code === '57014'
    throw error
  } finally {
    stopListening?.()
    deadline?.removeEventListener('abort', onDeadline)
    if (watchdog !== undefined) clearTimeout(watchdog)
    if (cancelled && !took) connection.destroy(new Error('a cancel request may still be outstanding'))
  }
}
