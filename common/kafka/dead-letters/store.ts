/**
 * Dead letters as people act on them: read every `*.dlq` topic (or one), filtered by source topic,
 * time, error class and tenant; decode the original where it decodes; and redrive the originals to
 * their source topics.
 *
 * Redrive is idempotent: each redriven dead letter is recorded in a compacted ledger topic
 * (`_aspect-stream.dlq-redrives`), in the same Kafka transaction as the republished original, so
 * asking twice republishes it once. The original key, value and headers go out unchanged, plus
 * `x-dlq-redriven-from: <dlq topic>/<partition>/<offset>`.
 */
import type { Admin, IHeaders, Kafka, KafkaMessage } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { errorMessage } from '../../errors/index';
import type { DeadLetter } from '../../../schemas/index';
import { createIdempotentProducer } from '../client';
import { headersFromList } from '../dlq';
import { MessageDecoder } from '../consumer/decoder';
import type { RegistryClient } from '../registry';

export const REDRIVE_LEDGER = '_aspect-stream.dlq-redrives';
export const REDRIVEN_HEADER = 'x-dlq-redriven-from';

export interface DeadLetterFilter {
  /** A source topic (text.raw.v1) or its DLQ (text.raw.v1.dlq); all DLQ topics when absent. */
  topic?: string;
  since?: number;
  until?: number;
  errorClass?: string;
  tenant?: string;
  limit?: number;
}

export interface DeadLetterRecord {
  /** `<dlq topic>/<partition>/<offset>`: how `show` names it and how the ledger keys it. */
  id: string;
  dlqTopic: string;
  envelope: DeadLetter;
  /** The original value decoded with its writer schema, when it decodes. */
  original?: Record<string, unknown>;
  /** Why the original does not decode, when it does not. */
  originalError?: string;
  tenant?: string;
  redriven: boolean;
}

export interface RedriveReport {
  selected: number;
  redriven: number;
  alreadyRedriven: number;
  byTopic: Record<string, number>;
}

type Range = Map<number, { from: bigint; to: bigint }>;
/** How long a partition may stay silent before what is left of its range counts as commit markers. */
const QUIET_MS = 3_000;

export class DeadLetterStore {
  private readonly decoder: MessageDecoder;

  constructor(
    private readonly kafka: Kafka,
    registry: RegistryClient,
  ) {
    this.decoder = new MessageDecoder(registry);
  }

