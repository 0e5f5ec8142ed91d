import type { CliIo } from './io.js'

function bytesText(n: number): string {
  if (n < 1024) return `${n} B`
  const units = ['KB', 'MB', 'GB', 'TB']
  let v = n / 1024
  let i = 0
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024
    i++
  }
  return `${v.toFixed(1)} ${units[i]}`
}

function elapsedText(ms: number): string {
  const s = Math.floor(ms / 1000)
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`
}

/**
 * A one-line progress report on stderr (rows, bytes, rate, elapsed), redrawn at most ten times a
 * second, only when stderr is a terminal: scripts and pipes get quiet output.
 *
 * @example
 * const progress = new Progress(io); progress.update(rows, bytes); progress.done()
 */
export class Progress {
  readonly #enabled: boolean
  readonly #started = Date.now()
  #last = 0
  #rows = 0
  #bytes = 0
  #shown = false

  constructor(
    private readonly io: CliIo,
    quiet = false,
    private readonly label = '',
  ) {
    this.#enabled = !quiet && io.stderr.isTTY === true
  }

  line(): string {
    const ms = Date.now() - this.#started
    const rate = ms > 0 ? Math.round((this.#rows * 1000) / ms) : 0
    return `${this.label}${this.#rows.toLocaleString('en-US')} ${this.#rows === 1 ? 'row' : 'rows'}  ${bytesText(this.#bytes)}  ${rate.toLocaleString('en-US')} rows/s  ${elapsedText(ms)}`
  }

  update(rows: number, bytes: number): void {
    this.#rows = rows
    this.#bytes = bytes
    if (!this.#enabled) return
    const now = Date.now()
    if (now - this.#last < 100) return
    this.#last = now
    this.#shown = true
    this.io.stderr.write(`\r\x1b[2K${this.line()}`)
  }

  /** For work without row counts (COPY, UNLOAD): the label and the time so far. */
  tick(): void {
    if (!this.#enabled) return
    this.#shown = true
    this.io.stderr.write(`\r\x1b[2K${this.label}${elapsedText(Date.now() - this.#started)}`)
  }

  /** Leaves the final figures on the line. */
  done(): void {
    if (!this.#enabled) return
    this.io.stderr.write(`\r\x1b[2K${this.line()}\n`)
    this.#shown = false
  }

  /** Removes the line (before an error message). */
  clear(): void {
    if (this.#enabled && this.#shown) this.io.stderr.write('\r\x1b[2K')
  }
}
