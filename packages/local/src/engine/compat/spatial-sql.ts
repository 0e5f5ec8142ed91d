import { SPATIAL_IO_SQL } from './spatial-io-sql.js'
import { SPATIAL_MEASURE_SQL } from './spatial-measure-sql.js'

/**
 * Redshift's spatial functions (AWS "Spatial functions"), planar, over GEOMETRY: constructors, output
 * forms, accessors, measures and predicates. See spatial-io-sql.ts for the model.
 */
export const SPATIAL_SQL: string = [SPATIAL_IO_SQL, SPATIAL_MEASURE_SQL].join('\n')
