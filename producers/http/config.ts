import { defineConfig, v, type ConfigOf } from '../../common/config/index';
import { apiKeyVars } from '../../common/apikeys/config';
import { kafkaVars, registryVars } from '../../common/kafka/config';
import { loggingVars } from '../../common/logging/config';
import { postgresVars } from '../../common/postgres/config';
import { createdAtVars } from '../../schemas/bounds';
import { TOPICS } from '../../schemas/topics';
import { topicMessageLimit } from '../../common/kafka/record-size';

/** `npm run collector:http` */
export const httpCollectorConfigSpec = defineConfig(
  'collector-http',
  {
    host: {
      env: 'COLLECTOR_HTTP_HOST',
      schema: v.string(),
      default: '0.0.0.0',
      doc: 'Address the HTTP collector listens on.',
    },
    port: {
      env: 'COLLECTOR_HTTP_PORT',
      schema: v.port(),
      default: '8090',
      doc: 'Port of the HTTP collector (0: any free port).',
    },
    opsHost: {
      env: 'COLLECTOR_HTTP_OPS_HOST',
      schema: v.string(),
      default: '0.0.0.0',
      doc: 'Address of the ops port (/metrics, /readyz with dependency details, /healthz); expose it to operators and Prometheus only.',
    },
    opsPort: {
      env: 'COLLECTOR_HTTP_OPS_PORT',
      schema: v.port(),
      default: '9390',
      doc: 'Ops port of the HTTP collector (0: any free port). The public port answers only /healthz and a detail-free /readyz.',
    },
    maxBodyBytes: {
      env: 'COLLECTOR_HTTP_MAX_BODY_BYTES',
      schema: v.int(1024, 100 * 1024 * 1024),
      default: String(5 * 1024 * 1024),
      doc: 'Largest request body accepted; larger bodies get 413.',
    },
    maxRecordBytes: {
      env: 'COLLECTOR_HTTP_MAX_RECORD_BYTES',
      schema: v.int(1024, 64 * 1024 * 1024),
      default: String(topicMessageLimit(TOPICS.rawText)),
      doc: "Largest Kafka record (and produce call) the collector sends; a document larger than this gets 413. Default: the raw topic's max.message.bytes.",
    },
    maxDocuments: {
      env: 'COLLECTOR_HTTP_MAX_DOCUMENTS',
      schema: v.int(1, 10_000),
      default: '1000',
      doc: 'Most documents in one request.',
    },
    rateLimitPerSecond: {
      env: 'COLLECTOR_HTTP_RATE_LIMIT_RPS',
      schema: v.number(0, 1_000_000),
      default: '50',
      doc: 'Requests per second each API key may make on average (token bucket; 0 disables the limit).',
    },
    rateLimitBurst: {
      env: 'COLLECTOR_HTTP_RATE_LIMIT_BURST',
      schema: v.int(1, 1_000_000),
      default: '100',
      doc: 'Requests an API key may make at once before the per-second rate applies.',
    },
    rateLimitPerIpPerMinute: {
      env: 'COLLECTOR_HTTP_RATE_LIMIT_IP_PER_MIN',
      schema: v.int(0, 1_000_000),
      default: '100',
      doc: 'Failed authentications (401) and unknown paths (404) one client IP may cause per minute before its requests get 429 (0: no limit).',
    },
    kafkaTimeoutMs: {
      env: 'COLLECTOR_HTTP_KAFKA_TIMEOUT_MS',
      schema: v.int(100, 120_000),
      default: '10000',
      doc: 'Longest a request waits for Kafka to acknowledge its documents before answering 503.',
    },
    retryAfterSeconds: {
      env: 'COLLECTOR_HTTP_RETRY_AFTER_S',
      schema: v.int(1, 3600),
      default: '5',
      doc: 'Retry-After sent with 503 when Kafka or the key store is unavailable.',
    },
    shutdownTimeoutMs: {
      env: 'COLLECTOR_HTTP_SHUTDOWN_TIMEOUT_MS',
      schema: v.int(0, 600_000),
      default: '25000',
      doc: 'On SIGTERM/SIGINT, how long in-flight requests may take to finish before connections are cut.',
    },
    ...createdAtVars,
    ...apiKeyVars,
    ...kafkaVars,
    ...registryVars,
    ...postgresVars,
    ...loggingVars,
  },
  {
    prefix: 'COLLECTOR_HTTP_',
    rules: [
      (c) =>
        c.kafkaTimeoutMs >= c.shutdownTimeoutMs && c.shutdownTimeoutMs > 0
          ? `COLLECTOR_HTTP_KAFKA_TIMEOUT_MS (${c.kafkaTimeoutMs}) must be below COLLECTOR_HTTP_SHUTDOWN_TIMEOUT_MS (${c.shutdownTimeoutMs}) so in-flight requests can finish on shutdown`
          : undefined,
    ],
  },
);

export type HttpCollectorConfig = ConfigOf<typeof httpCollectorConfigSpec.vars>;
