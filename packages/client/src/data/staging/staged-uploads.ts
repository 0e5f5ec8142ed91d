import type { Readable } from 'node:stream'
import type { S3Staging, StagedObject } from './s3-staging.js'

/**
 * Uploads of one run, at most `limit` in flight: `add` waits for a free slot, so the caller never
 * holds more than `limit` finished bodies in memory (what keeps loads bounded whatever their size).
 */
export class StagedUploads {
  readonly #staging: S3Staging
  readonly #limit: number
  readonly #signal: AbortSignal | undefined
  readonly #onStaged: (object: StagedObject) => void
  readonly #staged: StagedObject[] = []
  readonly #inFlight = new Set<Promise<void>>()
  #added = 0

  constructor(
    staging: S3Staging,
    limit: number,
    signal: AbortSignal | undefined,
    onStaged: (object: StagedObject) => void,
  ) {
    this.#staging = staging
    this.#limit = limit
    this.#signal = signal
    this.#onStaged = onStaged
  }

  /** The next part's index: names sort in the order parts were added. */
  get count(): number {
    return this.#added
  }

  /** Starts uploading `body` as `name` once a slot is free; a failed upload fails `finish()` (or a later `add`). */
  async add(name: string, body: Uint8Array | Readable): Promise<void> {
    while (this.#inFlight.size >= this.#limit) await Promise.race(this.#inFlight)
    this.#added++
    const upload = this.#staging.put(name, body, this.#signal).then((object) => {
      this.#staged.push(object)
      this.#onStaged(object)
    })
    const tracked = upload.finally(() => this.#inFlight.delete(tracked))
    this.#inFlight.add(tracked)
    upload.catch(() => undefined)
  }

  /** Waits for every upload; the staged objects in name order. */
  async finish(): Promise<StagedObject[]> {
    await Promise.all(this.#inFlight)
    return [...this.#staged].sort((a, b) => a.key.localeCompare(b.key))
  }
}
