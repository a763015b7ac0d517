import { defineConfig, v } from '../common/config/index';
import { kafkaVars, registryVars } from '../common/kafka/config';
import { loggingVars } from '../common/logging/config';

/** `npm run topics`: creates topics, reports drift, registers value schemas. */
export const topicsConfigSpec = defineConfig(
  'topics',
  {
    replicationFactor: {
      env: 'TOPIC_REPLICATION_FACTOR',
      schema: v.int(1, 10),
      default: '1',
      doc: 'Replication factor for topics the pipeline creates (1 on the one-broker local stack, 3 in a cluster).',
    },
    minInsyncReplicas: {
      env: 'TOPIC_MIN_INSYNC_REPLICAS',
      schema: v.int(1, 10),
      default: '1',
      doc: 'min.insync.replicas for those topics: how many replicas must have a write before acks=all succeeds (2 with 3 replicas).',
    },
    ...kafkaVars,
    ...registryVars,
    ...loggingVars,
  },
  {
    prefix: 'TOPIC_',
    rules: [
      (c) =>
        c.minInsyncReplicas > c.replicationFactor
          ? `TOPIC_MIN_INSYNC_REPLICAS (${c.minInsyncReplicas}) must not exceed TOPIC_REPLICATION_FACTOR (${c.replicationFactor}): no write could ever succeed`
          : undefined,
    ],
  },
);
