/**
 * The fields of a PostgreSQL/Redshift ErrorResponse, as `pg`'s `DatabaseError` names them
 * (`code` is the SQLSTATE there and `sqlState` here).
 *
 * @example
 * const fields: ServerErrorFields = { sqlState: '42P01', severity: 'ERROR', position: '15' }
 * new NotFoundError('relation "missing" does not exist', fields)
 */
export interface ServerErrorFields {
  /** Five-character SQLSTATE, e.g. `XX000`, `57014`. */
  readonly sqlState?: string
  /** `ERROR`, `FATAL`, `PANIC`. */
  readonly severity?: string
  readonly detail?: string
  readonly hint?: string
  /** 1-based character offset into the statement. */
  readonly position?: string
  readonly internalPosition?: string
  readonly internalQuery?: string
  readonly where?: string
  readonly schema?: string
  readonly table?: string
  readonly column?: string
  readonly dataType?: string
  readonly constraint?: string
  readonly file?: string
  readonly line?: string
  readonly routine?: string
}

/** Every field of {@link ServerErrorFields}, in the order errors carry them. */
export const SERVER_ERROR_FIELDS = [
  'sqlState',
  'severity',
  'detail',
  'hint',
  'position',
  'internalPosition',
  'internalQuery',
  'where',
  'schema',
  'table',
  'column',
  'dataType',
  'constraint',
  'file',
  'line',
  'routine',
] as const satisfies readonly (keyof ServerErrorFields)[]

/** One of {@link SERVER_ERROR_FIELDS}. */
export type ServerErrorField = (typeof SERVER_ERROR_FIELDS)[number]

/**
 * The server fields for which `read` gives a value, in {@link SERVER_ERROR_FIELDS} order. Every copy
 * of these fields goes through here (building an error, classifying a driver's error, wrapping an
 * error in another class, recording one), so a field added to the list reaches all of them.
 *
 * @example
 * collectServerFields((field) => (field === 'sqlState' ? '57014' : undefined)) // { sqlState: '57014' }
 */
export function collectServerFields(
  read: (field: ServerErrorField) => string | undefined,
): ServerErrorFields {
  const out: { -readonly [K in ServerErrorField]?: string } = {}
  for (const field of SERVER_ERROR_FIELDS) {
    const value = read(field)
    if (value !== undefined) out[field] = value
  }
  return out
}

/**
 * The server fields `source` holds (an error, to carry them over to the error that wraps it).
 *
 * @example
 * new UnloadFailedError(error.message, { ...serverFieldsOf(error), cause: error })
 */
export function serverFieldsOf(source: ServerErrorFields): ServerErrorFields {
  return collectServerFields((field) => source[field])
}
