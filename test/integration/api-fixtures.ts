/**
 * For the read API's integration tests: ingests document events for a tenant through the real topic
 * and the real sinks (in-process, their own consumer groups starting at the topic's end), starts the
 * API app on a free port, and checks response bodies against the OpenAPI document.
 */
import type { AddressInfo } from 'node:net';
import http from 'node:http';
import { expect } from 'chai';
import type { ValidateFunction } from 'ajv';
import pg from 'pg';
import { ApiKeyStore } from '../../common/apikeys/store';
import { parseConfig, withEnv } from '../../common/config/index';
import { silentLogger } from '../../common/logging/index';
import { createMetrics, startOpsServer, type Metrics } from '../../common/metrics/index';
import { TOPICS } from '../../schemas/topics';
import type { DocumentSentiment } from '../../schemas/index';
import { elasticsearchSinkConfigSpec } from '../../sinks/elasticsearch/config';
import { createElasticsearchClient } from '../../sinks/elasticsearch/setup';
import { startElasticsearchSink } from '../../sinks/elasticsearch/service';
import { postgresSinkConfigSpec } from '../../sinks/postgres/config';
import { startPostgresSink } from '../../sinks/postgres/service';
import { PgAlertStore } from '../../api/alerts.repository';
import { createApiApp, type ApiDeps } from '../../api/app';
import { apiConfigSpec, type ApiConfig } from '../../api/config';
import { TenantKeyAdmin } from '../../api/key-admin';
import { PgMentionStore } from '../../api/mention.repository';
import { openApiDocument } from '../../api/openapi/document';
import { absolutize, createAjv } from '../../api/openapi/validate';
import { EsSearchIndex } from '../../api/search.repository';
import { DATABASE_URL, EventProducer, startGroupAtEnd, testKafka, waitFor } from './sinks-fixtures';

export const JWT_SECRET = 'test-secret-of-the-read-api-0123456789abcdef';

/** Writes the events through Kafka and both real sinks; resolves once PostgreSQL and Elasticsearch have them. */
export async function ingestThroughSinks(docs: DocumentSentiment[], db: pg.Pool): Promise<void> {
  const kafka = testKafka();
  const producer = new EventProducer(kafka, TOPICS.documents);
  await producer.connect();
  const suffix = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  const groups = { pg: `api-test-pg-${suffix}`, es: `api-test-es-${suffix}` };
  const admin = kafka.admin();
  await admin.connect();
  await startGroupAtEnd(admin, groups.pg, TOPICS.documents);
  await startGroupAtEnd(admin, groups.es, TOPICS.documents);
  await admin.disconnect();
  const deps = () => ({
    logger: silentLogger(),
    metrics: createMetrics('api-test-sink', { defaultMetrics: false }),
  });
  const pgSink = await startPostgresSink(
    parseConfig(postgresSinkConfigSpec, withEnv({ SINK_POSTGRES_GROUP_ID: groups.pg, LOG_LEVEL: 'warn' })),
    deps(),
  );
  const esSink = await startElasticsearchSink(
    parseConfig(
      elasticsearchSinkConfigSpec,
      withEnv({ SINK_ELASTICSEARCH_GROUP_ID: groups.es, LOG_LEVEL: 'warn' }),
    ),
    deps(),
  );
  try {
    await producer.send(docs);
    const tenants = [...new Set(docs.map((d) => d.tenant))];
    const mentions = docs.reduce((n, d) => n + d.aspects.length, 0);
    await waitFor(
      `${docs.length} documents and ${mentions} rolled-up mentions in PostgreSQL`,
      async () => {
        const { rows } = await db.query<{ d: string; r: string }>(
          `SELECT (SELECT count(*) FROM documents WHERE tenant = ANY($1)) AS d,
                  (SELECT coalesce(sum(mention_count), 0) FROM aspect_rollups_hourly WHERE tenant = ANY($1)) AS r`,
          [tenants],
        );
        return [Number(rows[0]!.d), Number(rows[0]!.r)];
      },
      ([d, r]) => d === docs.length && r === mentions,
      90_000,
    );
    const es = esSink.client;
    await waitFor(
      `${docs.length} documents in Elasticsearch`,
      async () => {
        await es.indices.refresh({
          index: 'absa-documents',
          ignore_unavailable: true,
          allow_no_indices: true,
        });
        return (await es.count({ index: 'absa-documents', query: { terms: { tenant: tenants } } })).count;
      },
      (n) => n === docs.length,
      90_000,
    );
  } finally {
    await Promise.allSettled([pgSink.stop(), esSink.stop(), producer.close()]);
  }
}

