/**
 * What Redshift's metadata SHOW commands return (SHOW DATABASES / SCHEMAS / TABLES / COLUMNS), as
 * functions over the engine's catalog with Redshift's result columns; `show-metadata.ts` translates the
 * commands into calls of them. LIKE is case-sensitive, as on Redshift; the limit is 0 to 10000.
 * A user sees what Redshift would show them: their own objects and those they have a privilege on.
 *
 * The engine holds one database's objects per connection, so a database other than the current one
 * lists no schemas, tables or columns (Redshift would list them across databases).
 */
export const SHOW_COMMANDS_SQL = `
CREATE OR REPLACE FUNCTION rk_internal.show_databases(p_pattern text, p_limit integer)
RETURNS TABLE (database_name varchar, database_owner integer, database_type varchar, database_acl varchar,
               parameters varchar, database_isolation_level varchar)
LANGUAGE sql STABLE AS $fn$
  SELECT d.datname::varchar, d.datdba::integer, 'local'::varchar, NULL::varchar, NULL::varchar,
         'Serializable'::varchar
  FROM pg_catalog.pg_database d
  WHERE NOT d.datistemplate AND d.datname <> 'postgres'
    AND (p_pattern IS NULL OR d.datname::text LIKE p_pattern)
  ORDER BY 1 LIMIT p_limit
$fn$;

CREATE OR REPLACE FUNCTION rk_internal.show_schemas(p_db text, p_pattern text, p_limit integer)
RETURNS TABLE (database_name varchar, schema_name varchar, schema_owner integer, schema_type varchar,
               schema_acl varchar, source_database varchar, schema_option varchar)
LANGUAGE sql STABLE AS $fn$
  SELECT pg_catalog.current_database()::varchar, n.nspname::varchar, n.nspowner::integer, 'local'::varchar,
         pg_catalog.array_to_string(n.nspacl, '~')::varchar, NULL::varchar, NULL::varchar
  FROM pg_catalog.pg_namespace n
  WHERE p_db = pg_catalog.current_database()
    AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%' AND n.nspname <> 'rk_internal'
    AND (p_pattern IS NULL OR n.nspname::text LIKE p_pattern)
    AND pg_catalog.has_schema_privilege(n.oid, 'USAGE')
  ORDER BY 2 LIMIT p_limit
$fn$;

CREATE OR REPLACE FUNCTION rk_internal.show_tables(p_db text, p_schema text, p_pattern text, p_limit integer)
RETURNS TABLE (database_name varchar, schema_name varchar, table_name varchar, table_type varchar,
               table_acl varchar, remarks varchar, owner varchar, last_altered_time timestamp,
               last_modified_time timestamp, dist_style varchar, table_subtype varchar)
LANGUAGE sql STABLE AS $fn$
  SELECT pg_catalog.current_database()::varchar, n.nspname::varchar, c.relname::varchar,
         CASE WHEN c.relkind IN ('v', 'm') THEN 'VIEW' ELSE 'TABLE' END::varchar,
         pg_catalog.array_to_string(c.relacl, '~')::varchar,
         pg_catalog.obj_description(c.oid, 'pg_class')::varchar,
         pg_catalog.pg_get_userbyid(c.relowner)::varchar, NULL::timestamp, NULL::timestamp,
         NULL::varchar,
         CASE c.relkind WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'v' THEN 'REGULAR VIEW' ELSE 'REGULAR TABLE' END::varchar
  FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  WHERE p_db = pg_catalog.current_database() AND n.nspname = p_schema
    AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
    AND (p_pattern IS NULL OR c.relname::text LIKE p_pattern)
    AND (pg_catalog.pg_has_role(c.relowner, 'USAGE')
         OR pg_catalog.has_table_privilege(c.oid, 'SELECT')
         OR pg_catalog.has_any_column_privilege(c.oid, 'SELECT'))
  ORDER BY 3 LIMIT p_limit
$fn$;

CREATE OR REPLACE FUNCTION rk_internal.show_columns(p_db text, p_schema text, p_table text, p_pattern text,
                                                    p_limit integer)
RETURNS TABLE (database_name varchar, schema_name varchar, table_name varchar, column_name varchar,
               ordinal_position integer, column_default varchar, is_nullable varchar, data_type varchar,
               character_maximum_length integer, numeric_precision integer, numeric_scale integer,
               remarks varchar)
LANGUAGE sql STABLE AS $fn$
  SELECT pg_catalog.current_database()::varchar, n.nspname::varchar, c.relname::varchar, a.attname::varchar,
         a.attnum::integer, pg_catalog.pg_get_expr(d.adbin, d.adrelid)::varchar,
         CASE WHEN a.attnotnull THEN 'NO' ELSE 'YES' END::varchar,
         pg_catalog.format_type(a.atttypid, NULL)::varchar,
         CASE WHEN a.atttypid IN (1042, 1043) AND a.atttypmod > 4 THEN a.atttypmod - 4 END,
         CASE a.atttypid WHEN 21 THEN 16 WHEN 23 THEN 32 WHEN 20 THEN 64 WHEN 700 THEN 24 WHEN 701 THEN 53
           WHEN 1700 THEN CASE WHEN a.atttypmod > 4 THEN ((a.atttypmod - 4) >> 16) & 65535 END END,
         CASE WHEN a.atttypid IN (21, 23, 20) THEN 0
           WHEN a.atttypid = 1700 AND a.atttypmod > 4 THEN (a.atttypmod - 4) & 65535 END,
         pg_catalog.col_description(c.oid, a.attnum)::varchar
  FROM pg_catalog.pg_attribute a
  JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
  WHERE p_db = pg_catalog.current_database() AND n.nspname = p_schema
    AND c.relname = p_table AND a.attnum > 0 AND NOT a.attisdropped
    AND (p_pattern IS NULL OR a.attname::text LIKE p_pattern)
    AND (pg_catalog.pg_has_role(c.relowner, 'USAGE')
         OR pg_catalog.has_column_privilege(c.oid, a.attnum, 'SELECT'))
  ORDER BY 5 LIMIT p_limit
$fn$;
`
