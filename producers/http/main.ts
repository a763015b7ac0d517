/**
 * `npm run collector:http`: the HTTP ingest collector on COLLECTOR_HTTP_PORT (8090).
 * Starts even when Kafka or the registry is down (/readyz says so and requests get 503), finishes
 * in-flight requests on SIGTERM/SIGINT, then closes the producer and the database pool.
 */
import { loadConfig } from '../../common/config/index';
import { ApiKeyStore } from '../../common/apikeys/store';
import { createKafka } from '../../common/kafka/client';
import { RegistryClient } from '../../common/kafka/registry';
import { createLogger } from '../../common/logging/index';
import { HttpService } from '../../common/http/service';
import { cachedReadiness, createMetrics, type ReadinessCheck } from '../../common/metrics/index';
import { createPool, pingPool } from '../../common/postgres/pool';
import { RETRY_POLICIES, retry } from '../../common/errors/index';
import { RawDocumentPublisher } from '../publisher';
import { createHttpCollectorApp } from './app';
import { httpCollectorConfigSpec } from './config';

const SERVICE = 'collector-http';
const config = loadConfig(httpCollectorConfigSpec);
const logger = createLogger({ service: SERVICE, level: config.logLevel });
const metrics = createMetrics(SERVICE);
const pool = createPool(config, SERVICE, logger);
const registry = new RegistryClient(config.schemaRegistryUrl);
const kafka = createKafka(SERVICE, config, logger);
const publisher = new RawDocumentPublisher(kafka, registry, logger, {
  timeoutMs: config.kafkaTimeoutMs,
  maxBatchBytes: config.maxRecordBytes,
});
const readiness: ReadinessCheck[] = [
  { name: 'postgres', check: () => pingPool(pool) },
  {
    name: 'kafka',
    check: async () => {
      await publisher.connect();
    },
  },
  {
    name: 'schema',
    check: async () => {
      await publisher.ensureSchema();
    },
  },
];
const ready = cachedReadiness(readiness);
const service: HttpService = new HttpService({
  name: 'HTTP collector',
  action: 'collector',
  host: config.host,
  port: config.port,
  shutdownTimeoutMs: config.shutdownTimeoutMs,
  logger,
  close: async () => {
    await publisher.close();
    await pool.end();
  },
  ops: {
    host: config.opsHost,
    port: config.opsPort,
    options: { metrics, ready, isShuttingDown: () => service.shuttingDown },
  },
});

const app = createHttpCollectorApp({
  config,
  keys: new ApiKeyStore(pool, config.apiKeyCacheTtlMs),
  publisher,
  logger,
  metrics,
  isShuttingDown: () => service.shuttingDown,
  ready,
});
service.start(app);

// Warm up in the background: schema registration and the Kafka connection. Failures are not fatal;
// /readyz reports them and requests answer 503 until the dependency is back.
void retry(
  async () => {
    await publisher.ensureSchema();
    await publisher.connect();
  },
  { ...RETRY_POLICIES.collectorWarmUp, shouldRetry: () => true },
)
  .then(() => logger.info('Kafka and schema registry ready', { event: { action: 'dependencies-ready' } }))
  .catch((err: unknown) =>
    logger.warn('Kafka or schema registry not reachable yet; will retry on demand', { err }),
  );
