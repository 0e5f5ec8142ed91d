import { parseCopy } from '@redshift-kit/dialect'
import { describe, expect, it } from 'vitest'
import { csvByteReader, csvReader } from '../../src/load/csv-reader.js'
import type { FastCheck } from '../../src/load/fast-check.js'
import type { ReaderItem } from '../../src/load/input-record.js'
import { textReader } from '../../src/load/text-reader.js'

/** Lets every non-empty field pass (a VARCHAR without limit). */
const ANY: FastCheck = () => true
/** Lets none pass: every record is split into strings by the scanner. */
const NONE: FastCheck = () => false

async function read(
  text: string,
  options = '',
  checks: readonly FastCheck[] | null = null,
  columns = 2,
  cut = 7,
): Promise<ReaderItem[]> {
  const o = parseCopy(`COPY t FROM 's3://b/k' IAM_ROLE default CSV ${options}`).options
  const out: ReaderItem[] = []
  // Split mid-record, to check records that span chunks.
  async function* chunks() {
    // As the load decodes a file: a UTF-8 byte order mark is no data.
    const data = text.replace(/^\uFEFF/, '')
    yield data.slice(0, cut)
    yield data.slice(cut)
  }
  async function* bytes() {
    const all = Buffer.from(text)
    yield all.subarray(0, cut)
    yield all.subarray(cut)
  }
  const batches =
    checks === null ? csvReader(o, columns)(chunks()) : csvByteReader(o, columns, checks)(bytes())
  for await (const batch of batches) out.push(...batch)
  return out
}

function summary(items: readonly ReaderItem[]): unknown[] {
  return items.map((r) =>
    'checked' in r
      ? { checked: Buffer.from(r.checked).toString(), rows: r.rows }
      : [r.line, r.fields, r.raw, r.error?.code],
  )
}

describe('csvReader', () => {
  for (const [path, checks] of [
    ['csv-parse', null],
    ['the fast scan', [NONE, NONE]],
  ] as const) {
    it(`numbers lines from the start of each record, header included, and keeps the raw line (${path})`, async () => {
      const records = await read('a,b\n1,"two\nlines"\n2,x\n', 'IGNOREHEADER 1', checks)
      expect(summary(records)).toEqual([
        [2, ['1', 'two\nlines'], '1,"two\nlines"', undefined],
        [4, ['2', 'x'], '2,x', undefined],
      ])
    })

    it(`reports broken quoting as error 1216 and goes on (${path})`, async () => {
      const records = summary(await read('1,"ok"\n2,"never closed\n', '', checks))
      expect(records[0]).toEqual([1, ['1', 'ok'], '1,"ok"', undefined])
      expect(records[1]).toEqual([2, null, '2,"never closed', 1216])
    })

    it(`maps the null marker to NULL and checks the column count (${path})`, async () => {
      const records = summary(await read('\\N,a\n1,2,3\n', '', checks))
      expect(records).toEqual([
        [1, [null, 'a'], '\\N,a', undefined],
        [2, null, '1,2,3', 1202],
      ])
    })
  }

  it('reads what csv-parse reads, whichever path a record takes', async () => {
    const samples = [
      'a,b\n\n"x ""y""",z\n1,\n,2\n"",""\n3,4',
      'a,"b,c"\nd,"e\nf"\n"g"\n',
      'a,b"c\nd,e\n',
      'a,"b"c,d\ne,f\n',
      '1,2\r\n3,4\r\n',
      'x,y\n"unclosed,z\n',
      '\\.,x\n\\N,"\\N"\n',
      '\uFEFFé,"ü\n"\n',
      'bad \uFFFD,x\n',
    ]
    for (const text of samples) {
      for (const cut of [1, 5, 9, text.length]) {
        for (const options of ['', 'IGNOREHEADER 1', 'IGNOREBLANKLINES FILLRECORD']) {
          const expected = summary(await read(text, options, null, 2, cut))
          // IGNOREBLANKLINES: csv-parse numbers the lines after a skipped one wrongly; the scan does not.
          if (options.startsWith('IGNOREBLANKLINES') && text.includes('\n\n')) continue
          expect([text, cut, options, summary(await read(text, options, [NONE, NONE], 2, cut))]).toEqual([
            text,
            cut,
            options,
            expected,
          ])
        }
      }
    }
  })

  it('passes records whose fields all pass their checks on as written, in runs', async () => {
    const text = 'h1,h2\n1,"a,b"\n2,b\n,c\n3,"d""e"\n4,f\n5,g'
    expect(summary(await read(text, 'IGNOREHEADER 1', [ANY, ANY], 2, text.length))).toEqual([
      { checked: '1,"a,b"\n2,b\n', rows: 2 },
      // An empty field and doubled quotes are for the converters.
      [4, ['', 'c'], ',c', undefined],
      [5, ['3', 'd"e'], '3,"d""e"', undefined],
      { checked: '4,f\n', rows: 1 },
      // The last record, read once the input ended, gets its newline.
      { checked: '5,g\n', rows: 1 },
    ])
    expect(summary(await read('\\.\n', '', [ANY], 1))).toEqual([[1, ['\\.'], '\\.', undefined]])
  })

  it('reads the text format as textReader does, passing plain records on', async () => {
    const samples = ['1|a\n\n2|"q"\n3|x\r\n|\n\\N|b|c\n4', 'h\n5|\\x\n']
    for (const text of samples) {
      for (const options of ['', 'IGNOREHEADER 1', 'IGNOREBLANKLINES FILLRECORD', "NULL AS 'x'"]) {
        const o = parseCopy(`COPY t FROM 's3://b/k' IAM_ROLE default ${options}`).options
        const expected: ReaderItem[] = []
        async function* chunks() {
          yield text
        }
        for await (const batch of textReader(o, 2)(chunks())) expected.push(...batch)
        for (const checks of [
          [NONE, NONE],
          [ANY, ANY],
        ]) {
          const got: ReaderItem[] = []
          async function* bytes() {
            yield Buffer.from(text.slice(0, 3))
            yield Buffer.from(text.slice(3))
          }
          for await (const batch of csvByteReader(o, 2, checks)(bytes())) got.push(...batch)
          const records = got.filter((r) => !('checked' in r))
          const passed = got.flatMap((r) => ('checked' in r ? [Buffer.from(r.checked).toString()] : []))
          const passedRows = got.reduce((n, r) => n + ('checked' in r ? r.rows : 1), 0)
          if (checks[0] === NONE) {
            expect([text, options, summary(records)]).toEqual([text, options, summary(expected)])
          } else {
            // Every record is either passed on or given to the converters, and `"` / CR never pass.
            expect(passedRows).toBe(expected.length)
            expect(passed.join('')).not.toMatch(/["\r]/)
          }
        }
      }
    }
  })
})
