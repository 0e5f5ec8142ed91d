import { readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'

/**
 * The `endpoint_url` of a named profile in the AWS config file (`AWS_CONFIG_FILE`, else
 * `~/.aws/config`), or undefined. The AWS SDK reads a profile's keys and region when a client is
 * given `profile`, but looks the endpoint up in the default profile only, so the client reads it
 * itself. `AWS_ENDPOINT_URL` still wins, as it does in the SDK.
 *
 * @example
 * profileEndpoint('local') // 'http://127.0.0.1:4566' for "[profile local]\nendpoint_url = http://127.0.0.1:4566"
 */
export function profileEndpoint(
  profile: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): string | undefined {
  if (env.AWS_ENDPOINT_URL !== undefined && env.AWS_ENDPOINT_URL !== '') return undefined
  let text: string
  try {
    text = readFileSync(env.AWS_CONFIG_FILE ?? join(homedir(), '.aws', 'config'), 'utf8')
  } catch {
    return undefined
  }
  const wanted = profile === 'default' ? ['default', 'profile default'] : [`profile ${profile}`]
  let inProfile = false
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim()
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue
    const section = /^\[\s*(.+?)\s*\]$/.exec(line)
    if (section !== null) {
      inProfile = wanted.includes(section[1] as string)
      continue
    }
    // Indented lines belong to a nested block (`services = ...` sub-sections): not the profile's own.
    if (!inProfile || /^\s/.test(raw)) continue
    const eq = line.indexOf('=')
    if (eq > 0 && line.slice(0, eq).trim() === 'endpoint_url') {
      const value = line.slice(eq + 1).trim()
      return value === '' ? undefined : value
    }
  }
  return undefined
}
