import { describe, expect, it } from 'vitest'
import {
  ColumnMetadata,
  DataType,
  NotFoundError,
  QueryId,
  QueryResult,
  Row,
  ValidationError,
} from '../../src/index.js'

describe('ColumnMetadata', () => {
  it('is made from a DataType, a type name or an OID', () => {
    expect(new ColumnMetadata('total', DataType.BigInt)).toEqual({
      name: 'total',
      dataType: 'BIGINT',
      typeOid: 20,
    })
    expect(new ColumnMetadata('total', 'int8').dataType).toBe('BIGINT')
    expect(new ColumnMetadata('doc', 4000)).toEqual({ name: 'doc', dataType: 'SUPER', typeOid: 4000 })
    expect(new ColumnMetadata('odd', 999999).dataType).toBe('UNKNOWN')
    expect(() => new ColumnMetadata('x', 'jsonb')).toThrow(ValidationError)
  })

  it('keeps optional details and is frozen', () => {
    const c = new ColumnMetadata('price', 'DECIMAL', { precision: 12, scale: 2, nullable: false })
    expect(c).toEqual({
      name: 'price',
      dataType: 'DECIMAL',
      typeOid: 1700,
      precision: 12,
      scale: 2,
      nullable: false,
    })
    expect(Object.isFrozen(c)).toBe(true)
  })

  it('derives precision, scale and length from a wire type modifier', () => {
    expect(ColumnMetadata.fromWire('amount', 1700, ((12 << 16) | 2) + 4)).toMatchObject({
      dataType: 'DECIMAL',
      precision: 12,
      scale: 2,
    })
    expect(ColumnMetadata.fromWire('name', 1043, 260)).toMatchObject({ dataType: 'VARCHAR', length: 256 })
    expect(ColumnMetadata.fromWire('n', 23, -1)).toEqual({ name: 'n', dataType: 'INTEGER', typeOid: 23 })
  })
})

describe('Row', () => {
  const columns = [
    new ColumnMetadata('id', 'BIGINT'),
    new ColumnMetadata('name', 'VARCHAR'),
    new ColumnMetadata('id', 'INTEGER'),
  ]
  const row = new Row([1n, 'ann', 7], columns)

  it('reads by position and by name (first match, then case-insensitive)', () => {
    expect(row.values).toEqual([1n, 'ann', 7])
    expect(row.get(1)).toBe('ann')
    expect(row.get('name')).toBe('ann')
    expect(row.get('NAME')).toBe('ann')
    expect(row.get('id')).toBe(1n)
    expect(row.has('name')).toBe(true)
    expect(row.has('nope')).toBe(false)
  })

  it('throws NotFoundError for a missing column, listing the columns', () => {
    expect(() => row.get('nope')).toThrow(NotFoundError)
    expect(() => row.get('nope')).toThrow(/id, name, id/)
    expect(() => row.get(3)).toThrow(/position 3/)
  })

  it('turns into an object, the first duplicate winning', () => {
    expect(row.toObject()).toEqual({ id: 1n, name: 'ann' })
  })

  it('keeps SQL NULL as null', () => {
    expect(new Row([null], [new ColumnMetadata('x', 'INTEGER')]).get('x')).toBeNull()
  })

  it('is frozen', () => {
    expect(Object.isFrozen(row)).toBe(true)
    expect(Object.isFrozen(row.values)).toBe(true)
  })
})

describe('QueryResult', () => {
  it('builds the seed mock result and reads it', () => {
    const result = new QueryResult({
      columns: [new ColumnMetadata('total', DataType.BigInt)],
      rows: [new Row([1_000_000n])],
      rowsAffected: 0,
      executionTimeMs: 150,
      queryId: QueryId.new('test-123'),
    })
    expect(result.rows[0]?.get(0)).toBe(1_000_000n)
    expect(result.rows[0]?.get('total')).toBe(1_000_000n) // the row was given the result's columns
    expect(result.rowsAffected).toBe(0)
    expect(result.executionTimeMs).toBe(150)
    expect(result.queryId).toBe('test-123')
    expect(result.toObjects()).toEqual([{ total: 1_000_000n }])
    expect(Object.isFrozen(result)).toBe(true)
  })

  it('takes plain value arrays and defaults rowsAffected to the row count', () => {
    const r = new QueryResult({ columns: [new ColumnMetadata('a', 'INTEGER')], rows: [[1], [2]] })
    expect(r.rowsAffected).toBe(2)
    expect(r.toObjects()).toEqual([{ a: 1 }, { a: 2 }])
    expect(r.queryId).toBe('')
  })

  it.each([
    [1, 'INTEGER'],
    [1.5, 'DOUBLE PRECISION'],
    [2 ** 40, 'DOUBLE PRECISION'],
    [1n, 'BIGINT'],
    ['s', 'VARCHAR'],
    [true, 'BOOLEAN'],
    [new Date(0), 'TIMESTAMPTZ'],
    [new Uint8Array([1]), 'VARBYTE'],
    [{ a: 1 }, 'SUPER'],
    [null, 'UNKNOWN'],
  ] as const)('singleValue(%o) is one %s cell', (value, type) => {
    const r = QueryResult.singleValue(value)
    expect(r.columns.map((c) => c.dataType)).toEqual([type])
    expect(r.rows).toHaveLength(1)
    expect(r.rows[0]?.get(0)).toEqual(value)
    expect(r.rowsAffected).toBe(1)
  })

  it('makes empty command results', () => {
    const r = QueryResult.empty({ rowsAffected: 3, command: 'DELETE' })
    expect([r.rows.length, r.columns.length, r.rowsAffected, r.command]).toEqual([0, 0, 3, 'DELETE'])
  })
})

describe('QueryId', () => {
  it('holds Redshift numbers, Data API UUIDs and mock labels as text', () => {
    expect(QueryId.new(4242)).toBe('4242')
    expect(QueryId.new(4242n)).toBe('4242')
    expect(QueryId.new('d9b6c0c9-0747-4bf4-b142-e8883122f766:2')).toBe(
      'd9b6c0c9-0747-4bf4-b142-e8883122f766:2',
    )
    expect(QueryId.isRedshiftId('4242')).toBe(true)
    expect(QueryId.isRedshiftId('test-123')).toBe(false)
    expect(QueryId.toBigInt('4242')).toBe(4242n)
    expect(QueryId.toBigInt('test-123')).toBeUndefined()
    expect(QueryId.isKnown('')).toBe(false)
    expect(() => QueryId.new(1.5)).toThrow(ValidationError)
  })
})
