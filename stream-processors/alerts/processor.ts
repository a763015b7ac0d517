/**
 * Detection, in two stages on the consumer kit, each committing its outputs with its consumed
 * offsets in one Kafka transaction:
 *
 *   sentiment.aspects.v1 ─(tally: fold each chunk into hourly tallies, re-key by tenant × entity)→
 *   alerts.tallies.v1 ─(detect: window state, rules, detectors)→ sentiment.alerts.v1 + alerts.state.v1
 *
 * The input is keyed by tenant × entity × aspect, so an entity's aspects are spread over partitions;
 * re-keying puts them together so category and entity windows are whole. Each tally chunk also
 * writes its input partition's progress (how far it has been read, whether to its end, which other
 * partitions the group is behind on) to every tallies partition, in the same transaction, so the
 * detect stage can wait for input partitions that are behind (engine.ts). The detect stage keeps its
 * window state in memory per partition and in the changelog (changelog.ts); it restores a
 * partition's state before its first chunk, after every group join and whenever a chunk is read
 * again (a dropped or failed transaction left the memory ahead of what was committed).
 *
 * Both internal topics are shared by every alert service on the cluster (a test's, a benchmark's, a
 * deployment under a new ALERTS_GROUP_ID): tally records carry their service's group id in a header
 * and changelog keys start with it, so each service counts and restores only its own. Alert ids do
 * not include it: the same windows give the same ids whichever service computes them.
 */
import type { Kafka, KafkaMessage, Message } from 'kafkajs';
import { TransactionalCommit } from '../../common/kafka/consumer/commit';
import { ConsumerLoop, type Consumed, type Handled } from '../../common/kafka/consumer/loop';
import { valueSubject, type RegistryClient } from '../../common/kafka/registry';
import { DependencyUnavailableError, errorMessage } from '../../common/errors/index';
import type { Logger } from '../../common/logging/index';
import type { Metrics, ReadinessCheck } from '../../common/metrics/index';
import { schemas, type Alert, type AspectMention } from '../../schemas/index';
import { TOPICS } from '../../schemas/topics';
import { changelogMessages, restorePartition } from './changelog';
import { AlertEngine, stateSize, type EngineOptions, type PartitionState } from './engine';
import type { AlertsMetrics } from './metrics';
import type { RuleSource } from './rule-source';
import { SourceEnds } from './source-ends';
import {
  chunkProgress,
  entityKey,
  progressRecord,
  tallyHeaders,
  talliedBy,
  tallyMentions,
  type Tally,
} from './tally';

export interface DetectionOptions {
  groupId: string;
  chunkSize: number;
  partitionsConcurrently: number;
  engine: Omit<EngineOptions, 'rulesFor' | 'languageFor' | 'now'>;
  now?: () => number;
}

interface Restored {
  state: PartitionState;
  /** Offset of the last message handled into `state`. */
  handledUpTo: bigint;
}

export class AlertDetection {
  private readonly tallyLoop: ConsumerLoop<AspectMention, number>;
  private readonly detectLoop: ConsumerLoop<Tally, { alerts: Alert[]; late: number; expired: number }>;
  private readonly engine: AlertEngine;
  private readonly partitions = new Map<number, Restored>();
  private readonly sourceEnds: SourceEnds;
  private readonly now: () => number;
  private ids: { tallies: number; alerts: number } | undefined;
  /** Partitions of alerts.tallies.v1: each tally chunk's progress goes to all of them. */
  private talliesPartitions: number[] = [];

  constructor(
    private readonly kafka: Kafka,
    private readonly registry: RegistryClient,
    private readonly rules: RuleSource,
    private readonly options: DetectionOptions,
    logger: Logger,
    metrics: Metrics,
    private readonly alertsMetrics: AlertsMetrics,
  ) {
    this.now = options.now ?? Date.now;
    this.sourceEnds = new SourceEnds(kafka, `${options.groupId}-tally`);
    this.engine = new AlertEngine({
      ...options.engine,
      now: this.now,
      rulesFor: (tenant) => rules.rulesFor(tenant),
      languageFor: (tenant) => rules.languageFor(tenant),
    });
    const common = {
      version: process.env.npm_package_version,
      kafka,
      registry,
      logger,
      metrics,
      fromBeginning: true,
      maxChunk: options.chunkSize,
      partitionsConcurrently: options.partitionsConcurrently,
      maxBytesPerPartition: 4 * 1024 * 1024,
    };
    this.tallyLoop = new ConsumerLoop<AspectMention, number>({
      ...common,
      name: 'alerts-tally',
      groupId: `${options.groupId}-tally`,
      topics: [TOPICS.aspects],
      commit: new TransactionalCommit(`${options.groupId}-tally`),
      handler: {
        handle: (items, source) => this.tally(items, source.partition),
        committed: ({ messages }) => this.alertsMetrics.mentionsConsumed.inc(messages),
      },
    });
    this.detectLoop = new ConsumerLoop({
      ...common,
      name: 'alerts-detect',
      groupId: options.groupId,
      topics: [TOPICS.alertTallies],
      commit: new TransactionalCommit(options.groupId),
      onAssignment: () => {
        this.partitions.clear();
        // Partitions this service no longer owns drop out; the others are set again by their next chunk.
        for (const g of [alertsMetrics.entities, alertsMetrics.stateRecords, alertsMetrics.windowsOpen])
          g.reset();
      },
      handler: {
        handle: (items, source) => this.detect(items, source.partition),
        committed: ({ report }) => {
          for (const a of report?.alerts ?? []) {
            this.alertsMetrics.alertsRaised.inc({
              rule: a.rule,
              severity: a.severity,
              status: a.status,
              historical: String(a.historical),
            });
          }
          this.alertsMetrics.lateMentions.inc(report?.late ?? 0);
          this.alertsMetrics.expiredMentions.inc(report?.expired ?? 0);
        },
      },
    });
  }

