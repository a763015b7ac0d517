/**
 * The read API app with the alert store, for the dashboard's alert pages: test/integration's
 * startApi builds the app without one (its alert routes answer 503, which the dashboard test also
 * uses: the navigation then has no Alerts).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type pg from 'pg';
import { PgAlertStore } from '../../api/alerts.repository';
import { createApiApp } from '../../api/app';
import { apiConfigSpec } from '../../api/config';
import { TenantKeyAdmin } from '../../api/key-admin';
import { PgMentionStore } from '../../api/mention.repository';
import { EsSearchIndex } from '../../api/search.repository';
import { ApiKeyStore } from '../../common/apikeys/store';
import { parseConfig, withEnv } from '../../common/config/index';
import { silentLogger } from '../../common/logging/index';
import { createMetrics } from '../../common/metrics/index';
import { createElasticsearchClient } from '../../sinks/elasticsearch/client';
import { JWT_SECRET } from '../../test/integration/api-fixtures';

export interface AlertsApi {
  url: string;
  keys: ApiKeyStore;
  close(): Promise<void>;
}

export async function startApiWithAlerts(db: pg.Pool): Promise<AlertsApi> {
  const config = {
    ...parseConfig(apiConfigSpec, withEnv({ API_JWT_SECRET: JWT_SECRET })),
    rateLimitPerKeyPerMinute: 1_000_000,
  };
  const es = createElasticsearchClient(config);
  const keys = new ApiKeyStore(db, 0);
  const server = http.createServer(
    createApiApp({
      config,
      keys,
      keyAdmin: new TenantKeyAdmin(keys),
      mentions: new PgMentionStore(db),
      search: new EsSearchIndex(es, 'absa-documents'),
      alerts: new PgAlertStore(db),
      logger: silentLogger(),
      metrics: createMetrics('api-ui-alerts', { defaultMetrics: false }),
      ready: async () => ({ ready: true, checks: {} }),
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    keys,
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await es.close();
    },
  };
}
