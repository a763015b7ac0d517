/**
 * The alert engine while a backlog is read: one entity's aspects come from several input partitions
 * (sentiment.aspects.v1 is keyed by tenant, entity and aspect), read at different speeds. A window
 * closes only once every input partition still behind has been read past it, so every window is
 * evaluated whole and the alerts are those of the whole stream evaluated at once; a partition read
 * to its end, or one its reader has written nothing from for the idle close, holds nothing back.
 */
import { expect } from 'chai';
import avro from 'avsc';
import type { Kafka, Message } from 'kafkajs';
import { DependencyUnavailableError } from '../../common/errors/index';
import { avroType, schemas, type AspectMention } from '../../schemas/index';
import { applyChangelogRecord, changelogMessages } from '../../stream-processors/alerts/changelog';
import { AlertEngine, emptyPartition, type PartitionState } from '../../stream-processors/alerts/engine';
import { ruleInputSchema, type Rule } from '../../stream-processors/alerts/rules';
import { CAUGHT_UP_SLACK, SourceEnds } from '../../stream-processors/alerts/source-ends';
import { TOPICS } from '../../schemas/topics';
import {
  chunkProgress,
  entityKey,
  isProgressRecord,
  progressRecord,
  tallyMentions,
  type Tally,
} from '../../stream-processors/alerts/tally';
import { mentionMaker } from './helpers/alerts-fixtures';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const NOW = Date.UTC(2026, 11, 4, 12);
const DAYS = 10;
const START = NOW - (DAYS + 1) * 24 * HOUR;
const A = 0;
const B = 1;

const rules: Rule[] = [
  {
    ...ruleInputSchema.parse({ name: 'entity', detector: 'negative_share', level: 'entity' }),
    id: 'r1',
    tenant: 't',
  },
  {
    ...ruleInputSchema.parse({ name: 'aspect', detector: 'negative_share', level: 'aspect' }),
    id: 'r2',
    tenant: 't',
  },
];

const engine = () =>
  new AlertEngine({
    allowedLatenessMs: 10 * MINUTE,
    retentionMs: 35 * 24 * HOUR,
    deliverMaxAgeMs: 24 * HOUR,
    idleCloseMs: HOUR,
    now: () => NOW,
    rulesFor: () => rules,
  });

const maker = mentionMaker('Service');

/**
 * `DAYS` days of one entity, hour by hour: delivery mentions on partition A, price mentions on B,
 * each with negative bursts of its own (A: hours 100 and 200; B: 60, 150 and 220).
 */
function stream(): { a: AspectMention[]; b: AspectMention[] } {
  maker.restart();
  const a: AspectMention[] = [];
  const b: AspectMention[] = [];
  for (let h = 0; h < DAYS * 24; h++) {
    const at = START + h * HOUR;
    a.push(...maker.hour(at, 40, [100, 200].includes(h) ? 30 : 5, 'delivery'));
    b.push(...maker.hour(at, 40, [60, 150, 220].includes(h) ? 32 : 6, 'price'));
  }
  return { a, b };
}

/**
 * What the tally stage writes for one input partition, chunk by chunk: the chunk's tallies and its
 * progress record; the last chunk reaches the partition's end. Write times from `clock`.
 */
function tallyStage(
  mentions: AspectMention[],
  partition: number,
  chunk: number,
  clock: () => number,
  caughtUpAtEnd = true,
  backlogged: number[] = [],
): Tally[][] {
  const out: Tally[][] = [];
  for (let i = 0; i < mentions.length; i += chunk) {
    const part = mentions.slice(i, i + chunk);
    const last = i + chunk >= mentions.length;
    const source = chunkProgress(part, partition, last && caughtUpAtEnd, clock(), backlogged);
    out.push([...tallyMentions(part, source), progressRecord(source)]);
  }
  return out;
}

function counter(step: number, from = 0): () => number {
  let t = from - step;
  return () => (t += step);
}

