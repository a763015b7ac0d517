import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import {
  ConfigResourceTypes,
  Kafka,
  Partitioners,
  logLevel,
  type Admin,
  type Consumer,
  type KafkaMessage,
} from 'kafkajs';

const KAFKA_BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');

/** Consumes `topic` from the beginning until `count` messages arrived (or the time runs out). */
async function consumeAll(consumer: Consumer, topic: string, count: number): Promise<KafkaMessage[]> {
  const received: KafkaMessage[] = [];
  await consumer.subscribe({ topic, fromBeginning: true });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`received ${received.length} of ${count} messages on ${topic} in 30 s`)),
      30_000,
    );
    consumer
      .run({
        eachMessage: async ({ message }) => {
          received.push(message);
          if (received.length >= count) {
            clearTimeout(timer);
            resolve();
          }
        },
      })
      .catch(reject);
  });
  return received;
}

describe('Kafka (local stack)', function () {
  this.timeout(90_000);

  // NOTHING: the first use of the group and transaction coordinators answers with retriable errors
  // (coordinator loading) that kafkajs retries but logs as ERROR; the assertions tell what failed.
  const kafka = new Kafka({ clientId: 'stack-test', brokers: KAFKA_BROKERS, logLevel: logLevel.NOTHING });
  const runId = randomUUID().slice(0, 8);
  const topics: string[] = [];
  const consumers: Consumer[] = [];
  let admin: Admin;

  async function createTopic(name: string): Promise<string> {
    const topic = `stack-test.${name}.${runId}`;
    const created = await admin.createTopics({
      topics: [{ topic, numPartitions: 1, replicationFactor: 1 }],
      waitForLeaders: true,
    });
    expect(created, `topic ${topic} created`).to.equal(true);
    topics.push(topic);
    return topic;
  }

  function consumer(groupId: string, readUncommitted = false): Consumer {
    const c = kafka.consumer({ groupId: `${groupId}.${runId}`, readUncommitted });
    consumers.push(c);
    return c;
  }

  before(async () => {
    admin = kafka.admin();
    await admin.connect();
  });

  after(async () => {
    for (const c of consumers) await c.disconnect();
    if (topics.length) await admin.deleteTopics({ topics, timeout: 10_000 });
    await admin.disconnect();
  });

  it('is a single KRaft node that does not create topics on first use', async () => {
    const cluster = await admin.describeCluster();
    expect(cluster.brokers).to.have.length(1);
    const [config] = (
      await admin.describeConfigs({
        resources: [{ type: ConfigResourceTypes.BROKER, name: String(cluster.brokers[0]!.nodeId) }],
        includeSynonyms: false,
      })
    ).resources;
    const value = (name: string) => config!.configEntries.find((e) => e.configName === name)?.configValue;
    expect(value('auto.create.topics.enable')).to.equal('false');
    expect(value('process.roles')).to.equal('broker,controller');
  });

  it('delivers a message from an idempotent producer with acks=all to a consumer, key, value and headers intact', async () => {
    const topic = await createTopic('roundtrip');
    const producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();
    try {
      const [meta] = await producer.send({
        topic,
        acks: -1,
        messages: [
          {
            key: 'doc-1',
            value: JSON.stringify({ text: 'The battery life is great' }),
            headers: { source: 'test' },
          },
        ],
      });
      expect(meta!.errorCode).to.equal(0);
    } finally {
      await producer.disconnect();
    }

    const [message] = await consumeAll(consumer('roundtrip'), topic, 1);
    expect(message!.key!.toString()).to.equal('doc-1');
    expect(JSON.parse(message!.value!.toString())).to.deep.equal({ text: 'The battery life is great' });
    expect(message!.headers!['source']!.toString()).to.equal('test');
  });

  it('shows read_committed consumers the messages of a committed transaction and none of an aborted one', async () => {
    const topic = await createTopic('transactions');
    const producer = kafka.producer({
      transactionalId: `stack-test.${runId}`,
      createPartitioner: Partitioners.DefaultPartitioner,
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await producer.connect();
    try {
      const aborted = await producer.transaction();
      await aborted.send({ topic, acks: -1, messages: [{ key: 'a', value: 'aborted' }] });
      await aborted.abort();

      const committed = await producer.transaction();
      await committed.send({ topic, acks: -1, messages: [{ key: 'c', value: 'committed' }] });
      await committed.commit();

      // A last committed message: once the consumer has it, it has seen everything before it.
      const last = await producer.transaction();
      await last.send({ topic, acks: -1, messages: [{ key: 'm', value: 'end' }] });
      await last.commit();
    } finally {
      await producer.disconnect();
    }

    const values = (await consumeAll(consumer('read-committed'), topic, 2)).map((m) => m.value!.toString());
    expect(values).to.deep.equal(['committed', 'end']);
  });
});
