import { TextDecoder } from 'node:util'
import type { CopyOptions } from '@redshift-kit/dialect'
import type { FastCheck } from './fast-check.js'
import { type ReaderItem, shapeRecord } from './input-record.js'

const LF = 10
const CR = 13
const BACKSLASH = 92
/** More text is needed to end the record. */
const INCOMPLETE = -1
/** The record needs csv-parse's rules. */
const BAIL = -2
/** An incomplete record longer than this goes to csv-parse (each chunk would scan it again). */
const MAX_PENDING = 1 << 20
const NEWLINE = Buffer.from('\n')

/** Keeps a BOM inside a field (the file's own BOM is skipped by the scanner); invalid bytes: U+FFFD. */
const decoder = new TextDecoder('utf-8', { ignoreBOM: true })

/**
 * The fast path of reading UTF-8 CSV: records in the common shape (LF line ends; fields unquoted
 * without a quote inside, or quoted with nothing between the closing quote and the delimiter) are
 * split here, byte by byte, with no string made per field (a delimiter, quote or LF byte is never
 * part of a multibyte character). A record whose every field passes its column's FastCheck is passed
 * on as written (runs of them as one slice of the bytes); others get their fields as strings for the
 * converters. Anything else (a CR, a stray quote, an unclosed quote) stops the scan at that record's
 * start (`bailed`), and csv-parse reads the rest of the file.
 */
export class CsvScanner {
  /** Redshift's text format rather than CSV. */
  readonly #text: boolean
  readonly #delimiter: number
  readonly #quote: number
  readonly #quoteText: string
  readonly #nullAs: Buffer
  readonly #nullText: string
  readonly #columns: number
  readonly #checks: readonly (FastCheck | null)[]
  readonly #fillRecord: boolean
  readonly #skipBlank: boolean
  /** Start, end and flags (1: quoted, 2: doubled quotes or something else to undo) of each field. */
  readonly #bounds: Int32Array
  #header: number
  /** The file's start, where a UTF-8 BOM is skipped. */
  #atStart = true
  // The record just scanned.
  #count = 0
  #fast = false
  #newlines = 0
  /** Line number where the next record starts. */
  line = 1
  /** Header lines still to skip (csv-parse's from_line counts from here). */
  get header(): number {
    return this.#header
  }
  /** A LF ended a line already: csv-parse taking over must not detect another record delimiter. */
  sawNewline = false
  /** The scan stopped at a record csv-parse must read (and everything after it). */
  bailed = false

  /**
   * `o.format` says how records split: CSV, or Redshift's text format without ESCAPE and REMOVEQUOTES
   * (one record per LF, fields split at each delimiter, every byte data; a record holding a `"` or a
   * CR goes to the converters, as the engine's CSV would read it otherwise).
   */
  constructor(o: CopyOptions, columns: number, checks: readonly (FastCheck | null)[]) {
    this.#text = o.format !== 'csv'
    this.#delimiter = o.delimiter.charCodeAt(0)
    // The text format has no quote: `"` is only what its records must not hold to pass as written.
    this.#quote = this.#text ? 34 : o.quote.charCodeAt(0)
    this.#quoteText = o.quote
    this.#nullAs = Buffer.from(o.nullAs)
    this.#nullText = o.nullAs
    this.#columns = columns
    this.#checks = checks
    this.#fillRecord = o.fillRecord
    this.#skipBlank = o.ignoreBlankLines
    this.#header = o.ignoreHeader
    this.#bounds = new Int32Array(3 * (columns + 1))
  }

