import { defineConfig, v, type ConfigOf } from '../../common/config/index';
import { kafkaVars, registryVars } from '../../common/kafka/config';
import { loggingVars } from '../../common/logging/config';
import { postgresVars } from '../../common/postgres/config';

const PREFIX = 'ALERTS_';
const HOUR_MS = 60 * 60 * 1000;

/** `npm run processor:alerts` */
export const alertsConfigSpec = defineConfig(
  'alerts',
  {
    groupId: {
      env: `${PREFIX}GROUP_ID`,
      schema: v.string(),
      default: 'alerts',
      doc: 'Prefix of the alert service consumer groups (`<id>-tally`, `<id>`, `<id>-delivery`) and transactional ids; it also marks the records of the shared alerts.tallies.v1 and alerts.state.v1, so services under different ids never count or restore each other’s.',
    },
    allowedLatenessMinutes: {
      env: `${PREFIX}ALLOWED_LATENESS_MINUTES`,
      schema: v.int(0, 24 * 60),
      default: '10',
      doc: 'How long after a window ends (in event time) mentions still count for it; the window is evaluated then.',
    },
    idleCloseMinutes: {
      env: `${PREFIX}IDLE_CLOSE_MINUTES`,
      schema: v.int(0, 7 * 24 * 60),
      default: '60',
      doc: "An entity's windows close by its own mentions' time; once it has had none for this long (by the other entities' time), they close anyway. While a backlog is read they also wait for every input partition still behind, unless the tally stage has written nothing from it for this long.",
    },
    retentionDays: {
      env: `${PREFIX}RETENTION_DAYS`,
      schema: v.int(1, 400),
      default: '35',
      doc: 'History kept per entity for baselines (5 weeks gives hour-of-week seasonality); longer rule baselines are cut to it.',
    },
    deliverMaxAgeHours: {
      env: `${PREFIX}DELIVER_MAX_AGE_HOURS`,
      schema: v.int(1, 24 * 365),
      default: '24',
      doc: 'Alerts for windows that closed longer ago (replays, reprocessing, imports) are stored as historical and never delivered.',
    },
    rulesRefreshMs: {
      env: `${PREFIX}RULES_REFRESH_MS`,
      schema: v.int(100, 3_600_000),
      default: '30000',
      doc: 'How often the alert service rereads the rules from PostgreSQL.',
    },
    chunkSize: {
      env: `${PREFIX}CHUNK_SIZE`,
      schema: v.int(1, 100_000),
      default: '5000',
      doc: 'Most events per alert service transaction.',
    },
    partitionsConcurrently: {
      env: `${PREFIX}PARTITIONS_CONCURRENTLY`,
      schema: v.int(1, 64),
      default: '3',
      doc: 'Partitions each alert service stage handles at once.',
    },
    webhookMaxAttempts: {
      env: `${PREFIX}WEBHOOK_MAX_ATTEMPTS`,
      schema: v.int(1, 50),
      default: '6',
      doc: 'Attempts per webhook delivery before the alert is dead-lettered (sentiment.alerts.v1.dlq).',
    },
    webhookRetryBaseMs: {
      env: `${PREFIX}WEBHOOK_RETRY_BASE_MS`,
      schema: v.int(1, 600_000),
      default: '1000',
      doc: 'First webhook retry delay; doubling per attempt with full jitter.',
    },
    webhookRetryMaxMs: {
      env: `${PREFIX}WEBHOOK_RETRY_MAX_MS`,
      schema: v.int(1, 3_600_000),
      default: '60000',
      doc: 'Longest delay between two webhook attempts.',
    },
    webhookConnectTimeoutMs: {
      env: `${PREFIX}WEBHOOK_CONNECT_TIMEOUT_MS`,
      schema: v.int(1, 120_000),
      default: '3000',
      doc: 'Connect timeout of a webhook request.',
    },
    webhookTimeoutMs: {
      env: `${PREFIX}WEBHOOK_TIMEOUT_MS`,
      schema: v.int(1, 300_000),
      default: '10000',
      doc: 'Total timeout of a webhook request, response included.',
    },
    webhookMaxResponseBytes: {
      env: `${PREFIX}WEBHOOK_MAX_RESPONSE_BYTES`,
      schema: v.int(0, 10 * 1024 * 1024),
      default: '65536',
      doc: 'Most response bytes read from a webhook receiver.',
    },
    webhookAllowPrivate: {
      env: `${PREFIX}WEBHOOK_ALLOW_PRIVATE`,
      schema: v.bool(),
      default: 'false',
      doc: 'Allow webhooks to loopback, link-local and private addresses (the local demo and tests set it; keep it off where tenants set URLs).',
    },
    port: {
      env: `${PREFIX}PORT`,
      schema: v.port(),
      default: '9102',
      doc: 'Port of the alert service /metrics, /healthz and /readyz.',
    },
    ...kafkaVars,
    ...registryVars,
    ...postgresVars,
    ...loggingVars,
  },
  { prefix: PREFIX },
);

export type AlertsConfig = ConfigOf<typeof alertsConfigSpec.vars>;

export const engineTimes = (c: AlertsConfig) => ({
  allowedLatenessMs: c.allowedLatenessMinutes * 60_000,
  idleCloseMs: c.idleCloseMinutes * 60_000,
  retentionMs: c.retentionDays * 24 * HOUR_MS,
  deliverMaxAgeMs: c.deliverMaxAgeHours * HOUR_MS,
});
