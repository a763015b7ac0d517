/**
 * `npm run collector:http`: the HTTP ingest collector on COLLECTOR_HTTP_PORT (8090).
 * Starts even when Kafka or the registry is down (/readyz says so and requests get 503), finishes
 * in-flight requests on SIGTERM/SIGINT, then closes the producer and the database pool.
 */
import http from 'node:http';
import { loadConfig } from '../../common/config/index';
import { ApiKeyStore } from '../../common/apikeys/store';
import { createKafka } from '../../common/kafka/client';
import { RegistryClient } from '../../common/kafka/registry';
import { createLogger } from '../../common/logging/index';
import { createMetrics } from '../../common/metrics/index';
import { createPool, pingPool } from '../../common/postgres/pool';
import { retry } from '../../common/errors/index';
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
const publisher = new RawDocumentPublisher(kafka, registry, logger, { timeoutMs: config.kafkaTimeoutMs });
let shuttingDown = false;

const app = createHttpCollectorApp({
  config,
  keys: new ApiKeyStore(pool, config.apiKeyCacheTtlMs),
  publisher,
  logger,
  metrics,
  isShuttingDown: () => shuttingDown,
  readiness: [
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
  ],
});

const server = http.createServer(app);
server.keepAliveTimeout = 65_000;

server.listen(config.port, config.host, () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  logger.info(`HTTP collector listening on ${config.host}:${port}`, {
    event: { action: 'collector-started' },
    url: { port },
  });
});
server.on('error', (err) => {
  logger.error(`HTTP collector cannot listen: ${err.message}`, { err });
  process.exit(1);
});

// Warm up in the background: schema registration and the Kafka connection. Failures are not fatal;
// /readyz reports them and requests answer 503 until the dependency is back.
void retry(
  async () => {
    await publisher.ensureSchema();
    await publisher.connect();
  },
  { retries: 5, initialMs: 500, maxMs: 5000, shouldRetry: () => true },
)
  .then(() => logger.info('Kafka and schema registry ready', { event: { action: 'dependencies-ready' } }))
  .catch((err: unknown) =>
    logger.warn('Kafka or schema registry not reachable yet; will retry on demand', { err }),
  );

async function shutdown(signal: string): Promise<void> {
  if (shuttingDown) return;
  shuttingDown = true;
  logger.info(`${signal} received: finishing in-flight requests`, {
    event: { action: 'collector-stopping' },
  });
  const force = setTimeout(() => {
    logger.warn('shutdown timeout: closing remaining connections');
    server.closeAllConnections();
  }, config.shutdownTimeoutMs);
  force.unref();
  // Keep-alive connections become idle once their request is answered; close them as they do.
  const sweep = setInterval(() => server.closeIdleConnections(), 100);
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
  clearInterval(sweep);
  clearTimeout(force);
  await publisher.close();
  await pool.end();
  logger.info('HTTP collector stopped', { event: { action: 'collector-stopped' } });
}

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    shutdown(signal)
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        logger.error('shutdown failed', { err });
        process.exit(1);
      });
  });
}
