/**
 * The one consumer loop of this project (the ABSA processor, both sinks, the alert service):
 *
 *   fetch a partition batch → cut it into chunks → decode each message (registry, cached by schema
 *   id) → the handler handles the chunk and says, per message, done or dead-letter (with the error)
 *   → dead letters built → the commit strategy (commit.ts) commits outputs, dead letters and the
 *   next offset.
 *
 * Outage versus poison: a message is dead-lettered only for an error of its own (undecodable, an
 * unknown schema id, refused by the handler or the store for its content). When anything in the
 * chunk fails retriably — a dependency unreachable, refusing our credentials, read-only — nothing
 * is dead-lettered and nothing committed: the loop waits with the outage retry policy, heartbeating
 * so the group keeps the partition, reports the dependency as unavailable (metric, /readyz, a log
 * line saying since when) and handles the same chunk again once it answers.
 *
 * Latency and throughput: chunks adapt to the backlog (small when the partition is nearly caught up,
 * up to `maxChunk` when it is far behind), and while one chunk commits the next is already being
 * handled, commits staying one at a time and in offset order; a chunk handled ahead of a failed
 * commit is dropped and read again. Heartbeats keep flowing while a chunk is being handled.
 *
 * Start-up: nothing exits because Kafka, the registry or a store is down; `start` waits (startup
 * retry policy) and /readyz says what it waits for.
 */
import type { Admin, Consumer, EachBatchPayload, Kafka, KafkaMessage, TopicMessages } from 'kafkajs';
import {
  FatalError,
  RetriableError,
  RETRY_POLICIES,
  backoffDelay,
  classifyError,
  errorMessage,
  isRetriable,
  sleep,
  unavailableDependency,
  type BackoffOptions,
} from '../../errors/index';
import type { Logger } from '../../logging/index';
import { childKafkaTraceHeaders, distinctTraceIds, traceFromKafkaHeaders } from '../../tracing/index';
import type { Metrics, ReadinessCheck } from '../../metrics/index';
import { DeadLetterWriter } from '../dlq';
import type { RegistryClient } from '../registry';
import type { CommitStrategy } from './commit';
import { MessageDecoder } from './decoder';
import { consumerMetrics, type ConsumerMetrics } from './metrics';

export interface Consumed<T> {
  message: KafkaMessage;
  value: T;
}

export interface Source {
  topic: string;
  partition: number;
}

/** What the handler made of a chunk. */
export interface Handled<R = unknown> {
  /** One entry per message handed in, in order: undefined when done, else the error that dead-letters it. */
  outcomes: Array<unknown | undefined>;
  /** Outputs to publish with the offsets (transactional commit only). */
  records?: TopicMessages[];
  /** Anything the handler wants back in `committed` (counts for its own metrics). */
  report?: R;
}

export interface ConsumerHandler<T, R = unknown> {
  /**
   * Handles decoded messages. Throw a retriable error (DependencyUnavailableError for a dependency)
   * to have the whole chunk handled again later; never throw for one message's content: return its
   * error as its outcome.
   */
  handle(items: Array<Consumed<T>>, source: Source, signal: AbortSignal): Promise<Handled<R>>;
  /** Called once the chunk is committed, so metrics count only what readers can see. */
  committed?(chunk: CommittedChunk<R>): void;
}

export interface CommittedChunk<R> extends Source {
  messages: number;
  deadLetters: Array<{ message: KafkaMessage; error: unknown }>;
  report?: R;
  seconds: number;
}

export interface ConsumerLoopOptions<T, R> {
  /** Names the consumer in metrics and logs, e.g. sink-postgres; also written into dead letters. */
  name: string;
  version?: string;
  kafka: Kafka;
  registry: RegistryClient;
  logger: Logger;
  metrics: Metrics;
  groupId: string;
  topics: string[];
  fromBeginning: boolean;
  commit: CommitStrategy;
  handler: ConsumerHandler<T, R>;
  /** Most messages per chunk (one transaction, one store write). */
  maxChunk: number;
  partitionsConcurrently: number;
  maxBytesPerPartition: number;
  /** Waiting for an unavailable dependency; defaults to RETRY_POLICIES.outage. */
  outageBackoff?: BackoffOptions;
  /** Start from this time instead of the committed offsets (reprocessing). */
  fromTimestamp?: number;
  /** Stop once these end offsets per partition of the (single) topic are reached (reprocessing). */
  stopAt?: Map<number, bigint>;
  onCaughtUp?: () => void;
  /** Called on every group join: state kept per partition may belong to another owner by now. */
  onAssignment?: () => void;
  /** How often lag is read from the broker between batches; defaults to LAG_REFRESH_MS, 0 turns it off. */
  lagRefreshMs?: number;
}

