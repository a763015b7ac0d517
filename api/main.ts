/**
 * `npm run api`: the read API on API_PORT (8080). Starts even when PostgreSQL or Elasticsearch is
 * down (/readyz says so and requests get 503), finishes in-flight requests on SIGTERM/SIGINT.
 */
import http from 'node:http';
import { ApiKeyStore } from '../common/apikeys/store';
import { loadConfig } from '../common/config/index';
import { createLogger } from '../common/logging/index';
import { createMetrics } from '../common/metrics/index';
import { createPool, pingPool } from '../common/postgres/pool';
import { createElasticsearchClient } from '../sinks/elasticsearch/client';
import { aliasNames } from '../sinks/elasticsearch/templates';
import { createApiApp } from './app';
import { jwtEnabled } from './auth/jwt.strategy';
import { apiConfigSpec } from './config';
import { TenantKeyAdmin } from './key-admin';
import { PgMentionStore } from './mention.repository';
import { EsSearchIndex } from './search.repository';

const SERVICE = 'api';
const config = loadConfig(apiConfigSpec);
const logger = createLogger({ service: SERVICE, level: config.logLevel });
const metrics = createMetrics(SERVICE);
const pool = createPool(config, SERVICE, logger);
const es = createElasticsearchClient(config);
const keyStore = new ApiKeyStore(pool, config.apiKeyCacheTtlMs);
const mentions = new PgMentionStore(pool);
const search = new EsSearchIndex(es, aliasNames(config.indexPrefix).documents);
let shuttingDown = false;

const app = createApiApp({
  config,
  keys: keyStore,
  keyAdmin: new TenantKeyAdmin(keyStore),
  mentions,
  search,
  logger,
  metrics,
  isShuttingDown: () => shuttingDown,
  readiness: [
    { name: 'postgres', check: () => pingPool(pool) },
    { name: 'elasticsearch', check: () => search.ping() },
  ],
});

const server = http.createServer(app);
server.keepAliveTimeout = 65_000;
server.listen(config.port, config.host, () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  logger.info(`read API listening on ${config.host}:${port}`, {
    event: { action: 'api-started' },
    url: { port },
    labels: { jwt: jwtEnabled(config) ? config.jwtAlgorithm : 'disabled' },
  });
});
server.on('error', (err) => {
  logger.error(`read API cannot listen: ${err.message}`, { err });
  process.exit(1);
});

async function shutdown(signal: string): Promise<void> {
  if (shuttingDown) return;
  shuttingDown = true;
  logger.info(`${signal} received: finishing in-flight requests`, { event: { action: 'api-stopping' } });
  const force = setTimeout(() => server.closeAllConnections(), config.shutdownTimeoutMs);
  force.unref();
  const sweep = setInterval(() => server.closeIdleConnections(), 100);
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
  clearInterval(sweep);
  clearTimeout(force);
  await Promise.allSettled([pool.end(), es.close()]);
  logger.info('read API stopped', { event: { action: 'api-stopped' } });
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
