/**
 * `npm run -s dlq`: documents dead-lettered by a bug (here a processor misconfigured to refuse any
 * text over 20 characters) are listed, shown with their decoded original, and redriven after the
 * fix; they land once, and redriving them again republishes nothing.
 */
import { expect } from 'chai';
import kafkajs from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { RegistryClient, valueSubject } from '../../common/kafka/registry';
import { schemas, type DeadLetter, type DocumentSentiment, type RawDocument } from '../../schemas/index';
import { TOPICS, dlqTopic } from '../../schemas/topics';
import { CommittedReader } from './helpers/committed-reader';
import { freePort, runProcess, startProcess, type Started } from './helpers/processes';
import { createRawTopic, rawDocuments } from './helpers/raw-input';

const BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const REGISTRY_URL = process.env.SCHEMA_REGISTRY_URL ?? 'http://127.0.0.1:8081/apis/ccompat/v7';
const COUNT = 20;

describe('dead letters: list, show and redrive after a fix', function () {
  this.timeout(600_000);
  const kafka = new kafkajs.Kafka({
    clientId: 'dlq-test',
    brokers: BROKERS,
    logLevel: kafkajs.logLevel.NOTHING,
  });
  const registry = new RegistryClient(REGISTRY_URL);
  const tenant = `t-${randomUUID().slice(0, 8)}`;
  let topic: string;
  const processes: Started[] = [];
  let documents: CommittedReader<DocumentSentiment> | undefined;
  let deadLetters: CommittedReader<DeadLetter> | undefined;

  after(async () => {
    for (const p of processes) p.child.kill('SIGKILL');
    await Promise.all([documents?.stop(), deadLetters?.stop()]);
  });

  const processor = async (env: Record<string, string> = {}) => {
    const p = startProcess('stream-processors/absa/main.ts', [], {
      ABSA_INPUT_TOPIC: topic,
      ABSA_GROUP_ID: `absa-redrive-${tenant}`,
      ABSA_PORT: String(await freePort()),
      LOG_LEVEL: 'warn',
      ...env,
    });
    processes.push(p);
    return p;
  };
  const dlq = (...args: string[]) => runProcess('common/kafka/dead-letters/main.ts', args);

  it('redrives what a bug dead-lettered, once, however often it is asked', async () => {
    topic = await createRawTopic(kafka, 'redrive');
    documents = new CommittedReader<DocumentSentiment>(TOPICS.documents, (d) => d.tenant === tenant);
    deadLetters = new CommittedReader<DeadLetter>(dlqTopic(topic), () => true);
    await Promise.all([documents.start(), deadLetters.start()]);
    const schemaId = await registry.registerSchema(valueSubject(topic), schemas.rawDocument);
    const docs = rawDocuments(
      tenant,
      0,
      COUNT,
      (i) => `The coffee was excellent and the staff were friendly (#${i}).`,
    );
    const producer = kafka.producer({ idempotent: true });
    await producer.connect();
    await producer.send({
      topic,
      acks: -1,
      messages: await Promise.all(
        docs.map(async (d) => ({ key: d.event_id, value: await registry.encode(schemaId, d) })),
      ),
    });
    await producer.disconnect();

    // The bug: every text is "too long".
    const buggy = await processor({ ABSA_MAX_TEXT_CHARS: '20' });
    await deadLetters.until((r) => r.length >= COUNT, 240_000, 'every document dead-lettered');
    expect(documents.records).to.have.length(0);
    buggy.child.kill('SIGTERM');
    await buggy.exited;

    const listed = await dlq('list', '--topic', topic, '--tenant', tenant);
    expect(listed.code, listed.stderr).to.equal(0);
    const rows = listed.stdout.trim().split('\n').slice(1);
    expect(rows).to.have.length(COUNT);
    expect(rows.every((r) => r.includes('TextTooLongError') && r.includes(tenant))).to.equal(true);
    const shown = await dlq('show', rows[0]!.split('\t')[0]!);
    expect(shown.code, shown.stderr).to.equal(0);
    const first = JSON.parse(shown.stdout) as { original: RawDocument; envelope: { error_code: string } };
    expect(first.envelope.error_code).to.equal('text_too_long');
    expect(first.original.tenant).to.equal(tenant);

    // The fix, then the redrive, twice.
    await processor();
    const redriven = await dlq('redrive', '--topic', topic, '--tenant', tenant);
    expect(redriven.code, redriven.stderr).to.equal(0);
    expect(redriven.stdout).to.match(
      new RegExp(`selected ${COUNT}, redriven ${COUNT}, already redriven before 0`),
    );
    const again = await dlq('redrive', '--topic', topic, '--tenant', tenant);
    expect(again.stdout).to.match(
      new RegExp(`selected ${COUNT}, redriven 0, already redriven before ${COUNT}`),
    );

    await documents.until((r) => r.length >= COUNT, 240_000, 'every redriven document analysed');
    await new Promise((r) => setTimeout(r, 5000));
    const ids = documents.records.map((r) => r.value.event_id);
    expect(ids, 'document events, duplicates included').to.have.length(COUNT);
    expect(new Set(ids)).to.deep.equal(new Set(docs.map((d) => d.event_id)));
    expect(deadLetters.records, 'nothing dead-lettered again').to.have.length(COUNT);
  });
});
