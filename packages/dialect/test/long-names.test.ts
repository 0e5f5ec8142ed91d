import { describe, expect, it } from 'vitest'
import { translateStatement } from '../src/index.js'
import { ctx } from './context.js'

const t = (text: string) => translateStatement(text, ctx)

describe('names longer than the engine keeps (63 bytes)', () => {
  it('are refused instead of cut, quoted or not, counted in UTF-8 bytes', () => {
    const long = 'a'.repeat(64)
    expect(t(`CREATE TABLE ${long} (id INTEGER)`).error).toMatchObject({
      sqlState: '42622',
      message: `identifier "${'a'.repeat(20)}..." is 64 bytes long: redshift-local keeps names of up to 63 bytes (Redshift: 127)`,
    })
    expect(t(`SELECT 1 AS "${'é'.repeat(32)}"`).error?.sqlState).toBe('42622')
    expect(t(`SELECT 1 AS "${'é'.repeat(31)}"`).error).toBeUndefined()
    expect(t(`CREATE TABLE ${'a'.repeat(63)} (id INTEGER)`).error).toBeUndefined()
    // A long string literal is no name.
    expect(t(`SELECT '${'x'.repeat(200)}'`).error).toBeUndefined()
  })
})
