/**
 * A client connection from its first byte to a running session: SSL/GSS negotiation, cancel requests,
 * the startup packet, password authentication (the gateway's: the engine trusts it), and the engine
 * connection opened as the same user and database.
 */
import { randomBytes } from 'node:crypto'
import type { Socket } from 'node:net'
import { type SecureContext, TLSSocket } from 'node:tls'
import { passwordMatches, storedPasswordMatches } from './auth.js'
import { forwardCancel } from './cancel.js'
import type { GatewayContext } from './context.js'
import { openEngineConnection } from './engine-connection.js'
import { MAX_AUTH_MESSAGE_BYTES } from './listener-limits.js'
import {
  buildAuthentication,
  buildNegotiateProtocolVersion,
  buildNotice,
  buildReadyForQuery,
} from './protocol/backend.js'
import { Backend, Frontend } from './protocol/codes.js'
import { MessageLengthError } from './protocol/framing.js'
import { parsePassword, parseStartupPacket } from './protocol/frontend.js'
import type { ConnectionEvent } from './query-log.js'
import { Session, type SessionIdentity } from './session/session.js'
import { SocketReader } from './socket-reader.js'
import { filterStartupParams, REDSHIFT_EXTRA_PARAMETERS, rewriteParameterStatus } from './startup-params.js'

/** Hooks of the server around one connection. */
export interface ConnectionHooks {
  /** Every socket the connection uses (client, TLS wrapper, engine), so `stop()` can close them. */
  readonly track: (socket: Socket) => void
  readonly tls: SecureContext | undefined
}

const fatal = (code: string, message: string): Buffer => buildNotice({ severity: 'FATAL', code, message })

