/**
 * Where kept results live: in memory while the total stays under a budget, in temporary files
 * beyond it, so a server holding many results (or one big one) for their 24 hours stays small.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

/** The memory budget of kept results, and the folder for the rest. */
export class SpillSpace {
  readonly #budget: number
  #used = 0
  #dir: string | undefined
  #files = 0

  constructor(memoryBudgetBytes: number) {
    this.#budget = memoryBudgetBytes
  }

  /** Takes `bytes` of the memory budget if they fit; false means "write it to a file". */
  reserve(bytes: number): boolean {
    if (this.#used + bytes > this.#budget) return false
    this.#used += bytes
    return true
  }

  release(bytes: number): void {
    this.#used = Math.max(0, this.#used - bytes)
  }

  /** Bytes of results held in memory now. */
  get used(): number {
    return this.#used
  }

  /** A new file name in the spill folder (created on first use, private to this process). */
  newFile(): string {
    this.#dir ??= mkdtempSync(path.join(tmpdir(), 'redshift-local-data-api-'))
    this.#files++
    return path.join(this.#dir, `result-${this.#files}`)
  }

  /** Removes the folder and every file in it. */
  dispose(): void {
    if (this.#dir !== undefined) rmSync(this.#dir, { recursive: true, force: true })
    this.#dir = undefined
  }
}
