/**
 * `npm run log-shipper`: ships the services' ECS log files (stack/.data/logs) into Elasticsearch
 * behind the alias `absa-logs`, with /metrics, /healthz and /readyz on LOG_SHIPPER_PORT (9303).
 * Installs its index template first (retrying until Elasticsearch answers), applies retention at
 * start and hourly, and on SIGTERM/SIGINT finishes the bulk in flight and saves its positions.
 */
import path from 'node:path';
import { Client } from '@elastic/elasticsearch';
import { loadConfig } from '../../common/config/index';
import { retry } from '../../common/errors/index';
import { createLogger } from '../../common/logging/index';
import { createMetrics, startOpsServer } from '../../common/metrics/index';
import { inRepo, logShipperConfigSpec, type LogShipperConfig } from './config';
import { logShipperMetrics } from './metrics';
import { LogShipper } from './shipper';
import { PositionStore } from './tailer';
import { applyRetention, installLogsTemplate } from './templates';

const SERVICE = 'log-shipper';

export function createLogsClient(config: LogShipperConfig): Client {
  return new Client({
    node: config.elasticsearchUrl,
    requestTimeout: config.elasticsearchRequestTimeoutMs,
    // Retries are the shipper's own (it never gives up); the client's would only add delay.
    maxRetries: 0,
    ...(config.elasticsearchApiKey
      ? { auth: { apiKey: config.elasticsearchApiKey } }
      : config.elasticsearchUsername
        ? { auth: { username: config.elasticsearchUsername, password: config.elasticsearchPassword } }
        : {}),
  });
}

async function main(): Promise<void> {
  const config = loadConfig(logShipperConfigSpec);
  const logger = createLogger({ service: SERVICE, level: config.logLevel });
  const metrics = createMetrics(SERVICE);
  const client = createLogsClient(config);
  const files = config.services.map((s) => path.join(inRepo(config.dir), `${s}.log`));
  const shipper = new LogShipper({
    client,
    logger,
    metrics: logShipperMetrics(metrics),
    files,
    positions: new PositionStore(inRepo(config.stateFile)),
    alias: config.alias,
    batchBytes: config.batchBytes,
    pollMs: config.pollMs,
    retryMaxMs: config.retryMaxMs,
  });
  let stopping = false;
  const server = await startOpsServer(config.port, {
    metrics,
    isShuttingDown: () => stopping,
    readiness: [
      {
        name: 'elasticsearch',
        check: async () => {
          if (!shipper.healthy) throw new Error('the last bulk request failed; retrying');
          await client.cluster.health({ timeout: '1s' }, { requestTimeout: 2000 });
        },
      },
    ],
  });

  const options = { replicas: config.numberOfReplicas, retentionDays: config.retentionDays };
  await retry(() => installLogsTemplate(client, config.alias, options), {
    retries: Number.MAX_SAFE_INTEGER,
    maxMs: config.retryMaxMs,
    shouldRetry: () => !stopping,
    onRetry: (err) => logger.warn(`index template not installed yet: ${(err as Error).message}`),
  });
  const retention = async (): Promise<void> => {
    const dropped = await applyRetention(client, config.alias, config.retentionDays).catch((err: unknown) => {
      logger.warn(`retention check failed: ${(err as Error).message}`);
      return [];
    });
    if (dropped.length > 0)
      logger.info(`retention deleted ${dropped.join(', ')}`, { event: { action: 'log-shipper-retention' } });
  };
  await retention();
  setInterval(() => void retention(), 3_600_000).unref();

  shipper.start();
  logger.info(`shipping ${files.length} log files to ${config.alias}`, {
    event: { action: 'log-shipper-started' },
    labels: { alias: config.alias },
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      logger.info(`${signal}: finishing the bulk in flight`, { event: { action: 'log-shipper-stopping' } });
      void shipper.stop().then(() => {
        logger.info('log shipper stopped', { event: { action: 'log-shipper-stopped' } });
        server.close();
        process.exit(0);
      });
    });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
