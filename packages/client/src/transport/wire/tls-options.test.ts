import { describe, expect, it } from 'vitest'
import { ConfigError } from '../../errors/index.js'
import { wireTls } from './tls-options.js'

describe('wireTls', () => {
  const host = 'c.abc123.us-east-1.redshift.amazonaws.com'

  it('maps each sslmode to socket options', () => {
    expect(wireTls({ sslMode: 'disable', host })).toEqual({ ssl: false, fallbackToPlain: false })
    expect(wireTls({ sslMode: 'prefer', host })).toEqual({
      ssl: { rejectUnauthorized: false },
      fallbackToPlain: true,
    })
    expect(wireTls({ sslMode: 'require', host })).toEqual({
      ssl: { rejectUnauthorized: false },
      fallbackToPlain: false,
    })
    const full = wireTls({ sslMode: 'verify-full', host, sslCa: 'PEM' })
    expect(full.ssl).toEqual({ rejectUnauthorized: true, ca: 'PEM', servername: host })
    const ca = wireTls({ sslMode: 'verify-ca', host })
    expect(ca.ssl).toMatchObject({ rejectUnauthorized: true })
    expect(ca.ssl === false ? undefined : ca.ssl.checkServerIdentity?.(host, {} as never)).toBeUndefined()
  })

  it('names an unreadable CA file', () => {
    expect(() => wireTls({ sslMode: 'verify-ca', host, sslRootCertPath: '/nonexistent/ca.pem' })).toThrow(
      ConfigError,
    )
  })
})