/** The loop was asked to stop while a chunk waited; the chunk stays uncommitted and is read again. */
export class ConsumerStoppedError extends FatalError {}

interface Prepared<R> {
  messages: KafkaMessage[];
  handled: Handled<R>;
  deadLetters: Array<{ message: KafkaMessage; error: unknown }>;
  records: TopicMessages[];
  started: number;
}

/** Smallest chunk worth a commit of its own when the partition is nearly caught up. */
const MIN_CHUNK = 16;
const HEARTBEAT_MS = 3_000;
/**
 * Lag is set when a batch is fetched, so a consumer that fetches nothing (stuck on a chunk, waiting
 * out an outage) would show the lag it had then. Refreshing it from the broker's high watermarks this
 * often keeps it rising while input piles up, which the lag alerts rely on.
 */
export const LAG_REFRESH_MS = 15_000;
/** The `dependency` label of a retriable failure that names none. */
const TRANSIENT = 'transient';

/** ECS `trace.id` of a consumed message's trace (its span is the sender's, so no `span.id`). */
function traceIdField(headers: KafkaMessage['headers']): { trace?: { id: string } } {
  const trace = traceFromKafkaHeaders(headers);
  return trace ? { trace: { id: trace.traceId } } : {};
}

/**
 * kafkajs restarts a crashed consumer only when the innermost `cause` of its error is retriable. A
 * transaction the broker fenced or refused after a restart is not, so the consumer would stop for
 * good while the process stays up and silent. A failed batch is always worth a restart from the
 * committed offsets, so the error kafkajs sees ends the chain itself (the original kept as `original`).
 */
export function restartable(err: unknown): Error {
  const bare = err instanceof Error && err.cause === undefined;
  if (bare && (err as { retriable?: unknown }).retriable === true) return err;
  return Object.assign(new RetriableError(`batch failed: ${errorMessage(err)}`), { original: err });
}

/** Chunk size for a backlog: about a quarter of it, so the first results commit early. */
export function chunkSizeFor(lag: number, maxChunk: number): number {
  return Math.max(Math.min(MIN_CHUNK, maxChunk), Math.min(maxChunk, Math.ceil(lag / 4)));
}

export class ConsumerLoop<T, R = unknown> {
  private readonly decoder: MessageDecoder;
  private readonly dlq: DeadLetterWriter;
  private readonly metrics: ConsumerMetrics;
  private readonly abort = new AbortController();
  private readonly outages = new Map<string, { since: number; attempts: number }>();
  private readonly done = new Set<number>();
  private consumer: Consumer | undefined;
  private joined = false;
  private stopping = false;
  private waitingFor: string | undefined = 'start';
  /** Partitions of the last group join, by topic. */
  private assignment = new Map<string, number[]>();
  /** Next offset to fetch by topic and partition, from the last batch of this owner. */
  private readonly positions = new Map<string, Map<number, bigint>>();
  private lagTimer: ReturnType<typeof setInterval> | undefined;
  private lagAdmin: Admin | undefined;
  private lagRefreshing = false;
  private lagRefreshFailing = false;

  constructor(private readonly options: ConsumerLoopOptions<T, R>) {
    this.decoder = new MessageDecoder(options.registry);
    this.dlq = new DeadLetterWriter(options.registry, { name: options.name, version: options.version });
    this.metrics = consumerMetrics(options.metrics);
  }

  /** For /readyz: the group is joined and no dependency is known to be unavailable. */
  readiness(): ReadinessCheck[] {
    return [
      { name: 'schema-registry', check: () => this.options.registry.ping() },
      {
        // Says what start-up waits for (kafka, postgres, …) until the group is joined.
        name: 'consumer',
        check: async () => {
          if (this.waitingFor) throw new Error(`waiting for ${this.waitingFor}`);
          if (!this.joined) throw new Error('consumer group not joined');
        },
      },
      {
        name: 'dependencies',
        check: async () => {
          const down = [...this.outages.entries()]
            .filter(([d]) => d !== TRANSIENT)
            .map(([d, o]) => `${d} unavailable since ${new Date(o.since).toISOString()}`);
          if (down.length > 0) throw new Error(down.join('; '));
        },
      },
    ];
  }

