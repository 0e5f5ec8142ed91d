/**
 * Redshift's date part names and abbreviations, by the name PostgreSQL (and the helpers below) use.
 * DATEADD and DATEDIFF map them with `rk_internal.datepart_name`.
 */
const DATEPARTS: Readonly<Record<string, readonly string[]>> = {
  millennium: ['millennium', 'millennia', 'mil', 'mils'],
  century: ['century', 'centuries', 'c', 'cent', 'cents'],
  decade: ['decade', 'decades', 'dec', 'decs'],
  epoch: ['epoch'],
  year: ['year', 'years', 'y', 'yr', 'yrs'],
  quarter: ['quarter', 'quarters', 'qtr', 'qtrs'],
  month: ['month', 'months', 'mon', 'mons'],
  week: ['week', 'weeks', 'w'],
  dow: ['dayofweek', 'dow', 'dw', 'weekday'],
  doy: ['dayofyear', 'doy', 'dy', 'yearday'],
  day: ['day', 'days', 'd'],
  hour: ['hour', 'hours', 'h', 'hr', 'hrs'],
  minute: ['minute', 'minutes', 'm', 'min', 'mins'],
  second: ['second', 'seconds', 's', 'sec', 'secs'],
  millisecond: [
    'millisecond',
    'milliseconds',
    'ms',
    'msec',
    'msecs',
    'msecond',
    'mseconds',
    'millisec',
    'millisecs',
    'millisecon',
  ],
  microsecond: [
    'microsecond',
    'microseconds',
    'microsec',
    'microsecs',
    'usecond',
    'useconds',
    'us',
    'usec',
    'usecs',
  ],
  timezone: ['timezone'],
  timezone_hour: ['timezone_hour'],
  timezone_minute: ['timezone_minute'],
}

/**
 * Redshift date part abbreviations that PostgreSQL's date_part / date_trunc / EXTRACT reject (checked
 * on PostgreSQL 18), by the name to rewrite them to.
 */
export const DATEPARTS_POSTGRES_LACKS: Readonly<Record<string, string>> = {
  cents: 'century',
  quarters: 'quarter',
  qtrs: 'quarter',
  dayofweek: 'dow',
  dw: 'dow',
  weekday: 'dow',
  dayofyear: 'doy',
  dy: 'doy',
  yearday: 'doy',
  millisec: 'millisecond',
  millisecs: 'millisecond',
  microsec: 'microsecond',
  microsecs: 'microsecond',
}

const UNIT = 'pg_catalog.lower(pg_catalog.btrim($1))'

const datepartCase = Object.entries(DATEPARTS)
  .map(([name, aliases]) => `WHEN ${UNIT} IN (${aliases.map((a) => `'${a}'`).join(', ')}) THEN '${name}'`)
  .join('\n    ')

/** Units below a day, in microseconds: DATEDIFF counts how many of their boundaries lie between. */
const MICROS_PER: Readonly<Record<string, string>> = {
  week: '604800000000',
  day: '86400000000',
  hour: '3600000000',
  minute: '60000000',
  second: '1000000',
  millisecond: '1000',
  microsecond: '1',
}

/** Input types DATEDIFF accepts on each side; `text` catches untyped literals ('2024-01-01'). */
const DATEDIFF_TYPES = ['date', 'timestamp', 'timestamptz', 'text'] as const

function datediffOverloads(): string {
  const out: string[] = []
  for (const a of DATEDIFF_TYPES) {
    for (const b of DATEDIFF_TYPES) {
      const volatility =
        a === 'timestamptz' || b === 'timestamptz' || a === 'text' || b === 'text' ? 'STABLE' : 'IMMUTABLE'
      out.push(`CREATE OR REPLACE FUNCTION pg_catalog.datediff(text, ${a}, ${b}) RETURNS bigint
  LANGUAGE sql ${volatility} STRICT PARALLEL SAFE RETURN rk_internal.datediff_ts($1, $2::timestamp, $3::timestamp);`)
    }
  }
  return out.join('\n')
}

