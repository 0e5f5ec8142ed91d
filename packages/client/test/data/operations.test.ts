import { describe, expect, it } from 'vitest'
import { createClient } from '../../src/client.js'
import { RedshiftConfig } from '../../src/config/redshift-config.js'
import { UnsupportedError, ValidationError } from '../../src/errors/client-errors.js'
import { LoadFailedError, PermissionDeniedError, UnloadFailedError } from '../../src/errors/query-errors.js'
import { CopyCommandBuilder, TableRef, UnloadCommandBuilder } from '../../src/index.js'
import { FakeTransport, type Script } from './fake-transport.js'

const ROLE = 'arn:aws:iam::123456789012:role/RedshiftCopyRole'
const START = new Date('2024-01-01T10:00:00.123Z')
const table = new TableRef('analytics', 'daily_events')

function clientOver(script: Script, options: { defaultRole?: boolean; sessions?: boolean } = {}) {
  const transport = new FakeTransport(script, options.sessions ?? true)
  let config = RedshiftConfig.builder().endpoint('localhost', 5439, 'dev').withDatabaseAuth('u', 'p')
  if (options.defaultRole) config = config.defaultCopyIamRole(ROLE).defaultUnloadIamRole('default')
  return { transport, client: createClient(config.build(), { transport }) }
}

const loadFailure = Object.assign(
  new Error("Load into table 'daily_events' failed.  Check 'stl_load_errors' system table for details."),
  {
    code: 'XX000',
    severity: 'ERROR',
  },
)
const errorRow = [
  9,
  100234,
  new Date('2024-01-01T10:00:01Z'),
  's3://b-1/e/part-0.csv   ',
  3n,
  'amount    ',
  'int4      ',
  '0         ',
  0,
  '1|x|2     ',
  'x     ',
  1207,
  "Invalid digit, Value 'x', Pos 0, Type: Integer   ",
  1073,
  0,
]

