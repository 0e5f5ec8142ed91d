import { describe, expect, it } from 'vitest'
import { ENV_VARIABLES } from '../../src/config/from-env.js'
import { CONFIG_DEFAULTS } from '../../src/config/options.js'
import { RedshiftConfig, RedshiftConfigBuilder } from '../../src/config/redshift-config.js'
import { BOOLEAN_SETTINGS, NUMBER_SETTINGS } from '../../src/config/setting-specs.js'
import { ConfigError } from '../../src/errors/index.js'
import { problemsOf } from '../problems-of.js'

const base = () => RedshiftConfig.builder().endpoint('localhost').withDatabaseAuth('u', 'p')

/** The builder method a setting's description names (`Builder: poolSize(n).`), when it takes one value. */
function builderMethod(doc: string): string | undefined {
  const m = /Builder: (\w+)\((?:n|ms|enabled)\)/.exec(doc)
  return m?.[1]
}

describe('each setting described once', () => {
  it('gives every number and on/off setting its default, a builder method, and its range', () => {
    for (const [key, spec] of Object.entries(NUMBER_SETTINGS)) {
      expect({ key, default: (CONFIG_DEFAULTS as Record<string, unknown>)[key] }).toEqual({
        key,
        default: spec.default,
      })
      const method = builderMethod(spec.doc)
      if (method === undefined) continue
      const set = (v: number) =>
        (base() as unknown as Record<string, (v: number) => RedshiftConfigBuilder>)[method]?.(v)
      expect({
        key,
        method,
        exists: typeof RedshiftConfigBuilder.prototype[method as keyof RedshiftConfigBuilder],
      }).toEqual({
        key,
        method,
        exists: 'function',
      })
      const built = set(spec.min)?.build() as unknown as Record<string, unknown> | undefined
      expect(built?.[key]).toBe(spec.min)
      expect(problemsOf(() => set(spec.max + 1)?.build(), ConfigError).map((p) => p.field)).toContain(key)
    }
    for (const [key, spec] of Object.entries(BOOLEAN_SETTINGS)) {
      expect((CONFIG_DEFAULTS as Record<string, unknown>)[key]).toBe(spec.default)
    }
  })

  it('derives fromEnv and fromUrl from the same descriptions', () => {
    expect(ENV_VARIABLES.REDSHIFT_POOL_SIZE).toBe('poolSize')
    expect(ENV_VARIABLES.REDSHIFT_HOST).toBe('host')
    const c = RedshiftConfig.fromUrl(
      'redshift://u:p@localhost:5439/dev?poolSize=7&connectTimeout=2&readTimeoutMs=500&fetchQueryId=false',
    )
    expect(c).toMatchObject({
      poolSize: 7,
      connectionTimeoutMs: 2000,
      readTimeoutMs: 500,
      fetchQueryId: false,
    })
    expect(
      RedshiftConfig.fromEnv({ REDSHIFT_URL: 'redshift://u:p@h/dev', REDSHIFT_POOL_SIZE: '3' }).poolSize,
    ).toBe(3)
  })
})
