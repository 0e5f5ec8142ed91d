const NEWLINE = 0x0a

/**
 * Finds where records end in delimited text read chunk by chunk, so a file can be cut into parts
 * COPY loads in parallel without splitting a record: for CSV a newline outside quotes (a quoted
 * field may hold newlines; a doubled quote toggles twice, so it needs no special case), for JSON a
 * newline outside any object or string (pretty-printed objects span lines). It only tracks the state
 * that decides boundaries; Redshift parses the values.
 */
export interface RecordScanner {
  /** Physical lines ended so far (every newline), for mapping COPY's line numbers back to the file. */
  readonly lines: number
  /** Records ended so far. */
  readonly records: number
  /**
   * Scans `chunk` from `from`; returns the offset just past the next record boundary, or -1 when the
   * chunk ends first (its state then carries into the next chunk).
   */
  next(chunk: Uint8Array, from: number): number
  /** Counts a last record the file did not end with a newline. */
  end(): void
}

/** Boundaries of CSV records whose fields are quoted with `quote`. */
export function csvScanner(quote = '"'): RecordScanner {
  const q = quote.charCodeAt(0)
  let inQuotes = false
  let recordHasBytes = false
  const state = {
    lines: 0,
    records: 0,
    next(chunk: Uint8Array, from: number): number {
      for (let i = from; i < chunk.length; i++) {
        const b = chunk[i]
        if (b === q) {
          inQuotes = !inQuotes
          recordHasBytes = true
        } else if (b === NEWLINE) {
          state.lines++
          if (!inQuotes) {
            if (recordHasBytes) state.records++
            recordHasBytes = false
            return i + 1
          }
        } else if (b !== 0x0d) recordHasBytes = true
      }
      return -1
    },
    end() {
      if (recordHasBytes) state.records++
      recordHasBytes = false
    },
  }
  return state
}

const QUOTE = 0x22
const BACKSLASH = 0x5c

/** Boundaries of JSON objects one after the other (newline-delimited JSON, or pretty-printed objects). */
export function jsonScanner(): RecordScanner {
  let depth = 0
  let inString = false
  let escaped = false
  const state = {
    lines: 0,
    records: 0,
    next(chunk: Uint8Array, from: number): number {
      for (let i = from; i < chunk.length; i++) {
        const b = chunk[i]
        if (inString) {
          if (escaped) escaped = false
          else if (b === BACKSLASH) escaped = true
          else if (b === QUOTE) inString = false
          else if (b === NEWLINE) state.lines++
          continue
        }
        if (b === QUOTE) inString = true
        else if (b === 0x7b || b === 0x5b) depth++
        else if (b === 0x7d || b === 0x5d) {
          depth--
          if (depth === 0) state.records++
        } else if (b === NEWLINE) {
          state.lines++
          if (depth === 0) return i + 1
        }
      }
      return -1
    },
    end() {},
  }
  return state
}