describe('copyFromS3', () => {
  it('runs on one session and reads the count, id and skipped rows of this COPY', async () => {
    const { client, transport } = clientOver((sql) => {
      if (sql === 'SELECT pg_last_copy_id(), SYSDATE') return { rows: [[7, START]] }
      if (sql.startsWith('COPY')) return {}
      if (sql === 'SELECT pg_last_copy_count(), pg_last_copy_id()') return { rows: [[42n, 8]] }
      if (sql.startsWith('SELECT COUNT(*) FROM stl_load_errors')) return { rows: [[3n]] }
      throw new Error(`unexpected ${sql}`)
    })
    const copy = new CopyCommandBuilder(table).fromS3('b-1', 'e/').csv().maxErrors(10).iamRole(ROLE).build()
    const result = await client.copyFromS3(copy)
    expect(result).toEqual({
      rowsLoaded: 42,
      errors: 3,
      startTime: START,
      durationMs: expect.any(Number),
      queryId: '8',
      table,
    })
    expect(new Set(transport.executed.map((e) => e.session))).toEqual(new Set(['1']))
    expect(transport.executed[1]?.sql).toBe(copy.toSql())
    expect(transport.executed[3]?.params).toEqual([8])
    expect(transport.released).toEqual([{ session: '1', error: undefined }])
    await client.close()
  })

  it('uses the configured defaultCopyIamRole when the command has no authorization', async () => {
    const { client, transport } = clientOver(
      (sql) =>
        sql.startsWith('SELECT pg_last_copy_id(), SYSDATE') ? { rows: [[-1, START]] } : { rows: [[0n, -1]] },
      { defaultRole: true },
    )
    const copy = new CopyCommandBuilder(table).fromS3('b-1', 'e/').build()
    client.validateCopy(copy)
    const result = await client.copyFromS3(copy)
    expect(transport.executed[1]?.sql).toBe(
      `COPY analytics.daily_events FROM 's3://b-1/e/' IAM_ROLE '${ROLE}'`,
    )
    expect(result).toMatchObject({ rowsLoaded: 0, errors: 0, queryId: '' })
    await client.close()
  })

  it('raises LoadFailedError carrying the load errors of the failed COPY', async () => {
    const { client, transport } = clientOver((sql, params) => {
      if (sql === 'SELECT pg_last_copy_id(), SYSDATE') return { rows: [[7, START]] }
      if (sql.startsWith('COPY')) throw loadFailure
      if (sql === 'SELECT pg_last_copy_id()') return { rows: [[9]] }
      if (sql.includes('FROM stl_load_errors WHERE query = $1')) {
        expect(params).toEqual([9])
        return { rows: [errorRow] }
      }
      throw new Error(`unexpected ${sql}`)
    })
    const copy = new CopyCommandBuilder(table).fromS3('b-1', 'e/').iamRole(ROLE).build()
    const error = await client.copyFromS3(copy).then(
      () => expect.unreachable(),
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(LoadFailedError)
    const failed = error as LoadFailedError
    expect(failed.loadErrors).toEqual([
      {
        queryId: '9',
        tableId: 100234,
        startTime: new Date('2024-01-01T10:00:01Z'),
        filename: 's3://b-1/e/part-0.csv',
        lineNumber: 3,
        columnName: 'amount',
        columnType: 'int4',
        columnLength: '0',
        position: 0,
        rawLine: '1|x|2',
        rawFieldValue: 'x',
        errorCode: 1207,
        errorMessage: "Invalid digit, Value 'x', Pos 0, Type: Integer",
        session: 1073,
        slice: 0,
      },
    ])
    expect(failed.message).toContain("Load into table 'daily_events' failed")
    expect(failed.message).toContain('line 3, column amount: Invalid digit')
    expect(failed.sqlState).toBe('XX000')
    expect(failed.metadata.queryId).toBe('9')
    expect(transport.released).toHaveLength(1)
    await client.close()
  })

  it('reads no load errors when the COPY failed before loading', async () => {
    const { client, transport } = clientOver((sql, params) => {
      if (sql === 'SELECT pg_last_copy_id(), SYSDATE') return { rows: [[7, START]] }
      if (sql.startsWith('COPY'))
        throw Object.assign(new Error("The specified S3 prefix 'e/' does not exist"), {
          code: 'XX000',
          severity: 'ERROR',
        })
      if (sql === 'SELECT pg_last_copy_id()') return { rows: [[7]] }
      if (sql.includes('WHERE session = $1 AND starttime >= $2')) {
        expect(params).toEqual([1, START])
        return { rows: [] }
      }
      throw new Error(`unexpected ${sql}`)
    })
    const copy = new CopyCommandBuilder(table).fromS3('b-1', 'e/').iamRole(ROLE).build()
    const error = await client.copyFromS3(copy).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(LoadFailedError)
    expect((error as LoadFailedError).loadErrors).toEqual([])
    expect(transport.executed.some((e) => e.sql.includes('WHERE query = $1'))).toBe(false)
    await client.close()
  })

  it('finds the errors of a failed load by session and time when pg_last_copy_id() did not move', async () => {
    const older = [...errorRow]
    older[0] = 4
    const { client } = clientOver((sql) => {
      if (sql === 'SELECT pg_last_copy_id(), SYSDATE') return { rows: [[7, START]] }
      if (sql.startsWith('COPY')) throw loadFailure
      if (sql === 'SELECT pg_last_copy_id()') return { rows: [[7]] }
      if (sql.includes('WHERE session = $1')) return { rows: [errorRow, errorRow, older] }
      throw new Error(`unexpected ${sql}`)
    })
    const copy = new CopyCommandBuilder(table).fromS3('b-1', 'e/').iamRole(ROLE).build()
    const error = (await client.copyFromS3(copy).catch((e: unknown) => e)) as LoadFailedError
    expect(error).toBeInstanceOf(LoadFailedError)
    expect(error.loadErrors?.map((e) => e.queryId)).toEqual(['9', '9'])
    expect(error.metadata.queryId).toBe('9')
    await client.close()
  })

  it('keeps more specific errors as they are', async () => {
    const { client } = clientOver((sql) => {
      if (sql.startsWith('COPY'))
        throw Object.assign(new Error('permission denied for relation daily_events'), {
          code: '42501',
          severity: 'ERROR',
        })
      return { rows: [[7, START]] }
    })
    const copy = new CopyCommandBuilder(table).fromS3('b-1', 'e/').iamRole(ROLE).build()
    await expect(client.copyFromS3(copy)).rejects.toBeInstanceOf(PermissionDeniedError)
    await client.close()
  })

  it('checks the command before sending anything', async () => {
    const { client, transport } = clientOver(() => ({}))
    const noAuth = new CopyCommandBuilder(table).fromS3('b-1', 'e/').build()
    expect(() => client.validateCopy(noAuth)).toThrow(/defaultCopyIamRole/)
    await expect(client.copyFromS3(noAuth)).rejects.toBeInstanceOf(ValidationError)
    const dynamo = new CopyCommandBuilder(table).fromDynamoDb('Movies', 50).iamRole(ROLE).build()
    await expect(client.copyFromS3(dynamo)).rejects.toThrow(/copyFromDynamoDb/)
    const s3 = new CopyCommandBuilder(table).fromS3('b-1', 'e/').iamRole(ROLE).build()
    await expect(client.copyFromDynamoDb(s3)).rejects.toThrow(/fromDynamoDb/)
    await expect(client.copyFromS3({ toSql: () => 'COPY x' } as never)).rejects.toThrow(/CopyCommand/)
    await expect(client.copyFromS3(s3, { timeoutMs: -1 })).rejects.toThrow(/timeoutMs/)
    expect(transport.executed).toEqual([])
    await client.close()
  })

  it('refuses a transport without sessions', async () => {
    const { client } = clientOver(() => ({}), { sessions: false })
    const copy = new CopyCommandBuilder(table).fromS3('b-1', 'e/').iamRole(ROLE).build()
    await expect(client.copyFromS3(copy)).rejects.toBeInstanceOf(UnsupportedError)
    await client.close()
  })
})

describe('copyFromDynamoDb', () => {
  it('runs a DynamoDB COPY', async () => {
    const { client, transport } = clientOver((sql) =>
      sql.endsWith('SYSDATE')
        ? { rows: [[-1, START]] }
        : sql.startsWith('COPY')
          ? {}
          : sql.includes('COUNT')
            ? { rows: [[0n]] }
            : { rows: [[5n, 3]] },
    )
    const copy = new CopyCommandBuilder('favoritemovies').fromDynamoDb('Movies', 50).iamRole(ROLE).build()
    expect(await client.copyFromDynamoDb(copy)).toMatchObject({ rowsLoaded: 5, queryId: '3' })
    expect(transport.executed[1]?.sql).toBe(
      `COPY favoritemovies FROM 'dynamodb://Movies' IAM_ROLE '${ROLE}' READRATIO 50`,
    )
    await client.close()
  })
})

describe('getLoadErrors', () => {
  it('finds the table, then its errors since a time', async () => {
    const since = new Date('2024-01-01T00:00:00Z')
    const { client, transport } = clientOver((sql, params) => {
      if (sql.includes('FROM pg_class')) {
        expect(params).toEqual(['daily_events', 'analytics'])
        return { rows: [[100234]] }
      }
      expect(params).toEqual([100234, since])
      return { rows: [errorRow, errorRow] }
    })
    const errors = await client.getLoadErrors(table, since)
    expect(errors).toHaveLength(2)
    expect(errors[0]).toMatchObject({ lineNumber: 3, errorCode: 1207, columnName: 'amount' })
    expect(transport.executed.map((e) => e.session)).toEqual(['autocommit', 'autocommit'])
    await client.close()
  })

  it('says when the table does not exist, and refuses a bad date', async () => {
    const { client } = clientOver(() => ({ rows: [] }))
    await expect(client.getLoadErrors('missing', new Date())).rejects.toThrow(/does not exist/)
    await expect(client.getLoadErrors(table, new Date('nope'))).rejects.toBeInstanceOf(ValidationError)
    await client.close()
  })
})

describe('unloadToS3', () => {
  it('reads the rows written and the files of this UNLOAD', async () => {
    const { client, transport } = clientOver((sql, params) => {
      if (sql.startsWith('UNLOAD')) return { queryId: '12' }
      if (sql === 'SELECT pg_last_unload_count()') return { rows: [[5n]] }
      if (sql.includes('stl_unload_log')) {
        expect(params).toEqual([12])
        return {
          rows: [
            ['s3://reports-bucket/monthly/region=east/0000_part_00.parquet   ', 3n, 512n],
            ['s3://reports-bucket/monthly/region=west/0000_part_00.parquet   ', 2n, 480n],
          ],
        }
      }
      throw new Error(`unexpected ${sql}`)
    })
    const unload = new UnloadCommandBuilder('SELECT region, amount FROM sales')
      .toS3('reports-bucket', 'monthly/')
      .parquet()
      .partitionBy(['region'])
      .manifest(true)
      .iamRole(ROLE)
      .build()
    client.validateUnload(unload)
    const result = await client.unloadToS3(unload)
    expect(result).toEqual({
      rowsUnloaded: 5,
      filesCreated: 2,
      files: [
        { url: 's3://reports-bucket/monthly/region=east/0000_part_00.parquet', rowCount: 3, sizeBytes: 512 },
        { url: 's3://reports-bucket/monthly/region=west/0000_part_00.parquet', rowCount: 2, sizeBytes: 480 },
      ],
      manifestUrl: 's3://reports-bucket/monthly/manifest',
      queryId: '12',
      durationMs: expect.any(Number),
    })
    expect(new Set(transport.executed.map((e) => e.session))).toEqual(new Set(['1']))
    await client.close()
  })

  it('raises UnloadFailedError, and uses the default role', async () => {
    const { client, transport } = clientOver(
      () => {
        throw Object.assign(new Error('Specified unload destination on S3 is not empty'), {
          code: 'XX000',
          severity: 'ERROR',
        })
      },
      { defaultRole: true },
    )
    const unload = new UnloadCommandBuilder('SELECT 1').toS3('reports-bucket', 'x/').build()
    const error = await client.unloadToS3(unload).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(UnloadFailedError)
    expect((error as UnloadFailedError).message).toContain('not empty')
    expect(transport.executed[0]?.sql).toBe(
      "UNLOAD ('SELECT 1') TO 's3://reports-bucket/x/' IAM_ROLE default",
    )
    expect(transport.released).toHaveLength(1)
    await client.close()
  })

  it('refuses a command without authorization when no default role is configured', async () => {
    const { client } = clientOver(() => ({}))
    const unload = new UnloadCommandBuilder('SELECT 1').toS3('reports-bucket', 'x/').build()
    expect(() => client.validateUnload(unload)).toThrow(/defaultUnloadIamRole/)
    await client.close()
  })
})