  /**
   * Scans the records of `text` from `from` and appends what it finds to `out`. Returns where it
   * stopped: at the end, at the start of an incomplete record (unless `final`, the file's end), or at
   * the record that made it bail.
   */
  scan(text: Buffer, from: number, final: boolean, out: ReaderItem[]): number {
    if (this.#atStart) {
      if (text.length - from < 3 && !final) return from
      this.#atStart = false
      if (text[from] === 0xef && text[from + 1] === 0xbb && text[from + 2] === 0xbf) from += 3
    }
    let pos = this.#skipHeader(text, from, final)
    if (pos < 0) return -pos - 1
    let runStart = pos
    let runRows = 0
    const n = text.length
    while (pos < n && !this.bailed) {
      const next = this.#record(text, pos, final)
      if (next === INCOMPLETE) {
        if (n - pos > MAX_PENDING) this.bailed = true
        break
      }
      if (next === BAIL) {
        this.bailed = true
        break
      }
      const terminated = text[next - 1] === LF && this.#newlines > 0
      const end = terminated ? next - 1 : next
      if (terminated) this.sawNewline = true
      if (this.#fast) {
        if (runRows === 0) runStart = pos
        runRows++
        if (!terminated) {
          out.push({ checked: Buffer.concat([text.subarray(runStart, next), NEWLINE]), rows: runRows })
          runRows = 0
        }
      } else {
        if (runRows > 0) out.push({ checked: text.subarray(runStart, pos), rows: runRows })
        runRows = 0
        if (!(end === pos && this.#skipBlank)) out.push(this.#materialize(text, pos, end))
      }
      this.line += this.#newlines
      pos = next
    }
    if (runRows > 0) out.push({ checked: text.subarray(runStart, pos), rows: runRows })
    return pos
  }

  /** Skips the header lines (plain lines only: one with a quote or CR makes the scan bail). */
  #skipHeader(text: Buffer, from: number, final: boolean): number {
    let pos = from
    while (this.#header > 0 && pos < text.length) {
      const lf = text.indexOf(LF, pos)
      if (lf < 0 && !final) return -pos - 1
      const end = lf < 0 ? text.length : lf
      for (let i = this.#text ? end : pos; i < end; i++) {
        const c = text[i]
        if (c === this.#quote || c === CR) {
          this.bailed = true
          return -pos - 1
        }
      }
      this.#header--
      this.line++
      if (lf >= 0) this.sawNewline = true
      pos = lf < 0 ? text.length : lf + 1
    }
    return pos
  }

  /** Splits the record at `pos`: its end (after its LF), INCOMPLETE or BAIL. */
  #record(text: Buffer, pos: number, final: boolean): number {
    const delimiter = this.#delimiter
    const quote = this.#quote
    const columns = this.#columns
    const bounds = this.#bounds
    const n = text.length
    let i = pos
    let count = 0
    let newlines = 0
    // A record starting with a backslash could read as the engine's end-of-data marker `\.`.
    let fast = text[pos] !== BACKSLASH
    for (;;) {
      let start: number
      let end: number
      let flags = 0
      let bits = 0
      let c = text[i] as number
      if (c === quote && !this.#text) {
        flags = 1
        start = ++i
        for (;;) {
          if (i >= n) return final ? BAIL : INCOMPLETE
          c = text[i] as number
          if (c === quote) {
            if (i + 1 >= n) {
              if (!final) return INCOMPLETE
              break
            }
            if (text[i + 1] !== quote) break
            flags |= 2
            i += 2
            continue
          }
          if (c === CR) return BAIL
          if (c === LF) {
            newlines++
            // A line of the value starting with a backslash: not passed on (see above).
            if (text[i + 1] === BACKSLASH) flags |= 2
          }
          bits |= c
          i++
        }
        end = i++
        if (i >= n) {
          if (!final) return INCOMPLETE
          c = -1
        } else {
          c = text[i] as number
          if (c !== delimiter && c !== LF) return BAIL
        }
      } else {
        start = i
        c = -1
        while (i < n) {
          const d = text[i] as number
          if (d === delimiter || d === LF) {
            c = d
            break
          }
          if (d === quote || d === CR) {
            if (!this.#text) return BAIL
            fast = false
          }
          bits |= d
          i++
        }
        if (c === -1 && !final) return INCOMPLETE
        end = i
      }
      if (count < columns) {
        if (fast) fast = this.#passes(count, text, start, end, flags, bits)
      } else {
        fast = false
      }
      if (count <= columns) {
        bounds[3 * count] = start
        bounds[3 * count + 1] = end
        bounds[3 * count + 2] = flags
      }
      count++
      if (c === delimiter) {
        i++
        continue
      }
      this.#count = count
      this.#fast = fast && count === columns
      if (c === LF) {
        this.#newlines = newlines + 1
        return i + 1
      }
      this.#newlines = newlines
      return i
    }
  }

  /** Whether field `f` goes to the engine as written. */
  #passes(f: number, text: Buffer, start: number, end: number, flags: number, bits: number): boolean {
    if (end === start || flags > 1) return false
    const nullAs = this.#nullAs
    if (end - start === nullAs.length && nullAs.compare(text, start, end) === 0) return false
    const check = this.#checks[f]
    return check?.(text, start, end, bits) === true
  }

  /** The record's fields as strings (quotes undone, the null marker as null), shaped to the columns. */
  #materialize(text: Buffer, pos: number, end: number): ReaderItem {
    const count = this.#count
    const stored = Math.min(count, this.#columns + 1)
    const fields = new Array<string | null>(count).fill('')
    const bounds = this.#bounds
    const doubled = this.#quoteText + this.#quoteText
    for (let f = 0; f < stored; f++) {
      let value = decoder.decode(text.subarray(bounds[3 * f] as number, bounds[3 * f + 1] as number))
      if (((bounds[3 * f + 2] as number) & 2) !== 0) value = value.replaceAll(doubled, this.#quoteText)
      fields[f] = value === this.#nullText ? null : value
    }
    const raw = decoder.decode(text.subarray(pos, end))
    return shapeRecord(this.line, raw, fields, this.#columns, this.#fillRecord)
  }
}
