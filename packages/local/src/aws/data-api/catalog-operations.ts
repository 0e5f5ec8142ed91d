/**
 * The catalog operations as requests: resolve who connects (as ExecuteStatement does), open a
 * connection through the gateway, run the catalog query, page the answer, close.
 */
import type { AwsCall, AwsContext } from '../aws-context.js'
import type { JsonInput } from '../json-services.js'
import { describeColumns, listDatabases, listSchemas, listTables } from './catalog.js'
import { resolveTarget } from './connection-target.js'
import { databaseConnectionError, validationError } from './errors.js'
import { GatewayConnection } from './gateway-connection.js'
import { optionalInt, optionalString, requiredString } from './inputs.js'
import { pageOf } from './paging.js'

/** Runs ListDatabases, ListSchemas, ListTables or DescribeTable. */
export async function catalogOperation(
  ctx: AwsContext,
  operation: 'ListDatabases' | 'ListSchemas' | 'ListTables' | 'DescribeTable',
  input: JsonInput,
  call: AwsCall,
): Promise<unknown> {
  const database = requiredString(input, 'Database')
  const connected = optionalString(input, 'ConnectedDatabase')
  if (connected !== undefined && connected !== database) {
    throw validationError(
      `redshift-local has no cross-database queries: ConnectedDatabase (${connected}) must be the same as Database (${database}), or left out.`,
    )
  }
  const max = optionalInt(input, 'MaxResults', 0, 1000)
  const token = optionalString(input, 'NextToken')
  const target = await resolveTarget(ctx, input, call, database)
  let connection: GatewayConnection
  try {
    connection = await GatewayConnection.open(ctx.wire, target)
  } catch (error) {
    throw databaseConnectionError(
      `Could not connect to database ${database} as ${target.login}: ${error instanceof Error ? error.message : String(error)}`,
    )
  }
  try {
    switch (operation) {
      case 'ListDatabases': {
        const { page, nextToken } = pageOf(await listDatabases(connection), token, max, 1000, operation)
        return { Databases: page, ...(nextToken === undefined ? {} : { NextToken: nextToken }) }
      }
      case 'ListSchemas': {
        const pattern = optionalString(input, 'SchemaPattern')
        const scope = JSON.stringify([operation, database, pattern])
        const { page, nextToken } = pageOf(await listSchemas(connection, pattern), token, max, 1000, scope)
        return { Schemas: page, ...(nextToken === undefined ? {} : { NextToken: nextToken }) }
      }
      case 'ListTables': {
        const schemaPattern = optionalString(input, 'SchemaPattern')
        const tablePattern = optionalString(input, 'TablePattern')
        const scope = JSON.stringify([operation, database, schemaPattern, tablePattern])
        const tables = await listTables(connection, schemaPattern, tablePattern)
        const { page, nextToken } = pageOf(tables, token, max, 1000, scope)
        return { Tables: page, ...(nextToken === undefined ? {} : { NextToken: nextToken }) }
      }
      case 'DescribeTable': {
        const schema = optionalString(input, 'Schema')
        const table = optionalString(input, 'Table')
        const scope = JSON.stringify([operation, database, schema, table])
        const described = await describeColumns(connection, schema, table)
        const { page, nextToken } = pageOf(described.columns, token, max, 1000, scope)
        return {
          ...(described.tableName === undefined ? {} : { TableName: described.tableName }),
          ColumnList: page,
          ...(nextToken === undefined ? {} : { NextToken: nextToken }),
        }
      }
    }
  } catch (error) {
    if (error instanceof Error && 'code' in error && !('status' in error)) {
      throw validationError(`ERROR: ${error.message}`)
    }
    throw error
  } finally {
    await connection.close()
  }
}
