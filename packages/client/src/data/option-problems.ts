import type { Problem } from '../errors/client-errors.js'
import type { Authorization } from './authorization.js'
import { describeValue } from './builder-arguments.js'
import { hasUnsafeSecretChars, identifierProblem, literalProblem } from './sql-quote.js'

// Checks of the option values that COPY and UNLOAD share: the same keyword takes the same values in both.

const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$/
const FIXED_WIDTH_SPEC = /^\s*[^:,\s][^:,]*:\s*\d+\s*(,\s*[^:,\s][^:,]*:\s*\d+\s*)*$/

/** What is wrong with a REGION value, or `undefined`. */
export function regionProblem(region: unknown): string | undefined {
  return typeof region === 'string' && REGION.test(region)
    ? undefined
    : `${describeValue(region)} is not an AWS region (e.g. us-east-1)`
}

/** What is wrong with a FIXEDWIDTH spec (`'label:width,label:width,...'`), one message per problem. */
export function fixedWidthProblems(spec: unknown): string[] {
  const out: string[] = []
  const literal = literalProblem(spec)
  if (literal !== undefined) out.push(literal)
  if (typeof spec === 'string' && spec !== '' && !FIXED_WIDTH_SPEC.test(spec)) {
    out.push(`must be 'label:width,label:width,...' with whole-number widths, got ${describeValue(spec)}`)
  }
  return out
}

/** What is wrong with a MASTER_SYMMETRIC_KEY, or `undefined`; never quotes the key. */
export function masterKeyProblem(key: unknown): string | undefined {
  return typeof key !== 'string' || key === '' || hasUnsafeSecretChars(key)
    ? 'must be a non-empty base64 key without spaces, quotes or backslashes'
    : undefined
}

/**
 * What MASTER_SYMMETRIC_KEY needs beside it: ENCRYPTED, and no CREDENTIALS (whose string carries the
 * key instead).
 */
export function masterKeyPairingProblems(
  encrypted: boolean,
  authorizations: readonly Authorization[],
): Problem[] {
  const out: Problem[] = []
  if (!encrypted) {
    out.push({
      field: 'masterSymmetricKey',
      message: 'MASTER_SYMMETRIC_KEY needs ENCRYPTED: also call encrypted()',
    })
  }
  if (authorizations.some((a) => a.kind === 'credentials')) {
    out.push({
      field: 'masterSymmetricKey',
      message:
        'MASTER_SYMMETRIC_KEY cannot be used with CREDENTIALS; put master_symmetric_key in the credentials string instead',
    })
  }
  return out
}

/** The problems of a list of column names (COPY's column list, PARTITION BY): bad names, and repeats. */
export function columnListProblems(field: string, columns: readonly unknown[]): Problem[] {
  const out: Problem[] = []
  const seen = new Set<string>()
  columns.forEach((c, i) => {
    const bad = identifierProblem(c)
    if (bad !== undefined) out.push({ field: `${field}[${i}]`, message: bad })
    if (typeof c === 'string' && seen.has(c.toLowerCase())) {
      out.push({ field: `${field}[${i}]`, message: `${describeValue(c)} is listed twice` })
    }
    if (typeof c === 'string') seen.add(c.toLowerCase())
  })
  return out
}
