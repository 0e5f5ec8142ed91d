/**
 * Redshift's dynamic typing of SUPER values against scalars (the engine's SUPER is a jsonb clone):
 *
 * - `s = 'P'`, `s = 5` (and `<>`): true only when `s` holds that string / number, false for a value of
 *   another type; `<`, `<=`, `>`, `>=` are NULL across types. Without these a literal beside a SUPER
 *   would be read as JSON (`s = 'P'` failing on invalid JSON). SUPER beside SUPER keeps jsonb's deep
 *   equality.
 * - Casts to numbers, BOOLEAN and strings are lax, as Redshift's: a value of the wrong type casts to
 *   NULL instead of failing; a string casts to its text without JSON quotes.
 *
 * The dialect types navigation results (`c.a.b`) and unnested elements as SUPER so these apply.
 */

const CMP_OPS: readonly (readonly [op: string, name: string, negator: string | null, commutator: string])[] =
  [
    ['=', 'eq', '<>', '='],
    ['<>', 'ne', '=', '<>'],
    ['<', 'lt', null, '>'],
    ['<=', 'le', null, '>='],
    ['>', 'gt', null, '<'],
    ['>=', 'ge', null, '<='],
  ]

const SCALARS: readonly (readonly [suffix: string, type: string])[] = [
  ['text', 'text'],
  ['numeric', 'numeric'],
]

function comparisons(): string {
  const out: string[] = []
  for (const [suffix, type] of SCALARS) {
    for (const [op, name] of CMP_OPS) {
      // Equality is false across types (Redshift's documented rule), order comparisons are NULL.
      const body =
        name === 'eq' || name === 'ne'
          ? `coalesce(rk_internal.super_${suffix}($1) ${op} $2, ${name === 'ne'})`
          : `rk_internal.super_${suffix}($1) ${op} $2`
      const flipped =
        name === 'eq' || name === 'ne'
          ? `coalesce($1 ${op} rk_internal.super_${suffix}($2), ${name === 'ne'})`
          : `$1 ${op} rk_internal.super_${suffix}($2)`
      out.push(`CREATE OR REPLACE FUNCTION rk_internal.super_${name}_${suffix}(pg_catalog.super, ${type}) RETURNS boolean
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE RETURN ${body};
CREATE OR REPLACE FUNCTION rk_internal.${suffix}_${name}_super(${type}, pg_catalog.super) RETURNS boolean
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE RETURN ${flipped};`)
    }
  }
  const operators: string[] = []
  for (const [suffix, type] of SCALARS) {
    for (const [op, name, negator, commutator] of CMP_OPS) {
      const neg = negator === null ? '' : `, NEGATOR = OPERATOR(pg_catalog.${negator})`
      operators.push(`
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_operator WHERE oprname = '${op}'
                 AND oprleft = 'pg_catalog.super'::regtype AND oprright = '${type}'::regtype) THEN
    CREATE OPERATOR pg_catalog.${op} (LEFTARG = pg_catalog.super, RIGHTARG = ${type},
      FUNCTION = rk_internal.super_${name}_${suffix}, COMMUTATOR = OPERATOR(pg_catalog.${commutator})${neg});
    CREATE OPERATOR pg_catalog.${op} (LEFTARG = ${type}, RIGHTARG = pg_catalog.super,
      FUNCTION = rk_internal.${suffix}_${name}_super, COMMUTATOR = OPERATOR(pg_catalog.${commutator})${neg});
  END IF;`)
    }
  }
  return `${out.join('\n')}
DO $rk_super_ops$
BEGIN${operators.join('')}
END
$rk_super_ops$;`
}

/** Lax casts out of SUPER: [target type, expression over the jsonb `j`]. */
const CASTS: readonly (readonly [type: string, name: string, expr: string])[] = [
  [
    'smallint',
    'int2',
    `CASE WHEN rk_internal.super_numeric($1) BETWEEN -32768 AND 32767 THEN pg_catalog.round(rk_internal.super_numeric($1))::smallint END`,
  ],
  [
    'integer',
    'int4',
    `CASE WHEN rk_internal.super_numeric($1) BETWEEN -2147483648 AND 2147483647 THEN pg_catalog.round(rk_internal.super_numeric($1))::integer END`,
  ],
  [
    'bigint',
    'int8',
    `CASE WHEN rk_internal.super_numeric($1) BETWEEN -9223372036854775808 AND 9223372036854775807 THEN pg_catalog.round(rk_internal.super_numeric($1))::bigint END`,
  ],
  ['numeric', 'numeric', 'rk_internal.super_numeric($1)'],
  ['real', 'float4', 'rk_internal.super_numeric($1)::real'],
  ['double precision', 'float8', 'rk_internal.super_numeric($1)::double precision'],
  [
    'boolean',
    'bool',
    `CASE WHEN pg_catalog.jsonb_typeof($1::jsonb) = 'boolean' THEN ($1::jsonb #>> '{}')::boolean END`,
  ],
  [
    'character varying',
    'varchar',
    `CASE WHEN pg_catalog.jsonb_typeof($1::jsonb) IN ('string', 'number', 'boolean') THEN $1::jsonb #>> '{}' END`,
  ],
]

function casts(): string {
  const fns = CASTS.map(
    ([
      type,
      name,
      expr,
    ]) => `CREATE OR REPLACE FUNCTION rk_internal.super_to_${name}(pg_catalog.super) RETURNS ${type}
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE RETURN ${expr};`,
  )
  const create = CASTS.map(
    ([type, name]) => `
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_cast WHERE castsource = 'pg_catalog.super'::regtype
                 AND casttarget = '${type}'::regtype) THEN
    CREATE CAST (pg_catalog.super AS ${type}) WITH FUNCTION rk_internal.super_to_${name}(pg_catalog.super);
  END IF;`,
  )
  return `${fns.join('\n')}
DO $rk_super_casts$
BEGIN${create.join('')}
END
$rk_super_casts$;`
}

/** The SUPER comparison operators and lax casts (see the module comment). */
export const SUPER_OPERATORS_SQL = `
CREATE OR REPLACE FUNCTION rk_internal.super_text(pg_catalog.super) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN CASE WHEN pg_catalog.jsonb_typeof($1::jsonb) = 'string' THEN $1::jsonb #>> '{}' END;
CREATE OR REPLACE FUNCTION rk_internal.super_numeric(pg_catalog.super) RETURNS numeric
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN CASE WHEN pg_catalog.jsonb_typeof($1::jsonb) = 'number' THEN ($1::jsonb #>> '{}')::numeric END;
${comparisons()}
${casts()}
`
