/**
 * `rk_internal.analyze_compression(table, columns, comprows)`, which the dialect calls for Redshift's
 * `ANALYZE COMPRESSION`: one row per column of the table (of every table the caller may read when
 * `table` is NULL), in Redshift's report shape.
 *
 * - Encoding: what Redshift recommends by type: AZ64 for integers, DECIMAL, DATE and TIMESTAMP(TZ); ZSTD
 *   for strings, VARBYTE, SUPER, REAL and DOUBLE PRECISION; RAW for BOOLEAN and spatial columns. A sort
 *   key column keeps its current encoding (Redshift skips analysing it), as do columns left out of the
 *   list (shown `N/A`, 0.00).
 * - Est_reduction_pct: a heuristic over a sample of `comprows` rows (the share of repeated values), not
 *   Redshift's measurement: 0.00 for RAW, an empty sample or all-distinct values.
 *
 * Runs with the caller's rights (SELECT on the table is needed). The caller resolves the table name
 * (`'t'::regclass`, on its own search_path), so a missing one fails with 42P01 `relation "t" does not exist`.
 */
export const ANALYZE_COMPRESSION_SQL = `
CREATE OR REPLACE FUNCTION rk_internal.analyze_compression(target regclass, p_columns text[], p_rows bigint)
RETURNS TABLE ("Table" varchar, "Column" varchar, "Encoding" varchar, "Est_reduction_pct" numeric(5, 2))
LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = pg_catalog AS $fn$
DECLARE
  rel record;
  col record;
  sortkeys text[];
  encodings jsonb;
  sampled bigint;
  distinct_values bigint;
  missing text;
BEGIN
  IF p_columns IS NOT NULL THEN
    SELECT c INTO missing FROM pg_catalog.unnest(p_columns) AS c
    WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_attribute a WHERE a.attrelid = target AND a.attname = c
                        AND a.attnum > 0 AND NOT a.attisdropped)
    LIMIT 1;
    IF missing IS NOT NULL THEN
      RAISE EXCEPTION 'column "%" does not exist in table "%"', missing, target USING ERRCODE = '42703';
    END IF;
  END IF;
  FOR rel IN
    SELECT c.oid, c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace ns ON ns.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p')
      AND (c.oid = target OR (target IS NULL AND ns.nspname NOT IN ('pg_catalog', 'information_schema', 'rk_internal')
           AND ns.nspname NOT LIKE 'pg\\_%' AND pg_catalog.has_table_privilege(c.oid, 'SELECT')))
    ORDER BY ns.nspname, c.relname
  LOOP
    SELECT v.sortkeys, v.encodings INTO sortkeys, encodings
    FROM rk_internal.table_attributes_visible v WHERE v.table_oid = rel.oid;
    FOR col IN
      SELECT a.attname, a.atttypid FROM pg_catalog.pg_attribute a
      WHERE a.attrelid = rel.oid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum
    LOOP
      "Table" := rel.relname;
      "Column" := col.attname;
      "Est_reduction_pct" := 0.00;
      IF p_columns IS NOT NULL AND NOT col.attname::text = ANY (p_columns) THEN
        "Encoding" := 'N/A';
      ELSIF col.attname::text = ANY (coalesce(sortkeys, '{}')) THEN
        "Encoding" := pg_catalog.replace(rk_internal.column_encoding(encodings, sortkeys, col.attname, col.atttypid), 'none', 'raw');
      ELSE
        "Encoding" := CASE
          WHEN col.atttypid IN ('int2'::regtype, 'int4'::regtype, 'int8'::regtype, 'numeric'::regtype, 'date'::regtype,
                                'timestamp'::regtype, 'timestamptz'::regtype) THEN 'az64'
          WHEN col.atttypid IN ('bool'::regtype, 'pg_catalog.geometry'::regtype, 'pg_catalog.geography'::regtype) THEN 'raw'
          ELSE 'zstd' END;
        IF "Encoding" <> 'raw' THEN
          BEGIN
            EXECUTE pg_catalog.format('SELECT pg_catalog.count(v), pg_catalog.count(DISTINCT v::text) FROM (SELECT %I AS v FROM %s LIMIT %s) AS s',
                                      col.attname, rel.oid::regclass, p_rows)
              INTO sampled, distinct_values;
          EXCEPTION WHEN undefined_table OR undefined_column THEN
            -- Dropped by another session while the report ran (only when every table is analysed).
            IF target IS NOT NULL THEN RAISE; END IF;
            sampled := 0;
          END;
          IF sampled > 0 THEN
            "Est_reduction_pct" := pg_catalog.round(95 * (1 - distinct_values::numeric / sampled), 2);
          END IF;
        END IF;
      END IF;
      RETURN NEXT;
    END LOOP;
  END LOOP;
END
$fn$;
`
