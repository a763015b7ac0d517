import { defineConfig, v, type ConfigOf } from '../../common/config/index';
import { kafkaVars, registryVars } from '../../common/kafka/config';
import { loggingVars } from '../../common/logging/config';
import { postgresVars } from '../../common/postgres/config';
import { TOPICS } from '../../schemas/topics';
import { retryRule, sinkVars } from '../shared/config';

const PREFIX = 'SINK_POSTGRES_';

/** `npm run sink:postgres` */
export const postgresSinkConfigSpec = defineConfig(
  'sink-postgres',
  {
    topic: {
      env: `${PREFIX}TOPIC`,
      schema: v.string(),
      default: TOPICS.documents,
      doc: 'Topic the PostgreSQL sink reads: documents with all their aspects (mentions come from the document event).',
    },
    migrate: {
      env: `${PREFIX}MIGRATE`,
      schema: v.bool(),
      default: 'true',
      doc: 'Whether the PostgreSQL sink applies pending migrations at start-up (safe with several instances).',
    },
    partitionsAheadMonths: {
      env: `${PREFIX}PARTITIONS_AHEAD_MONTHS`,
      schema: v.int(0, 60),
      default: '3',
      doc: 'Monthly partitions the PostgreSQL sink keeps created ahead of the current month (late and backfilled months are created on demand).',
    },
    retentionMonths: {
      env: `${PREFIX}RETENTION_MONTHS`,
      schema: v.int(0, 1200),
      default: '0',
      doc: 'Months of documents and mentions kept: older monthly partitions are dropped hourly and older events go to the DLQ (0: keep everything). Rollups are kept.',
    },
    maintenanceIntervalMs: {
      env: `${PREFIX}MAINTENANCE_INTERVAL_MS`,
      schema: v.int(1000, 86_400_000),
      default: '3600000',
      doc: 'How often the PostgreSQL sink creates partitions ahead and applies retention.',
    },
    ...sinkVars(PREFIX, 'PostgreSQL sink', {
      groupId: 'sink-postgres',
      opsPort: '9301',
      batchSize: '500',
      concurrency: '3',
    }),
    ...postgresVars,
    ...kafkaVars,
    ...registryVars,
    ...loggingVars,
  },
  {
    prefix: PREFIX,
    rules: [
      retryRule(PREFIX),
      (c) =>
        c.pgPoolMax < c.concurrency + 1
          ? `PG_POOL_MAX (${c.pgPoolMax}) must be at least ${PREFIX}CONCURRENCY (${c.concurrency}) + 1: one connection per partition written at once, one for maintenance and probes`
          : undefined,
    ],
  },
);

export type PostgresSinkConfig = ConfigOf<typeof postgresSinkConfigSpec.vars>;
