import { readFile } from 'node:fs/promises'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'

// packages/local/docs/functions.md claims, function by function, what redshift-local answers. This
// runs every example the doc marks "works" (result and type) or "refused" (42883) against the test
// run's shared local Redshift, so the doc cannot drift from the behaviour.

const DOC = new URL('../../docs/functions.md', import.meta.url)

interface Row {
  readonly name: string
  readonly sql: string
  readonly result: string
  readonly type: string
  readonly status: string
}

/** The table rows of the doc: `| name | `sql` | result | type | status |`, with `\|` for a pipe. */
function rows(markdown: string): Row[] {
  const out: Row[] = []
  for (const line of markdown.split('\n')) {
    if (!line.startsWith('| ') || line.startsWith('|---')) continue
    const cells = line
      .split(/(?<!\\)\|/)
      .slice(1, -1)
      .map((c) => c.trim().replaceAll('\\|', '|'))
    if (cells.length !== 5 || cells[0] === 'Function') continue
    const [name, sql, result, type, status] = cells as [string, string, string, string, string]
    out.push({ name, sql: sql.slice(1, -1), result: result.replace(/^`(.*)`$/, '$1'), type, status })
  }
  return out
}

/** Type names as the doc writes them: Redshift's own OIDs have no pg_type row on the engine. */
const REDSHIFT_TYPES: Readonly<Record<number, string>> = { 4000: 'super', 6551: 'varbyte' }

let client: pg.Client
let typeNames: Map<number, string>

beforeAll(async () => {
  const shared = inject('redshift')
  client = new pg.Client({
    host: shared.host,
    port: shared.port,
    database: shared.database,
    user: shared.admin.name,
    password: shared.admin.password,
    ssl: { ca: shared.caCert },
  })
  await client.connect()
  const types = await client.query<{ oid: number; typname: string }>('select oid, typname from pg_type')
  typeNames = new Map(types.rows.map((t) => [t.oid, t.typname]))
})
afterAll(async () => {
  await client?.end()
})

describe('packages/local/docs/functions.md', () => {
  it('every "works" example gives its result and type, every "refused" one fails with 42883', async () => {
    const all = rows(await readFile(DOC, 'utf8'))
    const works = all.filter((r) => r.status.startsWith('works'))
    const refused = all.filter((r) => r.status === 'refused')
    expect(works.length).toBeGreaterThan(200)
    expect(refused.length).toBeGreaterThan(40)
    const wrong: string[] = []
    for (const row of works) {
      try {
        const r = await client.query({
          text: row.sql,
          rowMode: 'array',
          types: { getTypeParser: () => (v: string) => v },
        })
        const value = (r.rows[0] as unknown[] | undefined)?.[0]
        const got = value === null ? 'NULL' : String(value)
        const oid = r.fields[0]?.dataTypeID ?? 0
        const type = REDSHIFT_TYPES[oid] ?? typeNames.get(oid) ?? String(oid)
        if (got !== row.result || type !== row.type)
          wrong.push(`${row.name}: ${got} (${type}), doc: ${row.result} (${row.type})`)
      } catch (e) {
        wrong.push(`${row.name}: ${(e as Error).message}`)
      }
    }
    for (const row of refused) {
      const error = await client.query(row.sql).then(
        () => undefined,
        (e: pg.DatabaseError) => e,
      )
      if (error?.code !== '42883') wrong.push(`${row.name}: ran or failed otherwise (${error?.message})`)
    }
    expect(wrong).toEqual([])
  })
})
