/**
 * The alert engine's state in Kafka: a compacted changelog topic (alerts.state.v1), one partition
 * per tallies partition, written in the same transaction as the alerts and the consumed offsets.
 * Whoever owns tallies partition N reads changelog partition N from the start (read_committed)
 * before handling a chunk, so a restarted or SIGKILLed service resumes exactly the state that goes
 * with its committed offsets.
 *
 * Keys, each after `group␟` (the service's ALERTS_GROUP_ID: every alert service shares the topic,
 * and restores only its own keys): `p` (the partition's stream time and its input partitions'
 * progress), `m␟tenant␟entity` (an entity's lifecycle: open alerts, last alerts, how far it was
 * evaluated, where its input partitions are), `b␟tenant␟entity␟hour`
 * (its tallies of one hour; a tombstone once the hour leaves the retention).
 */
import type { Kafka, Message } from 'kafkajs';
import { RetriableError, errorMessage } from '../../common/errors/index';
import { TOPICS } from '../../schemas/topics';
import {
  emptyPartition,
  type EntityState,
  type PartitionState,
  type SourceState,
  type StateChange,
} from './engine';
import { entityKey, type Tally } from './tally';

const SEP = '\u001f';

interface MetaValue {
  tenant: string;
  entity: string;
  evaluatedUpTo: number;
  newestBucket: number;
  streamTime: number;
  open: EntityState['open'];
  lastFired: EntityState['lastFired'];
  /** Absent in records written before input partitions were tracked. */
  sources?: EntityState['sources'];
}

interface PartitionValue {
  streamTime: number;
  /** Absent in records written before input partitions were tracked. */
  writtenAt?: number;
  sources?: Array<[number, SourceState]>;
}

/** The changelog records of a chunk's state changes, serialized now (the state moves on). */
export function changelogMessages(
  state: PartitionState,
  changes: readonly StateChange[],
  partition: number,
  group: string,
): Message[] {
  const key = (...parts: string[]) => [group, ...parts].join(SEP);
  return changes.map((c): Message => {
    if (c.kind === 'partition') {
      const value: PartitionValue = {
        streamTime: state.streamTime,
        writtenAt: state.writtenAt,
        sources: [...state.sources.entries()],
      };
      return { key: key('p'), value: JSON.stringify(value), partition };
    }
    const e = c.entity;
    if (c.kind === 'meta') {
      const value: MetaValue = {
        tenant: e.tenant,
        entity: e.entity,
        evaluatedUpTo: e.evaluatedUpTo,
        newestBucket: e.newestBucket,
        streamTime: e.streamTime,
        open: e.open,
        lastFired: e.lastFired,
        sources: e.sources,
      };
      return { key: key('m', e.tenant, e.entity), value: JSON.stringify(value), partition };
    }
    const hour = e.buckets.get(c.bucket);
    return {
      key: key('b', e.tenant, e.entity, String(c.bucket)),
      value: hour ? JSON.stringify([...hour.values()]) : null,
      partition,
    };
  });
}

function entityOf(state: PartitionState, tenant: string, entity: string): EntityState {
  const key = entityKey(tenant, entity);
  let e = state.entities.get(key);
  if (!e) {
    e = {
      tenant,
      entity,
      buckets: new Map(),
      evaluatedUpTo: 0,
      newestBucket: 0,
      streamTime: 0,
      open: {},
      lastFired: {},
      sources: {},
    };
    state.entities.set(key, e);
  }
  return e;
}

/** Applies one changelog record of `group`'s; another group's record (or one without a group) is ignored. */
export function applyChangelogRecord(
  state: PartitionState,
  key: string,
  value: Buffer | null,
  group: string,
): void {
  const prefix = group + SEP;
  if (!key.startsWith(prefix)) return;
  const [kind, tenant = '', entity = '', bucket] = key.slice(prefix.length).split(SEP);
  if (kind === 'p') {
    if (value) {
      const p = JSON.parse(value.toString()) as PartitionValue;
      state.streamTime = p.streamTime;
      state.writtenAt = p.writtenAt ?? 0;
      state.sources = new Map(p.sources ?? []);
    }
    return;
  }
  const e = entityOf(state, tenant, entity);
  if (kind === 'm' && value) {
    const m = JSON.parse(value.toString()) as MetaValue;
    Object.assign(e, {
      evaluatedUpTo: m.evaluatedUpTo,
      newestBucket: m.newestBucket,
      streamTime: m.streamTime,
      open: m.open,
      lastFired: m.lastFired,
      sources: m.sources ?? {},
    });
  } else if (kind === 'b') {
    const hour = Number(bucket);
    if (!value) e.buckets.delete(hour);
    else e.buckets.set(hour, new Map((JSON.parse(value.toString()) as Tally[]).map((t) => [t.aspect, t])));
  }
}

/**
 * Reads changelog partition `partition` to its end, keeping `group`'s keys; Kafka being unreachable
 * is retriable.
 */
export async function restorePartition(
  kafka: Kafka,
  group: string,
  partition: number,
): Promise<PartitionState> {
  const topic = TOPICS.alertState;
  const state = emptyPartition();
  const admin = kafka.admin();
  let end: bigint;
  let start: bigint;
  try {
    await admin.connect();
    const offsets = (await admin.fetchTopicOffsets(topic)).find((o) => o.partition === partition);
    if (!offsets) throw new Error(`${topic} has no partition ${partition}`);
    end = BigInt(offsets.high);
    start = BigInt(offsets.low);
  } catch (err) {
    throw new RetriableError(`reading the end of ${topic}[${partition}]: ${errorMessage(err)}`, {
      cause: err,
    });
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
  if (end <= start) return state;

  const consumer = kafka.consumer({
    groupId: `${group}-restore-${partition}-${process.pid}-${Date.now()}`,
    readUncommitted: false,
    maxBytesPerPartition: 8 * 1024 * 1024,
  });
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const done = new Promise<void>((resolve, reject) => {
      // A batch of only commit markers reaches no handler, but its end is reported here.
      consumer.on(consumer.events.END_BATCH_PROCESS, (e) => {
        if (e.payload.partition === partition && BigInt(e.payload.lastOffset) + 1n >= end) resolve();
      });
      consumer.on(consumer.events.CRASH, (e) => reject(e.payload.error));
      consumer.on(consumer.events.GROUP_JOIN, () => {
        const others = Array.from({ length: 64 }, (_, i) => i).filter((p) => p !== partition);
        consumer.pause([{ topic, partitions: others }]);
      });
    });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        if (batch.partition !== partition) return;
        for (const m of batch.messages) {
          if (BigInt(m.offset) >= end) break;
          applyChangelogRecord(state, m.key?.toString() ?? '', m.value, group);
        }
      },
    });
    await done;
    return state;
  } catch (err) {
    throw new RetriableError(`restoring ${topic}[${partition}]: ${errorMessage(err)}`, { cause: err });
  } finally {
    await consumer.disconnect().catch(() => undefined);
  }
}
