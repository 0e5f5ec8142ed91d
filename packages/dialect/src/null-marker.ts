/**
 * The NULL AS marker of a COPY or UNLOAD as Redshift reads its literal: `'\0'` (or `'\000'`) is NUL,
 * and a doubled backslash is one, since Redshift string literals take backslash escapes (`'\\N'`, as
 * the client's builder writes it, is the two characters `\N`). A lone `'\N'` is kept as written, as
 * users commonly write it. COPY and UNLOAD read it alike, so what UNLOAD writes, COPY reads back.
 *
 * @example
 * nullMarker(String.raw`\\N`) // String.raw`\N`
 */
export function nullMarker(value: string): string {
  if (value === '\\0' || value === '\\000') return '\0'
  return value.replaceAll('\\\\', '\\')
}
