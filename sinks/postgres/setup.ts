/**
 * What the PostgreSQL sink sets up and keeps up: the schema (migrations, at start-up) and the
 * monthly partitions (some months ahead, and retention's drops), at start-up and every
 * maintenance interval.
 */
import type pg from 'pg';
import type { Logger } from '../../common/logging/index';
import { migrate } from '../../common/postgres/migrate';
import type { PostgresSinkConfig } from './config';
import type { PostgresDocumentWriter } from './writer';

export async function migrateSchema(pool: pg.Pool, logger: Logger): Promise<void> {
  const result = await migrate(pool, {
    log: (m) => logger.info(m, { event: { action: 'migration-applied' } }),
  });
  logger.info(`migrations: ${result.applied.length} applied, ${result.alreadyApplied} already applied`, {
    event: { action: 'migrations-done' },
  });
}

/** One maintenance run: partitions up to `partitionsAheadMonths` ahead, then retention's drops. */
export function partitionMaintenance(
  writer: PostgresDocumentWriter,
  config: Pick<PostgresSinkConfig, 'partitionsAheadMonths'>,
  retentionCutoff: () => number | undefined,
  logger: Logger,
): () => Promise<void> {
  return async () => {
    const now = Date.now();
    const created = await writer.ensurePartitions(
      now,
      Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth() + config.partitionsAheadMonths, 1),
    );
    if (created > 0)
      logger.info(`created ${created} partitions ahead`, { event: { action: 'partitions-created' } });
    const cutoff = retentionCutoff();
    if (cutoff !== undefined) {
      const dropped = await writer.dropPartitionsBefore(cutoff);
      if (dropped.length > 0) {
        logger.info(`retention dropped ${dropped.join(', ')}`, { event: { action: 'partitions-dropped' } });
      }
    }
  };
}
