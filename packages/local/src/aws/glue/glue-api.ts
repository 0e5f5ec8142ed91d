/**
 * The Glue JSON 1.1 API (`X-Amz-Target: AWSGlue.<operation>`) over the local catalog: the operations
 * Spectrum needs (databases, tables, partitions). Requests and answers have Glue's shapes, so the AWS
 * CLI (`aws glue ...`) and `@aws-sdk/client-glue` work against it.
 */
import { AwsApiError } from '../aws-api-error.js'
import {
  type GlueCatalog,
  type GlueDatabaseInput,
  GlueError,
  type GluePartitionInput,
  type GlueTableInput,
} from './glue-catalog.js'

type Input = Readonly<Record<string, unknown>>

/** Most partitions one Batch* request may name (Glue's limit for BatchCreatePartition). */
const MAX_BATCH = 100

function invalid(message: string): AwsApiError {
  return new AwsApiError('InvalidInputException', message)
}

function requiredString(input: Input, name: string): string {
  const v = input[name]
  if (typeof v !== 'string' || v === '') throw invalid(`${name} is required and must be a string.`)
  return v
}

function requiredObject<T>(input: Input, name: string): T {
  const v = input[name]
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw invalid(`${name} is required.`)
  return v as T
}

function requiredArray<T>(input: Input, name: string, max = MAX_BATCH): T[] {
  const v = input[name]
  if (!Array.isArray(v)) throw invalid(`${name} is required and must be a list.`)
  if (v.length > max) throw invalid(`${name} may hold at most ${max} entries.`)
  return v as T[]
}

function checkCatalog(catalog: GlueCatalog, input: Input): void {
  const id = input.CatalogId
  if (id !== undefined && id !== catalog.catalogId) {
    throw new AwsApiError('EntityNotFoundException', `Catalog ${String(id)} not found.`)
  }
}

function errorDetail(error: GlueError): { ErrorCode: string; ErrorMessage: string } {
  return { ErrorCode: error.code, ErrorMessage: error.message }
}

/**
 * Runs one Glue operation.
 *
 * @example
 * await glueOperation(catalog, 'CreateDatabase', { DatabaseInput: { Name: 'spectrumdb' } })
 */
export async function glueOperation(catalog: GlueCatalog, operation: string, input: Input): Promise<unknown> {
  try {
    checkCatalog(catalog, input)
    return await run(catalog, operation, input)
  } catch (error) {
    if (error instanceof GlueError) throw new AwsApiError(error.code, error.message)
    throw error
  }
}

async function run(catalog: GlueCatalog, operation: string, input: Input): Promise<unknown> {
  switch (operation) {
    case 'CreateDatabase':
      await catalog.createDatabase(requiredObject<GlueDatabaseInput>(input, 'DatabaseInput'))
      return {}
    case 'GetDatabase':
      return { Database: catalog.getDatabase(requiredString(input, 'Name')) }
    case 'GetDatabases':
      return { DatabaseList: catalog.listDatabases() }
    case 'UpdateDatabase':
      await catalog.updateDatabase(
        requiredString(input, 'Name'),
        requiredObject<GlueDatabaseInput>(input, 'DatabaseInput'),
      )
      return {}
    case 'DeleteDatabase':
      await catalog.deleteDatabase(requiredString(input, 'Name'))
      return {}
    case 'CreateTable':
      await catalog.createTable(
        requiredString(input, 'DatabaseName'),
        requiredObject<GlueTableInput>(input, 'TableInput'),
      )
      return {}
    case 'GetTable':
      return { Table: catalog.getTable(requiredString(input, 'DatabaseName'), requiredString(input, 'Name')) }
    case 'GetTables': {
      const all = catalog.listTables(requiredString(input, 'DatabaseName'))
      const expression = input.Expression
      const list =
        typeof expression === 'string' && expression !== ''
          ? all.filter((t) => globMatch(expression, t.Name))
          : all
      return { TableList: list }
    }
    case 'UpdateTable':
      await catalog.updateTable(
        requiredString(input, 'DatabaseName'),
        requiredObject<GlueTableInput>(input, 'TableInput'),
      )
      return {}
    case 'DeleteTable':
      await catalog.deleteTable(requiredString(input, 'DatabaseName'), requiredString(input, 'Name'))
      return {}
    case 'CreatePartition': {
      const errors = await catalog.createPartitions(
        requiredString(input, 'DatabaseName'),
        requiredString(input, 'TableName'),
        [requiredObject<GluePartitionInput>(input, 'PartitionInput')],
      )
      const first = errors[0]
      if (first !== undefined) throw first.error
      return {}
    }
    case 'BatchCreatePartition': {
      const errors = await catalog.createPartitions(
        requiredString(input, 'DatabaseName'),
        requiredString(input, 'TableName'),
        requiredArray<GluePartitionInput>(input, 'PartitionInputList'),
      )
      return { Errors: errors.map((e) => ({ PartitionValues: e.values, ErrorDetail: errorDetail(e.error) })) }
    }
    case 'GetPartition':
      return {
        Partition: catalog.getPartition(
          requiredString(input, 'DatabaseName'),
          requiredString(input, 'TableName'),
          requiredArray<string>(input, 'PartitionValues'),
        ),
      }
    case 'GetPartitions':
      return {
        Partitions: catalog.listPartitions(
          requiredString(input, 'DatabaseName'),
          requiredString(input, 'TableName'),
        ),
      }
    case 'BatchGetPartition': {
      const database = requiredString(input, 'DatabaseName')
      const table = requiredString(input, 'TableName')
      const wanted = requiredArray<{ Values: string[] }>(input, 'PartitionsToGet', 1000)
      const found = []
      const missing = []
      for (const w of wanted) {
        try {
          found.push(catalog.getPartition(database, table, w.Values ?? []))
        } catch (error) {
          if (!(error instanceof GlueError) || error.code !== 'EntityNotFoundException') throw error
          missing.push({ Values: w.Values })
        }
      }
      return { Partitions: found, UnprocessedKeys: missing }
    }
    case 'DeletePartition': {
      const errors = await catalog.deletePartitions(
        requiredString(input, 'DatabaseName'),
        requiredString(input, 'TableName'),
        [requiredArray<string>(input, 'PartitionValues')],
      )
      const first = errors[0]
      if (first !== undefined) throw first.error
      return {}
    }
    case 'BatchDeletePartition': {
      const errors = await catalog.deletePartitions(
        requiredString(input, 'DatabaseName'),
        requiredString(input, 'TableName'),
        requiredArray<{ Values: string[] }>(input, 'PartitionsToDelete').map((p) => p.Values ?? []),
      )
      return { Errors: errors.map((e) => ({ PartitionValues: e.values, ErrorDetail: errorDetail(e.error) })) }
    }
    default:
      throw new AwsApiError(
        'UnknownOperationException',
        `Operation ${operation} is not supported by this endpoint's Glue service.`,
      )
  }
}

/** Glue's table name expressions: `*` matches any run of characters, `|` separates alternatives. */
function globMatch(expression: string, name: string): boolean {
  // Bounded, so a pattern cannot make the matcher backtrack for long.
  if (expression.length > 255 || expression.split('*').length > 11) {
    throw invalid('Expression may be at most 255 characters with at most 10 wildcards.')
  }
  return expression.split('|').some((alt) => {
    const parts = alt.split('*').map((p) => p.replace(/[.+?^${}()[\]\\]/g, '\\$&'))
    return new RegExp(`^${parts.join('.*')}$`, 'i').test(name)
  })
}
