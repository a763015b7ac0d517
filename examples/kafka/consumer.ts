/**
 * Example downstream consumer of sentiment.documents.v1 or sentiment.aspects.v1
 * (docs/kafka-integration.md).
 *
 *   npm run -s example:kafka-consumer -- --group my-team [--topic sentiment.documents.v1] [--tenant T]
 *     [--since 2026-12-01T00:00:00Z] [--max N] [--idle-ms MS]
 *
 * What it shows:
 * - read_committed: the processor writes each chunk's outputs in one Kafka transaction, so only
 *   committed records are read and an aborted attempt is never seen.
 * - Reader schema: values are decoded with the writer schema named in each message and resolved into
 *   the contract schema this consumer was built with (schemas/<topic>.avsc): fields added later are
 *   dropped, fields it knows that an older writer lacked get their defaults.
 * - At-least-once with idempotent handling: offsets are committed after a record is handled, so after
 *   a crash some records come again; handling is an upsert keyed by event_id (mention_id for
 *   aspects) where the newer processed_at wins, so a repeat or an older analysis changes nothing.
 * - Start of a new group: it begins at --since (a time) or else at the end of the topic, and that
 *   position is committed before reading, so a restart never skips what arrived meanwhile.
 *
 * Prints one JSON line per record of the tenant (all tenants without --tenant), with `action`:
 * insert (first analysis of this id), update (a newer analysis) or stale (ignored: not newer).
 * Stops after --max such records, after --idle-ms without one (counted from joining the group), or on
 * SIGINT/SIGTERM.
 */