/** Runs one connection's handshake and starts its session; never throws (failures close the socket). */
export async function acceptConnection(
  raw: Socket,
  ctx: GatewayContext,
  hooks: ConnectionHooks,
): Promise<void> {
  raw.setNoDelay(true)
  const connectedAt = new Date()
  let socket: Socket = raw
  let reader = new SocketReader(raw, undefined, MAX_AUTH_MESSAGE_BYTES)
  const remoteHost = raw.remoteAddress ?? ''
  const remotePort = String(raw.remotePort ?? '')
  // PostgreSQL's authentication_timeout: from accept to a checked password, whatever the client does.
  let timedOut = false
  const deadline = setTimeout(() => {
    timedOut = true
    refuse(socket, fatal('57014', 'canceling authentication due to timeout'))
  }, ctx.limits.authenticationTimeoutMs)
  deadline.unref()
  try {
    let packet = parseStartupPacket(await reader.startupPacket())
    for (let round = 0; packet.kind === 'ssl' || packet.kind === 'gssenc'; round++) {
      if (round > 2) throw new Error('too many encryption requests')
      if (packet.kind === 'ssl' && hooks.tls !== undefined && !(socket instanceof TLSSocket)) {
        reader.detach()
        raw.write('S')
        const secure = new TLSSocket(raw, { isServer: true, secureContext: hooks.tls })
        hooks.track(secure)
        socket = secure
        reader = new SocketReader(secure, undefined, MAX_AUTH_MESSAGE_BYTES)
      } else {
        socket.write('N')
      }
      packet = parseStartupPacket(await reader.startupPacket())
    }
    if (packet.kind === 'cancel') {
      reader.detach()
      await handleCancel(ctx, packet.raw)
      socket.destroy()
      return
    }
    const user = packet.params.get('user') ?? ''
    const database = packet.params.get('database') || user
    const applicationName = packet.params.get('application_name') ?? ''
    const tlsInfo = socket instanceof TLSSocket ? socket : undefined
    const event = (e: ConnectionEvent['event'], pid: number, durationMicros = 0): ConnectionEvent => ({
      event: e,
      recordTime: e === 'initiating session' ? connectedAt : new Date(),
      remoteHost,
      remotePort,
      pid,
      dbName: database,
      userName: user,
      authMethod: ctx.authMethod === 'md5' ? 'md5' : 'password',
      durationMicros,
      sslVersion: tlsInfo?.getProtocol() ?? '',
      sslCipher: tlsInfo?.getCipher()?.name ?? '',
      applicationName,
    })
    if (user === '') {
      refuse(socket, fatal('28000', 'no PostgreSQL user name specified in startup packet'))
      return
    }
    const params = filterStartupParams(packet.params, ctx.engineSettings)
    if (params.dropped.length > 0) ctx.log(`[gateway] ignored startup keys: ${params.dropped.join(', ')}`)
    if (packet.minorVersion > 0 || params.protocolOptions.length > 0) {
      socket.write(buildNegotiateProtocolVersion(0x30000, params.protocolOptions))
    }

    const salt = randomBytes(4)
    socket.write(ctx.authMethod === 'md5' ? buildAuthentication(5, salt) : buildAuthentication(3))
    const reply = await reader.frame()
    if (reply.type !== Frontend.Password) {
      refuse(
        socket,
        fatal('08P01', `expected a password message, got message type ${String.fromCharCode(reply.type)}`),
      )
      return
    }
    const response = parsePassword(reply.frame)
    await ctx.loginThrottle.admit(remoteHost, user)
    if (timedOut) return
    const known = ctx.users.get(user)
    let ok =
      known?.password !== undefined && passwordMatches(ctx.authMethod, response, user, known.password, salt)
    if (!ok && ctx.temporaryPassword !== undefined) {
      const temporary = await ctx.temporaryPassword(user)
      ok = temporary !== undefined && passwordMatches(ctx.authMethod, response, user, temporary, salt)
    }
    if (!ok && known === undefined) {
      // A user made with CREATE USER ... PASSWORD: the engine holds its MD5 hash.
      const stored = await ctx.storedPassword(user)
      ok = stored !== undefined && storedPasswordMatches(ctx.authMethod, response, user, stored, salt)
    }
    if (!ok) {
      ctx.loginThrottle.failed(remoteHost, user)
      ctx.queryLog.connectionEvent(event('authentication failure', 0))
      refuse(socket, fatal('28000', `password authentication failed for user "${user}"`))
      return
    }

    ctx.loginThrottle.succeeded(remoteHost, user)
    clearTimeout(deadline)
    if (timedOut) return
    params.engine.set('user', user)
    params.engine.set('database', database)
    // CREATE / ALTER USER ... PASSWORD store Redshift's MD5 form, which the gateway can check logins
    // against (a SCRAM verifier cannot answer an MD5 challenge).
    params.engine.set('password_encryption', 'md5')
    if (ctx.engineSettings.has('md5_password_warnings')) params.engine.set('md5_password_warnings', 'off')
    const opened = await openEngineConnection(ctx.engineSocket, params.engine)
    if (!opened.ok) {
      refuse(socket, opened.error)
      return
    }
    hooks.track(opened.socket)
    const out: Buffer[] = []
    for (const f of opened.frames) {
      if (f.type === Backend.ParameterStatus) {
        const rewritten = rewriteParameterStatus(f.frame)
        if (rewritten !== undefined) out.push(rewritten)
      } else {
        out.push(f.frame)
      }
    }
    out.push(...REDSHIFT_EXTRA_PARAMETERS, buildReadyForQuery(opened.status))

    const role = await ctx.loadRole(user)
    const identity: SessionIdentity = {
      user,
      database,
      userId: role?.oid ?? 0,
      superuser: known?.superuser === true || role?.superuser === true,
      groups: known?.groups ?? [],
      pid: opened.pid,
      secretKey: opened.secretKey,
      connectedAt,
      disconnectEvent: (durationMicros) => event('disconnecting session', opened.pid, durationMicros),
    }
    ctx.queryLog.connectionEvent(event('initiating session', opened.pid))
    ctx.queryLog.connectionEvent(event('authenticated', opened.pid))
    const leftover = reader.detach()
    const session = new Session(ctx, socket, opened.socket, identity)
    socket.write(Buffer.concat(out))
    session.start(leftover, opened.rest)
  } catch (error) {
    const why = timedOut ? 'authentication timed out' : error instanceof Error ? error.message : String(error)
    ctx.log(`[gateway] connection from ${remoteHost}:${remotePort} failed: ${why}`)
    if (timedOut) return
    if (error instanceof MessageLengthError) refuse(socket, fatal('08P01', error.message))
    else socket.destroy()
  } finally {
    clearTimeout(deadline)
  }
}

/**
 * Sends a last error and closes: as soon as it is written, and within a second in any case (a peer
 * that neither reads nor closes must not keep the socket, which counts against the connection cap).
 */
export function refuse(socket: Socket, error: Buffer): void {
  if (socket.destroyed) return
  const timer = setTimeout(() => socket.destroy(), 1_000)
  timer.unref()
  // Closing with unread input resets the connection, and a reset can make the client drop the error
  // before reading it: discard what it still sends, and close once it has (at most a second later).
  socket.on('data', () => undefined)
  socket.resume()
  socket.once('close', () => clearTimeout(timer))
  socket.end(error)
}

/**
 * A CancelRequest: forwarded to the engine unchanged (the client holds the engine's backend key), and
 * also given to the session itself, which may be waiting in a WLM queue where the engine cannot see it.
 */
async function handleCancel(ctx: GatewayContext, request: Buffer): Promise<void> {
  if (request.length >= 16) {
    const pid = request.readInt32BE(8)
    const session = ctx.sessions.get(pid)
    if (session?.secretKey.equals(request.subarray(12))) {
      session.cancelQueued(undefined)
    }
  }
  await forwardCancel(ctx.engineSocket, request)
}
