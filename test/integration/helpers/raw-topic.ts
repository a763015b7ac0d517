/**
 * Reads what was published to a topic between two points in time, decoded with the writer schema
 * from the registry: snapshot the end offsets, do something, then read every record up to the end
 * offsets taken afterwards. Other processes may write to the same topic meanwhile; tests look for
 * their own ids among what they read.
 */
import kafkajs, { type Admin } from 'kafkajs';
import { RegistryClient } from '../../../common/kafka/registry';

const BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
export const REGISTRY_URL = process.env.SCHEMA_REGISTRY_URL ?? 'http://127.0.0.1:8081/apis/ccompat/v7';

export type Offsets = Map<number, bigint>;

export interface ReadRecord<T> {
  key: string | null;
  value: T;
  headers: Record<string, string>;
  partition: number;
  offset: string;
}

export class TopicProbe {
  private readonly kafka = new kafkajs.Kafka({
    clientId: 'test-probe',
    brokers: BROKERS,
    logLevel: kafkajs.logLevel.NOTHING,
  });
  private admin?: Admin;
  readonly registry = new RegistryClient(REGISTRY_URL);

  constructor(readonly topic: string) {}

  async endOffsets(): Promise<Offsets> {
    if (!this.admin) {
      this.admin = this.kafka.admin();
      await this.admin.connect();
    }
    const offsets = await this.admin.fetchTopicOffsets(this.topic);
    return new Map(offsets.map((o) => [o.partition, BigInt(o.high)]));
  }

  /** Every record with from <= offset < to, per partition, decoded. */
  async read<T = Record<string, unknown>>(from: Offsets, to: Offsets): Promise<Array<ReadRecord<T>>> {
    const wanted = [...to.entries()].filter(([p, end]) => end > (from.get(p) ?? 0n));
    if (wanted.length === 0) return [];
    const consumer = this.kafka.consumer({
      groupId: `test-probe-${process.pid}-${Date.now()}-${Math.random()}`,
    });
    const out: Array<ReadRecord<T>> = [];
    const remaining = new Set(wanted.map(([p]) => p));
    await consumer.connect();
    try {
      await consumer.subscribe({ topic: this.topic, fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out reading ${this.topic}`)), 60_000);
        consumer
          .run({
            autoCommit: false,
            eachMessage: async ({ partition, message }) => {
              const end = to.get(partition) ?? 0n;
              const offset = BigInt(message.offset);
              if (offset >= (from.get(partition) ?? 0n) && offset < end && message.value) {
                const headers: Record<string, string> = {};
                for (const [k, v] of Object.entries(message.headers ?? {})) headers[k] = String(v);
                out.push({
                  key: message.key?.toString() ?? null,
                  value: { ...(await this.registry.decode<T>(message.value)) } as T,
                  headers,
                  partition,
                  offset: message.offset,
                });
              }
              if (offset + 1n >= end && remaining.delete(partition) && remaining.size === 0) {
                clearTimeout(timer);
                resolve();
              }
            },
          })
          .catch(reject);
        consumer.on(consumer.events.GROUP_JOIN, () => {
          for (const [partition] of wanted) {
            consumer.seek({ topic: this.topic, partition, offset: String(from.get(partition) ?? 0n) });
          }
        });
      });
    } finally {
      await consumer.disconnect();
    }
    return out;
  }

  async close(): Promise<void> {
    await this.admin?.disconnect();
  }
}