/** The detect stage over the records of one tallies partition, in detect chunks of `chunk` records. */
function detect(records: Tally[], chunk = 40, e = engine(), state: PartitionState = emptyPartition()) {
  const alerts = [];
  let late = 0;
  for (let i = 0; i < records.length; i += chunk) {
    const r = e.apply(state, records.slice(i, i + chunk));
    alerts.push(...r.alerts);
    late += r.counters.late;
  }
  return { alerts, late, state };
}

const summary = (
  alerts: Array<{ alert_id: string; status: string; window_start: number; mention_count: number }>,
) =>
  alerts
    .map((x) => [x.alert_id, x.status, (x.window_start - START) / HOUR, x.mention_count] as const)
    // Ordered by window: the stream at once evaluates rule by rule, a backlog window by window.
    .sort((x, y) => x[2] - y[2] || (x[0] < y[0] ? -1 : 1));

/** The whole stream evaluated at once: every window complete. */
function reference(): ReturnType<typeof summary> {
  const { a, b } = stream();
  return summary(engine().apply(emptyPartition(), tallyMentions([...a, ...b])).alerts);
}

/** Partition B's first chunk, then all of A (days ahead), then the rest of B: a backlog read unevenly. */
function unevenBacklog(): Tally[] {
  const { a, b } = stream();
  const clock = counter(1000);
  const fromB = tallyStage(b, B, 400, clock);
  const fromA = tallyStage(a, A, 400, clock);
  return [...fromB[0]!, ...fromA.flat(), ...fromB.slice(1).flat()];
}

