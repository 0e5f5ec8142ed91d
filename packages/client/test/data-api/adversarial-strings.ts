/** Adversarial strings from pieces that end literals, comments and statements, seeded (repeatable). */
export function adversarialStrings(count: number, seed = 7): string[] {
  const pieces = [
    "'",
    "''",
    '\\',
    "\\'",
    '"',
    ';',
    '--',
    '/*',
    '*/',
    '$$',
    '$1',
    ':p1',
    '\n',
    'é',
    '😀',
    ' ',
    'x',
    'E',
    ')',
    ',',
    'DROP TABLE t',
  ]
  let state = seed
  const next = (): number => {
    state = (state * 1103515245 + 12345) % 2 ** 31
    return state
  }
  return Array.from({ length: count }, () =>
    Array.from({ length: 1 + (next() % 12) }, () => pieces[next() % pieces.length]).join(''),
  )
}