  private async withAdmin<T>(fn: (admin: Admin) => Promise<T>): Promise<T> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      return await fn(admin);
    } finally {
      await admin.disconnect();
    }
  }

  /** The DLQ topics a filter names (`text.raw.v1` and `text.raw.v1.dlq` both mean the latter). */
  async dlqTopics(filter: DeadLetterFilter): Promise<string[]> {
    const all = (await this.withAdmin((a) => a.listTopics())).filter((t) => t.endsWith('.dlq')).sort();
    if (!filter.topic) return all;
    const wanted = filter.topic.endsWith('.dlq') ? filter.topic : `${filter.topic}.dlq`;
    if (!all.includes(wanted))
      throw new Error(`no dead-letter topic ${wanted} (known: ${all.join(', ') || 'none'})`);
    return [wanted];
  }

  /**
   * Every record of `topic` in the given offset range per partition. A partition is done when a
   * record at or past its end arrived, or when nothing arrived for a while: the last offsets of a
   * transactional topic are commit markers, which no consumer sees.
   */
  private async read(topic: string, range: Range): Promise<Array<KafkaMessage & { partition: number }>> {
    const wanted = [...range].filter(([, r]) => r.to > r.from);
    if (wanted.length === 0) return [];
    const consumer = this.kafka.consumer({ groupId: `dlq-tool-${randomUUID()}`, readUncommitted: false });
    const out: Array<KafkaMessage & { partition: number }> = [];
    const remaining = new Set(wanted.map(([p]) => p));
    let lastProgress = Date.now();
    let joined = false;
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      consumer.on(consumer.events.GROUP_JOIN, () => {
        joined = true;
        lastProgress = Date.now();
        for (const [partition, r] of wanted) consumer.seek({ topic, partition, offset: r.from.toString() });
      });
      await consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          const r = range.get(batch.partition);
          if (!r) return;
          lastProgress = Date.now();
          for (const m of batch.messages) {
            const offset = BigInt(m.offset);
            if (offset >= r.from && offset < r.to) out.push({ ...m, partition: batch.partition });
            if (offset + 1n >= r.to) remaining.delete(batch.partition);
          }
        },
      });
      const deadline = Date.now() + 120_000;
      while (remaining.size > 0 && (!joined || Date.now() - lastProgress < QUIET_MS)) {
        if (Date.now() > deadline) throw new Error(`timed out reading ${topic}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    } finally {
      await consumer.disconnect();
    }
    return out.sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)));
  }

  private async rangeOf(topic: string, since?: number): Promise<Range> {
    return this.withAdmin(async (admin) => {
      const ends = await admin.fetchTopicOffsets(topic);
      const starts = since === undefined ? undefined : await admin.fetchTopicOffsetsByTimestamp(topic, since);
      return new Map(
        ends.map((e) => {
          const start = starts?.find((s) => s.partition === e.partition)?.offset ?? e.low;
          return [e.partition, { from: BigInt(start === '-1' ? e.high : start), to: BigInt(e.high) }];
        }),
      );
    });
  }

  /** Keys of the dead letters redriven so far. */
  async redrivenIds(): Promise<Set<string>> {
    const exists = (await this.withAdmin((a) => a.listTopics())).includes(REDRIVE_LEDGER);
    if (!exists) return new Set();
    const messages = await this.read(REDRIVE_LEDGER, await this.rangeOf(REDRIVE_LEDGER));
    return new Set(messages.flatMap((m) => (m.key ? [m.key.toString()] : [])));
  }

  async list(filter: DeadLetterFilter): Promise<DeadLetterRecord[]> {
    const redriven = await this.redrivenIds();
    const out: DeadLetterRecord[] = [];
    for (const dlqTopic of await this.dlqTopics(filter)) {
      const messages = await this.read(dlqTopic, await this.rangeOf(dlqTopic, filter.since));
      for (const m of messages) {
        if (filter.limit !== undefined && out.length >= filter.limit) return out;
        const record = await this.describe(dlqTopic, m, redriven);
        if (record && matches(record, filter)) out.push(record);
      }
    }
    return out;
  }

  private async describe(
    dlqTopic: string,
    m: KafkaMessage & { partition: number },
    redriven: Set<string>,
  ): Promise<DeadLetterRecord | undefined> {
    if (!m.value) return undefined;
    const id = `${dlqTopic}/${m.partition}/${m.offset}`;
    const envelope = { ...(await this.decoder.decode<DeadLetter>(m)) };
    const record: DeadLetterRecord = { id, dlqTopic, envelope, redriven: redriven.has(id) };
    if (envelope.value) {
      try {
        record.original = {
          ...(await this.decoder.decode<Record<string, unknown>>({ value: envelope.value })),
        };
        if (typeof record.original.tenant === 'string') record.tenant = record.original.tenant;
      } catch (err) {
        record.originalError = errorMessage(err);
      }
    }
    return record;
  }

  /** Republishes the selected dead letters' originals once each; see the header comment. */
  async redrive(filter: DeadLetterFilter): Promise<RedriveReport> {
    const selected = await this.list(filter);
    const todo = selected.filter((r) => !r.redriven);
    const report: RedriveReport = {
      selected: selected.length,
      redriven: 0,
      alreadyRedriven: selected.length - todo.length,
      byTopic: {},
    };
    if (todo.length === 0) return report;
    await this.ensureLedger();
    const producer = createIdempotentProducer(this.kafka, {
      transactionalId: `dlq-redrive-${randomUUID()}`,
      maxInFlightRequests: 1,
    });
    await producer.connect();
    try {
      for (let i = 0; i < todo.length; i += 100) {
        const part = todo.slice(i, i + 100);
        const transaction = await producer.transaction();
        try {
          const byTopic = new Map<
            string,
            Array<{ key: Buffer | null; value: Buffer | null; headers: IHeaders }>
          >();
          for (const r of part) {
            const headers = headersFromList(r.envelope.headers);
            headers[REDRIVEN_HEADER] = r.id;
            const list = byTopic.get(r.envelope.source_topic) ?? [];
            list.push({ key: r.envelope.key, value: r.envelope.value, headers });
            byTopic.set(r.envelope.source_topic, list);
          }
          await transaction.sendBatch({
            acks: -1,
            topicMessages: [
              ...[...byTopic].map(([topic, messages]) => ({ topic, messages })),
              {
                topic: REDRIVE_LEDGER,
                messages: part.map((r) => ({
                  key: r.id,
                  value: JSON.stringify({ redriven_at: Date.now() }),
                })),
              },
            ],
          });
          await transaction.commit();
        } catch (err) {
          await transaction.abort().catch(() => undefined);
          throw err;
        }
        for (const r of part)
          report.byTopic[r.envelope.source_topic] = (report.byTopic[r.envelope.source_topic] ?? 0) + 1;
        report.redriven += part.length;
      }
    } finally {
      await producer.disconnect();
    }
    return report;
  }

  private async ensureLedger(): Promise<void> {
    await this.withAdmin(async (admin) => {
      if ((await admin.listTopics()).includes(REDRIVE_LEDGER)) return;
      await admin.createTopics({
        waitForLeaders: true,
        topics: [
          {
            topic: REDRIVE_LEDGER,
            numPartitions: 1,
            configEntries: [{ name: 'cleanup.policy', value: 'compact' }],
          },
        ],
      });
    });
  }
}

function matches(r: DeadLetterRecord, f: DeadLetterFilter): boolean {
  if (f.since !== undefined && r.envelope.failed_at < f.since) return false;
  if (f.until !== undefined && r.envelope.failed_at >= f.until) return false;
  if (f.errorClass !== undefined && r.envelope.error_class !== f.errorClass) return false;
  if (f.tenant !== undefined && r.tenant !== f.tenant) return false;
  return true;
}
