/** An input topic of one test run, and raw documents to put on it, for tests of the real processor. */
import type kafkajs from 'kafkajs';
import { documentEventId } from '../../../common/ids/index';
import type { RegistryClient } from '../../../common/kafka/registry';
import type { RawDocument } from '../../../schemas/index';
import { dlqTopic } from '../../../schemas/topics';

/** A raw-text topic (and its DLQ) of this run, so other tests' traffic never reaches its processor. */
export async function createRawTopic(kafka: kafkajs.Kafka, name: string, partitions = 2): Promise<string> {
  const topic = `test.raw.${name}.${process.pid}.${Date.now()}`;
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        { topic, numPartitions: partitions, replicationFactor: 1 },
        { topic: dlqTopic(topic), numPartitions: 1, replicationFactor: 1 },
      ],
    });
  } finally {
    await admin.disconnect();
  }
  return topic;
}

/** Documents `from` … `to - 1` of a tenant, the text of each chosen by `text(i)`. */
export function rawDocuments(
  tenant: string,
  from: number,
  to: number,
  text: (i: number) => string,
  extra: Partial<RawDocument> = {},
): RawDocument[] {
  return Array.from({ length: to - from }, (_, k) => {
    const i = from + k;
    return {
      event_id: documentEventId(tenant, 'test', `doc-${i}`),
      tenant,
      source: 'test',
      source_id: `doc-${i}`,
      entity: 'Test Store',
      author_id: null,
      url: null,
      lang: 'en',
      text: text(i),
      created_at: Date.parse('2026-11-01T12:00:00Z'),
      ingested_at: Date.now(),
      collector: 'test',
      metadata: {},
      ...extra,
    };
  });
}

/** Publishes raw documents to `topic` in the registry's wire format, 500 per produce call. */
export async function publishRaw(
  producer: kafkajs.Producer,
  registry: RegistryClient,
  topic: string,
  schemaId: number,
  docs: RawDocument[],
): Promise<void> {
  for (let i = 0; i < docs.length; i += 500) {
    const messages = await Promise.all(
      docs
        .slice(i, i + 500)
        .map(async (d) => ({ key: d.event_id, value: await registry.encode(schemaId, d) })),
    );
    await producer.send({ topic, acks: -1, messages });
  }
}