describe('alert windows over input partitions read at different speeds', () => {
  it('evaluates every window with all its mentions and raises the alerts of the whole stream at once', () => {
    const expected = reference();
    expect(expected.filter((x) => x[1] === 'open').length).to.be.greaterThanOrEqual(4);
    const { alerts, late } = detect(unevenBacklog());
    expect(late).to.equal(0);
    expect(summary(alerts)).to.deep.equal(expected);
  });

  it('counted mentions late and missed alerts when windows closed by the entity’s own time alone', () => {
    // The same records without their source: what the service did before, so the case above is one
    // the engine would get wrong without the input partitions' progress.
    const records = unevenBacklog()
      .filter((t) => !isProgressRecord(t))
      .map((t) => ({ ...t, sourcePartition: -1 }));
    const { alerts, late } = detect(records);
    // Most of B's mentions (40 an hour) came after A had closed their windows.
    expect(late).to.be.greaterThan((DAYS * 24 * 40) / 2);
    expect(summary(alerts)).to.not.deep.equal(reference());
  });

  it('waits for a partition behind that none of its records came from yet, once another partition’s progress names it', () => {
    const expected = reference();
    const { a, b } = stream();
    const clock = counter(1000);
    // All of A before anything of B; A's reader reports that its group still has a backlog on B.
    const fromA = tallyStage(a, A, 400, clock, true, [B]);
    const fromB = tallyStage(b, B, 400, clock);
    const { alerts, late } = detect([...fromA.flat(), ...fromB.flat()]);
    expect(late).to.equal(0);
    expect(summary(alerts)).to.deep.equal(expected);
    // Without that report nothing says B is behind: A's days close by A's time alone.
    expect(detect([...tallyStage(a, A, 400, clock).flat(), ...fromB.flat()]).late).to.be.greaterThan(0);
  });

  it('gives the same alerts whichever input partition runs ahead, and however the detect stage chunks', () => {
    const expected = reference();
    const { a, b } = stream();
    const clock = counter(1000);
    const fromA = tallyStage(a, A, 333, clock);
    const fromB = tallyStage(b, B, 777, clock);
    // B days ahead of A this time, after A's first chunk.
    const records = [...fromA[0]!, ...fromB.flat(), ...fromA.slice(1).flat()];
    for (const chunk of [7, 500]) {
      const { alerts, late } = detect(records, chunk);
      expect(late, `detect chunk ${chunk}`).to.equal(0);
      expect(summary(alerts), `detect chunk ${chunk}`).to.deep.equal(expected);
    }
  });

  it('is not held back by an input partition read to its end, nor by one carrying none of its mentions once caught up', () => {
    const { a } = stream();
    const clock = counter(1000);
    // Partition B: another entity's few mentions, read to its end; then A's backlog.
    const quietB = tallyStage(maker.hour(START, 5, 0, 'price', 'other'), B, 400, clock);
    const fromA = tallyStage(a, A, 400, clock, false);
    const { state } = detect([...quietB.flat(), ...fromA.flat()]);
    const shop = state.entities.get(entityKey('t', 'shop'))!;
    // A's own records close A's entity by its own time, less the allowed lateness: all but the last hour.
    expect((shop.evaluatedUpTo - START) / HOUR).to.equal(DAYS * 24 - 1);
  });

  it('holds an entity back by a partition behind, and no longer once its reader has written nothing from it for the idle close', () => {
    const { a, b } = stream();
    // B read for its first 4 hours, not to its end, then its reader stalls; A is read on, one chunk
    // every 10 minutes of the tally stage's clock.
    const fromB = tallyStage(b.slice(0, 4 * 40), B, 400, counter(1000), false, [A]);
    const fromA = tallyStage(a, A, 400, counter(10 * MINUTE, 2000));
    const state = emptyPartition();
    const e = engine();
    let late = detect(fromB.flat(), 40, e, state).late;
    const shop = () => state.entities.get(entityKey('t', 'shop'))!;
    const closedHours = () => (shop().evaluatedUpTo - START) / HOUR;
    // Within the idle close (6 chunks of A, 50 minutes): held by B's 4 hours, less the lateness.
    late += detect(fromA.slice(0, 6).flat(), 40, e, state).late;
    expect(closedHours()).to.equal(3);
    // Past it, B holds nothing: A's entity closes by its own time again.
    late += detect(fromA.slice(6, 8).flat(), 40, e, state).late;
    expect(closedHours()).to.be.greaterThan(3);
    expect(late).to.equal(0);
    const ownHours = (shop().streamTime - 10 * MINUTE - START) / HOUR;
    expect(closedHours()).to.equal(Math.floor(ownHours));
  });

  it('resumes from its changelog with the input partitions’ progress, so a restart mid-backlog changes no alert', () => {
    const expected = reference();
    const records = unevenBacklog();
    const e = engine();
    const live = emptyPartition();
    const changelog: Message[] = [];
    const alerts = [];
    let late = 0;
    let state = live;
    for (let i = 0; i < records.length; i += 40) {
      const r = e.apply(state, records.slice(i, i + 40));
      alerts.push(...r.alerts);
      late += r.counters.late;
      changelog.push(...changelogMessages(state, r.changes, 0, 'alerts'));
      // Half-way through A's backlog (days ahead of B): a new owner restores the partition.
      if (i === 40 * Math.floor(records.length / 80)) {
        const restored = emptyPartition();
        for (const m of compacted(changelog))
          applyChangelogRecord(restored, String(m.key), valueOf(m), 'alerts');
        expect([...restored.sources.entries()]).to.deep.equal([...state.sources.entries()]);
        expect(restored.writtenAt).to.equal(state.writtenAt);
        const shop = entityKey('t', 'shop');
        expect(restored.entities.get(shop)!.sources).to.deep.equal(state.entities.get(shop)!.sources);
        expect(state.sources.get(B)!.caughtUp).to.equal(false);
        state = restored;
      }
    }
    expect(late).to.equal(0);
    expect(summary(alerts)).to.deep.equal(expected);
  });
});