/**
 * Redshift's date/time functions.
 *
 * - GETDATE(): start of the current statement, in the session time zone (UTC), to the second.
 * - SYSDATE(): start of the current transaction, to the microsecond (the dialect rewrites bare SYSDATE).
 * - DATEADD / DATEDIFF take the date part as text (the dialect quotes a bare `day`). DATEDIFF counts
 *   boundaries crossed: calendar fields for month and longer, Monday-based weeks, and floor division
 *   of the microsecond epoch below a day. TIMETZ values are compared in UTC.
 * - date_part, date_trunc and extract stay PostgreSQL's built-ins. Replacing a built-in's pg_proc row
 *   does not work reliably: fmgr calls built-in OIDs straight from its compiled-in table, so a
 *   constant-folded call (`date_part('dw', timestamp '...')`) would still reach the C function. The
 *   abbreviations PostgreSQL lacks (see {@link DATEPARTS_POSTGRES_LACKS}) must be rewritten by the
 *   dialect; DATEADD and DATEDIFF, being ours, accept them all.
 */
export const DATETIME_FUNCTIONS_SQL = `
CREATE OR REPLACE FUNCTION rk_internal.datepart_name(text) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN CASE
    ${datepartCase}
    ELSE ${UNIT} END;

CREATE OR REPLACE FUNCTION rk_internal.unsupported_datepart(fn text, part text) RETURNS bigint
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $fn$
BEGIN
  RAISE EXCEPTION '% does not support the date part "%"', fn, part
    USING ERRCODE = '22023', HINT = 'Use one of year, quarter, month, week, day, hour, minute, second, millisecond, microsecond (or their abbreviations).';
END
$fn$;

CREATE OR REPLACE FUNCTION pg_catalog.getdate() RETURNS timestamp
  LANGUAGE sql STABLE PARALLEL SAFE RETURN pg_catalog.date_trunc('second', pg_catalog.statement_timestamp())::timestamp;
CREATE OR REPLACE FUNCTION pg_catalog.sysdate() RETURNS timestamp
  LANGUAGE sql STABLE PARALLEL SAFE RETURN pg_catalog.transaction_timestamp()::timestamp;

CREATE OR REPLACE FUNCTION rk_internal.datepart_interval(text, bigint) RETURNS interval
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN $2 * CASE rk_internal.datepart_name($1)
    WHEN 'millennium' THEN interval '1000 years' WHEN 'century' THEN interval '100 years'
    WHEN 'decade' THEN interval '10 years' WHEN 'year' THEN interval '1 year'
    WHEN 'quarter' THEN interval '3 months' WHEN 'month' THEN interval '1 month'
    WHEN 'week' THEN interval '7 days' WHEN 'day' THEN interval '1 day'
    WHEN 'hour' THEN interval '1 hour' WHEN 'minute' THEN interval '1 minute'
    WHEN 'second' THEN interval '1 second' WHEN 'millisecond' THEN interval '1 millisecond'
    WHEN 'microsecond' THEN interval '1 microsecond'
    ELSE rk_internal.unsupported_datepart('DATEADD', $1) * interval '0' END;

CREATE OR REPLACE FUNCTION pg_catalog.dateadd(text, bigint, timestamp) RETURNS timestamp
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE RETURN $3 + rk_internal.datepart_interval($1, $2);
CREATE OR REPLACE FUNCTION pg_catalog.dateadd(text, bigint, date) RETURNS timestamp
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE RETURN $3::timestamp + rk_internal.datepart_interval($1, $2);
CREATE OR REPLACE FUNCTION pg_catalog.dateadd(text, bigint, timestamptz) RETURNS timestamptz
  LANGUAGE sql STABLE STRICT PARALLEL SAFE RETURN $3 + rk_internal.datepart_interval($1, $2);
CREATE OR REPLACE FUNCTION pg_catalog.dateadd(text, bigint, time) RETURNS time
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE RETURN $3 + rk_internal.datepart_interval($1, $2);
CREATE OR REPLACE FUNCTION pg_catalog.dateadd(text, bigint, timetz) RETURNS timetz
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE RETURN $3 + rk_internal.datepart_interval($1, $2);
-- Untyped literals resolve here (text is the preferred string type), and read as TIMESTAMP as on Redshift.
CREATE OR REPLACE FUNCTION pg_catalog.dateadd(text, bigint, text) RETURNS timestamp
  LANGUAGE sql STABLE STRICT PARALLEL SAFE RETURN $3::timestamp + rk_internal.datepart_interval($1, $2);

CREATE OR REPLACE FUNCTION rk_internal.datediff_micros(text, numeric, numeric) RETURNS bigint
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN CASE rk_internal.datepart_name($1)
    ${Object.entries(MICROS_PER)
      .map(([part, us]) =>
        part === 'week'
          ? // The epoch (1970-01-01) is a Thursday: shifting by 3 days puts week boundaries on Mondays.
            `WHEN 'week' THEN (pg_catalog.floor(($3 + 259200000000) / ${us}) - pg_catalog.floor(($2 + 259200000000) / ${us}))::bigint`
          : `WHEN '${part}' THEN (pg_catalog.floor($3 / ${us}) - pg_catalog.floor($2 / ${us}))::bigint`,
      )
      .join('\n    ')}
    ELSE rk_internal.unsupported_datepart('DATEDIFF', $1) END;

CREATE OR REPLACE FUNCTION rk_internal.datediff_ts(text, timestamp, timestamp) RETURNS bigint
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN CASE rk_internal.datepart_name($1)
    WHEN 'year' THEN (extract(year FROM $3) - extract(year FROM $2))::bigint
    WHEN 'quarter' THEN ((extract(year FROM $3) * 4 + extract(quarter FROM $3))
                       - (extract(year FROM $2) * 4 + extract(quarter FROM $2)))::bigint
    WHEN 'month' THEN ((extract(year FROM $3) * 12 + extract(month FROM $3))
                     - (extract(year FROM $2) * 12 + extract(month FROM $2)))::bigint
    WHEN 'decade' THEN (pg_catalog.floor(extract(year FROM $3) / 10) - pg_catalog.floor(extract(year FROM $2) / 10))::bigint
    WHEN 'century' THEN (extract(century FROM $3) - extract(century FROM $2))::bigint
    WHEN 'millennium' THEN (extract(millennium FROM $3) - extract(millennium FROM $2))::bigint
    ELSE rk_internal.datediff_micros($1, extract(epoch FROM $2) * 1000000, extract(epoch FROM $3) * 1000000) END;

${datediffOverloads()}
CREATE OR REPLACE FUNCTION pg_catalog.datediff(text, time, time) RETURNS bigint
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN rk_internal.datediff_micros($1, extract(epoch FROM $2) * 1000000, extract(epoch FROM $3) * 1000000);
CREATE OR REPLACE FUNCTION pg_catalog.datediff(text, timetz, timetz) RETURNS bigint
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN rk_internal.datediff_micros($1,
    extract(epoch FROM ($2 AT TIME ZONE 'UTC')::time) * 1000000,
    extract(epoch FROM ($3 AT TIME ZONE 'UTC')::time) * 1000000);

-- Whole months from year and month; the rest from day and time over a 31-day month, except when both
-- dates share the day of month or are both month ends (documented).
CREATE OR REPLACE FUNCTION pg_catalog.months_between(timestamp, timestamp) RETURNS double precision
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN ((extract(year FROM $1) * 12 + extract(month FROM $1)) - (extract(year FROM $2) * 12 + extract(month FROM $2)))::double precision
    + CASE WHEN extract(day FROM $1) = extract(day FROM $2)
             OR ($1::date = (pg_catalog.date_trunc('month', $1) + interval '1 month - 1 day')::date
                 AND $2::date = (pg_catalog.date_trunc('month', $2) + interval '1 month - 1 day')::date)
           THEN 0
           ELSE (extract(epoch FROM ($1 - pg_catalog.date_trunc('month', $1)))
               - extract(epoch FROM ($2 - pg_catalog.date_trunc('month', $2))))::double precision / (31 * 86400) END;
CREATE OR REPLACE FUNCTION pg_catalog.months_between(timestamptz, timestamptz) RETURNS double precision
  LANGUAGE sql STABLE STRICT PARALLEL SAFE RETURN pg_catalog.months_between($1::timestamp, $2::timestamp);

CREATE OR REPLACE FUNCTION pg_catalog.trunc(timestamp) RETURNS date
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE RETURN $1::date;
CREATE OR REPLACE FUNCTION pg_catalog.trunc(timestamptz) RETURNS date
  LANGUAGE sql STABLE STRICT PARALLEL SAFE RETURN $1::date;

-- CONVERT_TIMEZONE([source,] target, timestamp): source defaults to UTC; returns TIMESTAMP.
CREATE OR REPLACE FUNCTION pg_catalog.convert_timezone(text, timestamp) RETURNS timestamp
  LANGUAGE sql STABLE STRICT PARALLEL SAFE RETURN ($2 AT TIME ZONE 'UTC') AT TIME ZONE $1;
CREATE OR REPLACE FUNCTION pg_catalog.convert_timezone(text, timestamptz) RETURNS timestamp
  LANGUAGE sql STABLE STRICT PARALLEL SAFE RETURN $2 AT TIME ZONE $1;
CREATE OR REPLACE FUNCTION pg_catalog.convert_timezone(text, text, timestamp) RETURNS timestamp
  LANGUAGE sql STABLE STRICT PARALLEL SAFE RETURN ($3 AT TIME ZONE $1) AT TIME ZONE $2;

-- Redshift's DATE_TRUNC of a DATE is a TIMESTAMP (PostgreSQL would pick timestamptz).
CREATE OR REPLACE FUNCTION pg_catalog.date_trunc(text, date) RETURNS timestamp
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE RETURN pg_catalog.date_trunc($1, $2::timestamp);

-- EXTRACT as Redshift (the dialect's target): INTEGER but from a TIMESTAMPTZ (DOUBLE PRECISION);
-- milliseconds and microseconds within the second (PostgreSQL counts the seconds in too).
CREATE OR REPLACE FUNCTION rk_internal.extract_part(text, double precision) RETURNS double precision
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN CASE
    WHEN pg_catalog.lower($1) IN ('ms', 'msec', 'msecs', 'msecond', 'mseconds', 'millisecond', 'milliseconds', 'millisec', 'millisecs', 'millisecon')
      THEN $2::numeric % 1000
    WHEN pg_catalog.lower($1) IN ('us', 'usec', 'usecs', 'usecond', 'useconds', 'microsecond', 'microseconds', 'microsec', 'microsecs')
      THEN $2::numeric % 1000000
    ELSE $2 END;
CREATE OR REPLACE FUNCTION rk_internal.date_part(text, timestamp) RETURNS integer
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN pg_catalog.trunc(rk_internal.extract_part($1, pg_catalog.date_part($1, $2)))::integer;
CREATE OR REPLACE FUNCTION rk_internal.date_part(text, date) RETURNS integer
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE RETURN rk_internal.date_part($1, $2::timestamp);
CREATE OR REPLACE FUNCTION rk_internal.date_part(text, time) RETURNS integer
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN pg_catalog.trunc(rk_internal.extract_part($1, pg_catalog.date_part($1, $2)))::integer;
CREATE OR REPLACE FUNCTION rk_internal.date_part(text, timetz) RETURNS integer
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN pg_catalog.trunc(rk_internal.extract_part($1, pg_catalog.date_part($1, $2)))::integer;
CREATE OR REPLACE FUNCTION rk_internal.date_part(text, timestamptz) RETURNS double precision
  LANGUAGE sql STABLE STRICT PARALLEL SAFE RETURN rk_internal.extract_part($1, pg_catalog.date_part($1, $2));
CREATE OR REPLACE FUNCTION rk_internal.date_part(text, interval) RETURNS double precision
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE RETURN pg_catalog.date_part($1, $2);
CREATE OR REPLACE FUNCTION rk_internal.date_part(text, text) RETURNS integer
  LANGUAGE sql STABLE STRICT PARALLEL SAFE RETURN rk_internal.date_part($1, $2::timestamp);
`
