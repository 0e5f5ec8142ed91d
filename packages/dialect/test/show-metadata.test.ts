import { describe, expect, it } from 'vitest'
import { translateStatement } from '../src/index.js'
import { ctx } from './context.js'

const t = (text: string) => translateStatement(text, ctx)

describe('metadata SHOW commands', () => {
  it('SHOW TABLE / SHOW VIEW call the DDL functions with the caller search path, and flush bookkeeping', () => {
    expect(t('show table "Sales".orders;')).toMatchObject({
      sql: `SELECT rk_internal.show_table(NULL, 'Sales', 'orders', pg_catalog.current_schemas(true)) AS "Show Table DDL statement"`,
      queryType: 'UTILITY',
      readsSystemViews: true,
    })
    expect(t('SHOW VIEW v').sql).toBe(
      `SELECT rk_internal.show_view(NULL, NULL, 'v', pg_catalog.current_schemas(true)) AS "Show View DDL statement"`,
    )
    expect(t('SHOW TABLE a.b.c.d').error?.sqlState).toBe('42601')
    expect(t('SHOW TABLE t extra').error?.message).toBe('syntax error at or near "extra"')
  })

  it('SHOW FUNCTIONS / PROCEDURES name their column as Redshift does', () => {
    expect(t("SHOW FUNCTIONS FROM SCHEMA dev.s LIKE 'f%' LIMIT 5").sql).toBe(
      "SELECT database_name, schema_name, routine_name AS function_name, number_of_arguments, argument_list, return_type, remarks FROM rk_internal.show_routines('dev', 's', 'f%', 5, false)",
    )
    expect(t('SHOW PROCEDURES FROM SCHEMA s').sql).toContain(
      "routine_name AS procedure_name, number_of_arguments, argument_list, return_type, remarks FROM rk_internal.show_routines(pg_catalog.current_database(), 's', NULL, 10000, true)",
    )
  })

  it('SHOW PARAMETERS passes the argument types as text; bad forms are syntax errors', () => {
    expect(t('SHOW PARAMETERS OF FUNCTION s.f(integer, varchar(10))').sql).toContain(
      "rk_internal.show_parameters(pg_catalog.current_database(), 's', 'f', 'integer, varchar(10)', false, NULL)",
    )
    expect(t('SHOW PARAMETERS OF PROCEDURE db.s.p()').sql).toContain(
      "show_parameters('db', 's', 'p', '', true, NULL)",
    )
    expect(t('SHOW PARAMETERS OF FUNCTION f(int)').error?.sqlState).toBe('42601')
    expect(t('SHOW PARAMETERS OF s.f(int)').error?.sqlState).toBe('42601')
  })

  it('SHOW CONSTRAINTS, with bind parameters as the drivers send them', () => {
    expect(t('SHOW CONSTRAINTS PRIMARY KEYS FROM TABLE $1.$2.$3').sql).toBe(
      'SELECT * FROM rk_internal.show_primary_keys($1, $2, $3, 10000)',
    )
    expect(t('show constraints foreign keys exported from table s.t limit 3').sql).toBe(
      "SELECT * FROM rk_internal.show_foreign_keys(pg_catalog.current_database(), 's', 't', 3, true)",
    )
    expect(t('SHOW CONSTRAINTS CHECKS FROM TABLE s.t').error?.sqlState).toBe('42601')
    expect(t('SHOW COLUMNS FROM TABLE $1.$2.$3 LIKE $4').sql).toBe(
      'SELECT * FROM rk_internal.show_columns($1, $2, $3, $4, 10000)',
    )
  })

  it('SHOW GRANTS on objects and for identities', () => {
    const call = (sql: string) =>
      t(sql).sql.replace(/^SELECT \* FROM rk_internal\.show_grants\((.*)\)$/, '$1')
    expect(call('SHOW GRANTS ON TABLE s.t FOR alice')).toBe(
      "'table', NULL, 's', 't', NULL, 'user', 'alice', 10000, pg_catalog.current_schemas(true)",
    )
    expect(call('SHOW GRANTS ON t FOR ROLE r LIMIT 5')).toBe(
      "'table', NULL, NULL, 't', NULL, 'role', 'r', 5, pg_catalog.current_schemas(true)",
    )
    expect(call('SHOW GRANTS ON SCHEMA dev.s FOR PUBLIC')).toBe(
      "'schema', 'dev', 's', NULL, NULL, 'public', 'public', 10000, pg_catalog.current_schemas(true)",
    )
    expect(call('SHOW GRANTS ON FUNCTION s.f(int, text)')).toBe(
      "'function', NULL, 's', 'f', 'int, text', NULL, NULL, 10000, pg_catalog.current_schemas(true)",
    )
    expect(call('SHOW GRANTS ON DATABASE dev')).toBe(
      "'database', 'dev', NULL, NULL, NULL, NULL, NULL, 10000, pg_catalog.current_schemas(true)",
    )
    expect(call('SHOW GRANTS FOR bob FROM DATABASE dev')).toBe(
      "NULL, 'dev', NULL, NULL, NULL, 'user', 'bob', 10000, pg_catalog.current_schemas(true)",
    )
    expect(t("SHOW COLUMN GRANTS ON TABLE $1.$2.$3 FOR ROLE r LIKE 'a%' LIMIT 2").sql).toBe(
      "SELECT * FROM rk_internal.show_column_grants($1, $2, $3, 'role', 'r', 'a%', 2)",
    )
    expect(t('SHOW COLUMN GRANTS ON TABLE t').error?.sqlState).toBe('42601')
    expect(t('SHOW GRANTS').error?.sqlState).toBe('42601')
    expect(t('SHOW GRANTS ON TABLE t LIMIT 10001').error?.sqlState).toBe('22023')
  })

  it('a string literal that looks like a name part stays a literal', () => {
    expect(t('SHOW TABLE "x\'); drop table t; --"').sql).toContain(`'x''); drop table t; --'`)
  })
})

describe('late-binding views', () => {
  it('WITH NO SCHEMA BINDING becomes an explicit security_invoker = false', () => {
    expect(t('CREATE VIEW s.v (a, b) AS SELECT x, y FROM s.t WITH NO SCHEMA BINDING;').sql).toBe(
      'CREATE VIEW s.v (a, b) WITH (security_invoker = false) AS SELECT x, y FROM s.t;',
    )
    expect(
      t('create or replace view v as select (select 1 as one) from s.t with no schema binding').sql,
    ).toBe('create or replace view v WITH (security_invoker = false) as select (select 1 as one) from s.t')
    // Not at the end, or not a view: left alone.
    const other = "CREATE VIEW v AS SELECT 'with no schema binding' AS x"
    expect(t(other).sql).toBe(other)
  })
})
