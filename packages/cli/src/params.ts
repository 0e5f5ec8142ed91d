import { json, type QueryParam } from '@redshift-kit/client'
import { UsageError } from './exit-codes.js'

/**
 * A `-p` value: text by default (Redshift casts it to the column's type), or typed with a prefix:
 * `int:42`, `bigint:9007199254740993`, `num:3.14` (sent as text, exact), `bool:true`, `json:{"a":1}`,
 * `null`, and `text:null` for the four letters.
 *
 * @example
 * parseParam('bigint:42') // 42n
 */
export function parseParam(raw: string): QueryParam {
  if (raw === 'null') return null
  const colon = raw.indexOf(':')
  const prefix = colon > 0 ? raw.slice(0, colon) : ''
  const rest = raw.slice(colon + 1)
  switch (prefix) {
    case 'text':
      return rest
    case 'int': {
      const n = Number(rest)
      if (!Number.isSafeInteger(n))
        throw new UsageError(`-p ${raw}: "${rest}" is not an integer (use bigint: for large ones)`)
      return n
    }
    case 'bigint':
      if (!/^-?\d+$/.test(rest)) throw new UsageError(`-p ${raw}: "${rest}" is not an integer`)
      return BigInt(rest)
    case 'num':
      if (!/^-?\d+(\.\d+)?$/.test(rest)) throw new UsageError(`-p ${raw}: "${rest}" is not a decimal number`)
      return rest
    case 'bool':
      if (rest !== 'true' && rest !== 'false') throw new UsageError(`-p ${raw}: use bool:true or bool:false`)
      return rest === 'true'
    case 'json':
      try {
        return json(JSON.parse(rest))
      } catch {
        throw new UsageError(`-p ${raw}: the value after json: is not valid JSON`)
      }
    default:
      return raw
  }
}
