import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import kafkajs from 'kafkajs';
import { RegistryClient, SchemaIncompatibleError, valueSubject } from '../../common/kafka/registry';
import { ensureTopics } from '../../common/kafka/topics';
import { schemas } from '../../schemas/index';
import { TOPIC_DEFINITIONS } from '../../schemas/topics';
import { REGISTRY_URL } from './helpers/raw-topic';
import { runProcess } from './helpers/processes';

const BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');

describe('Event contracts against the real registry and broker (schemas/)', function () {
  this.timeout(120_000);
  const registry = new RegistryClient(REGISTRY_URL);
  const subject = `contract-test.${randomUUID().slice(0, 8)}-value`;
  const v1 = {
    type: 'record',
    name: 'Probe',
    namespace: 'io.aspectstream.test',
    doc: 'test',
    fields: [{ name: 'id', type: 'string', doc: 'id' }],
  };

  after(async () => {
    for (const q of ['', '?permanent=true']) {
      await fetch(`${REGISTRY_URL}/subjects/${encodeURIComponent(subject)}${q}`, { method: 'DELETE' });
    }
  });

  it('registers a subject at BACKWARD and returns the same id when the same schema is registered again', async () => {
    const first = await registry.registerSchema(subject, v1);
    expect(await registry.registerSchema(subject, v1)).to.equal(first);
    expect(await registry.getCompatibility(subject)).to.equal('BACKWARD');
  });

  it('registers a new subject from many concurrent callers: one id, BACKWARD, no error', async () => {
    const fresh = `contract-test.${randomUUID().slice(0, 8)}-value`;
    try {
      const ids = await Promise.all(Array.from({ length: 8 }, () => registry.registerSchema(fresh, v1)));
      expect(new Set(ids).size).to.equal(1);
      expect(await registry.getCompatibility(fresh)).to.equal('BACKWARD');
    } finally {
      for (const q of ['', '?permanent=true']) {
        await fetch(`${REGISTRY_URL}/subjects/${encodeURIComponent(fresh)}${q}`, { method: 'DELETE' });
      }
    }
  });

  it('accepts a compatible change: a new optional field with a default', async () => {
    const v2 = {
      ...v1,
      fields: [...v1.fields, { name: 'lang', type: ['null', 'string'], default: null, doc: 'x' }],
    };
    expect((await registry.isCompatible(subject, v2)).compatible).to.equal(true);
    const id = await registry.registerSchema(subject, v2);
    expect(id).to.be.a('number');
  });

  it('refuses an incompatible change (a new required field without a default) and names the subject', async () => {
    const bad = { ...v1, fields: [...v1.fields, { name: 'rating', type: 'int', doc: 'x' }] };
    expect((await registry.isCompatible(subject, bad)).compatible).to.equal(false);
    let error: unknown;
    try {
      await registry.registerSchema(subject, bad);
    } catch (err) {
      error = err;
    }
    expect(error).to.be.instanceOf(SchemaIncompatibleError);
    expect((error as Error).message).to.include(subject);
  });

  it('has every topic of the pipeline and its <topic>-value subject registered at BACKWARD after npm run topics', async () => {
    const result = await runProcess('schemas/main.ts', []);
    expect(result.code, result.stdout + result.stderr).to.equal(0);
    const kafka = new kafkajs.Kafka({
      brokers: BROKERS,
      clientId: 'contract-test',
      logLevel: kafkajs.logLevel.NOTHING,
    });
    const admin = kafka.admin();
    await admin.connect();
    try {
      const topics = await admin.listTopics();
      for (const def of TOPIC_DEFINITIONS) {
        expect(topics).to.include(def.name);
        if (!def.valueSchema) continue; // a service's own JSON changelog
        expect(await registry.getCompatibility(valueSubject(def.name))).to.equal('BACKWARD');
        // The registered schema is the one in the repository: registering it again gives an id back, no new version.
        const id = await registry.registerSchema(valueSubject(def.name), schemas[def.valueSchema]);
        expect(id).to.be.a('number');
      }
    } finally {
      await admin.disconnect();
    }
  });

  it('creates a missing topic and, run again with other settings, reports drift without changing the topic', async () => {
    const kafka = new kafkajs.Kafka({
      brokers: BROKERS,
      clientId: 'contract-test',
      logLevel: kafkajs.logLevel.NOTHING,
    });
    const admin = kafka.admin();
    await admin.connect();
    const name = `contract-test.topic.${randomUUID().slice(0, 8)}`;
    try {
      const spec = {
        name,
        partitions: 2,
        replicationFactor: 1,
        config: { 'retention.ms': '3600000', 'cleanup.policy': 'delete' },
      };
      const created = await ensureTopics(admin, [spec]);
      expect(created.created).to.deep.equal([name]);
      const again = await ensureTopics(admin, [spec]);
      expect(again).to.deep.equal({ created: [], existing: [name], drift: [] });

      const changed = await ensureTopics(admin, [
        { ...spec, partitions: 4, config: { ...spec.config, 'retention.ms': '60000' } },
      ]);
      expect(changed.drift).to.deep.include.members([
        { topic: name, setting: 'partitions', expected: '4', actual: '2' },
        { topic: name, setting: 'retention.ms', expected: '60000', actual: '3600000' },
      ]);
      const meta = await admin.fetchTopicMetadata({ topics: [name] });
      expect(meta.topics[0]!.partitions).to.have.length(2);
    } finally {
      await admin.deleteTopics({ topics: [name] }).catch(() => undefined);
      await admin.disconnect();
    }
  });
});
