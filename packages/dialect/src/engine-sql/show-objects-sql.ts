/**
 * What Redshift's object SHOW commands return: SHOW FUNCTIONS / PROCEDURES / PARAMETERS, SHOW
 * CONSTRAINTS, SHOW GRANTS, SHOW TABLE and SHOW VIEW, as functions over the engine's catalog with
 * Redshift's result columns (`show-metadata.ts` translates the commands into calls of them).
 *
 * Every function runs with the caller's rights and `search_path = pg_catalog`; names the caller left
 * unqualified are resolved against the caller's search path, which the translation passes in as
 * `current_schemas(true)`. Distribution and sort keys come from `rk_internal.table_attributes_visible`
 * when the engine has it (redshift-local records them); without it a table shows Redshift's defaults.
 */

/** True when the caller is a Redshift superuser (a member of redshift-local's rk_superuser role). */
const CALLER_IS_SUPERUSER = `(coalesce((SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname = CURRENT_USER), false)
  OR EXISTS (SELECT 1 FROM pg_catalog.pg_roles s WHERE s.rolname = 'rk_superuser' AND pg_catalog.pg_has_role(s.oid, 'USAGE')))`

const SYSTEM_SCHEMA = `(n.nspname IN ('pg_catalog', 'information_schema', 'rk_internal') OR n.nspname LIKE 'pg\\_%')`

