/** A client's own connection to the engine: Unix socket, trust auth, as the client's user and database. */
import { connect, type Socket } from 'node:net'
import { Backend } from './protocol/codes.js'
import type { Frame } from './protocol/framing.js'
import { buildStartupMessage } from './protocol/frontend.js'
import { SocketReader } from './socket-reader.js'

/** The engine's answer to a startup. */
export type EngineStartup =
  | {
      readonly ok: true
      readonly socket: Socket
      /** AuthenticationOk, ParameterStatus..., BackendKeyData, NoticeResponse..., up to ReadyForQuery (excluded). */
      readonly frames: readonly Frame[]
      readonly pid: number
      readonly secretKey: Buffer
      /** ReadyForQuery's transaction status byte. */
      readonly status: number
      /** Bytes already received past ReadyForQuery (normally none). */
      readonly rest: Buffer
    }
  | { readonly ok: false; readonly error: Buffer }

/** Opens and starts an engine connection; a FATAL from the engine comes back as `{ ok: false }`. */
export async function openEngineConnection(
  socketPath: string,
  params: ReadonlyMap<string, string>,
): Promise<EngineStartup> {
  const socket = connect({ path: socketPath })
  socket.setNoDelay(true)
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve)
    socket.once('error', reject)
  })
  const reader = new SocketReader(socket)
  socket.write(buildStartupMessage(params))
  const frames: Frame[] = []
  let pid = 0
  let secretKey = Buffer.alloc(0)
  try {
    for (;;) {
      const f = await reader.frame()
      if (f.type === Backend.ErrorResponse) {
        reader.detach()
        socket.destroy()
        return { ok: false, error: f.frame }
      }
      if (f.type === Backend.Authentication && f.frame.readInt32BE(5) !== 0) {
        reader.detach()
        socket.destroy()
        throw new Error(
          'the engine asked the gateway for a password: its Unix socket must use trust authentication',
        )
      }
      if (f.type === Backend.BackendKeyData) {
        pid = f.frame.readInt32BE(5)
        secretKey = Buffer.from(f.frame.subarray(9))
      }
      if (f.type === Backend.ReadyForQuery) {
        const rest = reader.detach()
        return { ok: true, socket, frames, pid, secretKey, status: f.frame[5] as number, rest }
      }
      frames.push(f)
    }
  } catch (error) {
    socket.destroy()
    throw error
  }
}