  readiness(): ReadinessCheck[] {
    return [
      ...named('tally', this.tallyLoop.readiness()),
      ...named('detect', this.detectLoop.readiness()).filter((c) => c.name !== 'schema-registry'),
    ];
  }

  async start(): Promise<void> {
    this.ids = await this.tallyLoop.untilAvailable('schema-registry', async () => {
      const ids = {
        tallies: await this.registry.registerSchema(valueSubject(TOPICS.alertTallies), schemas.aspectTally),
        alerts: await this.registry.registerSchema(valueSubject(TOPICS.alerts), schemas.alert),
      };
      await this.registry.serde.getSchema(ids.tallies);
      await this.registry.serde.getSchema(ids.alerts);
      return ids;
    });
    this.talliesPartitions = await this.tallyLoop.untilAvailable('kafka', () =>
      talliesPartitions(this.kafka),
    );
    await this.tallyLoop.untilAvailable('postgres', () => this.rules.ready());
    await this.detectLoop.start();
    await this.tallyLoop.start();
  }

  async stop(): Promise<void> {
    await Promise.all([this.tallyLoop.stop(), this.detectLoop.stop()]);
    await this.sourceEnds.stop();
    this.rules.stop();
  }

  private async tally(items: Array<Consumed<AspectMention>>, partition: number): Promise<Handled<number>> {
    const mentions = items.map((i) => i.value);
    const next = BigInt(items[items.length - 1]!.message.offset) + 1n;
    const { caughtUp, backlogged } = await this.sourceEnds.progress(partition, next);
    const source = chunkProgress(mentions, partition, caughtUp, this.now(), backlogged);
    const headers = tallyHeaders(this.options.groupId);
    const tallies = tallyMentions(mentions, source);
    const messages: Message[] = await Promise.all(
      tallies.map(async (t) => ({
        key: entityKey(t.tenant, t.entity),
        value: await this.registry.encode(this.ids!.tallies, t),
        headers,
      })),
    );
    // After the tallies, so a partition's progress never runs ahead of what it carried.
    const progress = await this.registry.encode(this.ids!.tallies, progressRecord(source));
    for (const p of this.talliesPartitions)
      messages.push({ key: '', value: progress, headers, partition: p });
    return {
      outcomes: items.map(() => undefined),
      records: [{ topic: TOPICS.alertTallies, messages }],
      report: items.length,
    };
  }

  private async detect(
    items: Array<Consumed<Tally>>,
    partition: number,
  ): Promise<Handled<{ alerts: Alert[]; late: number; expired: number }>> {
    const first = BigInt(items[0]!.message.offset);
    let restored = this.partitions.get(partition);
    if (!restored || first <= restored.handledUpTo) {
      const started = performance.now();
      restored = {
        state: await restorePartition(this.kafka, this.options.groupId, partition),
        handledUpTo: -1n,
      };
      this.partitions.set(partition, restored);
      this.alertsMetrics.restoreSeconds.observe((performance.now() - started) / 1000);
    }
    const { state } = restored;
    // Other services' tallies are committed past, never counted.
    const { alerts, changes, counters } = this.engine.apply(
      state,
      items.filter((i) => talliedBy(i.message.headers, this.options.groupId)).map((i) => i.value),
    );
    restored.handledUpTo = BigInt(lastOf(items.map((i) => i.message)).offset);
    const size = stateSize(state);
    const labels = { partition: String(partition) };
    this.alertsMetrics.entities.set(labels, size.entities);
    this.alertsMetrics.stateRecords.set(labels, size.records);
    this.alertsMetrics.windowsOpen.set(labels, size.openWindows);
    const alertMessages = await Promise.all(
      alerts.map(async (a) => ({ key: a.alert_id, value: await this.registry.encode(this.ids!.alerts, a) })),
    );
    return {
      outcomes: items.map(() => undefined),
      records: [
        { topic: TOPICS.alerts, messages: alertMessages },
        {
          topic: TOPICS.alertState,
          messages: changelogMessages(state, changes, partition, this.options.groupId),
        },
      ],
      report: { alerts, late: counters.late, expired: counters.expired },
    };
  }
}

async function talliesPartitions(kafka: Kafka): Promise<number[]> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets(TOPICS.alertTallies);
    return offsets.map((o) => o.partition).sort((a, b) => a - b);
  } catch (err) {
    throw new DependencyUnavailableError(
      'kafka',
      `reading the partitions of ${TOPICS.alertTallies}: ${errorMessage(err)}`,
      {
        cause: err,
      },
    );
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

function lastOf(messages: KafkaMessage[]): KafkaMessage {
  return messages[messages.length - 1]!;
}

/** Each loop's checks under its own name, so /readyz shows which of them is not ready. */
export function named(prefix: string, checks: ReadinessCheck[]): ReadinessCheck[] {
  return checks.map((c) => ({ ...c, name: c.name === 'schema-registry' ? c.name : `${prefix}-${c.name}` }));
}
