/**
 * The catalog lookup behind PIVOT / UNPIVOT over a plain table or view (see
 * `session/relation-columns.ts`): its type, and the SQL the gateway's admin session runs for it.
 */

/** Reads the columns of `relations` (names as the dialect wrote them) for `user` in `database`. */
export type RelationColumnsLookup = (
  database: string,
  user: string,
  relations: readonly string[],
) => Promise<ReadonlyMap<string, readonly string[]> | undefined>

/**
 * SQL reading the columns of tables and views named `$1` (text[]) as `relation`, `columns`. An
 * unqualified name is looked for in the user's own schema (`$2`) and then `public`, the default
 * search_path's order, and else in the one schema that has a relation of that name (the gateway does
 * not follow the session's search_path; when the name is in one schema only, the engine can resolve it
 * to no other). A qualified name is looked for in its schema (a database part must be the current one).
 */
export const RELATION_COLUMNS_SQL = `
SELECT r.relation, (
  SELECT pg_catalog.array_agg(a.attname::text ORDER BY a.attnum)
  FROM pg_catalog.pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
) AS columns
FROM pg_catalog.unnest($1::text[]) AS r(relation)
CROSS JOIN LATERAL (SELECT pg_catalog.string_to_array(r.relation, '.') AS parts) AS p
CROSS JOIN LATERAL (
  SELECT m.oid FROM (
    SELECT c.oid, n.nspname, pg_catalog.count(*) OVER () AS matches
    FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'v', 'm', 'p', 'f')
      AND c.relname = p.parts[pg_catalog.cardinality(p.parts)]
      AND n.nspname !~ '^pg_(toast|temp_)'
      AND CASE pg_catalog.cardinality(p.parts)
        WHEN 1 THEN true
        WHEN 2 THEN n.nspname = p.parts[1]
        WHEN 3 THEN n.nspname = p.parts[2] AND p.parts[1] = pg_catalog.current_database()
        ELSE false END
  ) AS m
  WHERE m.nspname IN ($2, 'public') OR m.matches = 1
  ORDER BY m.nspname = $2 DESC, m.nspname = 'public' DESC
  LIMIT 1
) AS c`
