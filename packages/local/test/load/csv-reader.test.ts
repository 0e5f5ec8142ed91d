import { describe, expect, it } from 'vitest'
import { parseCopy } from '../../src/dialect/copy-parse.js'
import { csvReader } from '../../src/load/csv-reader.js'
import type { InputRecord } from '../../src/load/input-record.js'

async function read(text: string, options = ''): Promise<InputRecord[]> {
  const o = parseCopy(`COPY t FROM 's3://b/k' IAM_ROLE default CSV ${options}`).options
  const out: InputRecord[] = []
  // Split mid-record, to check records that span chunks.
  async function* chunks() {
    yield text.slice(0, 7)
    yield text.slice(7)
  }
  for await (const batch of csvReader(o, 2)(chunks())) out.push(...batch)
  return out
}

describe('csvReader', () => {
  it('numbers lines from the start of each record, header included, and keeps the raw line', async () => {
    const records = await read('a,b\n1,"two\nlines"\n2,x\n', 'IGNOREHEADER 1')
    expect(records.map((r) => [r.line, r.fields, r.raw])).toEqual([
      [2, ['1', 'two\nlines'], '1,"two\nlines"'],
      [4, ['2', 'x'], '2,x'],
    ])
  })

  it('reports broken quoting as error 1216 and goes on', async () => {
    const records = await read('1,"ok"\n2,"never closed\n')
    expect(records[0]?.fields).toEqual(['1', 'ok'])
    expect(records[1]?.error?.code).toBe(1216)
  })

  it('maps the null marker to NULL and checks the column count', async () => {
    const records = await read('\\N,a\n1,2,3\n')
    expect(records[0]?.fields).toEqual([null, 'a'])
    expect(records[1]?.error?.code).toBe(1202)
  })
})
