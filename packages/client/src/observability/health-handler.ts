import type { IncomingMessage, ServerResponse } from 'node:http'

/** What the handler needs of a client. */
export interface HealthSource {
  healthCheck(): Promise<{ readonly healthy: boolean }>
}

/** Options of {@link createHealthHandler}. */
export interface HealthHandlerOptions {
  /**
   * `readiness` (default) runs a health check against the database: 503 when it fails, so a load
   * balancer stops sending traffic. `liveness` answers 200 without touching the database while the
   * process can serve HTTP at all: a database outage must not make an orchestrator restart a
   * healthy process.
   */
  readonly mode?: 'readiness' | 'liveness'
  /** The longest a readiness probe waits for the check before answering 503. @default 5000 */
  readonly timeoutMs?: number
}

/**
 * A `node:http` request handler answering a health probe with 200 (healthy) or 503 and the health
 * JSON. It works as an express/fastify/koa handler too (it only uses `res.statusCode`,
 * `res.setHeader` and `res.end`).
 *
 * @example
 * http.createServer(client.healthHandler()).listen(8080)                 // readiness
 * app.get('/livez', client.healthHandler({ mode: 'liveness' }))           // express
 */
export function createHealthHandler(
  source: HealthSource,
  options: HealthHandlerOptions = {},
): (req: IncomingMessage, res: ServerResponse) => void {
  const mode = options.mode ?? 'readiness'
  const timeoutMs = options.timeoutMs ?? 5_000
  return (req, res) => {
    if (req.method !== undefined && req.method !== 'GET' && req.method !== 'HEAD') {
      send(res, 405, { healthy: false, error: 'use GET or HEAD' }, req.method)
      return
    }
    if (mode === 'liveness') {
      send(res, 200, { healthy: true, mode }, req.method)
      return
    }
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`health check took longer than ${timeoutMs} ms`)), timeoutMs)
    })
    Promise.race([source.healthCheck(), timeout])
      .then(
        (status) => send(res, status.healthy ? 200 : 503, { mode, ...status }, req.method),
        (error: unknown) =>
          send(
            res,
            503,
            { mode, healthy: false, error: String((error as Error)?.message ?? error) },
            req.method,
          ),
      )
      .finally(() => clearTimeout(timer))
  }
}

function send(res: ServerResponse, status: number, body: object, method: string | undefined): void {
  const json = JSON.stringify(body, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))
  res.statusCode = status
  res.setHeader('content-type', 'application/json; charset=utf-8')
  res.setHeader('cache-control', 'no-store')
  res.end(method === 'HEAD' ? undefined : json)
}