import { parseArgs } from 'node:util';
import type { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import avro from 'avsc';
import type { Admin, KafkaMessage } from 'kafkajs';
import { connect, contractSchema } from './connection';

const TOPICS = ['sentiment.documents.v1', 'sentiment.aspects.v1'] as const;
type Topic = (typeof TOPICS)[number];

/** The fields of sentiment.documents.v1 this consumer uses (the reader schema has them all). */
interface DocumentSentiment {
  event_id: string;
  tenant: string;
  source: string;
  source_id: string;
  text: string;
  processed_at: number;
  status: string;
  lang: string | null;
  sentiment: { polarity: string } | null;
  aspects: Array<{ mention_id: string; term: string; normalized_aspect: string; polarity: string }>;
}

/** The fields of sentiment.aspects.v1 this consumer uses. */
interface AspectMention {
  mention_id: string;
  document_id: string;
  tenant: string;
  processed_at: number;
  term: string;
  normalized_aspect: string;
  category: string | null;
  polarity: string;
  confidence: number;
}

/** The id a record is upserted by, and what is printed of it. */
function view(topic: Topic, value: DocumentSentiment | AspectMention): { id: string; out: object } {
  if (topic === 'sentiment.documents.v1') {
    const d = value as DocumentSentiment;
    return {
      id: d.event_id,
      out: {
        event_id: d.event_id,
        tenant: d.tenant,
        source: d.source,
        source_id: d.source_id,
        status: d.status,
        lang: d.lang,
        sentiment: d.sentiment?.polarity ?? null,
        aspects: d.aspects.map((a) => ({
          mention_id: a.mention_id,
          term: a.term,
          normalized_aspect: a.normalized_aspect,
          polarity: a.polarity,
        })),
        text: d.text,
      },
    };
  }
  const m = value as AspectMention;
  return {
    id: m.mention_id,
    out: {
      mention_id: m.mention_id,
      document_id: m.document_id,
      tenant: m.tenant,
      term: m.term,
      normalized_aspect: m.normalized_aspect,
      category: m.category,
      polarity: m.polarity,
      confidence: m.confidence,
    },
  };
}

/**
 * Where a group without committed offsets starts: the first record at or after `since`, or the end
 * of the topic. Committed now, before any member joins, so the group has a position from the start.
 */
async function positionNewGroup(admin: Admin, groupId: string, topic: Topic, since?: number): Promise<void> {
  const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
  if (committed && committed.partitions.some((p) => Number(p.offset) >= 0)) return;
  const partitions =
    since === undefined
      ? (await admin.fetchTopicOffsets(topic)).map(({ partition, high }) => ({ partition, offset: high }))
      : await admin.fetchTopicOffsetsByTimestamp(topic, since);
  await admin.setOffsets({ groupId, topic, partitions });
}

/**
 * Decodes Confluent wire-format values (magic byte 0, 4-byte big-endian schema id, Avro body) into
 * the reader schema: the writer schema is fetched by id (the registry client caches it) and resolved
 * into the reader schema once per id.
 */
function readerDecoder(registry: SchemaRegistry, readerSchema: object): (value: Buffer) => Promise<unknown> {
  const reader = avro.Type.forSchema(readerSchema as avro.Schema);
  const resolvers = new Map<number, Promise<avro.Resolver>>();
  return async (value) => {
    if (value.length < 5 || value[0] !== 0) {
      throw new Error('value is not in the Confluent wire format (magic byte 0, 4-byte schema id)');
    }
    const id = value.readInt32BE(1);
    let resolver = resolvers.get(id);
    if (!resolver) {
      // Both are avsc types; the registry client types its schemas loosely.
      resolver = registry
        .getSchema(id)
        .then((writer) => reader.createResolver(writer as unknown as avro.Type));
      resolver.catch(() => resolvers.delete(id)); // an outage is not remembered
      resolvers.set(id, resolver);
    }
    return reader.fromBuffer(value.subarray(5), await resolver);
  };
}

function usage(problem: string): never {
  process.stderr.write(
    `${problem}\nusage: consumer.ts --group G [--topic ${TOPICS.join('|')}] [--tenant T] [--since ISO] [--max N] [--idle-ms MS]\n`,
  );
  process.exit(2);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      group: { type: 'string' },
      topic: { type: 'string', default: 'sentiment.documents.v1' },
      tenant: { type: 'string' },
      since: { type: 'string' },
      max: { type: 'string' },
      'idle-ms': { type: 'string' },
    },
  });
  const topic = values.topic as Topic;
  if (!values.group) usage('--group is required');
  if (!TOPICS.includes(topic)) usage(`--topic must be one of ${TOPICS.join(', ')}`);
  const since = values.since === undefined ? undefined : Date.parse(values.since);
  if (Number.isNaN(since)) usage('--since must be an ISO 8601 time');
  const max = values.max === undefined ? Infinity : Number(values.max);
  const idleMs = values['idle-ms'] === undefined ? undefined : Number(values['idle-ms']);
  if (!(max > 0) || (idleMs !== undefined && !(idleMs > 0))) usage('--max and --idle-ms must be positive');

  const { kafka, registry } = connect(`example-consumer-${values.group}`);
  const readerSchema = contractSchema(topic);
  const admin = kafka.admin();
  await admin.connect();
  try {
    await positionNewGroup(admin, values.group, topic, since);
  } finally {
    await admin.disconnect();
  }

  // Stands in for the consumer's own store: in a database this is an upsert whose WHERE clause keeps
  // the row with the larger processed_at, as the pipeline's sinks do.
  const stored = new Map<string, number>();
  const decode = readerDecoder(registry, readerSchema);
  let printed = 0;
  let stopping = false;
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  let idle: NodeJS.Timeout | undefined;
  const stop = () => {
    stopping = true;
    finish();
  };
  const armIdle = () => {
    if (idleMs === undefined) return;
    clearTimeout(idle);
    idle = setTimeout(stop, idleMs);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);

  const handle = async (partition: number, message: KafkaMessage): Promise<void> => {
    if (!message.value) return;
    const value = (await decode(message.value)) as DocumentSentiment | AspectMention;
    if (values.tenant !== undefined && value.tenant !== values.tenant) return;
    const { id, out } = view(topic, value);
    const previous = stored.get(id);
    const action = previous === undefined ? 'insert' : value.processed_at > previous ? 'update' : 'stale';
    if (action !== 'stale') stored.set(id, value.processed_at);
    const line = {
      topic,
      partition,
      offset: message.offset,
      action,
      processed_at: value.processed_at,
      ...out,
    };
    process.stdout.write(`${JSON.stringify(line)}\n`);
    printed++;
    armIdle();
    if (printed >= max) stop();
  };

  const consumer = kafka.consumer({ groupId: values.group, readUncommitted: false });
  // The idle time counts from joining the group (again after a rebalance), not from the start.
  consumer.on(consumer.events.GROUP_JOIN, armIdle);
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: false });
  await consumer.run({
    // An offset is resolved only once its record is handled; kafkajs commits the resolved offsets
    // after each batch, so a record not handled (a crash, a stop) is read again by the next run. An
    // error thrown here (e.g. the registry is down) is retried by kafkajs from the record that failed.
    autoCommit: true,
    eachBatchAutoResolve: false,
    eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
      for (const message of batch.messages) {
        if (stopping || !isRunning() || isStale()) return;
        await handle(batch.partition, message);
        resolveOffset(message.offset);
        await heartbeat();
      }
    },
  });
  await finished;
  clearTimeout(idle);
  await consumer.disconnect();
  process.stderr.write(`read ${printed} records from ${topic} in group ${values.group}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
