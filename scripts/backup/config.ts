import { z } from 'zod';
import { defineConfig, v } from '../../common/config/index';
import { kafkaVars, registryVars } from '../../common/kafka/config';
import { postgresVars } from '../../common/postgres/config';

const shared = {
  ...postgresVars,
  ...kafkaVars,
  ...registryVars,
  elasticsearchUrl: {
    env: 'ELASTICSEARCH_URL',
    schema: v.url(['http', 'https']),
    default: 'http://127.0.0.1:9200',
    doc: 'Elasticsearch base URL.',
  },
  indexPrefix: {
    env: 'ELASTICSEARCH_INDEX_PREFIX',
    schema: v.string(),
    default: 'absa',
    doc: 'Prefix of the indices and aliases backed up (<prefix>-documents*, <prefix>-mentions*).',
  },
};

/** `make backup`: what to back up, from where. */
export const backupConfigSpec = defineConfig(
  'backup',
  {
    ...shared,
    groups: {
      env: 'BACKUP_GROUPS',
      schema: v.string(),
      default: 'absa-processor,sink-postgres,sink-elasticsearch,alerts-tally,alerts,alerts-delivery',
      doc: 'Consumer groups whose committed offsets are saved (the alert service has three: ALERTS_GROUP_ID with -tally, without, with -delivery).',
    },
  },
  { prefix: 'BACKUP_' },
);

/**
 * `make restore BACKUP=<folder>`: where to restore to. Every target can be a new one (another
 * database, index prefix, registry group, group suffix), so a restore can be rehearsed beside a
 * running stack without touching it.
 */
export const restoreConfigSpec = defineConfig(
  'restore',
  {
    ...shared,
    registryGroup: {
      env: 'RESTORE_REGISTRY_GROUP',
      schema: z.string().trim(),
      default: '',
      doc: 'Apicurio group the schemas are restored into (empty: the Confluent-compatible API, i.e. the default group).',
    },
    groupSuffix: {
      env: 'RESTORE_GROUP_SUFFIX',
      schema: z.string().trim(),
      default: '',
      doc: 'Appended to each consumer group name whose offsets are restored (empty: the original names).',
    },
    createDatabase: {
      env: 'RESTORE_CREATE_DATABASE',
      schema: v.bool(),
      default: 'false',
      doc: 'Create the database of DATABASE_URL first (as the PostgreSQL superuser over the local socket).',
    },
  },
  { prefix: 'RESTORE_' },
);
