export { DATEPARTS_POSTGRES_LACKS } from './datetime-functions-sql.js'
export type { InstallCompatOptions } from './install-compat.js'
export { installCompat, PUBLIC_COMPAT_VIEWS } from './install-compat.js'
export { REDSHIFT_BUILD, REDSHIFT_VERSION_STRING } from './redshift-version.js'
