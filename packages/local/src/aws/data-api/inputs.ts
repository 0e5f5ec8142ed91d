/** Reading and validating Data API request members, with the service's constraints and messages. */
import type { JsonInput } from '../json-services.js'
import { validationError } from './errors.js'

/** A statement id (`<uuid>` or `<uuid>:<n>` for a batch's n-th statement). */
export const STATEMENT_ID = /^[a-z0-9]{8}(-[a-z0-9]{4}){3}-[a-z0-9]{12}(:\d+)?$/
const SESSION_ID = /^[a-z0-9]{8}(-[a-z0-9]{4}){3}-[a-z0-9]{12}$/
const CLUSTER_ID = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/
const WORKGROUP = /^[a-z0-9-]{3,63}$/
const WORKGROUP_ARN = /^arn:aws[a-z-]*:redshift-serverless:[a-z0-9-]+:\d{12}:workgroup\/[0-9a-f-]{36}$/

function constraint(name: string, value: unknown, rule: string): Error {
  return validationError(
    `1 validation error detected: Value ${JSON.stringify(value)} at '${name}' failed to satisfy constraint: ${rule}`,
  )
}

export function optionalString(input: JsonInput, name: string, max?: number): string | undefined {
  const v = input[name]
  if (v === undefined || v === null) return undefined
  if (typeof v !== 'string') throw validationError(`${name} must be a string.`)
  if (max !== undefined && v.length > max)
    throw constraint(name, `${v.slice(0, 40)}...`, `Member must have length less than or equal to ${max}`)
  return v
}

export function requiredString(input: JsonInput, name: string): string {
  const v = optionalString(input, name)
  if (v === undefined) throw constraint(name, null, 'Member must not be null')
  return v
}

export function optionalInt(input: JsonInput, name: string, min: number, max: number): number | undefined {
  const v = input[name]
  if (v === undefined || v === null) return undefined
  if (typeof v !== 'number' || !Number.isInteger(v)) throw validationError(`${name} must be an integer.`)
  if (v < min || v > max) {
    throw constraint(name, v, `Member must have value between ${min} and ${max} inclusive`)
  }
  return v
}

export function optionalBool(input: JsonInput, name: string): boolean | undefined {
  const v = input[name]
  if (v === undefined || v === null) return undefined
  if (typeof v !== 'boolean') throw validationError(`${name} must be true or false.`)
  return v
}

export function optionalEnum<T extends string>(
  input: JsonInput,
  name: string,
  values: readonly T[],
): T | undefined {
  const v = optionalString(input, name)
  if (v === undefined) return undefined
  if (!(values as readonly string[]).includes(v)) {
    throw constraint(name, v, `Member must satisfy enum value set: [${values.join(', ')}]`)
  }
  return v as T
}

export function statementId(input: JsonInput, name = 'Id'): string {
  const id = requiredString(input, name)
  if (!STATEMENT_ID.test(id))
    throw constraint(name, id, `Member must satisfy regular expression pattern: ${STATEMENT_ID.source}`)
  return id
}

export function sessionId(input: JsonInput): string | undefined {
  const id = optionalString(input, 'SessionId')
  if (id !== undefined && !SESSION_ID.test(id)) {
    throw constraint('SessionId', id, `Member must satisfy regular expression pattern: ${SESSION_ID.source}`)
  }
  return id
}

export function clusterIdentifier(input: JsonInput): string | undefined {
  const v = optionalString(input, 'ClusterIdentifier', 63)
  if (v !== undefined && !CLUSTER_ID.test(v)) {
    throw constraint(
      'clusterIdentifier',
      v,
      `Member must satisfy regular expression pattern: ${CLUSTER_ID.source}`,
    )
  }
  return v
}

/** The workgroup name, also when given as its ARN (the name is then looked up by the caller). */
export function workgroupName(input: JsonInput): string | undefined {
  const v = optionalString(input, 'WorkgroupName', 128)
  if (v !== undefined && !WORKGROUP.test(v) && !WORKGROUP_ARN.test(v)) {
    throw constraint(
      'workgroupName',
      v,
      'Member must be a workgroup name (3-63 of a-z, 0-9, -) or a workgroup ARN',
    )
  }
  return v
}

/** One entry of `Parameters`: `{ name, value }`. */
export interface SqlParameter {
  readonly name: string
  readonly value: string
}

/** `Parameters`, with the model's rules: a name of letters, digits and `_`; a non-empty string value. */
export function sqlParameters(input: JsonInput): SqlParameter[] | undefined {
  const v = input.Parameters
  if (v === undefined || v === null) return undefined
  if (!Array.isArray(v) || v.length === 0) {
    throw constraint('parameters', v, 'Member must have length greater than or equal to 1')
  }
  const seen = new Set<string>()
  return v.map((p: unknown, i) => {
    const entry = (p ?? {}) as Record<string, unknown>
    const { name, value } = entry
    if (typeof name !== 'string' || !/^[0-9a-zA-Z_]+$/.test(name)) {
      throw constraint(
        `parameters.${i + 1}.member.name`,
        name ?? null,
        'Member must satisfy regular expression pattern: [0-9a-zA-Z_]+',
      )
    }
    if (typeof value !== 'string' || value.length === 0) {
      throw constraint(
        `parameters.${i + 1}.member.value`,
        value ?? null,
        "Member must have length greater than or equal to 1 (the Data API cannot pass NULL or an empty string as a parameter: write NULL or '' in the SQL)",
      )
    }
    if (seen.has(name)) throw validationError(`Parameter ${name} is given twice; give each parameter once.`)
    seen.add(name)
    return { name, value }
  })
}
