import { defineConfig, v, type ConfigOf } from '../../common/config/index';
import { kafkaVars, registryVars } from '../../common/kafka/config';
import { loggingVars } from '../../common/logging/config';
import { createdAtVars } from '../../schemas/bounds';

/** `npm run import` */
export const fileImportConfigSpec = defineConfig(
  'import',
  {
    batchSize: {
      env: 'IMPORT_BATCH_SIZE',
      schema: v.int(1, 10_000),
      default: '500',
      doc: 'Documents the file importer sends to Kafka per batch (each batch is acknowledged before the next).',
    },
    kafkaTimeoutMs: {
      env: 'IMPORT_KAFKA_TIMEOUT_MS',
      schema: v.int(1000, 600_000),
      default: '30000',
      doc: 'Longest the file importer waits for Kafka to acknowledge one batch before retrying it.',
    },
    retries: {
      env: 'IMPORT_RETRIES',
      schema: v.int(0, 100),
      default: '5',
      doc: 'How often the file importer retries a batch Kafka did not acknowledge before it stops (re-running is safe).',
    },
    ...createdAtVars,
    ...kafkaVars,
    ...registryVars,
    ...loggingVars,
  },
  { prefix: 'IMPORT_' },
);

export type FileImportConfig = ConfigOf<typeof fileImportConfigSpec.vars>;
