/**
 * File compression of COPY input and UNLOAD output. `None` is the default (no keyword).
 *
 * @example
 * new CopyCommandBuilder(table).fromS3('bucket', 'events/').compression(Compression.Gzip)  // ... GZIP
 */
export const Compression = Object.freeze({
  None: 'none',
  Gzip: 'gzip',
  Bzip2: 'bzip2',
  Lzop: 'lzop',
  Zstd: 'zstd',
} as const)

/** One of {@link Compression}'s values. */
export type Compression = (typeof Compression)[keyof typeof Compression]

/**
 * Every compression, in the order Redshift's documentation lists them.
 *
 * @example
 * COMPRESSIONS.includes(Compression.Gzip) // true
 */
export const COMPRESSIONS: readonly Compression[] = Object.freeze(Object.values(Compression))

/**
 * Whether `value` is a {@link Compression}.
 *
 * @example
 * isCompression('gzip') // true
 * isCompression('rar')  // false
 */
export function isCompression(value: unknown): value is Compression {
  return typeof value === 'string' && (COMPRESSIONS as readonly string[]).includes(value)
}
