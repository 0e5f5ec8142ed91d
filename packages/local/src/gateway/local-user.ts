/**
 * A database user clients log in as (the engine must have a role of that name). Kept apart from the
 * gateway's options so that the package's public types reach nothing of `pg`.
 *
 * @example
 * const users: LocalUser[] = [{ name: 'awsuser', password: 'Password1', superuser: true }]
 */
export interface LocalUser {
  readonly name: string
  readonly password: string
  /** Routes to the superuser WLM queue with `SET query_group TO 'superuser'`. @default false */
  readonly superuser?: boolean
  /** User groups, for WLM routing by user group. @default [] */
  readonly groups?: readonly string[]
}
