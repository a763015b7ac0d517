/**
 * Example upstream producer: publishes documents of one tenant straight to text.raw.v1, as a team
 * that integrates over Kafka instead of the HTTP collector does (docs/kafka-integration.md).
 *
 *   npm run -s example:kafka-producer -- --tenant acme [--count 5] [--source example] [--entity NAME] [--topic text.raw.v1]
 *
 * What it shows: the value is Avro in the Confluent wire format under the contract schema
 * (schemas/text.raw.v1.avsc, subject `<topic>-value`); the key and event_id are the UUIDv5 of
 * (tenant, source, source_id), so sending the same documents again gives the same ids and downstream
 * keeps one analysis per document; the producer is idempotent with acks=all; documents are checked
 * against the rules the processor and the collectors apply before they are sent.
 *
 * Prints one JSON line per published document: {"event_id", "source_id", "text"}.
 */
import { createHash } from 'node:crypto';
import { parseArgs } from 'node:util';
import { SchemaType } from '@kafkajs/confluent-schema-registry';
import { Partitioners, type Message } from 'kafkajs';
import { connect, contractSchema } from './connection';

/** The pipeline's UUID namespace (common/ids): fixed forever, every document id depends on it. */
const NAMESPACE = '6f1c2d9e-4b7a-4e0f-9a53-2c8d1e7b5a40';
const MAX_TEXT_UTF16_UNITS = 20_000;
const DAY_MS = 24 * 60 * 60 * 1000;
/** Bytes per send call: kafkajs sends a call's records for one partition as one batch, and the broker refuses a batch over the topic's max.message.bytes (1 MiB on text.raw.v1). */
const MAX_CALL_BYTES = 512 * 1024;

/**
 * event_id of a raw document: RFC 9562 UUIDv5 (SHA-1) in NAMESPACE over the UTF-8 name
 * "document" U+001F tenant U+001F source U+001F source_id. It is also the record's key.
 */
function documentEventId(tenant: string, source: string, sourceId: string): string {
  const name = ['document', tenant, source, sourceId].join('\u001f');
  const digest = createHash('sha1')
    .update(Buffer.from(NAMESPACE.replace(/-/g, ''), 'hex'))
    .update(name, 'utf8')
    .digest();
  const bytes = digest.subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50; // version 5
  bytes[8] = (bytes[8]! & 0x3f) | 0x80; // RFC variant
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** text.raw.v1, as the schema file describes it (optional fields are null when absent). */
interface RawDocument {
  event_id: string;
  tenant: string;
  source: string;
  source_id: string;
  entity: string | null;
  author_id: string | null;
  url: string | null;
  lang: string | null;
  text: string;
  created_at: number;
  ingested_at: number;
  collector: string;
  metadata: Record<string, string>;
}

/**
 * Why the pipeline would not take the document, or undefined. The processor dead-letters text over
 * the limit and created_at out of range; NUL cannot be stored downstream; the rest are the
 * collectors' rules, which a direct producer has to keep itself.
 */
function problem(doc: RawDocument, now = Date.now()): string | undefined {
  if (doc.text.trim() === '') return 'text is empty or only whitespace';
  if (doc.text.length > MAX_TEXT_UTF16_UNITS)
    return `text has ${doc.text.length} UTF-16 code units, over ${MAX_TEXT_UTF16_UNITS}`;
  if (doc.text.includes('\u0000')) return 'text contains NUL (U+0000)';
  if (doc.created_at < now - 3650 * DAY_MS || doc.created_at > now + DAY_MS)
    return 'created_at is more than 3650 days in the past or more than 24 hours ahead';
  if (doc.event_id !== documentEventId(doc.tenant, doc.source, doc.source_id))
    return 'event_id is not the UUIDv5 of (tenant, source, source_id)';
  return undefined;
}

const SAMPLE_TEXTS = [
  'The battery lasts all day, but the screen is too dim outdoors.',
  'Delivery was fast and the packaging was excellent.',
  'The app crashes every time I open the settings page.',
  'Great coffee and friendly staff, but the prices are far too high.',
];

function sampleDocuments(tenant: string, source: string, entity: string, count: number): RawDocument[] {
  const now = Date.now();
  return Array.from({ length: count }, (_, i) => {
    const sourceId = `review-${i + 1}`;
    return {
      event_id: documentEventId(tenant, source, sourceId),
      tenant,
      source,
      source_id: sourceId,
      entity,
      author_id: null,
      url: null,
      lang: 'en', // a hint when known; without one the processor detects the language
      text: SAMPLE_TEXTS[i % SAMPLE_TEXTS.length]!,
      created_at: now - i * 60_000,
      ingested_at: now,
      collector: 'example-producer',
      metadata: { rating: String((i % 5) + 1) },
    };
  });
}

/** Consecutive messages in calls of at most MAX_CALL_BYTES (a larger message goes alone). */
function calls(messages: Message[]): Message[][] {
  const out: Message[][] = [];
  let bytes = Infinity;
  for (const m of messages) {
    const size = (m.value as Buffer).length + 512;
    if (bytes + size > MAX_CALL_BYTES) {
      out.push([]);
      bytes = 0;
    }
    out[out.length - 1]!.push(m);
    bytes += size;
  }
  return out;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      tenant: { type: 'string' },
      count: { type: 'string', default: '5' },
      source: { type: 'string', default: 'example' },
      entity: { type: 'string', default: 'Example Store' },
      topic: { type: 'string', default: 'text.raw.v1' },
    },
  });
  const count = Number(values.count);
  if (!values.tenant || !Number.isInteger(count) || count < 1 || count > 10_000) {
    process.stderr.write(
      'usage: producer.ts --tenant T [--count 1..10000] [--source S] [--entity E] [--topic text.raw.v1]\n',
    );
    process.exit(2);
  }
  const docs = sampleDocuments(values.tenant, values.source, values.entity, count);
  const refused = docs.flatMap((d) => {
    const p = problem(d);
    return p ? [`${d.source_id}: ${p}`] : [];
  });
  if (refused.length > 0) throw new Error(`not sent, the pipeline would refuse:\n${refused.join('\n')}`);

  const { kafka, registry } = connect('example-producer');
  // Idempotent (returns the id the schema already has); refused with HTTP 409 when the schema is not
  // BACKWARD compatible with the subject's versions. Subjects follow TopicNameStrategy. Compact JSON,
  // as `npm run topics` registers it, so the registry recognizes the version it already holds.
  const { id: schemaId } = await registry.register(
    { type: SchemaType.AVRO, schema: JSON.stringify(contractSchema('text.raw.v1')) },
    { subject: `${values.topic}-value` },
  );
  const messages: Message[] = await Promise.all(
    docs.map(async (d) => ({ key: d.event_id, value: await registry.encode(schemaId, d) })),
  );

  // Idempotent: the broker drops the duplicates its own retries would write. At most 5 in flight keeps
  // the order per partition. The default partitioner hashes the key as Java clients do (murmur2).
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 5,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  try {
    for (const batch of calls(messages)) {
      // acks=all: acknowledged means written to min.insync.replicas brokers.
      await producer.send({ topic: values.topic, acks: -1, messages: batch });
    }
  } finally {
    await producer.disconnect();
  }
  for (const d of docs) {
    process.stdout.write(
      `${JSON.stringify({ event_id: d.event_id, source_id: d.source_id, text: d.text })}\n`,
    );
  }
  process.stderr.write(
    `published ${docs.length} documents of tenant ${values.tenant} to ${values.topic} (schema id ${schemaId})\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
