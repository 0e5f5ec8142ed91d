import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { QueryFailedError } from '../../src/errors/index.js'
import { redactSecrets, redactSqlLiterals } from '../../src/index.js'

// Passwords generated with quotes, backslashes, dollar signs and comment starts around a random core,
// written in every literal form Redshift (and PostgreSQL) reads; after redaction no core may remain.

const core = fc.stringMatching(/^[A-Za-z0-9]{12}$/)
const hostile = fc.constantFrom(
  "'",
  "''",
  '\\',
  "\\'",
  '$',
  '$$',
  '$a$',
  '--',
  '/*',
  '*/',
  '"',
  ';',
  ' ',
  '\n',
  'é',
  '',
)
const password = fc
  .tuple(hostile, core, hostile, core, hostile)
  .map(([a, c1, b, c2, d]) => ({ text: `${a}${c1}${b}${c2}${d}`, cores: [c1, c2] }))

/** Every way to write `p` as a literal, as [form, literal]; forms that cannot hold `p` are left out. */
function literalForms(p: string): [string, string][] {
  const forms: [string, string][] = [
    ['standard', `'${p.replaceAll("'", "''")}'`],
    // Redshift reads a backslash in an ordinary literal as an escape.
    ['backslash-escaped', `'${p.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`],
    ['E-string', `E'${p.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`],
    ['e-string, doubled quotes', `e'${p.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`],
    ['U&-string', `U&'${p.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`],
  ]
  if (!p.includes('$$')) forms.push(['dollar', `$$${p}$$`])
  if (!p.includes('$pw$')) forms.push(['tagged dollar', `$pw$${p}$pw$`])
  return forms
}

const statements: ((lit: string) => string)[] = [
  (lit) => `CREATE USER bob PASSWORD ${lit}`,
  (lit) => `alter user bob with password ${lit} valid until '2030-01-01'`,
  (lit) => `CREATE USER bob PASSWORD /* rotated */ ${lit} CREATEDB`,
  (lit) => `ALTER USER bob PASSWORD -- new one\n ${lit}`,
  (lit) =>
    `COPY t FROM 's3://b/k' ACCESS_KEY_ID 'AKIAIOSFODNN7EXAMPLE' SECRET_ACCESS_KEY ${lit} SESSION_TOKEN ${lit}`,
  (lit) => `COPY t FROM 's3://b/k' CREDENTIALS AS ${lit} CSV`,
  (lit) => `UNLOAD ('select 1') TO 's3://b/k' IAM_ROLE default MASTER_SYMMETRIC_KEY ${lit} ENCRYPTED`,
  (lit) => `ERROR:  syntax error at or near "x" in CREATE USER bob PASSWORD ${lit}; more`,
]

function expectHidden(out: string, cores: readonly string[], context: string): void {
  for (const c of cores) if (out.includes(c)) throw new Error(`${c} leaked from ${context}: ${out}`)
}

describe('redactSecrets: passwords in every literal form', () => {
  it('hides generated passwords in every form, statement and truncation', () => {
    let cases = 0
    fc.assert(
      fc.property(password, fc.nat(), ({ text, cores }, cutSeed) => {
        for (const [form, lit] of literalForms(text)) {
          for (const statement of statements) {
            const sql = statement(lit)
            expectHidden(redactSecrets(sql), cores, `${form}: ${sql}`)
            // A message cut off inside the literal still hides what it has of the secret.
            const at = sql.indexOf(lit) + 1 + (cutSeed % lit.length)
            expectHidden(redactSecrets(sql.slice(0, at)), cores, `${form}, cut at ${at}: ${sql}`)
            cases += 2
          }
        }
      }),
      { numRuns: 300 },
    )
    expect(cases).toBeGreaterThan(10_000)
  })

  it('examples of the forms the pattern-based redaction missed', () => {
    expect(redactSecrets("CREATE USER u PASSWORD /* c */ 'Secret-1'")).toBe(
      "CREATE USER u PASSWORD /* c */ '***'",
    )
    expect(redactSecrets("CREATE USER u PASSWORD E'Sec\\'ret-1'")).toBe("CREATE USER u PASSWORD '***'")
    expect(redactSecrets("CREATE USER u PASSWORD U&'Secret-1'")).toBe("CREATE USER u PASSWORD '***'")
    expect(redactSecrets('CREATE USER u PASSWORD $$Secret-1$$')).toBe("CREATE USER u PASSWORD '***'")
    expect(redactSecrets('CREATE USER u PASSWORD $x$Sec$$ret-1$x$')).toBe("CREATE USER u PASSWORD '***'")
    expect(redactSecrets("CREATE USER u PASSWORD 'Sec\\'ret-1' CREATEDB")).not.toContain('ret-1')
    expect(redactSecrets("CREATE USER u PASSWORD 'Sec''ret-1' CREATEDB")).toBe(
      "CREATE USER u PASSWORD '***' CREATEDB",
    )
  })

  it('leaves SQL without secrets alone, and a keyword inside a literal is no keyword', () => {
    for (const sql of [
      "SELECT 'password', 'not a secret' FROM t",
      'SELECT password_hash FROM users WHERE id = $1',
      "SELECT * FROM t WHERE note = 'PASSWORD' AND x = 'visible'",
      "COPY t FROM 's3://b/k' IAM_ROLE 'arn:aws:iam::123456789012:role/R'",
    ]) {
      expect(redactSecrets(sql)).toBe(sql)
    }
  })

  it('errors carrying such SQL keep no secret in message or sql', () => {
    const sql = 'ALTER USER bob PASSWORD /* c */ $$Hunter2-Secret$$'
    const error = new QueryFailedError(`failed: ${sql}`, { sql })
    expect(error.message).not.toContain('Hunter2-Secret')
    expect(error.sql).not.toContain('Hunter2-Secret')
    expect(JSON.stringify(error)).not.toContain('Hunter2-Secret')
  })
})

describe('redactSqlLiterals: no literal value survives', () => {
  it('hides generated values in every literal form, keeping the statement shape', () => {
    fc.assert(
      fc.property(password, ({ text, cores }) => {
        for (const [form, lit] of literalForms(text)) {
          const sql = `SELECT a, 42 FROM t WHERE b = ${lit} AND c IN (${lit}, 3.5e2) AND d = $1 -- tail`
          const out = redactSqlLiterals(sql)
          expectHidden(out, cores, `${form}: ${sql}`)
          expect(out.startsWith('SELECT a, ? FROM t WHERE b = ?')).toBe(true)
        }
      }),
      { numRuns: 300 },
    )
  })

  it('replaces every form with ?', () => {
    expect(
      redactSqlLiterals(
        "SELECT 'a', E'b\\'c', U&'d', B'0101', X'1F', N'n', $$e$$, $t$f$t$, 7, 1.5, DATE '2024-01-01' FROM t WHERE x = $2",
      ),
    ).toBe('SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, DATE ? FROM t WHERE x = $2')
    expect(redactSqlLiterals("SELECT 1 FROM t /* keep */ WHERE url = 'x'")).toBe(
      'SELECT ? FROM t /* keep */ WHERE url = ?',
    )
  })
})
