import { z } from 'zod';
import { defineConfig, v, type ConfigOf } from '../../common/config/index';
import { kafkaVars, registryVars } from '../../common/kafka/config';
import { loggingVars } from '../../common/logging/config';
import { TOPICS } from '../../schemas/topics';
import { modelVars } from './model/config';
import { DOMAINS, type Domain } from './taxonomy/taxonomy';
import { createdAtVars } from '../../schemas/bounds';
import { ASPECTS_PER_DOCUMENT, MENTION_SENTENCE_CHARS } from './output-bounds';

/** `tenant=domain,tenant=domain` → map; every domain must have a taxonomy. */
const tenantDomains = (): z.ZodType<Map<string, Domain>> =>
  z
    .string()
    .trim()
    .transform((s, ctx) => {
      const map = new Map<string, Domain>();
      for (const pair of s.split(',').filter((p) => p.trim())) {
        const [tenant, domain] = pair.split('=').map((x) => x.trim());
        if (!tenant || !domain || !(DOMAINS as readonly string[]).includes(domain)) {
          ctx.addIssue({
            code: 'custom',
            message: `"${pair}" must be tenant=domain with domain one of ${DOMAINS.join(', ')}`,
          });
          return z.NEVER;
        }
        map.set(tenant, domain as Domain);
      }
      return map;
    });

/** `npm run processor:absa` */
export const absaProcessorConfigSpec = defineConfig(
  'absa-processor',
  {
    ...createdAtVars,
    ...modelVars,
    defaultDomain: {
      env: 'ABSA_DEFAULT_DOMAIN',
      schema: v.oneOf(DOMAINS),
      default: 'generic',
      doc: `Taxonomy domain of tenants not listed in ABSA_TENANT_DOMAINS (${DOMAINS.join(', ')}).`,
    },
    tenantDomains: {
      env: 'ABSA_TENANT_DOMAINS',
      schema: tenantDomains(),
      default: '',
      doc: 'Taxonomy domain per tenant, e.g. `acme=electronics,bistro=restaurants`; a document whose metadata.domain names a known domain uses that one.',
    },
    fallbackLanguage: {
      env: 'ABSA_FALLBACK_LANGUAGE',
      schema: z.string().regex(/^[a-z]{2,3}$/, 'must be an ISO 639 code such as en'),
      default: 'en',
      doc: 'Language assumed when a text is too short to detect and carries no hint.',
    },
    maxTextChars: {
      env: 'ABSA_MAX_TEXT_CHARS',
      schema: v.int(1, 1_000_000),
      default: '20000',
      doc: 'Longest text analysed; longer ones go to the dead-letter topic (text_too_long).',
    },
    maxAspectsPerDocument: {
      env: 'ABSA_MAX_ASPECTS_PER_DOCUMENT',
      schema: v.int(1, ASPECTS_PER_DOCUMENT.max),
      default: String(ASPECTS_PER_DOCUMENT.default),
      doc: 'Most aspect mentions one document emits; beyond it those of lowest confidence are dropped and the document event says how many (truncated). The maximum keeps the largest document under the topic size limit (output-bounds.ts).',
    },
    maxMentionSentenceChars: {
      env: 'ABSA_MAX_MENTION_SENTENCE_CHARS',
      schema: v.int(MENTION_SENTENCE_CHARS.min, MENTION_SENTENCE_CHARS.max),
      default: String(MENTION_SENTENCE_CHARS.default),
      doc: 'Longest sentence_text of an aspect event (UTF-16 units); a longer sentence is cut to the part around the term and the document event counts it (truncated).',
    },
    groupId: {
      env: 'ABSA_GROUP_ID',
      schema: v.string(),
      default: 'absa-processor',
      doc: 'Kafka consumer group of the processor; also the prefix of its transactional ids.',
    },
    inputTopic: {
      env: 'ABSA_INPUT_TOPIC',
      schema: v.string(),
      default: TOPICS.rawText,
      doc: 'Topic of raw documents.',
    },
    chunkSize: {
      env: 'ABSA_CHUNK_SIZE',
      schema: v.int(1, 10_000),
      default: '512',
      doc: 'Documents per Kafka transaction; their sentences go to the model together (larger calls pad less).',
    },
    partitionsConcurrently: {
      env: 'ABSA_PARTITIONS_CONCURRENTLY',
      schema: v.int(1, 64),
      default: '6',
      doc: "Partitions processed at once; their sentences share model batches. Below the input topic's partition count (6), a partition that has documents waits for others to finish: ingest-to-queryable p99 at half capacity was 6-8 s at 3 and 2.4-2.6 s at 6.",
    },
    maxBytesPerPartition: {
      env: 'ABSA_MAX_BYTES_PER_PARTITION',
      schema: v.int(1024, 64 * 1024 * 1024),
      default: String(512 * 1024),
      doc: 'Largest fetch per partition; with ABSA_PARTITIONS_CONCURRENTLY this bounds in-flight input.',
    },
    port: {
      env: 'ABSA_PORT',
      schema: v.port(),
      default: '9101',
      doc: 'Port of the processor /metrics, /healthz and /readyz.',
    },
    ...kafkaVars,
    ...registryVars,
    ...loggingVars,
  },
  { prefix: 'ABSA_' },
);

export type AbsaProcessorConfig = ConfigOf<typeof absaProcessorConfigSpec.vars>;
