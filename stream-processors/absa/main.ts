/**
 * `npm run processor:absa`: the long-running ABSA stream processor.
 *
 * Start-up: the model loads first (a broken artifact is a configuration error: exit 1); then the
 * ops server answers /healthz while the processor waits for Kafka and the registry, however long
 * they are down (/readyz says what it waits for). SIGTERM/SIGINT: stop fetching, let the in-flight
 * transaction commit (or abort), leave the group, exit 0 — within 25 s, after which the process exits
 * anyway (an open transaction is then aborted by the broker when the next owner fences it).
 */
import { loadConfig } from '../../common/config/index';
import { createLogger } from '../../common/logging/index';
import { startOpsServer } from '../../common/metrics/index';
import { absaProcessorConfigSpec } from './config';
import { AbsaProcessor } from './processor';
import { buildProcessorParts } from './wiring';

const SERVICE = 'absa-processor';
const SHUTDOWN_TIMEOUT_MS = 25_000;

const config = loadConfig(absaProcessorConfigSpec);
const logger = createLogger({ service: SERVICE, level: config.logLevel });

async function main(): Promise<void> {
  const parts = await buildProcessorParts(config, logger, SERVICE);
  let shuttingDown = false;
  const processor = new AbsaProcessor(
    parts.kafka,
    parts.registry,
    parts.analyzer,
    {
      groupId: config.groupId,
      inputTopic: config.inputTopic,
      transactionalIdPrefix: config.groupId,
      chunkSize: config.chunkSize,
      partitionsConcurrently: config.partitionsConcurrently,
      maxBytesPerPartition: config.maxBytesPerPartition,
    },
    logger,
    parts.metrics,
    parts.processorMetrics,
    SERVICE,
  );
  const ops = await startOpsServer(config.port, {
    metrics: parts.metrics,
    isShuttingDown: () => shuttingDown,
    readiness: processor.readiness(),
  });

  const shutdown = async (signal: string): Promise<void> => {
    if (shuttingDown) return;
    shuttingDown = true;
    logger.info('shutting down', { event: { action: 'processor-stopping' }, signal });
    const timer = setTimeout(() => {
      logger.error('shutdown took too long; exiting', { event: { action: 'processor-stop-timeout' } });
      process.exit(0);
    }, SHUTDOWN_TIMEOUT_MS);
    timer.unref();
    await processor.stop();
    await parts.closeModels();
    ops.close();
    logger.info('stopped', { event: { action: 'processor-stopped' } });
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));

  await processor.start();
  logger.info('ABSA processor started', {
    event: { action: 'processor-started' },
    url: { port: config.port },
  });
}

main().catch((err: unknown) => {
  logger.error('ABSA processor failed to start', { error: err, event: { action: 'processor-start-failed' } });
  process.exit(1);
});