  /**
   * Runs `step` until it succeeds, waiting out retriable failures (a dependency down at start-up).
   * Only stop ends the wait.
   */
  async untilAvailable<V>(what: string, step: () => Promise<V>): Promise<V> {
    for (let attempt = 1; ; attempt++) {
      this.waitingFor = what;
      try {
        return await step();
      } catch (err) {
        if (!isRetriable(err)) throw err;
        if (this.stopping)
          throw new ConsumerStoppedError(`stopped while waiting for ${what}`, { cause: err });
        const delay = backoffDelay(attempt, RETRY_POLICIES.startup);
        if (attempt === 1 || attempt % 10 === 0) {
          this.options.logger.warn(
            `waiting for ${what} (attempt ${attempt}, next in ${delay} ms): ${errorMessage(err)}`,
            {
              event: { action: 'consumer-start-waiting' },
              error: { type: classifyError(err).errorClass, message: errorMessage(err) },
              labels: { consumer: this.options.name, dependency: unavailableDependency(err) ?? what },
            },
          );
        }
        await sleep(delay, this.abort.signal).catch(() => undefined);
      }
    }
  }

  async start(): Promise<void> {
    const options = this.options;
    const { kafka } = options;
    await this.untilAvailable('kafka', () => options.commit.start(kafka));
    const consumer = kafka.consumer({
      groupId: options.groupId,
      readUncommitted: false,
      maxBytesPerPartition: options.maxBytesPerPartition,
      maxBytes: options.maxBytesPerPartition * options.partitionsConcurrently,
      sessionTimeout: 30_000,
      heartbeatInterval: HEARTBEAT_MS,
      // Poison is dead-lettered per message and outages are waited out inside the batch, so what
      // fails a batch is the broker connection or a transaction: always restart from the committed
      // offsets instead of leaving the group and idling.
      retry: {
        retries: 8,
        restartOnFailure: async (err) => {
          options.logger.warn(`consumer restarting after a failure: ${errorMessage(err)}`, {
            event: { action: 'consumer-restarting' },
            error: { type: classifyError(err).errorClass, message: errorMessage(err) },
            labels: { consumer: options.name },
          });
          return !this.stopping;
        },
      },
    });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, (e) => {
      this.joined = true;
      this.assigned(e.payload.memberAssignment);
      options.onAssignment?.();
      options.logger.info(`joined consumer group ${options.groupId}`, {
        event: { action: 'consumer-group-joined' },
        labels: { consumer: options.name },
        kafka: { assignment: e.payload.memberAssignment },
      });
    });
    consumer.on(consumer.events.CRASH, (e) => {
      this.joined = false;
      options.logger.error(
        `consumer crashed${e.payload.restart ? ', restarting' : ''}: ${errorMessage(e.payload.error)}`,
        {
          event: { action: 'consumer-crashed' },
          error: { type: classifyError(e.payload.error).errorClass, message: errorMessage(e.payload.error) },
          labels: { consumer: options.name },
        },
      );
    });
    await this.untilAvailable('kafka', async () => {
      await consumer.connect();
      for (const topic of options.topics)
        await consumer.subscribe({ topic, fromBeginning: options.fromBeginning });
    });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: options.partitionsConcurrently,
      eachBatch: (payload) => this.eachBatch(payload),
    });
    if (options.fromTimestamp !== undefined) await this.seekToTimestamp(options.fromTimestamp);
    this.waitingFor = undefined;
    const every = options.lagRefreshMs ?? LAG_REFRESH_MS;
    if (every > 0 && !this.stopping) {
      this.lagTimer = setInterval(() => void this.refreshLag(), every);
      this.lagTimer.unref?.();
    }
  }

  /** Lets the in-flight commit finish, drops chunks waiting on an outage, and leaves the group. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.abort.abort(new ConsumerStoppedError('consumer stopping'));
    clearInterval(this.lagTimer);
    await this.lagAdmin?.disconnect().catch(() => undefined);
    await this.consumer?.disconnect();
    await this.options.commit.stop();
  }

  private async seekToTimestamp(timestamp: number): Promise<void> {
    const admin = this.options.kafka.admin();
    await admin.connect();
    try {
      for (const topic of this.options.topics) {
        for (const { partition, offset } of await admin.fetchTopicOffsetsByTimestamp(topic, timestamp)) {
          this.consumer!.seek({ topic, partition, offset });
          // A partition with nothing after the timestamp never gets a batch: it is done already.
          this.markDoneIfReached(partition, BigInt(offset));
        }
      }
    } finally {
      await admin.disconnect();
    }
  }

  /** Keeps lag only for the partitions this member owns now: another member reports the others. */
  private assigned(assignment: Record<string, number[]>): void {
    const previous = this.assignment;
    this.assignment = new Map(Object.entries(assignment));
    const owned = (topic: string, partition: number) =>
      this.assignment.get(topic)?.includes(partition) ?? false;
    for (const [topic, partitions] of previous) {
      for (const partition of partitions) {
        if (!owned(topic, partition))
          this.metrics.lag.remove({ consumer: this.options.name, topic, partition: String(partition) });
      }
    }
    for (const [topic, positions] of this.positions) {
      for (const partition of positions.keys()) if (!owned(topic, partition)) positions.delete(partition);
    }
  }

  private positionsOf(topic: string): Map<number, bigint> {
    let positions = this.positions.get(topic);
    if (!positions) this.positions.set(topic, (positions = new Map()));
    return positions;
  }

  /**
   * Sets lag from the broker's high watermarks against this loop's position (the committed offset of
   * the group for a partition it has not fetched from yet). A failure keeps the last values: Kafka
   * being unreachable has alerts of its own.
   */
  private async refreshLag(): Promise<void> {
    if (this.lagRefreshing || this.stopping || this.assignment.size === 0) return;
    this.lagRefreshing = true;
    const { name, groupId, kafka, logger } = this.options;
    try {
      if (!this.lagAdmin) {
        const admin = kafka.admin();
        await admin.connect();
        this.lagAdmin = admin;
      }
      const admin = this.lagAdmin;
      for (const [topic, partitions] of this.assignment) {
        const ends = new Map(
          (await admin.fetchTopicOffsets(topic)).map((o) => [o.partition, BigInt(o.high)]),
        );
        let committed: Map<number, bigint> | undefined;
        for (const partition of partitions) {
          const end = ends.get(partition);
          let position = this.positions.get(topic)?.get(partition);
          if (position === undefined) {
            committed ??= await this.committedOffsets(admin, groupId, topic);
            position = committed.get(partition);
          }
          if (end === undefined || position === undefined) continue;
          const lag = end > position ? Number(end - position) : 0;
          this.metrics.lag.set({ consumer: name, topic, partition: String(partition) }, lag);
        }
      }
      this.lagRefreshFailing = false;
    } catch (err) {
      if (!this.lagRefreshFailing) {
        logger.warn(`consumer lag not refreshed: ${errorMessage(err)}`, {
          event: { action: 'consumer-lag-refresh-failed' },
          error: { type: classifyError(err).errorClass, message: errorMessage(err) },
          labels: { consumer: name },
        });
      }
      this.lagRefreshFailing = true;
    } finally {
      this.lagRefreshing = false;
    }
  }

  private async committedOffsets(admin: Admin, groupId: string, topic: string): Promise<Map<number, bigint>> {
    const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
    const committed = new Map<number, bigint>();
    // -1: nothing committed yet, so no position to measure from.
    for (const p of offsets?.partitions ?? [])
      if (p.offset !== '-1') committed.set(p.partition, BigInt(p.offset));
    return committed;
  }

  private markDoneIfReached(partition: number, next: bigint): void {
    const stopAt = this.options.stopAt?.get(partition);
    if (stopAt === undefined || next < stopAt) return;
    this.done.add(partition);
    if (this.done.size === this.options.stopAt!.size) this.options.onCaughtUp?.();
  }

  private async eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, heartbeat, isRunning, isStale } = payload;
    const { topic, partition } = batch;
    const source = { topic, partition };
    const lag = Number(batch.offsetLag());
    this.metrics.lag.set({ consumer: this.options.name, topic, partition: String(partition) }, lag);
    this.positionsOf(topic).set(partition, BigInt(batch.lastOffset()) + 1n);

    const stopAt = this.options.stopAt?.get(partition);
    const messages =
      stopAt === undefined ? batch.messages : batch.messages.filter((m) => BigInt(m.offset) < stopAt);
    const size = chunkSizeFor(lag + messages.length, this.options.maxChunk);
    const chunks: KafkaMessage[][] = [];
    for (let i = 0; i < messages.length; i += size) chunks.push(messages.slice(i, i + size));

    const running = () => isRunning() && !isStale() && !this.stopping;
    // Dropped with the batch: a chunk prepared ahead (or waiting on an outage) never outlives it.
    const batchAbort = new AbortController();
    const onStop = () => batchAbort.abort(new ConsumerStoppedError('consumer stopping'));
    this.abort.signal.addEventListener('abort', onStop, { once: true });
    const ticker = setInterval(() => void heartbeat().catch(() => undefined), HEARTBEAT_MS);
    const prepare = (chunk: KafkaMessage[]): Promise<Prepared<R>> => {
      const p = this.prepareUntilAvailable(chunk, source, heartbeat, running, batchAbort.signal);
      p.catch(() => undefined); // awaited below, or dropped after an earlier failure
      return p;
    };
    let next = chunks.length > 0 && running() ? prepare(chunks[0]!) : undefined;
    try {
      for (let i = 0; next; i++) {
        const prepared = await next;
        next = i + 1 < chunks.length && running() ? prepare(chunks[i + 1]!) : undefined;
        if (!running()) return;
        const last = prepared.messages[prepared.messages.length - 1]!.offset;
        await this.options.commit.commit({
          topic,
          partition,
          next: (BigInt(last) + 1n).toString(),
          records: prepared.records,
          groupId: this.options.groupId,
          payload,
        });
        resolveOffset(last);
        this.afterCommit(source, prepared);
        await heartbeat();
      }
    } catch (err) {
      if (err instanceof ConsumerStoppedError) return;
      throw restartable(err);
    } finally {
      clearInterval(ticker);
      batchAbort.abort(new ConsumerStoppedError('batch finished'));
      this.abort.signal.removeEventListener('abort', onStop);
      await next?.catch(() => undefined);
    }
    if (stopAt !== undefined && running()) this.markDoneIfReached(partition, BigInt(batch.lastOffset()) + 1n);
  }

  /** Prepares a chunk, waiting out outages: the same chunk is handled again once the dependency answers. */
  private async prepareUntilAvailable(
    chunk: KafkaMessage[],
    source: Source,
    heartbeat: () => Promise<void>,
    running: () => boolean,
    signal: AbortSignal,
  ): Promise<Prepared<R>> {
    for (let attempt = 1; ; attempt++) {
      try {
        const prepared = await this.prepare(chunk, source, signal);
        this.recovered();
        return prepared;
      } catch (err) {
        if (signal.aborted || !running()) throw new ConsumerStoppedError('batch dropped', { cause: err });
        if (!isRetriable(err)) throw err;
        const delay = backoffDelay(attempt, this.options.outageBackoff ?? RETRY_POLICIES.outage);
        this.unavailable(err, attempt, delay, source);
        try {
          await sleep(delay, signal);
        } catch {
          throw new ConsumerStoppedError('batch dropped while waiting', { cause: err });
        }
        await heartbeat();
      }
    }
  }

  private async prepare(messages: KafkaMessage[], source: Source, signal: AbortSignal): Promise<Prepared<R>> {
    const started = performance.now();
    const deadLetters: Prepared<R>['deadLetters'] = [];
    const items: Array<Consumed<T>> = [];
    const decoded = await Promise.all(
      messages.map((message) =>
        this.decoder.decode<T>(message).then(
          (value) => ({ message, value }),
          (error: unknown) => {
            if (isRetriable(error)) throw error; // the registry, not the message
            return { message, error };
          },
        ),
      ),
    );
    for (const d of decoded) {
      if ('error' in d) deadLetters.push(d);
      else items.push(d);
    }
    const handled: Handled<R> =
      items.length > 0 ? await this.options.handler.handle(items, source, signal) : { outcomes: [] };
    if (handled.outcomes.length !== items.length) {
      throw new FatalError(
        `handler returned ${handled.outcomes.length} outcomes for ${items.length} messages`,
      );
    }
    handled.outcomes.forEach((error, i) => {
      if (error !== undefined) deadLetters.push({ message: items[i]!.message, error });
    });
    const dlqRecords = await Promise.all(
      deadLetters.map(async (d) => {
        const record = await this.dlq.record({ ...source, message: d.message }, d.error);
        // The dead letter is the next hop of the failed message's trace (its own headers stay inside).
        const trace = childKafkaTraceHeaders(d.message.headers);
        for (const m of record.messages) m.headers = { ...m.headers, ...trace };
        return record;
      }),
    );
    return {
      messages,
      handled,
      deadLetters,
      records: [
        ...(handled.records ?? []).filter((r) => r.messages.length > 0),
        ...dlqRecords.map((r) => ({ topic: r.topic, messages: r.messages })),
      ],
      started,
    };
  }

  private afterCommit(source: Source, prepared: Prepared<R>): void {
    const { name, logger } = this.options;
    const { topic } = source;
    const dead = prepared.deadLetters.length;
    this.metrics.messages.inc({ consumer: name, topic, outcome: 'done' }, prepared.messages.length - dead);
    if (dead > 0) this.metrics.messages.inc({ consumer: name, topic, outcome: 'dead_lettered' }, dead);
    this.metrics.commits.inc({ consumer: name });
    this.metrics.chunkMessages.observe({ consumer: name }, prepared.messages.length);
    const seconds = (performance.now() - prepared.started) / 1000;
    this.metrics.chunkSeconds.observe({ consumer: name }, seconds);
    for (const d of prepared.deadLetters) {
      const { errorClass } = classifyError(d.error);
      this.metrics.deadLetters.inc({ consumer: name, topic, error_class: errorClass });
      logger.warn(
        `dead-lettered ${topic}[${source.partition}]@${d.message.offset}: ${errorMessage(d.error)}`,
        {
          event: { action: 'consumer-message-dead-lettered' },
          error: { type: errorClass, message: errorMessage(d.error) },
          labels: { consumer: name },
          kafka: { topic, partition: source.partition, offset: d.message.offset },
          ...traceIdField(d.message.headers),
        },
      );
    }
    // One line per committed chunk naming the traces in it, so a search by one document's trace id
    // finds the hop where this consumer committed it (the per-message lines would cost too much).
    const n = prepared.messages.length;
    const traces = distinctTraceIds(prepared.messages.map((m) => m.headers));
    logger.info(`committed ${n} messages of ${topic}[${source.partition}] (${dead} dead-lettered)`, {
      event: { action: 'consumer-chunk-committed', duration: Math.round(seconds * 1e9) },
      labels: {
        consumer: name,
        messages: n,
        dead_lettered: dead,
        ...(traces.omitted > 0 ? { trace_ids_omitted: traces.omitted } : {}),
      },
      kafka: {
        topic,
        partition: source.partition,
        first_offset: prepared.messages[0]!.offset,
        last_offset: prepared.messages[n - 1]!.offset,
      },
      ...(traces.ids.length > 0 ? { trace: { id: traces.ids } } : {}),
    });
    this.options.handler.committed?.({
      ...source,
      messages: prepared.messages.length,
      deadLetters: prepared.deadLetters,
      report: prepared.handled.report,
      seconds,
    });
  }

  private unavailable(err: unknown, attempt: number, delay: number, source: Source): void {
    // A retriable failure that names no dependency (a deadlock, a conflict) is waited out the same way.
    const dependency = unavailableDependency(err) ?? TRANSIENT;
    const now = Date.now();
    const outage = this.outages.get(dependency) ?? { since: now, attempts: 0 };
    outage.attempts++;
    this.outages.set(dependency, outage);
    const { name, logger } = this.options;
    this.metrics.dependencyAvailable.set({ consumer: name, dependency }, 0);
    this.metrics.outageRetries.inc({ consumer: name, dependency });
    if (attempt === 1 || attempt % 10 === 0) {
      logger.warn(
        `${dependency} unavailable since ${new Date(outage.since).toISOString()}; ${source.topic}[${source.partition}] waits, retry ${attempt} in ${delay} ms: ${errorMessage(err)}`,
        {
          event: { action: 'consumer-dependency-unavailable' },
          error: { type: classifyError(err).errorClass, message: errorMessage(err) },
          labels: { consumer: name, dependency, attempt, since: new Date(outage.since).toISOString() },
          kafka: source,
        },
      );
    }
  }

  private recovered(): void {
    if (this.outages.size === 0) return;
    const now = Date.now();
    for (const [dependency, outage] of this.outages) {
      this.metrics.dependencyAvailable.set({ consumer: this.options.name, dependency }, 1);
      this.options.logger.info(
        `${dependency} available again after ${Math.round((now - outage.since) / 1000)} s`,
        {
          event: { action: 'consumer-dependency-recovered', duration: (now - outage.since) * 1e6 },
          labels: { consumer: this.options.name, dependency, attempts: outage.attempts },
        },
      );
    }
    this.outages.clear();
  }
}
