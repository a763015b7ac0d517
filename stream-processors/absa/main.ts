/**
 * `npm run processor:absa`: the long-running ABSA stream processor.
 * SIGTERM/SIGINT: stop fetching, let the in-flight transactions commit (or abort), leave the group,
 * exit 0 — within 30 s, after which the process exits anyway (an open transaction is then aborted by
 * the broker when the next owner of the partition fences it).
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
      // A consumer that cannot go on is no use alive: exit non-zero so the supervisor restarts it.
      onFatal: () => process.exit(1),
    },
    logger,
    parts.processorMetrics,
    SERVICE,
  );
  const ops = await startOpsServer(config.port, {
    metrics: parts.metrics,
    isShuttingDown: () => shuttingDown,
    readiness: [
      { name: 'schema-registry', check: () => parts.registry.ping() },
      {
        name: 'kafka',
        check: async () => {
          const admin = parts.kafka.admin();
          await admin.connect();
          try {
            await admin.describeCluster();
          } finally {
            await admin.disconnect();
          }
        },
      },
    ],
  });
  await processor.start();
  logger.info('ABSA processor started', {
    event: { action: 'ProcessorStarted' },
    url: { port: config.port },
  });

  const shutdown = async (signal: string): Promise<void> => {
    if (shuttingDown) return;
    shuttingDown = true;
    logger.info('shutting down', { event: { action: 'ProcessorStopping' }, signal });
    const timer = setTimeout(() => {
      logger.error('shutdown took too long; exiting', { event: { action: 'ProcessorStopTimeout' } });
      process.exit(0);
    }, SHUTDOWN_TIMEOUT_MS);
    timer.unref();
    await processor.stop();
    await parts.model.close();
    ops.close();
    logger.info('stopped', { event: { action: 'ProcessorStopped' } });
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  logger.error('ABSA processor failed to start', { error: err });
  process.exit(1);
});