export const SHOW_OBJECTS_SQL = `
CREATE OR REPLACE FUNCTION rk_internal.check_database(p_db text) RETURNS void
LANGUAGE plpgsql STABLE SET search_path = pg_catalog AS $fn$
BEGIN
  IF p_db IS NOT NULL AND p_db <> pg_catalog.current_database() THEN
    RAISE EXCEPTION 'cross-database reference to database "%" is not supported', p_db USING ERRCODE = '0A000';
  END IF;
END $fn$;

-- The relation named [schema.]name of one of the kinds, resolved like the caller's search path would.
CREATE OR REPLACE FUNCTION rk_internal.resolve_relation(p_schema text, p_name text, p_kinds "char"[], p_path name[])
RETURNS oid LANGUAGE sql STABLE SET search_path = pg_catalog AS $fn$
  SELECT c.oid FROM pg_catalog.pg_class c
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN LATERAL pg_catalog.array_position(p_path, n.nspname) AS pos ON true
  WHERE c.relname = p_name AND c.relkind = ANY (p_kinds)
    AND (n.nspname = p_schema OR (p_schema IS NULL AND pos IS NOT NULL))
  ORDER BY pos NULLS LAST LIMIT 1
$fn$;

CREATE OR REPLACE FUNCTION rk_internal.readable_relation(p_db text, p_schema text, p_name text, p_kinds "char"[],
                                                         p_path name[], p_what text) RETURNS oid
LANGUAGE plpgsql STABLE SET search_path = pg_catalog AS $fn$
DECLARE r oid;
BEGIN
  PERFORM rk_internal.check_database(p_db);
  r := rk_internal.resolve_relation(p_schema, p_name, p_kinds, p_path);
  IF r IS NULL THEN
    RAISE EXCEPTION '% "%" does not exist', p_what, coalesce(p_schema || '.', '') || p_name USING ERRCODE = '42P01';
  END IF;
  IF NOT (pg_catalog.pg_has_role((SELECT c.relowner FROM pg_catalog.pg_class c WHERE c.oid = r), 'USAGE')
          OR pg_catalog.has_table_privilege(r, 'SELECT') OR ${CALLER_IS_SUPERUSER}) THEN
    RAISE EXCEPTION 'permission denied for relation %', p_name USING ERRCODE = '42501';
  END IF;
  RETURN r;
END $fn$;

-- Redshift's encoding when none was given (ENCODE AUTO): sort key columns and BOOLEAN, REAL, DOUBLE
-- PRECISION, ... raw; integers, DECIMAL, DATE and timestamps az64; CHAR/VARCHAR lzo.
CREATE OR REPLACE FUNCTION rk_internal.default_encoding(p_type oid, p_in_sortkey boolean) RETURNS text
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog AS $fn$
  SELECT CASE WHEN p_in_sortkey THEN 'raw'
    WHEN p_type IN (20, 21, 23, 1700, 1082, 1114, 1184) THEN 'az64'
    WHEN p_type IN (1042, 1043, 25) THEN 'lzo'
    ELSE 'raw' END
$fn$;

CREATE OR REPLACE FUNCTION rk_internal.show_table(p_db text, p_schema text, p_name text, p_path name[]) RETURNS text
LANGUAGE plpgsql STABLE SET search_path = pg_catalog AS $fn$
DECLARE
  r oid := rk_internal.readable_relation(p_db, p_schema, p_name, '{r,p}', p_path, 'table');
  v_diststyle text; v_distkey text; v_sorttype text; v_sortkeys text[] := '{}'; v_encodings jsonb := '{}'; v_backup boolean := true;
  v_columns text; v_constraints text; v_head text;
BEGIN
  IF pg_catalog.to_regclass('rk_internal.table_attributes_visible') IS NOT NULL THEN
    EXECUTE 'SELECT diststyle, distkey, sortkey_type, sortkeys, encodings, backup FROM rk_internal.table_attributes_visible WHERE table_oid = $1'
      INTO v_diststyle, v_distkey, v_sorttype, v_sortkeys, v_encodings, v_backup USING r;
  END IF;
  v_sortkeys := coalesce(v_sortkeys, '{}');
  v_encodings := coalesce(v_encodings, '{}');
  v_backup := coalesce(v_backup, true);
  SELECT pg_catalog.string_agg('    ' || pg_catalog.quote_ident(a.attname::text) || ' ' || pg_catalog.format_type(a.atttypid, a.atttypmod)
      || coalesce(' DEFAULT ' || pg_catalog.pg_get_expr(d.adbin, d.adrelid), '')
      || coalesce((SELECT ' identity(' || s.seqstart || ',' || s.seqincrement || ')'
                   FROM pg_catalog.pg_depend dep JOIN pg_catalog.pg_sequence s ON s.seqrelid = dep.objid
                   WHERE a.attidentity <> '' AND dep.refobjid = r AND dep.refobjsubid = a.attnum
                     AND dep.classid = 'pg_catalog.pg_class'::regclass AND dep.deptype = 'i' LIMIT 1), '')
      || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END
      || CASE WHEN e.enc IN ('raw', 'none') THEN '' ELSE ' ENCODE ' || e.enc END
      || CASE WHEN a.attname::text = v_distkey THEN ' distkey' ELSE '' END, E',\\n' ORDER BY a.attnum)
    INTO v_columns
  FROM pg_catalog.pg_attribute a
  LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
  CROSS JOIN LATERAL (SELECT pg_catalog.lower(coalesce(v_encodings ->> a.attname::text,
      rk_internal.default_encoding(a.atttypid, a.attname::text = ANY (v_sortkeys)))) AS enc) e
  WHERE a.attrelid = r AND a.attnum > 0 AND NOT a.attisdropped;
  SELECT pg_catalog.string_agg(E',\\n    ' || pg_catalog.pg_get_constraintdef(con.oid), '' ORDER BY con.contype DESC, con.conname)
    INTO v_constraints
  FROM pg_catalog.pg_constraint con WHERE con.conrelid = r AND con.contype IN ('p', 'u', 'f');
  SELECT 'CREATE TABLE ' || pg_catalog.quote_ident(n.nspname::text) || '.' || pg_catalog.quote_ident(c.relname::text)
    INTO v_head FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = r;
  RETURN v_head || E' (\\n' || coalesce(v_columns, '') || coalesce(v_constraints, '') || E'\\n)'
    || CASE WHEN v_backup THEN '' ELSE E'\\nBACKUP NO' END
    || E'\\nDISTSTYLE ' || CASE WHEN v_diststyle IS NULL OR pg_catalog.upper(v_diststyle) LIKE 'AUTO%' THEN 'AUTO'
                               ELSE pg_catalog.upper(v_diststyle) END
    || CASE WHEN pg_catalog.cardinality(v_sortkeys) = 0 THEN ''
            ELSE E'\\n' || CASE WHEN pg_catalog.lower(v_sorttype) = 'interleaved' THEN 'INTERLEAVED ' ELSE '' END
                 || 'SORTKEY ( ' || pg_catalog.array_to_string(v_sortkeys, ', ') || ' )' END
    || ';';
END $fn$;

-- A late-binding view (WITH NO SCHEMA BINDING) is an engine view with an explicit
-- security_invoker = false (see late-binding-views.ts): it runs with its owner's rights, as on Redshift.
CREATE OR REPLACE FUNCTION rk_internal.is_late_binding(p_view oid) RETURNS boolean
LANGUAGE sql STABLE SET search_path = pg_catalog AS $fn$
  SELECT coalesce('security_invoker=false' = ANY (c.reloptions), false) FROM pg_catalog.pg_class c WHERE c.oid = p_view
$fn$;

CREATE OR REPLACE FUNCTION rk_internal.show_view(p_db text, p_schema text, p_name text, p_path name[]) RETURNS text
LANGUAGE plpgsql STABLE SET search_path = pg_catalog AS $fn$
DECLARE
  r oid := rk_internal.readable_relation(p_db, p_schema, p_name, '{v,m}', p_path, 'view');
  v_def text := pg_catalog.btrim(pg_catalog.pg_get_viewdef(r), E' \\n');
BEGIN
  IF rk_internal.is_late_binding(r) THEN
    RETURN (SELECT 'create view ' || pg_catalog.quote_ident(n.nspname::text) || '.' || pg_catalog.quote_ident(c.relname::text)
                   || ' as ' || pg_catalog.rtrim(v_def, ';') || ' with no schema binding;'
            FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = r);
  END IF;
  IF (SELECT c.relkind FROM pg_catalog.pg_class c WHERE c.oid = r) = 'm' THEN
    RETURN (SELECT 'CREATE MATERIALIZED VIEW ' || pg_catalog.quote_ident(n.nspname::text) || '.' || pg_catalog.quote_ident(c.relname::text)
                   || ' AS ' || v_def
            FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = r);
  END IF;
  RETURN v_def;
END $fn$;

CREATE OR REPLACE FUNCTION rk_internal.show_routines(p_db text, p_schema text, p_pattern text, p_limit integer,
                                                     p_procedure boolean)
RETURNS TABLE (database_name varchar, schema_name varchar, routine_name varchar, number_of_arguments integer,
               argument_list varchar, return_type varchar, remarks varchar)
LANGUAGE sql STABLE SET search_path = pg_catalog AS $fn$
  SELECT pg_catalog.current_database()::varchar, n.nspname::varchar, p.proname::varchar, p.pronargs::integer,
         pg_catalog.oidvectortypes(p.proargtypes)::varchar,
         CASE WHEN p.prokind = 'p' THEN NULL ELSE pg_catalog.format_type(p.prorettype, NULL) END::varchar,
         pg_catalog.obj_description(p.oid, 'pg_proc')::varchar
  FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
  WHERE p_db = pg_catalog.current_database() AND n.nspname = p_schema
    AND p.prokind = CASE WHEN p_procedure THEN 'p' ELSE 'f' END::"char"
    AND (p_pattern IS NULL OR p.proname::text LIKE p_pattern)
    AND (pg_catalog.pg_has_role(p.proowner, 'USAGE') OR ${CALLER_IS_SUPERUSER}
         OR (pg_catalog.has_schema_privilege(n.oid, 'USAGE') AND pg_catalog.has_function_privilege(p.oid, 'EXECUTE')))
  ORDER BY 3, 5 LIMIT p_limit
$fn$;

CREATE OR REPLACE FUNCTION rk_internal.show_parameters(p_db text, p_schema text, p_name text, p_args text,
                                                       p_procedure boolean, p_pattern text)
RETURNS TABLE (database_name varchar, schema_name varchar, routine_name varchar, parameter_name varchar,
               ordinal_position integer, parameter_type varchar, data_type varchar, character_maximum_length integer,
               numeric_precision integer, numeric_scale integer, remarks varchar)
LANGUAGE plpgsql STABLE SET search_path = pg_catalog AS $fn$
DECLARE f oid;
BEGIN
  PERFORM rk_internal.check_database(p_db);
  f := pg_catalog.to_regprocedure(pg_catalog.format('%I.%I(%s)', p_schema, p_name, p_args));
  IF f IS NULL OR (SELECT p.prokind = 'p' FROM pg_catalog.pg_proc p WHERE p.oid = f) IS DISTINCT FROM p_procedure THEN
    RAISE EXCEPTION '% %.%(%) does not exist', CASE WHEN p_procedure THEN 'procedure' ELSE 'function' END,
      p_schema, p_name, p_args USING ERRCODE = '42883';
  END IF;
  RETURN QUERY
  SELECT pg_catalog.current_database()::varchar, n.nspname::varchar, p.proname::varchar,
         (p.proargnames)[a.ord]::varchar, a.ord::integer,
         CASE coalesce((p.proargmodes)[a.ord], 'i') WHEN 'o' THEN 'OUT' WHEN 't' THEN 'OUT' WHEN 'b' THEN 'INOUT' ELSE 'IN' END::varchar,
         pg_catalog.format_type(a.typ, NULL)::varchar, NULL::integer, NULL::integer, NULL::integer, NULL::varchar
  FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
  CROSS JOIN LATERAL pg_catalog.unnest(coalesce(p.proallargtypes, p.proargtypes::oid[])) WITH ORDINALITY AS a(typ, ord)
  WHERE p.oid = f AND (p_pattern IS NULL OR coalesce((p.proargnames)[a.ord], '') LIKE p_pattern)
    AND (pg_catalog.pg_has_role(p.proowner, 'USAGE') OR ${CALLER_IS_SUPERUSER}
         OR (pg_catalog.has_schema_privilege(n.oid, 'USAGE') AND pg_catalog.has_function_privilege(p.oid, 'EXECUTE')))
  ORDER BY a.ord;
END $fn$;

CREATE OR REPLACE FUNCTION rk_internal.show_primary_keys(p_db text, p_schema text, p_table text, p_limit integer)
RETURNS TABLE (database_name varchar, schema_name varchar, table_name varchar, pk_name varchar, column_name varchar,
               key_seq integer)
LANGUAGE sql STABLE SET search_path = pg_catalog AS $fn$
  SELECT pg_catalog.current_database()::varchar, n.nspname::varchar, c.relname::varchar, con.conname::varchar,
         a.attname::varchar, k.ord::integer
  FROM pg_catalog.pg_constraint con
  JOIN pg_catalog.pg_class c ON c.oid = con.conrelid
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  CROSS JOIN LATERAL pg_catalog.unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
  JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
  WHERE con.contype = 'p' AND p_db = pg_catalog.current_database() AND n.nspname = p_schema AND c.relname = p_table
    AND (pg_catalog.pg_has_role(c.relowner, 'USAGE') OR pg_catalog.has_table_privilege(c.oid, 'SELECT') OR ${CALLER_IS_SUPERUSER})
  ORDER BY 6 LIMIT p_limit
$fn$;

-- Redshift records foreign keys but enforces no referential action, so the rules are empty (NULL).
CREATE OR REPLACE FUNCTION rk_internal.show_foreign_keys(p_db text, p_schema text, p_table text, p_limit integer,
                                                         p_exported boolean)
RETURNS TABLE (pk_database_name varchar, pk_schema_name varchar, pk_table_name varchar, pk_column_name varchar,
               fk_database_name varchar, fk_schema_name varchar, fk_table_name varchar, fk_column_name varchar,
               key_seq integer, fk_name varchar, pk_name varchar, update_rule varchar, delete_rule varchar,
               deferrability varchar)
LANGUAGE sql STABLE SET search_path = pg_catalog AS $fn$
  SELECT pg_catalog.current_database()::varchar, pn.nspname::varchar, pc.relname::varchar, pa.attname::varchar,
         pg_catalog.current_database()::varchar, fn.nspname::varchar, fc.relname::varchar, fa.attname::varchar,
         k.ord::integer, con.conname::varchar,
         (SELECT pk.conname FROM pg_catalog.pg_constraint pk
          WHERE pk.conrelid = con.confrelid AND pk.conindid = con.conindid AND pk.contype IN ('p', 'u') LIMIT 1)::varchar,
         NULL::varchar, NULL::varchar, NULL::varchar
  FROM pg_catalog.pg_constraint con
  JOIN pg_catalog.pg_class fc ON fc.oid = con.conrelid
  JOIN pg_catalog.pg_namespace fn ON fn.oid = fc.relnamespace
  JOIN pg_catalog.pg_class pc ON pc.oid = con.confrelid
  JOIN pg_catalog.pg_namespace pn ON pn.oid = pc.relnamespace
  CROSS JOIN LATERAL ROWS FROM (pg_catalog.unnest(con.conkey), pg_catalog.unnest(con.confkey)) WITH ORDINALITY AS k(fk_att, pk_att, ord)
  JOIN pg_catalog.pg_attribute fa ON fa.attrelid = fc.oid AND fa.attnum = k.fk_att
  JOIN pg_catalog.pg_attribute pa ON pa.attrelid = pc.oid AND pa.attnum = k.pk_att
  WHERE con.contype = 'f' AND p_db = pg_catalog.current_database()
    AND CASE WHEN p_exported THEN pn.nspname = p_schema AND pc.relname = p_table
             ELSE fn.nspname = p_schema AND fc.relname = p_table END
    AND (pg_catalog.pg_has_role(fc.relowner, 'USAGE') OR pg_catalog.has_table_privilege(fc.oid, 'SELECT') OR ${CALLER_IS_SUPERUSER})
  ORDER BY 2, 3, 6, 7, 9 LIMIT p_limit
$fn$;

CREATE OR REPLACE FUNCTION rk_internal.show_grants(p_kind text, p_db text, p_schema text, p_object text, p_args text,
                                                   p_identity_kind text, p_identity text, p_limit integer, p_path name[])
RETURNS TABLE (database_name varchar, schema_name varchar, object_name varchar, object_type varchar,
               privilege_type varchar, identity_id integer, identity_name varchar, identity_type varchar,
               admin_option boolean, privilege_scope varchar, grantor_name varchar)
LANGUAGE plpgsql STABLE SET search_path = pg_catalog AS $fn$
DECLARE v_grantee oid; v_target oid;
BEGIN
  IF p_identity_kind IN ('user', 'role') THEN
    SELECT r.oid INTO v_grantee FROM pg_catalog.pg_roles r WHERE r.rolname = p_identity;
    IF v_grantee IS NULL THEN
      RAISE EXCEPTION '% "%" does not exist', p_identity_kind, p_identity USING ERRCODE = '42704';
    END IF;
  ELSIF p_identity_kind = 'public' THEN
    v_grantee := 0;
  END IF;
  IF p_kind = 'table' THEN
    v_target := rk_internal.resolve_relation(p_schema, p_object, '{r,p,v,m,f}', p_path);
    IF v_target IS NULL THEN
      RAISE EXCEPTION 'relation "%" does not exist', coalesce(p_schema || '.', '') || p_object USING ERRCODE = '42P01';
    END IF;
  ELSIF p_kind = 'schema' AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_namespace n WHERE n.nspname = p_schema) THEN
    RAISE EXCEPTION 'schema "%" does not exist', p_schema USING ERRCODE = '3F000';
  END IF;
  RETURN QUERY
  WITH objs AS (
    SELECT 'DATABASE'::text AS otype, NULL::text AS sch, d.datname::text AS obj, NULL::oid AS oid,
           coalesce(d.datacl, pg_catalog.acldefault('d', d.datdba)) AS acl, d.datdba AS owner
    FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database()
    UNION ALL
    SELECT 'SCHEMA', n.nspname::text, NULL, n.oid, coalesce(n.nspacl, pg_catalog.acldefault('n', n.nspowner)), n.nspowner
    FROM pg_catalog.pg_namespace n WHERE NOT ${SYSTEM_SCHEMA} OR n.nspname = p_schema
    UNION ALL
    SELECT 'TABLE', n.nspname::text, c.relname::text, c.oid, coalesce(c.relacl, pg_catalog.acldefault('r', c.relowner)), c.relowner
    FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND (NOT ${SYSTEM_SCHEMA} OR c.oid = v_target)
    UNION ALL
    SELECT 'FUNCTION', n.nspname::text, p.proname::text, p.oid, coalesce(p.proacl, pg_catalog.acldefault('f', p.proowner)), p.proowner
    FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
    WHERE NOT ${SYSTEM_SCHEMA} AND p.prokind IN ('f', 'p')
  )
  SELECT pg_catalog.current_database()::varchar, o.sch::varchar, o.obj::varchar, o.otype::varchar,
         CASE x.privilege_type WHEN 'TEMPORARY' THEN 'TEMP' ELSE x.privilege_type END::varchar,
         x.grantee::bigint::integer,
         CASE WHEN x.grantee = 0 THEN 'public' ELSE pg_catalog.pg_get_userbyid(x.grantee)::text END::varchar,
         CASE WHEN x.grantee = 0 THEN 'public'
              WHEN (SELECT r.rolcanlogin FROM pg_catalog.pg_roles r WHERE r.oid = x.grantee) THEN 'user'
              ELSE 'role' END::varchar,
         x.is_grantable, o.otype::varchar, pg_catalog.pg_get_userbyid(x.grantor)::varchar
  FROM objs o CROSS JOIN LATERAL pg_catalog.aclexplode(o.acl) x
  WHERE (p_db IS NULL OR p_db = pg_catalog.current_database())
    AND (p_kind IS NULL
         OR (p_kind = 'database' AND o.otype = 'DATABASE')
         OR (p_kind = 'schema' AND o.otype = 'SCHEMA' AND o.sch = p_schema)
         OR (p_kind = 'table' AND o.otype = 'TABLE' AND o.oid = v_target)
         OR (p_kind = 'function' AND o.otype = 'FUNCTION' AND o.obj = p_object
             AND (o.sch = p_schema OR (p_schema IS NULL AND o.sch::name = ANY (p_path)))
             AND (p_args IS NULL OR o.oid = pg_catalog.to_regprocedure(pg_catalog.format('%I.%I(%s)', o.sch, o.obj, p_args)))))
    AND (v_grantee IS NULL OR x.grantee = v_grantee)
    AND (x.grantee = 0 OR pg_catalog.pg_has_role(x.grantee, 'MEMBER') OR pg_catalog.pg_has_role(o.owner, 'USAGE')
         OR ${CALLER_IS_SUPERUSER})
  ORDER BY 2, 3, 4, 7, 5
  LIMIT p_limit;
END $fn$;

-- Redshift's function over late-binding views, called with a column definition list:
-- SELECT * FROM pg_get_late_binding_view_cols() cols(view_schema name, view_name name, col_name name,
--   col_type varchar, col_num int). Views the caller may read only.
CREATE OR REPLACE FUNCTION pg_catalog.pg_get_late_binding_view_cols() RETURNS SETOF record
LANGUAGE sql STABLE SET search_path = pg_catalog AS $fn$
  SELECT n.nspname, c.relname, a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod)::varchar, a.attnum::integer
  FROM pg_catalog.pg_class c
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
  WHERE c.relkind = 'v' AND 'security_invoker=false' = ANY (c.reloptions)
    AND (pg_catalog.pg_has_role(c.relowner, 'USAGE') OR pg_catalog.has_table_privilege(c.oid, 'SELECT') OR ${CALLER_IS_SUPERUSER})
  ORDER BY 1, 2, 5
$fn$;

CREATE OR REPLACE FUNCTION rk_internal.show_column_grants(p_db text, p_schema text, p_table text, p_identity_kind text,
                                                          p_identity text, p_pattern text, p_limit integer)
RETURNS TABLE (database_name varchar, schema_name varchar, table_name varchar, column_name varchar,
               object_type varchar, privilege_type varchar, identity_id integer, identity_name varchar,
               identity_type varchar, admin_option boolean, privilege_scope varchar, grantor_name varchar)
LANGUAGE plpgsql STABLE SET search_path = pg_catalog AS $fn$
DECLARE v_grantee oid;
BEGIN
  IF p_identity_kind IN ('user', 'role') THEN
    SELECT r.oid INTO v_grantee FROM pg_catalog.pg_roles r WHERE r.rolname = p_identity;
    IF v_grantee IS NULL THEN
      RAISE EXCEPTION '% "%" does not exist', p_identity_kind, p_identity USING ERRCODE = '42704';
    END IF;
  ELSIF p_identity_kind = 'public' THEN
    v_grantee := 0;
  END IF;
  RETURN QUERY
  SELECT pg_catalog.current_database()::varchar, n.nspname::varchar, c.relname::varchar, a.attname::varchar,
         'COLUMN'::varchar, x.privilege_type::varchar, x.grantee::bigint::integer,
         CASE WHEN x.grantee = 0 THEN 'public' ELSE pg_catalog.pg_get_userbyid(x.grantee)::text END::varchar,
         CASE WHEN x.grantee = 0 THEN 'public'
              WHEN (SELECT r.rolcanlogin FROM pg_catalog.pg_roles r WHERE r.oid = x.grantee) THEN 'user'
              ELSE 'role' END::varchar,
         x.is_grantable, 'COLUMN'::varchar, pg_catalog.pg_get_userbyid(x.grantor)::varchar
  FROM pg_catalog.pg_class c
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attacl IS NOT NULL
  CROSS JOIN LATERAL pg_catalog.aclexplode(a.attacl) x
  WHERE p_db = pg_catalog.current_database() AND n.nspname = p_schema AND c.relname = p_table
    AND (p_pattern IS NULL OR a.attname::text LIKE p_pattern)
    AND (v_grantee IS NULL OR x.grantee = v_grantee)
    AND (x.grantee = 0 OR pg_catalog.pg_has_role(x.grantee, 'MEMBER') OR pg_catalog.pg_has_role(c.relowner, 'USAGE')
         OR ${CALLER_IS_SUPERUSER})
  ORDER BY a.attnum, 8, 6
  LIMIT p_limit;
END $fn$;
`
