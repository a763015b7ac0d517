import { expect } from 'chai';
import kafkajs, { type Producer } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { parseConfig, withEnv } from '../../common/config/index';
import { documentEventId } from '../../common/ids/index';
import { RegistryClient, valueSubject } from '../../common/kafka/registry';
import { createLogger } from '../../common/logging/index';
import {
  schemas,
  type AspectMention,
  type DeadLetter,
  type DocumentSentiment,
  type RawDocument,
} from '../../schemas/index';
import { TOPICS, dlqTopic } from '../../schemas/topics';
import { absaProcessorConfigSpec } from '../../stream-processors/absa/config';
import { AbsaProcessor } from '../../stream-processors/absa/processor';
import { buildProcessorParts } from '../../stream-processors/absa/wiring';
import { CommittedReader } from './helpers/committed-reader';
import { startProcess, waitFor, freePort, type Started } from './helpers/processes';

const BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const REGISTRY_URL = process.env.SCHEMA_REGISTRY_URL ?? 'http://127.0.0.1:8081/apis/ccompat/v7';

/** A raw-text topic (and its DLQ) of this test run, so other tests' traffic never reaches our processors. */
async function createInputTopic(kafka: kafkajs.Kafka, partitions: number): Promise<string> {
  const topic = `test.raw.${process.pid}.${Date.now()}`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    waitForLeaders: true,
    topics: [
      { topic, numPartitions: partitions, replicationFactor: 1 },
      { topic: dlqTopic(topic), numPartitions: 1, replicationFactor: 1 },
    ],
  });
  await admin.disconnect();
  return topic;
}

function rawDocument(
  tenant: string,
  sourceId: string,
  text: string,
  extra: Partial<RawDocument> = {},
): RawDocument {
  return {
    event_id: documentEventId(tenant, 'test', sourceId),
    tenant,
    source: 'test',
    source_id: sourceId,
    entity: 'Trattoria Test',
    author_id: null,
    url: null,
    lang: null,
    text,
    created_at: Date.parse('2026-11-01T12:00:00Z'),
    ingested_at: Date.now(),
    collector: 'test',
    metadata: {},
    ...extra,
  };
}

