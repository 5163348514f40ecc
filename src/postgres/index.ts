/**
 * related-articles/postgres: keeps `RelatedIndex` replicas equal to an articles table in
 * PostgreSQL (first load from rows or a stored snapshot, then changes by trigger, NOTIFY and a
 * catch-up watermark). Needs the `pg` package, an optional peer dependency.
 */
export { migrate } from './migrate.js'
export type { MigrateResult } from './migrate.js'
export { DEFAULT_PREFIX } from './mapping.js'
export type { ColumnMapping, TableMapping } from './mapping.js'
export { PostgresSyncError } from './errors.js'
export type { PostgresSyncErrorCode, PostgresSyncErrorDetails } from './errors.js'
export { PostgresReplica } from './replica.js'
export type { PostgresReplicaOptions, ReconnectOptions, ReplicaChange, ReplicaLogEvent, ReplicaProgress, ReplicaStart, ReplicaStats } from './replica.js'
export type { StoredSnapshot } from './snapshots.js'
export { pruneChanges } from './prune.js'
export type { PruneOptions, PruneResult } from './prune.js'
