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
import { createPool, pingPool } from '../../common/postgres/pool';
import type { DocumentSentiment } from '../../schemas/index';
import { SinkRunner } from '../shared/runner';
import type { PostgresSinkConfig } from './config';
import { monthsBefore } from './encoder';
import { postgresSinkMetrics } from './metrics';
import { migrateSchema, partitionMaintenance } from './setup';
import { PostgresDocumentWriter } from './writer';

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
  if (config.migrate) await runner.untilAvailable('postgres', () => migrateSchema(pool, logger));
  const maintain = partitionMaintenance(writer, config, retentionCutoff, logger);
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