describe('ABSA stream processor (real Kafka, registry and model)', function () {
  this.timeout(300_000);
  const kafka = new kafkajs.Kafka({
    clientId: 'absa-processor-test',
    brokers: BROKERS,
    logLevel: kafkajs.logLevel.NOTHING,
  });
  const registry = new RegistryClient(REGISTRY_URL);
  let producer: Producer;
  let rawSchemaId: number;

  const send = async (topic: string, values: { key: string; value: Buffer }[]): Promise<void> => {
    await producer.send({ topic, acks: -1, messages: values });
  };
  const encodeRaw = async (doc: RawDocument) => ({
    key: doc.event_id,
    value: await registry.encode(rawSchemaId, doc),
  });

  before(async () => {
    rawSchemaId = await registry.registerSchema(valueSubject(TOPICS.rawText), schemas.rawDocument);
    producer = kafka.producer({ idempotent: true });
    await producer.connect();
  });

  after(async () => {
    await producer.disconnect();
  });

  describe('one processor in this process', () => {
    const tenant = `t-${randomUUID().slice(0, 8)}`;
    let processor: AbsaProcessor;
    let inputTopic: string;
    let documents: CommittedReader<DocumentSentiment>;
    let aspects: CommittedReader<AspectMention>;
    let deadLetters: CommittedReader<DeadLetter>;

    before(async () => {
      inputTopic = await createInputTopic(kafka, 2);
      const config = parseConfig(
        absaProcessorConfigSpec,
        withEnv({
          ABSA_INPUT_TOPIC: inputTopic,
          ABSA_GROUP_ID: `absa-test-${tenant}`,
          ABSA_MAX_TEXT_CHARS: '2000',
        }),
      );
      const logger = createLogger({
        service: 'absa-processor-test',
        level: process.env.LOG_LEVEL ?? 'error',
      });
      const parts = await buildProcessorParts(config, logger, 'absa-processor-test');
      processor = new AbsaProcessor(
        parts.kafka,
        parts.registry,
        parts.analyzer,
        {
          groupId: config.groupId,
          inputTopic,
          transactionalIdPrefix: config.groupId,
          chunkSize: config.chunkSize,
          partitionsConcurrently: config.partitionsConcurrently,
          maxBytesPerPartition: config.maxBytesPerPartition,
        },
        logger,
        parts.metrics,
        parts.processorMetrics,
      );
      documents = new CommittedReader<DocumentSentiment>(TOPICS.documents, (d) => d.tenant === tenant);
      aspects = new CommittedReader<AspectMention>(TOPICS.aspects, (m) => m.tenant === tenant);
      deadLetters = new CommittedReader<DeadLetter>(dlqTopic(inputTopic), () => true);
      await Promise.all([documents.start(), aspects.start(), deadLetters.start()]);
      await processor.start();
    });

    after(async () => {
      await processor?.stop();
      await Promise.all([documents?.stop(), aspects?.stop(), deadLetters?.stop()]);
    });

    it('turns a review into a document event and aspect events whose offsets slice the original text', async () => {
      const text = 'The pasta was great but the waiter was rude. 😍 Would come back for the tiramisu!';
      const doc = rawDocument(tenant, 'review-1', text);
      await send(inputTopic, [await encodeRaw(doc)]);

      const [event] = await documents.until(
        (r) => r.some((x) => x.value.event_id === doc.event_id),
        120_000,
        'the document event',
      );
      const analysed = event!.value;
      expect(analysed.status).to.equal('ok');
      expect(analysed.lang).to.equal('en');
      expect(analysed.model.name).to.be.a('string').with.length.above(0);
      expect(analysed.taxonomy_version).to.equal('generic-1');
      expect(analysed.embedding).to.have.length(384);
      expect(analysed.sentences).to.have.length(2);
      expect(analysed.aspects.map((a) => a.term)).to.include.members(['pasta', 'waiter']);
      for (const a of analysed.aspects) {
        expect(text.slice(a.start, a.end)).to.equal(a.term);
        expect(a.polarity).to.be.oneOf(['positive', 'negative', 'neutral']);
      }
      const waiter = analysed.aspects.find((a) => a.term === 'waiter')!;
      expect(waiter.polarity).to.equal('negative');

      const mentions = await aspects.until(
        (r) => r.filter((m) => m.value.document_id === doc.event_id).length === analysed.aspects.length,
        60_000,
        'one aspect event per aspect',
      );
      for (const { key, value } of mentions.filter((m) => m.value.document_id === doc.event_id)) {
        expect(text.slice(value.start, value.end)).to.equal(value.term);
        expect(text.slice(value.sentence_start, value.sentence_end)).to.equal(value.sentence_text);
        expect(key).to.equal(`${tenant}\u001fTrattoria Test\u001f${value.normalized_aspect}`);
      }
    });

    it('dead-letters poison messages with their error class and keeps processing the partition', async () => {
      const unknownSchema = Buffer.concat([
        Buffer.from([0, 0x7f, 0xff, 0xff, 0x00]),
        Buffer.from('whatever'),
      ]);
      const tooLong = rawDocument(tenant, 'too-long', 'The battery is fine. '.repeat(200));
      const after = rawDocument(tenant, 'after-poison', 'The screen is bright and sharp.');
      // One partition key for all, so the good document comes after the poison in the same partition.
      await send(inputTopic, [
        { key: 'same', value: Buffer.from('not avro at all') },
        { key: 'same', value: unknownSchema },
        { key: 'same', value: (await encodeRaw(tooLong)).value },
        { key: 'same', value: (await encodeRaw(after)).value },
      ]);
      await documents.until(
        (r) => r.some((x) => x.value.event_id === after.event_id),
        120_000,
        'the document after the poison',
      );
      const dead = await deadLetters.until((r) => r.length >= 3, 60_000, 'three dead letters');
      expect(dead.map((d) => d.value.error_class)).to.have.members([
        'UndecodableError',
        'UnknownSchemaError',
        'TextTooLongError',
      ]);
      const undecodable = dead.find((d) => d.value.error_class === 'UndecodableError')!.value;
      expect(Buffer.from(undecodable.value!).toString()).to.equal('not avro at all');
      expect(undecodable.source_topic).to.equal(inputTopic);
      expect(undecodable.processor).to.equal('absa-processor');
      expect(documents.records.some((r) => r.value.event_id === tooLong.event_id)).to.equal(false);
    });

    it('marks text in a language the model does not support as unsupported_language, with no aspects', async () => {
      const doc = rawDocument(
        tenant,
        'german',
        'Das Essen war hervorragend, aber der Kellner war sehr unfreundlich.',
      );
      await send(inputTopic, [await encodeRaw(doc)]);
      const records = await documents.until(
        (r) => r.some((x) => x.value.event_id === doc.event_id),
        120_000,
        'the German document',
      );
      const event = records.find((x) => x.value.event_id === doc.event_id)!.value;
      expect(event.status).to.equal('unsupported_language');
      expect(event.lang).to.equal('de');
      expect(event.aspects).to.deep.equal([]);
    });
  });

  describe('two processor processes, one killed mid-stream', () => {
    const tenant = `t-${randomUUID().slice(0, 8)}`;
    const COUNT = 2000;
    const started: Started[] = [];

    after(async () => {
      for (const s of started) s.child.kill('SIGKILL');
    });

    it('yields every output event exactly once for a read_committed consumer', async () => {
      const inputTopic = await createInputTopic(kafka, 4);
      const env = async () => ({
        ABSA_INPUT_TOPIC: inputTopic,
        ABSA_GROUP_ID: `absa-kill-${tenant}`,
        ABSA_PORT: String(await freePort()),
        ABSA_THREADS: '1',
        ABSA_CHUNK_SIZE: '50',
        LOG_LEVEL: 'warn',
      });
      const documents = new CommittedReader<DocumentSentiment>(TOPICS.documents, (d) => d.tenant === tenant);
      const aspects = new CommittedReader<AspectMention>(TOPICS.aspects, (m) => m.tenant === tenant);
      await Promise.all([documents.start(), aspects.start()]);
      try {
        const texts = [
          'The battery lasts all day but the keyboard feels cheap.',
          'Great screen. Terrible speakers.',
          'Delivery was fast and the packaging was fine.',
          'The app crashes every time I open the settings.',
        ];
        const docs = Array.from({ length: COUNT }, (_, i) =>
          rawDocument(tenant, `doc-${i}`, `${texts[i % texts.length]} (#${i})`),
        );
        for (let i = 0; i < docs.length; i += 250) {
          await send(inputTopic, await Promise.all(docs.slice(i, i + 250).map(encodeRaw)));
        }
        started.push(startProcess('stream-processors/absa/main.ts', [], await env()));
        started.push(startProcess('stream-processors/absa/main.ts', [], await env()));
        await waitFor(
          async () => documents.records.length >= COUNT / 4,
          240_000,
          'a quarter of the documents',
        );
        started[0]!.child.kill('SIGKILL');
        await documents.until(
          (r) => new Set(r.map((x) => x.value.event_id)).size >= COUNT,
          300_000,
          'every document',
        );
        // Let anything that would be a duplicate arrive before counting.
        await new Promise((r) => setTimeout(r, 5000));

        const ids = documents.records.map((r) => r.value.event_id);
        expect(new Set(ids).size).to.equal(COUNT);
        expect(ids.length, 'document events, duplicates included').to.equal(COUNT);
        expect(new Set(ids)).to.deep.equal(new Set(docs.map((d) => d.event_id)));

        const expectedMentions = documents.records.flatMap((r) => r.value.aspects.map((a) => a.mention_id));
        await aspects.until((r) => r.length >= expectedMentions.length, 60_000, 'every aspect event');
        await new Promise((r) => setTimeout(r, 2000));
        const mentionIds = aspects.records.map((r) => r.value.mention_id);
        expect(mentionIds.length, 'aspect events, duplicates included').to.equal(expectedMentions.length);
        expect(new Set(mentionIds)).to.deep.equal(new Set(expectedMentions));
      } finally {
        await Promise.all([documents.stop(), aspects.stop()]);
      }
    });

    it('exits 0 on SIGTERM within 30 seconds, leaving the group', async () => {
      const survivor = started[1]!;
      const stopped = Date.now();
      survivor.child.kill('SIGTERM');
      const code = await survivor.exited;
      expect(code, survivor.output().slice(-2000)).to.equal(0);
      expect(Date.now() - stopped).to.be.below(30_000);
    });
  });
});
