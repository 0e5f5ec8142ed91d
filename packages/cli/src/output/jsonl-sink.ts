import type { Writable } from 'node:stream'
import type { ColumnMetadata, Row } from '@redshift-kit/client'
import type { RowSink } from './sink.js'
import { TextWriter } from './text-writer.js'
import { valueJson } from './value-text.js'

/**
 * One JSON object per row, keyed by column name, exact numbers kept (see `valueJson`).
 *
 * @example
 * new JsonLinesSink(process.stdout)
 */
export class JsonLinesSink implements RowSink {
  readonly #out: TextWriter
  #keys: string[] = []
  constructor(out: Writable) {
    this.#out = new TextWriter(out)
  }

  get bytes(): number {
    return this.#out.bytes
  }

  async begin(columns: readonly ColumnMetadata[]): Promise<void> {
    this.#keys = columns.map((c) => JSON.stringify(c.name))
  }

  async write(rows: readonly Row[]): Promise<void> {
    let text = ''
    for (const row of rows) {
      const fields = row.values.map((v, i) => `${this.#keys[i]}:${valueJson(v)}`)
      text += `{${fields.join(',')}}\n`
    }
    await this.#out.write(text)
  }

  async end(): Promise<void> {}
}
