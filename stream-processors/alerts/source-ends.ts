/**
 * Whether the tally stage has read an input partition to its end: what tells the detect stage that
 * the partition is live (it holds no entity back) rather than working through a backlog. The end
 * offsets of sentiment.aspects.v1 are read at most once per `maxAgeMs`; an older end only makes a
 * partition look caught up a little early, by what was written since.
 */
import type { Admin, Kafka } from 'kafkajs';
import { DependencyUnavailableError, errorMessage } from '../../common/errors/index';
import { TOPICS } from '../../schemas/topics';

/**
 * Records left after a chunk that still count as caught up: the commit markers of the transactions
 * that wrote the partition are offsets no record is read from.
 */
export const CAUGHT_UP_SLACK = 16n;

export class SourceEnds {
  private ends = new Map<number, bigint>();
  private readAt = -Infinity;
  private reading: Promise<void> | undefined;
  private admin: Admin | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly maxAgeMs = 1000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether nothing but commit markers follows `next` (the offset after a chunk) in `partition`. */
  async caughtUp(partition: number, next: bigint): Promise<boolean> {
    if (this.now() - this.readAt > this.maxAgeMs) await (this.reading ??= this.read());
    const end = this.ends.get(partition);
    return end !== undefined && end - next <= CAUGHT_UP_SLACK;
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
      const offsets = await this.admin.fetchTopicOffsets(TOPICS.aspects);
      this.ends = new Map(offsets.map((o) => [o.partition, BigInt(o.high)]));
      this.readAt = this.now();
    } catch (err) {
      await this.stop();
      throw new DependencyUnavailableError(
        'kafka',
        `reading the ends of ${TOPICS.aspects}: ${errorMessage(err)}`,
        {
          cause: err,
        },
      );
    } finally {
      this.reading = undefined;
    }
  }
}
