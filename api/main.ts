/**
 * `npm run api`: the read API on API_PORT (8080). Starts even when PostgreSQL or Elasticsearch is
 * down (/readyz says so and requests get 503), finishes in-flight requests on SIGTERM/SIGINT.
 */
import { ApiKeyStore } from '../common/apikeys/store';
import { loadConfig } from '../common/config/index';
import { createLogger } from '../common/logging/index';
import { HttpService } from '../common/http/service';
import { cachedReadiness, createMetrics } from '../common/metrics/index';
import { createPool, pingPool } from '../common/postgres/pool';
import { aliasNames, createElasticsearchClient } from '../sinks/elasticsearch/setup';
import { PgAlertStore } from './alerts.repository';
import { createApiApp } from './app';
import { jwtEnabled, oidcEnabled } from './auth/jwt.strategy';
import { apiConfigSpec } from './config';
import { TenantKeyAdmin } from './key-admin';
import { PgMentionStore, rawScanLimits } from './mention.repository';
import { EsSearchIndex } from './search.repository';

const SERVICE = 'api';
const config = loadConfig(apiConfigSpec);
const logger = createLogger({ service: SERVICE, level: config.logLevel });
const metrics = createMetrics(SERVICE);
const pool = createPool(config, SERVICE, logger);
const es = createElasticsearchClient(config);
const keyStore = new ApiKeyStore(pool, config.apiKeyCacheTtlMs);
const mentions = new PgMentionStore(pool, rawScanLimits(config));
const search = new EsSearchIndex(es, aliasNames(config.indexPrefix).documents);
const ready = cachedReadiness([
  { name: 'postgres', check: () => pingPool(pool) },
  { name: 'elasticsearch', check: () => search.ping() },
]);
const service: HttpService = new HttpService({
  name: 'read API',
  action: 'api',
  host: config.host,
  port: config.port,
  shutdownTimeoutMs: config.shutdownTimeoutMs,
  logger,
  close: async () => {
    await Promise.allSettled([pool.end(), es.close()]);
  },
  ops: {
    host: config.opsHost,
    port: config.opsPort,
    options: { metrics, ready, isShuttingDown: () => service.shuttingDown },
  },
});

const app = createApiApp({
  config,
  keys: keyStore,
  keyAdmin: new TenantKeyAdmin(keyStore),
  mentions,
  search,
  alerts: new PgAlertStore(pool),
  logger,
  metrics,
  isShuttingDown: () => service.shuttingDown,
  ready,
});
service.start(app, {
  jwt: jwtEnabled(config) ? config.jwtAlgorithm : 'disabled',
  oidc: oidcEnabled(config) ? config.oidcIssuer : 'disabled',
});
