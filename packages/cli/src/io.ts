import type { Readable, Writable } from 'node:stream'

/** What a command reads and writes: the process's streams in the binary, others in tests. */
export interface CliIo {
  readonly stdin: Readable & { readonly isTTY?: boolean | undefined }
  readonly stdout: Writable & { readonly isTTY?: boolean | undefined; readonly columns?: number | undefined }
  readonly stderr: Writable & { readonly isTTY?: boolean | undefined; readonly columns?: number | undefined }
  readonly env: Readonly<Record<string, string | undefined>>
  /** Aborted on Ctrl+C (SIGINT): the running command cancels its work on the server and ends. */
  readonly signal: AbortSignal
}

/**
 * Colours only on a terminal, never when NO_COLOR is set (https://no-color.org), forced by FORCE_COLOR.
 *
 * @example
 * const paint = painter(io.stdout, io.env); paint.bold('title')
 */
export function painter(stream: { readonly isTTY?: boolean | undefined }, env: CliIo['env']) {
  const on =
    env.NO_COLOR === undefined || env.NO_COLOR === ''
      ? (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') || stream.isTTY === true
      : false
  const wrap = (open: number, close: number) => (text: string) =>
    on ? `\x1b[${open}m${text}\x1b[${close}m` : text
  return {
    enabled: on,
    bold: wrap(1, 22),
    dim: wrap(2, 22),
    red: wrap(31, 39),
    yellow: wrap(33, 39),
    green: wrap(32, 39),
    cyan: wrap(36, 39),
  }
}

export type Painter = ReturnType<typeof painter>
