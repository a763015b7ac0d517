/**
 * Collects what a `read_committed` consumer sees on a topic from given offsets on: the view a
 * downstream system has of a transactional producer's output. Start it before producing the input,
 * then wait for the records a test expects.
 */
import kafkajs, { type Consumer } from 'kafkajs';
import { RegistryClient } from '../../../common/kafka/registry';
import { waitFor } from './processes';

const BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const REGISTRY_URL = process.env.SCHEMA_REGISTRY_URL ?? 'http://127.0.0.1:8081/apis/ccompat/v7';

export interface Committed<T> {
  key: string | null;
  value: T;
  partition: number;
  offset: string;
}

export class CommittedReader<T> {
  readonly records: Committed<T>[] = [];
  private consumer?: Consumer;
  private readonly kafka = new kafkajs.Kafka({
    clientId: 'test-committed-reader',
    brokers: BROKERS,
    logLevel: kafkajs.logLevel.NOTHING,
  });
  private readonly registry = new RegistryClient(REGISTRY_URL);

  /** @param keep decides from the decoded value whether a record belongs to the test (e.g. its tenant). */
  constructor(
    readonly topic: string,
    private readonly keep: (value: T) => boolean,
  ) {}

  /** Starts reading at the current end of the topic; resolves once the consumer is positioned. */
  async start(): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    const ends = await admin.fetchTopicOffsets(this.topic);
    await admin.disconnect();
    const consumer = this.kafka.consumer({
      groupId: `test-reader-${process.pid}-${Date.now()}-${Math.random()}`,
      readUncommitted: false,
    });
    this.consumer = consumer;
    let positioned = false;
    // Where to go on from, per partition: the end at start, then past the last record read, so a
    // consumer that rejoins (after a broker restart) neither reads a record twice nor skips one.
    const next = new Map(ends.map((e) => [e.partition, BigInt(e.high)]));
    consumer.on(consumer.events.GROUP_JOIN, () => {
      for (const [partition, offset] of next)
        consumer.seek({ topic: this.topic, partition, offset: offset.toString() });
      positioned = true;
    });
    await consumer.connect();
    await consumer.subscribe({ topic: this.topic, fromBeginning: false });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        const offset = BigInt(message.offset);
        if (offset < (next.get(partition) ?? 0n)) return;
        const value = message.value ? await this.registry.decode<T>(message.value) : undefined;
        next.set(partition, offset + 1n);
        if (value === undefined) return;
        if (this.keep(value)) {
          this.records.push({
            key: message.key?.toString() ?? null,
            value,
            partition,
            offset: message.offset,
          });
        }
      },
    });
    await waitFor(async () => positioned, 60_000, `consumer on ${this.topic} to join`);
  }

  /** Waits until `done(records)` holds. */
  async until(
    done: (records: Committed<T>[]) => boolean,
    timeoutMs: number,
    what: string,
  ): Promise<Committed<T>[]> {
    await waitFor(async () => done(this.records), timeoutMs, what);
    return this.records;
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }
}
