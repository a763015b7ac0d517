/**
 * The PostgreSQL sink as a unit: migrations and partitions at start-up, the shared consume → write
 * → commit loop over sentiment.documents.v1, hourly maintenance (partitions ahead, retention), and
 * a stop that finishes the in-flight batch. main.ts runs it as a process; tests run it in-process.
 */
import type pg from 'pg';
import { createKafka } from '../../common/kafka/client';
import { RegistryClient } from '../../common/kafka/registry';
import type { Logger } from '../../common/logging/index';
import type { Metrics, ReadinessCheck } from '../../common/metrics/index';
import { migrate } from '../../common/postgres/migrate';
import { createPool, pingPool } from '../../common/postgres/pool';
import type { DocumentSentiment } from '../../schemas/index';
import { SinkRunner } from '../shared/runner';
import type { PostgresSinkConfig } from './config';
import { PostgresDocumentWriter } from './document.repository';
import { postgresSinkMetrics } from './metrics';
import { monthsBefore } from './rows';

export const PROCESSOR = { name: 'sink-postgres', version: process.env.npm_package_version };

export interface PostgresSink {
  readonly pool: pg.Pool;
  readonly writer: PostgresDocumentWriter;
  readonly runner: SinkRunner<DocumentSentiment>;
  readonly readiness: ReadinessCheck[];
  /** Partitions ahead and retention; runs at start-up and every maintenance interval. */
  maintain(): Promise<void>;
  stop(): Promise<void>;
}

export async function startPostgresSink(
  config: PostgresSinkConfig,
  deps: { logger: Logger; metrics: Metrics },
): Promise<PostgresSink> {
  const { logger } = deps;
  const pool = createPool(config, 'aspect-stream-sink-postgres', logger);
  const pgMetrics = postgresSinkMetrics(deps.metrics);
  const retentionCutoff = (): number | undefined =>
    config.retentionMonths > 0 ? monthsBefore(Date.now(), config.retentionMonths) : undefined;
  const writer = new PostgresDocumentWriter(pool, pgMetrics, retentionCutoff);
  const registry = new RegistryClient(config.schemaRegistryUrl);
  const kafka = createKafka('sink-postgres', config, logger);
  const runner = new SinkRunner<DocumentSentiment>({
    ...PROCESSOR,
    kafka,
    registry,
    logger,
    metrics: deps.metrics,
    topics: [config.topic],
    settings: config,
    writer,
  });

  // Started while PostgreSQL is down, the sink waits for it (and says so in /readyz), never exits.
  if (config.migrate) {
    const result = await runner.untilAvailable('postgres', () =>
      migrate(pool, { log: (m) => logger.info(m, { event: { action: 'migration-applied' } }) }),
    );
    logger.info(`migrations: ${result.applied.length} applied, ${result.alreadyApplied} already applied`, {
      event: { action: 'migrations-done' },
    });
  }

  const maintain = async (): Promise<void> => {
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
  await runner.untilAvailable('postgres', maintain);
  const timer = setInterval(() => {
    maintain().catch((err: unknown) =>
      logger.warn('partition maintenance failed; next run retries', { err }),
    );
  }, config.maintenanceIntervalMs);
  timer.unref();

  await runner.start();
  logger.info(`PostgreSQL sink consuming ${config.topic} as group ${config.groupId}`, {
    event: { action: 'sink-started' },
  });

  return {
    pool,
    writer,
    runner,
    maintain,
    readiness: [{ name: 'postgres', check: () => pingPool(pool) }, ...runner.readiness()],
    async stop() {
      clearInterval(timer);
      await runner.stop();
      await pool.end();
    },
  };
}
