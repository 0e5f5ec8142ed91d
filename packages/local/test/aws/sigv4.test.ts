import { describe, expect, it } from 'vitest'
import { DatabaseLogins } from '../../src/aws/database-logins.js'
import { parseAuthorization, signRequest, verifySignature } from '../../src/aws/sigv4.js'
import { QueryParams } from '../../src/aws/wire-formats.js'

const key = {
  accessKeyId: 'AKIDEXAMPLE000000000',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  region: 'us-east-1',
  service: 'sts',
}

function signed(body: string, now: Date) {
  const request = {
    method: 'POST',
    url: '/',
    headers: { host: '127.0.0.1:4566', 'content-type': 'application/x-www-form-urlencoded' },
    body: Buffer.from(body),
  }
  const added = signRequest(request, key, now)
  const headers: Record<string, string> = { ...request.headers, ...added }
  return { ...request, headers }
}

function authOf(request: ReturnType<typeof signed>) {
  const auth = parseAuthorization(request.headers.authorization ?? '')
  if (!('service' in auth)) throw new Error(auth.message)
  return auth
}

describe('SigV4 verification', () => {
  const now = new Date('2026-03-01T12:00:00Z')

  it('accepts a request signed with the right secret', () => {
    const request = signed('Action=GetCallerIdentity&Version=2011-06-15', now)
    const auth = authOf(request)
    expect(auth).toMatchObject({
      accessKeyId: key.accessKeyId,
      region: 'us-east-1',
      service: 'sts',
      date: '20260301',
    })
    expect(verifySignature(request, auth, key.secretAccessKey, now)).toBeUndefined()
  })

  it('refuses a wrong secret, a tampered body, and a clock skewed by more than 15 minutes', () => {
    const request = signed('Action=GetCallerIdentity&Version=2011-06-15', now)
    const auth = authOf(request)
    expect(verifySignature(request, auth, 'not-the-secret', now)?.kind).toBe('mismatch')
    const tampered = { ...request, body: Buffer.from('Action=AssumeRole&Version=2011-06-15') }
    expect(verifySignature(tampered, auth, key.secretAccessKey, now)?.kind).toBe('mismatch')
    const later = new Date(now.getTime() + 16 * 60_000)
    expect(verifySignature(request, auth, key.secretAccessKey, later)).toMatchObject({
      kind: 'expired',
      message: expect.stringMatching(/^Signature expired/),
    })
  })

  it('never echoes the secret or the canonical request in its failure message', () => {
    const request = signed('Action=GetCallerIdentity&Version=2011-06-15', now)
    const failure = verifySignature(request, authOf(request), 'wrong-secret-value', now)
    expect(failure?.message).not.toContain('wrong-secret-value')
    expect(failure?.message).not.toContain(key.secretAccessKey)
    expect(failure?.message).not.toContain('GetCallerIdentity')
  })

  it('reports what is missing from a malformed header', () => {
    expect(
      parseAuthorization('AWS4-HMAC-SHA256 Credential=AKID/20260301/us-east-1/sts/aws4_request'),
    ).toMatchObject({
      kind: 'incomplete',
      message: expect.stringContaining('SignedHeaders'),
    })
    expect(parseAuthorization('Basic abc')).toMatchObject({ kind: 'incomplete' })
  })
})

describe('query protocol parameters', () => {
  it('reads lists whatever their member element name, in index order', () => {
    const p = QueryParams.parse('DbGroups.DbGroup.2=b&DbGroups.DbGroup.1=a&Other.member.1=x&DbUser=alice')
    expect(p.list('DbGroups')).toEqual(['a', 'b'])
    expect(p.list('Other')).toEqual(['x'])
    expect(p.get('DbUser')).toBe('alice')
  })
})

describe('issued database passwords', () => {
  it('expire at their expiration, and a newer one replaces the older', () => {
    let clock = 1_000_000
    const logins = new DatabaseLogins(() => clock)
    const first = logins.issue('IAM:alice', 5_000)
    expect(first.expiresAt.getTime()).toBe(1_005_000)
    expect(logins.passwordFor('IAM:alice')).toBe(first.password)
    clock += 4_999
    expect(logins.passwordFor('IAM:alice')).toBe(first.password)
    clock += 1
    expect(logins.passwordFor('IAM:alice')).toBeUndefined()
    const second = logins.issue('IAM:alice', 5_000)
    const third = logins.issue('IAM:alice', 5_000)
    expect(third.password).not.toBe(second.password)
    expect(logins.passwordFor('IAM:alice')).toBe(third.password)
    expect(logins.expire('IAM:alice')).toBe(1)
    expect(logins.passwordFor('IAM:alice')).toBeUndefined()
  })
})
