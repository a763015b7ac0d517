/**
 * How far the tally stage is through sentiment.aspects.v1, for the progress its chunks report: whether
 * a chunk reached its partition's end (the partition is live rather than working through a backlog),
 * and which partitions the tally group still has a backlog on by its committed offsets (so a detect
 * stage learns of a partition behind before any record of it arrived). The end offsets and the
 * group's offsets are read at most once per `maxAgeMs`; older ones only make a partition look caught
 * up a little early, by what was written since.
 */
import type { Admin, Kafka } from 'kafkajs';
import { DependencyUnavailableError, errorMessage } from '../../common/errors/index';
import { TOPICS } from '../../schemas/topics';

/**
 * Records left after a chunk that still count as caught up: the commit markers of the transactions
 * that wrote the partition are offsets no record is read from.
 */
export const CAUGHT_UP_SLACK = 16n;

interface Read {
  ends: Map<number, bigint>;
  backlogged: number[];
}

export class SourceEnds {
  private last: Read = { ends: new Map(), backlogged: [] };
  private readAt = -Infinity;
  private reading: Promise<void> | undefined;
  private admin: Admin | undefined;

  constructor(
    private readonly kafka: Kafka,
    /** The tally stage's consumer group. */
    private readonly groupId: string,
    private readonly maxAgeMs = 1000,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Whether nothing but commit markers follows `next` (the offset after a chunk) in `partition`, and
   * the partitions the group has a backlog on.
   */
  async progress(partition: number, next: bigint): Promise<{ caughtUp: boolean; backlogged: number[] }> {
    if (this.now() - this.readAt > this.maxAgeMs) await (this.reading ??= this.read());
    const end = this.last.ends.get(partition);
    return {
      caughtUp: end !== undefined && end - next <= CAUGHT_UP_SLACK,
      backlogged: this.last.backlogged.filter((p) => p !== partition),
    };
  }

  async stop(): Promise<void> {
    await this.admin?.disconnect().catch(() => undefined);
    this.admin = undefined;
  }

  private async read(): Promise<void> {
    try {
      if (!this.admin) {
        const admin = this.kafka.admin();
        await admin.connect();
        this.admin = admin;
      }
      const [topic, group] = await Promise.all([
        this.admin.fetchTopicOffsets(TOPICS.aspects),
        this.admin.fetchOffsets({ groupId: this.groupId, topics: [TOPICS.aspects] }),
      ]);
      const committed = new Map(
        (group.find((g) => g.topic === TOPICS.aspects)?.partitions ?? []).map((p) => [
          p.partition,
          BigInt(p.offset),
        ]),
      );
      const backlogged: number[] = [];
      for (const o of topic) {
        // No committed offset yet: the group starts at the beginning.
        const c = committed.get(o.partition) ?? -1n;
        const position = c >= 0n ? c : BigInt(o.low);
        if (BigInt(o.high) - position > CAUGHT_UP_SLACK) backlogged.push(o.partition);
      }
      this.last = { ends: new Map(topic.map((o) => [o.partition, BigInt(o.high)])), backlogged };
      this.readAt = this.now();
    } catch (err) {
      await this.stop();
      throw new DependencyUnavailableError(
        'kafka',
        `reading the offsets of ${TOPICS.aspects}: ${errorMessage(err)}`,
        { cause: err },
      );
    } finally {
      this.reading = undefined;
    }
  }
}
