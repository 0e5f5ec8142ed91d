/** A throwaway certificate authority and server certificate, made when the local server starts. */
import { constants, generateKeyPair, privateEncrypt, randomBytes } from 'node:crypto'
import { isIP } from 'node:net'
import { promisify } from 'node:util'
import forge from 'node-forge'

const generateRsa = promisify(generateKeyPair)

/** PEM texts: the CA certificate clients trust, and the server's key and certificate (signed by the CA). */
export interface GeneratedCertificates {
  readonly caCert: string
  readonly key: string
  readonly cert: string
}

const DAY_MS = 24 * 60 * 60 * 1000

async function rsaKeyPair(): Promise<{ privateKey: string; publicKey: string }> {
  // node:crypto generates keys natively (milliseconds); node-forge only builds and signs certificates.
  return generateRsa('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  })
}

/** DER prefix of a PKCS#1 DigestInfo for SHA-256; the digest follows it. */
const SHA256_DIGEST_INFO = Buffer.from('3031300d060960864801650304020105000420', 'hex')

/**
 * A signer for forge's `certificate.sign` that signs natively: forge hands over the SHA-256 digest of
 * the TBS certificate, and RSASSA-PKCS1-v1_5 is the private-key operation over its DigestInfo. Signing
 * in JavaScript big integers instead would cost forge about a hundred milliseconds per certificate.
 */
function nativeSigner(privateKeyPem: string): forge.pki.rsa.PrivateKey {
  const signer = {
    sign(md: forge.md.MessageDigest): string {
      const digest = Buffer.from(md.digest().getBytes(), 'binary')
      const signature = privateEncrypt(
        { key: privateKeyPem, padding: constants.RSA_PKCS1_PADDING },
        Buffer.concat([SHA256_DIGEST_INFO, digest]),
      )
      return signature.toString('binary')
    },
  }
  return signer as unknown as forge.pki.rsa.PrivateKey
}

function serialNumber(): string {
  const bytes = randomBytes(16)
  bytes[0] = (bytes[0] as number) & 0x7f // positive, as RFC 5280 requires
  return bytes.toString('hex')
}

function validity(cert: forge.pki.Certificate, days: number): void {
  const now = Date.now()
  // Backdated an hour so a client whose clock is slightly behind still accepts it.
  cert.validity.notBefore = new Date(now - 60 * 60 * 1000)
  cert.validity.notAfter = new Date(now + days * DAY_MS)
}

/**
 * Makes a self-signed CA and a server certificate it signs, valid for `localhost`, `127.0.0.1`, `::1`
 * and `hostnames` (names or IP addresses). Clients verify the server with `caCert` (`sslmode=verify-full`).
 *
 * @example
 * const { caCert, key, cert } = await generateCertificates(['redshift.local'])
 * // server: tls.createSecureContext({ key, cert }); client: new pg.Client({ ssl: { ca: caCert } })
 */
export async function generateCertificates(hostnames: readonly string[]): Promise<GeneratedCertificates> {
  const [caKeys, serverKeys] = await Promise.all([rsaKeyPair(), rsaKeyPair()])
  const caPrivate = nativeSigner(caKeys.privateKey)

  const caAttrs = [
    { name: 'commonName', value: 'redshift-local CA' },
    { name: 'organizationName', value: 'redshift-kit' },
  ]
  const ca = forge.pki.createCertificate()
  ca.publicKey = forge.pki.publicKeyFromPem(caKeys.publicKey)
  ca.serialNumber = serialNumber()
  validity(ca, 825)
  ca.setSubject(caAttrs)
  ca.setIssuer(caAttrs)
  ca.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ])
  ca.sign(caPrivate, forge.md.sha256.create())

  const names = [...new Set(['localhost', '127.0.0.1', '::1', ...hostnames])]
  const altNames = names.map((n) => (isIP(n) ? { type: 7, ip: n } : { type: 2, value: n }))
  const server = forge.pki.createCertificate()
  server.publicKey = forge.pki.publicKeyFromPem(serverKeys.publicKey)
  server.serialNumber = serialNumber()
  validity(server, 397)
  server.setSubject([{ name: 'commonName', value: names.find((n) => !isIP(n)) ?? 'localhost' }])
  server.setIssuer(caAttrs)
  server.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: ca.generateSubjectKeyIdentifier().getBytes() },
  ])
  server.sign(caPrivate, forge.md.sha256.create())

  return {
    caCert: forge.pki.certificateToPem(ca),
    key: serverKeys.privateKey,
    cert: forge.pki.certificateToPem(server),
  }
}
