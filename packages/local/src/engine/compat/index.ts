export { DATEPARTS_POSTGRES_LACKS, REDSHIFT_BUILD, REDSHIFT_VERSION_STRING } from '@redshift-kit/dialect'
export type { InstallCompatOptions } from './install-compat.js'
export { installCompat, PUBLIC_COMPAT_VIEWS } from './install-compat.js'
