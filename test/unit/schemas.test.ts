import { expect } from 'chai';
import avro from 'avsc';
import {
  avroType,
  schemas,
  type AvroRecordSchema,
  type DeadLetter,
  type RawDocument,
} from '../../schemas/index';
import { TOPIC_DEFINITIONS, dlqTopic } from '../../schemas/topics';
import { topicSpecs } from '../../schemas/apply';
import { deadLetterEnvelope } from '../../common/kafka/dlq';
import { RetriableError } from '../../common/errors/index';

function undocumented(schema: unknown, path: string): string[] {
  const out: string[] = [];
  if (Array.isArray(schema)) return schema.flatMap((s, i) => undocumented(s, `${path}[${i}]`));
  if (!schema || typeof schema !== 'object') return out;
  const s = schema as AvroRecordSchema & { items?: unknown; values?: unknown };
  if (s.type === 'record') {
    if (!s.doc) out.push(`${path} (record ${s.name})`);
    for (const f of s.fields) {
      if (!f.doc) out.push(`${path}.${f.name}`);
      out.push(...undocumented(f.type, `${path}.${f.name}`));
    }
  }
  if (s.items) out.push(...undocumented(s.items, `${path}[]`));
  if (s.values) out.push(...undocumented(s.values, `${path}{}`));
  return out;
}

describe('schemas (event contracts)', () => {
  for (const [name, schema] of Object.entries(schemas)) {
    it(`${name}: parses as Avro, lives under io.aspectstream and documents every field`, () => {
      expect(() => avro.Type.forSchema(schema as avro.Schema)).to.not.throw();
      expect(schema.namespace).to.match(/^io\.aspectstream\./);
      expect(undocumented(schema, name)).to.deep.equal([]);
    });
  }

  it('accepts a raw document as the collectors build it and refuses one without text', () => {
    const doc: RawDocument = {
      event_id: '2ed6657d-e927-568b-95e1-2665a8aea6a2',
      tenant: 'acme',
      source: 'app-store',
      source_id: '1',
      entity: null,
      author_id: null,
      url: null,
      lang: 'en',
      text: 'Battery is great',
      created_at: 1714566600000,
      ingested_at: 1714566601000,
      collector: 'http',
      metadata: { rating: '5' },
    };
    const type = avroType('rawDocument');
    expect(type.isValid(doc)).to.equal(true);
    expect(type.fromBuffer(type.toBuffer(doc))).to.deep.include({
      text: 'Battery is great',
      created_at: 1714566600000,
    });
    const { text: _t, ...noText } = doc;
    expect(type.isValid(noText)).to.equal(false);
  });

  it('keeps original bytes, headers and Kafka coordinates in the dead-letter envelope', () => {
    const envelope: DeadLetter = deadLetterEnvelope(
      {
        topic: 'text.raw.v1',
        partition: 3,
        message: {
          key: Buffer.from('k'),
          value: Buffer.from([0, 1, 2]),
          headers: { a: Buffer.from('b') },
          offset: '42',
          timestamp: '1000',
        },
      },
      new RetriableError('model timed out', { code: 'model_timeout' }),
      { name: 'absa-processor', version: '0.1.0' },
      3,
      5000,
    );
    expect(envelope).to.deep.include({
      source_topic: 'text.raw.v1',
      source_partition: 3,
      source_offset: 42,
      source_timestamp: 1000,
      error_class: 'RetriableError',
      error_message: 'model timed out',
      error_code: 'model_timeout',
      retriable: true,
      attempts: 3,
      failed_at: 5000,
      processor: 'absa-processor',
    });
    expect(envelope.value).to.deep.equal(Buffer.from([0, 1, 2]));
    expect(envelope.headers).to.deep.equal([{ key: 'a', value: Buffer.from('b') }]);
    expect(avroType('deadLetter').isValid(envelope)).to.equal(true);
  });

  it('defines a dead-letter topic for every main topic, and min.insync.replicas on all of them', () => {
    const names = TOPIC_DEFINITIONS.map((t) => t.name);
    for (const main of [
      'text.raw.v1',
      'sentiment.documents.v1',
      'sentiment.aspects.v1',
      'sentiment.alerts.v1',
    ]) {
      expect(names).to.include(main).and.include(dlqTopic(main));
    }
    for (const spec of topicSpecs({ replicationFactor: 3, minInsyncReplicas: 2 })) {
      expect(spec.config['min.insync.replicas']).to.equal('2');
      // State changelogs are compacted (the latest state per key is what a restore needs); the rest expire.
      if (spec.name === 'alerts.state.v1') {
        expect(spec.config['cleanup.policy']).to.equal('compact');
        continue;
      }
      expect(spec.config['cleanup.policy']).to.equal('delete');
      expect(Number(spec.config['retention.ms'])).to.be.greaterThan(0);
      expect(spec.replicationFactor).to.equal(3);
    }
  });
});
