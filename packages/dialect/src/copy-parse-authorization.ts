import { CommandSyntaxError, redundant, type TokenCursor } from './copy-parse-scanner.js'

/**
 * How a COPY or UNLOAD authorizes its access to S3. Only the form is kept, never a secret: the local
 * store needs no credentials, but a statement that would be refused on Redshift is refused here too.
 */
export type Authorization =
  /** `IAM_ROLE default` or `IAM_ROLE 'arn,arn'` (a chain), or `CREDENTIALS 'aws_iam_role=...'`. */
  | { readonly kind: 'iamRole'; readonly roles: readonly string[] }
  /** `ACCESS_KEY_ID ... SECRET_ACCESS_KEY ... [SESSION_TOKEN ...]` or their CREDENTIALS form. */
  | { readonly kind: 'accessKey'; readonly temporary: boolean }

/** The words that start an authorization clause. */
export const AUTHORIZATION_WORDS: ReadonlySet<string> = new Set([
  'iam_role',
  'access_key_id',
  'secret_access_key',
  'session_token',
  'credentials',
  'with',
])

const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d+:role\/[\w+=,.@/-]{1,512}$/
const ACCESS_KEY = /^[A-Z0-9]{16,128}$/

// Redshift's own message for a malformed CREDENTIALS string (ISS:risingwavelabs/risingwave#22926).
const INVALID_CREDENTIALS =
  "Invalid credentials. Must be of the format: credentials 'aws_iam_role=...' or 'aws_access_key_id=...;aws_secret_access_key=...[;token=...]'"

/** Collects the authorization clauses of one statement, wherever they appear among its options. */
export class AuthorizationCollector {
  #role: string | undefined
  #keyId: string | undefined
  #secret = false
  #token = false
  #credentials: Authorization | undefined
  /** `;master_symmetric_key=` inside CREDENTIALS. */
  masterKeyInCredentials = false

  /** Consumes one authorization clause when the cursor is at one; false otherwise. */
  take(c: TokenCursor): boolean {
    const w = c.peekWord()
    if (w === 'with' && c.peekWord(1) === 'credentials') c.next()
    switch (c.peekWord()) {
      case 'iam_role': {
        c.next()
        if (this.#role !== undefined) throw redundant('IAM_ROLE')
        if (c.accept('default')) this.#role = 'default'
        else this.#role = c.string('IAM_ROLE')
        return true
      }
      case 'access_key_id':
        c.next()
        c.optionalAs()
        if (this.#keyId !== undefined) throw redundant('ACCESS_KEY_ID')
        this.#keyId = c.string('ACCESS_KEY_ID')
        return true
      case 'secret_access_key':
        c.next()
        c.optionalAs()
        if (this.#secret) throw redundant('SECRET_ACCESS_KEY')
        if (c.string('SECRET_ACCESS_KEY') === '') throw invalid('SECRET_ACCESS_KEY is empty')
        this.#secret = true
        return true
      case 'session_token':
        c.next()
        c.optionalAs()
        if (this.#token) throw redundant('SESSION_TOKEN')
        if (c.string('SESSION_TOKEN') === '') throw invalid('SESSION_TOKEN is empty')
        this.#token = true
        return true
      case 'credentials':
        c.next()
        c.optionalAs()
        if (this.#credentials !== undefined) throw redundant('CREDENTIALS')
        this.#credentials = this.#parseCredentials(c.string('CREDENTIALS'))
        return true
      default:
        return false
    }
  }

  /** The statement's authorization, checked as Redshift checks it. `statement` names it in errors. */
  finish(statement: 'COPY' | 'UNLOAD'): Authorization {
    const forms = [this.#role !== undefined, this.#keyId !== undefined || this.#secret || this.#token]
      .concat(this.#credentials !== undefined)
      .filter(Boolean).length
    if (forms === 0) {
      throw new CommandSyntaxError(
        '42601',
        `${statement} needs authorization to access Amazon S3`,
        "add IAM_ROLE default, IAM_ROLE 'arn:aws:iam::<account>:role/<name>', ACCESS_KEY_ID '...' SECRET_ACCESS_KEY '...', or CREDENTIALS '...'",
      )
    }
    if (forms > 1) {
      throw new CommandSyntaxError(
        '42601',
        'IAM_ROLE, ACCESS_KEY_ID/SECRET_ACCESS_KEY/SESSION_TOKEN and CREDENTIALS cannot be used together',
        'authorize with exactly one of them',
      )
    }
    if (this.#credentials !== undefined) return this.#credentials
    if (this.#role !== undefined) return { kind: 'iamRole', roles: checkRoles(this.#role) }
    if (this.#keyId === undefined || !this.#secret) {
      throw invalid(
        this.#keyId === undefined
          ? 'SECRET_ACCESS_KEY or SESSION_TOKEN needs ACCESS_KEY_ID'
          : 'ACCESS_KEY_ID needs SECRET_ACCESS_KEY',
      )
    }
    if (!ACCESS_KEY.test(this.#keyId)) throw invalid('ACCESS_KEY_ID is not a well-formed AWS access key id')
    return { kind: 'accessKey', temporary: this.#token }
  }

  #parseCredentials(text: string): Authorization {
    const pairs = new Map<string, string>()
    for (const part of text.split(';')) {
      const eq = part.indexOf('=')
      if (eq <= 0) throw invalid(INVALID_CREDENTIALS)
      const key = part.slice(0, eq)
      if (pairs.has(key)) throw invalid(INVALID_CREDENTIALS)
      pairs.set(key, part.slice(eq + 1))
    }
    const role = pairs.get('aws_iam_role')
    const keyId = pairs.get('aws_access_key_id')
    const secret = pairs.get('aws_secret_access_key')
    const token = pairs.get('token')
    this.masterKeyInCredentials = pairs.has('master_symmetric_key')
    const known = new Set([
      'aws_iam_role',
      'aws_access_key_id',
      'aws_secret_access_key',
      'token',
      'master_symmetric_key',
    ])
    for (const key of pairs.keys()) if (!known.has(key)) throw invalid(INVALID_CREDENTIALS)
    if (role !== undefined) {
      if (keyId !== undefined || secret !== undefined || token !== undefined)
        throw invalid(INVALID_CREDENTIALS)
      return { kind: 'iamRole', roles: checkRoles(role) }
    }
    if (keyId === undefined || secret === undefined || secret === '' || !ACCESS_KEY.test(keyId))
      throw invalid(INVALID_CREDENTIALS)
    return { kind: 'accessKey', temporary: token !== undefined }
  }
}

function checkRoles(value: string): string[] {
  if (value === 'default') return ['default']
  const roles = value.split(',')
  for (const role of roles) {
    if (!ROLE_ARN.test(role)) {
      throw invalid(
        `'${role}' is not a valid IAM role ARN`,
        "write IAM_ROLE 'arn:aws:iam::123456789012:role/MyRole' (comma-separated to chain roles) or IAM_ROLE default",
      )
    }
  }
  return roles
}

function invalid(message: string, hint?: string): CommandSyntaxError {
  return new CommandSyntaxError('22023', message, hint)
}
