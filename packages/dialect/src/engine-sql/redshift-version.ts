/**
 * The build number the local Redshift reports. Real clusters report `1.0.<build>`; the number is only
 * there so that code parsing `version()` finds the shape it expects.
 */
export const REDSHIFT_BUILD = '1.0.77467'

/**
 * What `version()` answers on Redshift: a PostgreSQL 8.0.2 banner followed by the Redshift build.
 * Drivers and tools match on `Redshift` in it, so it must keep this exact shape.
 */
export const REDSHIFT_VERSION_STRING = `PostgreSQL 8.0.2 on i686-pc-linux-gnu, compiled by gcc (GCC) 3.4.2 20041017 (Red Hat 3.4.2-6.fc3), Redshift ${REDSHIFT_BUILD}`
