/**
 * `npm run sink:postgres`: sentiment.documents.v1 → PostgreSQL (documents, aspect_mentions, hourly
 * rollups). Serves /metrics, /healthz and /readyz on SINK_POSTGRES_OPS_PORT. On SIGTERM/SIGINT it
 * finishes the in-flight batch, commits its offset, leaves the consumer group and exits 0.
 */
import { loadConfig } from '../../common/config/index';
import { createLogger } from '../../common/logging/index';
import { createMetrics } from '../../common/metrics/index';
import { runSinkProcess } from '../shared/process';
import { postgresSinkConfigSpec } from './config';
import { startPostgresSink } from './service';

const SERVICE = 'sink-postgres';
const config = loadConfig(postgresSinkConfigSpec);
const logger = createLogger({ service: SERVICE, level: config.logLevel });
const metrics = createMetrics(SERVICE);

runSinkProcess({
  service: SERVICE,
  logger,
  metrics,
  opsPort: config.opsPort,
  shutdownTimeoutMs: config.shutdownTimeoutMs,
  start: () => startPostgresSink(config, { logger, metrics }),
});
