/**
 * `npm run processor:alerts`: the alert service, detection (processor.ts) and delivery
 * (deliveries.ts) in one process with one ops server.
 *
 * Start-up waits for Kafka, the registry and PostgreSQL however long they are down (/readyz says
 * what it waits for). SIGTERM/SIGINT: let the in-flight transactions commit (or abort), leave the
 * groups, exit 0 — within 25 s, after which the process exits anyway.
 */
import { loadConfig } from '../../common/config/index';
import { createKafka } from '../../common/kafka/client';
import { RegistryClient } from '../../common/kafka/registry';
import { createLogger } from '../../common/logging/index';
import { createMetrics, startOpsServer } from '../../common/metrics/index';
import { createPool } from '../../common/postgres/pool';
import { alertsConfigSpec, engineTimes } from './config';
import { AlertDelivery } from './deliveries';
import { alertsMetrics } from './metrics';
import { AlertDetection } from './processor';
import { RuleSource } from './rule-source';

const SERVICE = 'alerts';
const SHUTDOWN_TIMEOUT_MS = 25_000;

const config = loadConfig(alertsConfigSpec);
const logger = createLogger({ service: SERVICE, level: config.logLevel });

async function main(): Promise<void> {
  const metrics = createMetrics(SERVICE);
  const own = alertsMetrics(metrics);
  const kafka = createKafka(SERVICE, config, logger);
  const registry = new RegistryClient(config.schemaRegistryUrl);
  const pool = createPool(config, SERVICE, logger);
  const rules = new RuleSource(pool, logger, config.rulesRefreshMs);
  const detection = new AlertDetection(
    kafka,
    registry,
    rules,
    {
      groupId: config.groupId,
      chunkSize: config.chunkSize,
      partitionsConcurrently: config.partitionsConcurrently,
      engine: engineTimes(config),
    },
    logger,
    metrics,
    own,
  );
  const delivery = new AlertDelivery(
    kafka,
    registry,
    pool,
    rules,
    {
      groupId: config.groupId,
      partitionsConcurrently: 1,
      maxAttempts: config.webhookMaxAttempts,
      retryBaseMs: config.webhookRetryBaseMs,
      retryMaxMs: config.webhookRetryMaxMs,
      policy: {
        allowPrivate: config.webhookAllowPrivate,
        connectTimeoutMs: config.webhookConnectTimeoutMs,
        totalTimeoutMs: config.webhookTimeoutMs,
        maxResponseBytes: config.webhookMaxResponseBytes,
      },
    },
    logger,
    metrics,
    own,
  );
  let shuttingDown = false;
  const ops = await startOpsServer(config.port, {
    metrics,
    isShuttingDown: () => shuttingDown,
    readiness: [...detection.readiness(), ...delivery.readiness()],
  });

  const shutdown = async (signal: string): Promise<void> => {
    if (shuttingDown) return;
    shuttingDown = true;
    logger.info('shutting down', { event: { action: 'alerts-stopping' }, signal });
    setTimeout(() => {
      logger.error('shutdown took too long; exiting', { event: { action: 'alerts-stop-timeout' } });
      process.exit(0);
    }, SHUTDOWN_TIMEOUT_MS).unref();
    await Promise.all([detection.stop(), delivery.stop()]);
    await pool.end();
    ops.close();
    logger.info('stopped', { event: { action: 'alerts-stopped' } });
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));

  await Promise.all([detection.start(), delivery.start()]);
  logger.info('alert service started', { event: { action: 'alerts-started' }, url: { port: config.port } });
}

main().catch((err: unknown) => {
  logger.error('alert service failed to start', { error: err, event: { action: 'alerts-start-failed' } });
  process.exit(1);
});