describe('alerts.tallies.v1 with input partition progress', () => {
  const type = avroType('aspectTally');

  it('encodes tallies and progress records, and reads records written before the new fields with their defaults', () => {
    const mentions = maker.hour(START, 3, 1, 'delivery');
    const source = chunkProgress(mentions, 4, false, NOW);
    expect(source).to.deep.equal({
      partition: 4,
      time: mentions[2]!.created_at,
      caughtUp: false,
      writtenAt: NOW,
      backlogged: [],
    });
    const [tally] = tallyMentions(mentions, source);
    expect(tally).to.include({
      sourcePartition: 4,
      sourceTime: source.time,
      sourceCaughtUp: false,
      writtenAt: NOW,
    });
    const progress = progressRecord(source);
    expect(isProgressRecord(progress)).to.equal(true);
    expect(isProgressRecord(tally!)).to.equal(false);
    for (const record of [tally, progress])
      expect(type.isValid(record), JSON.stringify(record)).to.equal(true);

    const newFields = ['sourcePartition', 'sourceTime', 'sourceCaughtUp', 'writtenAt', 'backlogged'];
    const old = avro.Type.forSchema({
      ...schemas.aspectTally,
      fields: schemas.aspectTally.fields.filter((f) => !newFields.includes(f.name)),
    } as avro.Schema);
    const written = old.toBuffer(tally);
    const read = type.fromBuffer(written, type.createResolver(old)) as Tally;
    expect(read.backlogged).to.deep.equal([]);
    expect(read).to.include({
      sourcePartition: -1,
      sourceTime: 0,
      sourceCaughtUp: true,
      writtenAt: 0,
      mentions: 3,
    });
  });
});

function valueOf(m: Message): Buffer | null {
  return m.value === null || m.value === undefined ? null : Buffer.from(String(m.value));
}

/** The latest record per key, as compaction keeps them (tombstones dropped). */
function compacted(log: Message[]): Message[] {
  const latest = new Map<string, Message>();
  for (const m of log) latest.set(String(m.key), m);
  return [...latest.values()].filter((m) => m.value !== null);
}

describe('the tally stage’s view of its input partitions', () => {
  /** A Kafka of which only the admin answers: end offsets of the topic and the group's offsets. */
  function fakeKafka(
    topic: Array<{ partition: number; low: string; high: string }>,
    group: Record<number, string>,
  ) {
    const calls = { offsets: 0, connects: 0 };
    let failing = false;
    const admin = {
      connect: async () => void calls.connects++,
      disconnect: async () => undefined,
      fetchTopicOffsets: async () => {
        calls.offsets++;
        if (failing) throw new Error('broker down');
        return topic.map((o) => ({ ...o, offset: o.high }));
      },
      fetchOffsets: async () => [
        {
          topic: TOPICS.aspects,
          partitions: Object.entries(group).map(([p, offset]) => ({ partition: Number(p), offset })),
        },
      ],
    };
    const kafka = { admin: () => admin } as unknown as Kafka;
    return { kafka, calls, fail: (f: boolean) => (failing = f) };
  }

  it('says whether a chunk reached its partition’s end and which other partitions the group is behind on', async () => {
    let now = 0;
    const { kafka, calls } = fakeKafka(
      [
        { partition: 0, low: '0', high: '1000' },
        { partition: 1, low: '0', high: '1000' },
        { partition: 2, low: '500', high: '900' },
        { partition: 3, low: '0', high: '0' },
      ],
      // Partition 1 done, 2 never committed (starts at its low offset), 3 empty.
      { 0: '10', 1: '999', 2: '-1', 3: '-1' },
    );
    const ends = new SourceEnds(kafka, 'alerts-tally', 1000, () => now);
    // Commit markers after the last record still count as the end.
    expect(await ends.progress(0, 1000n - CAUGHT_UP_SLACK)).to.deep.equal({
      caughtUp: true,
      backlogged: [2],
    });
    expect(await ends.progress(0, 10n)).to.deep.equal({ caughtUp: false, backlogged: [2] });
    expect(await ends.progress(2, 600n)).to.deep.equal({ caughtUp: false, backlogged: [0] });
    expect(calls.offsets).to.equal(1);
    now = 1500;
    await ends.progress(1, 1000n);
    expect(calls.offsets).to.equal(2);
  });

  it('reports Kafka unreachable as a dependency to wait for, and reconnects', async () => {
    const { kafka, calls, fail } = fakeKafka([{ partition: 0, low: '0', high: '5' }], { 0: '5' });
    const ends = new SourceEnds(kafka, 'alerts-tally', 0);
    fail(true);
    const err = await ends.progress(0, 5n).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(DependencyUnavailableError);
    expect((err as DependencyUnavailableError).dependency).to.equal('kafka');
    fail(false);
    expect(await ends.progress(0, 5n)).to.deep.equal({ caughtUp: true, backlogged: [] });
    expect(calls.connects).to.equal(2);
  });
});