export interface RunningApi {
  url: string;
  /** The ops port: /metrics and detailed /readyz. */
  opsUrl: string;
  metrics: Metrics;
  keys: ApiKeyStore;
  close(): Promise<void>;
}

/** The real app (PostgreSQL, Elasticsearch, key store) on a free port, with config overrides. */
/** The read API app on a free port; `alerts` adds the alert store (without it the alert routes answer 503). */
export async function startApi(
  db: pg.Pool,
  overrides: Partial<ApiConfig> = {},
  options: { alerts?: boolean } = {},
): Promise<RunningApi> {
  const config: ApiConfig = {
    ...parseConfig(apiConfigSpec, withEnv({ API_JWT_SECRET: JWT_SECRET })),
    rateLimitPerKeyPerMinute: 1_000_000,
    ...overrides,
  };
  const es = createElasticsearchClient(config);
  const keys = new ApiKeyStore(db, 0);
  const metrics = createMetrics('api-test', { defaultMetrics: false });
  const deps: ApiDeps = {
    config,
    keys,
    keyAdmin: new TenantKeyAdmin(keys),
    mentions: new PgMentionStore(db),
    search: new EsSearchIndex(es, 'absa-documents'),
    ...(options.alerts ? { alerts: new PgAlertStore(db) } : {}),
    logger: silentLogger(),
    metrics,
    ready: async () => ({ ready: true, checks: {} }),
  };
  const server = http.createServer(createApiApp(deps));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const ops = await startOpsServer(0, { metrics, ready: deps.ready }, '127.0.0.1');
  return {
    url: `http://127.0.0.1:${port}`,
    opsUrl: `http://127.0.0.1:${(ops.address() as AddressInfo).port}`,
    metrics,
    keys,
    async close() {
      server.closeAllConnections();
      ops.closeAllConnections();
      await new Promise((r) => server.close(r));
      await new Promise((r) => ops.close(r));
      await es.close();
    },
  };
}

export function testDb(): pg.Pool {
  return new pg.Pool({ connectionString: DATABASE_URL, max: 5 });
}

const ajv = createAjv();
const validators = new Map<string, ValidateFunction>();

/** Checks a response body against the OpenAPI response schema of the operation and status. */
export function expectMatchesOpenApi(operationId: string, status: number, body: unknown): void {
  const key = `${operationId} ${status}`;
  let validate = validators.get(key);
  if (!validate) {
    let schema: object | undefined;
    for (const item of Object.values(openApiDocument.paths)) {
      for (const op of Object.values(item) as Array<{
        operationId: string;
        responses: Record<string, unknown>;
      }>) {
        if (op.operationId !== operationId) continue;
        const response = op.responses[String(status)] as
          { content?: Record<string, { schema: object }> } | undefined;
        expect(response, `OpenAPI documents ${status} for ${operationId}`).to.not.equal(undefined);
        const content = response!.content ?? {};
        schema = (content['application/json'] ?? content['application/problem+json'])?.schema;
      }
    }
    expect(schema, `schema for ${key}`).to.not.equal(undefined);
    validate = ajv.compile(absolutize(schema) as object);
    validators.set(key, validate);
  }
  const ok = validate(body);
  expect(ok, `${key} body matches OpenAPI: ${JSON.stringify(validate.errors)}`).to.equal(true);
}
