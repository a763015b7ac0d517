import { z } from 'zod';
import { defineConfig, v, type ConfigOf, type VarSpec } from '../../common/config/index';
import { kafkaVars, registryVars } from '../../common/kafka/config';
import { loggingVars } from '../../common/logging/config';
import { TOPICS } from '../../schemas/topics';
import { retryRule, sinkVars } from '../shared/config';

const PREFIX = 'SINK_ELASTICSEARCH_';
const optional = (): z.ZodType<string> => z.string().trim();

/** Connection and index settings shared by the sink and `npm run es:setup`. */
export const elasticsearchVars = {
  elasticsearchUrl: {
    env: 'ELASTICSEARCH_URL',
    schema: v.url(['http', 'https']),
    default: 'http://127.0.0.1:9200',
    doc: 'Elasticsearch base URL.',
  } satisfies VarSpec,
  elasticsearchApiKey: {
    env: 'ELASTICSEARCH_API_KEY',
    schema: optional(),
    default: '',
    doc: 'Elasticsearch API key (base64 id:key); empty for none. Wins over username/password.',
    secret: true,
  } satisfies VarSpec,
  elasticsearchUsername: {
    env: 'ELASTICSEARCH_USERNAME',
    schema: optional(),
    default: '',
    doc: 'Elasticsearch basic-auth user; empty for none.',
  } satisfies VarSpec,
  elasticsearchPassword: {
    env: 'ELASTICSEARCH_PASSWORD',
    schema: optional(),
    default: '',
    doc: 'Elasticsearch basic-auth password.',
    secret: true,
  } satisfies VarSpec,
  elasticsearchRequestTimeoutMs: {
    env: 'ELASTICSEARCH_REQUEST_TIMEOUT_MS',
    schema: v.int(1000, 600_000),
    default: '60000',
    doc: 'How long one Elasticsearch request (e.g. a bulk) may take before it counts as failed and is retried.',
  } satisfies VarSpec,
  indexPrefix: {
    env: 'ELASTICSEARCH_INDEX_PREFIX',
    schema: z.string().regex(/^[a-z][a-z0-9_-]{0,40}$/, 'must be lower-case letters, digits, - or _'),
    default: 'absa',
    doc: 'Prefix of the aliases (<prefix>-documents, <prefix>-mentions) and of their monthly indices (<prefix>-documents-YYYY.MM).',
  } satisfies VarSpec,
  numberOfReplicas: {
    env: 'ELASTICSEARCH_NUMBER_OF_REPLICAS',
    schema: v.int(0, 10),
    default: '0',
    doc: 'Replicas of each new monthly index (0 on the one-node local stack, 1 or more on a cluster).',
  } satisfies VarSpec,
  refreshInterval: {
    env: 'ELASTICSEARCH_REFRESH_INTERVAL',
    schema: z.string().regex(/^(-1|\d+(ms|s|m))$/, 'must be like 1s, 500ms or -1'),
    default: '1s',
    doc: 'How soon new documents become searchable in new monthly indices (longer: faster indexing).',
  } satisfies VarSpec,
};

export interface ElasticsearchSettings {
  elasticsearchUrl: string;
  elasticsearchApiKey: string;
  elasticsearchUsername: string;
  elasticsearchPassword: string;
  elasticsearchRequestTimeoutMs: number;
  indexPrefix: string;
  numberOfReplicas: number;
  refreshInterval: string;
}

/** `npm run sink:elasticsearch` */
export const elasticsearchSinkConfigSpec = defineConfig(
  'sink-elasticsearch',
  {
    topic: {
      env: `${PREFIX}TOPIC`,
      schema: v.string(),
      default: TOPICS.documents,
      doc: 'Topic the Elasticsearch sink reads; each document event gives one document and one mention per aspect.',
    },
    setup: {
      env: `${PREFIX}SETUP`,
      schema: v.bool(),
      default: 'true',
      doc: 'Whether the Elasticsearch sink installs its index templates at start-up (idempotent).',
    },
    ...sinkVars(PREFIX, 'Elasticsearch sink', {
      groupId: 'sink-elasticsearch',
      opsPort: '9302',
      batchSize: '500',
      concurrency: '3',
    }),
    ...elasticsearchVars,
    ...kafkaVars,
    ...registryVars,
    ...loggingVars,
  },
  {
    prefix: PREFIX,
    rules: [
      retryRule(PREFIX),
      (c) =>
        c.elasticsearchUsername !== '' && c.elasticsearchPassword === ''
          ? 'ELASTICSEARCH_USERNAME is set but ELASTICSEARCH_PASSWORD is empty'
          : undefined,
    ],
  },
);

export type ElasticsearchSinkConfig = ConfigOf<typeof elasticsearchSinkConfigSpec.vars>;

/** `npm run es:setup` */
export const elasticsearchSetupConfigSpec = defineConfig('es-setup', {
  ...elasticsearchVars,
  ...loggingVars,
});
