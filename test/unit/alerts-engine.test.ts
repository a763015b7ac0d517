/**
 * The alert engine on hand-made mention streams: windows close by event time, alerts are the same
 * however the stream is chunked or restored from the changelog, the lifecycle (open, suppressed,
 * resolved, cooldown) and historical marking.
 */
import { expect } from 'chai';
import type { IHeaders, Message } from 'kafkajs';
import avro from 'avsc';
import { avroType, schemas, type Alert, type AspectMention } from '../../schemas/index';
import { applyChangelogRecord, changelogMessages } from '../../stream-processors/alerts/changelog';
import {
  AlertEngine,
  emptyPartition,
  stateSize,
  type PartitionState,
} from '../../stream-processors/alerts/engine';
import { ruleInputSchema, type Rule } from '../../stream-processors/alerts/rules';
import {
  entityKey,
  tallyHeaders,
  talliedBy,
  tallyMentions,
  type Tally,
} from '../../stream-processors/alerts/tally';
import { mentionMaker } from './helpers/alerts-fixtures';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const NOW = Date.UTC(2026, 11, 4, 12);

const rule: Rule = {
  ...ruleInputSchema.parse({
    name: 'delivery',
    detector: 'negative_share',
    level: 'aspect',
    cooldown_minutes: 240,
  }),
  id: 'r1',
  tenant: 't',
};

const maker = mentionMaker('Shipping');
const hour = maker.hour;

/** 30 calm hours, `burst` hours of 60 mentions with 40 negative, then calm hours again. */
function story(firstHour: number, burst = 1, after = 3): AspectMention[] {
  const out: AspectMention[] = [];
  let h = firstHour;
  for (let i = 0; i < 30; i++, h += HOUR) out.push(...hour(h, 40, 6));
  for (let i = 0; i < burst; i++, h += HOUR) out.push(...hour(h, 60, 40));
  for (let i = 0; i < after; i++, h += HOUR) out.push(...hour(h, 40, 6));
  return out;
}

const engine = (rules: Rule[] = [rule], languageFor?: (tenant: string) => 'en' | 'ko') =>
  new AlertEngine({
    allowedLatenessMs: 10 * 60_000,
    retentionMs: 35 * 24 * HOUR,
    deliverMaxAgeMs: 24 * HOUR,
    idleCloseMs: HOUR,
    now: () => NOW,
    rulesFor: () => rules,
    ...(languageFor ? { languageFor } : {}),
  });

function run(stream: AspectMention[], chunk: number, e = engine(), state: PartitionState = emptyPartition()) {
  const alerts = [];
  for (let i = 0; i < stream.length; i += chunk)
    alerts.push(...e.apply(state, tallyMentions(stream.slice(i, i + chunk))).alerts);
  return { alerts, state };
}

const summary = (
  alerts: Array<{ alert_id: string; status: string; window_start: number; mention_count: number }>,
) => alerts.map((a) => [a.alert_id, a.status, a.window_start, a.mention_count]);

describe('alert engine', () => {
  const start = NOW - 40 * HOUR;

  it('raises one alert when the burst window closes, with its evidence, and resolves it when the share is back', () => {
    const { alerts } = run(story(start), 500);
    expect(alerts.map((a) => a.status)).to.deep.equal(['open', 'resolved']);
    const [open, resolved] = alerts;
    expect(open).to.include({
      entity: 'shop',
      normalized_aspect: 'delivery',
      category: 'Shipping',
      window_start: start + 30 * HOUR,
      window_end: start + 31 * HOUR,
      mention_count: 60,
      negative_count: 40,
      historical: false,
    });
    expect(open!.baseline).to.be.closeTo(0.15, 1e-9);
    expect(open!.sample_document_ids).to.have.length(5);
    expect(resolved).to.include({ resolves_alert_id: open!.alert_id, window_start: start + 31 * HOUR });
  });

  it("writes the message in the tenant's alert language and says which, the rest of the alert the same", () => {
    maker.restart();
    const english = run(story(start), 500).alerts;
    maker.restart();
    const korean = run(
      story(start),
      500,
      engine([rule], (tenant) => (tenant === 't' ? 'ko' : 'en')),
    ).alerts;
    expect(english.map((a) => a.language)).to.deep.equal(['en', 'en']);
    expect(korean.map((a) => a.language)).to.deep.equal(['ko', 'ko']);
    expect(korean[0]!.message).to.equal(
      'shop의 delivery 부정 언급 비율이 지난 7일 평균 15%에서 최근 1시간 67%(60건 중 40건)로 올랐습니다.',
    );
    expect(korean[1]!.message).to.match(
      /^shop의 delivery 부정 언급 비율이 최근 1시간 15%\(40건 중 6건\)로 돌아와/,
    );
    const neutral = (a: Alert) => ({ ...a, message: undefined, language: undefined });
    expect(korean.map(neutral)).to.deep.equal(english.map(neutral));
    // The alert is valid under sentiment.alerts.v1, and one written before `language` existed reads as null.
    const type = avroType('alert');
    expect(type.isValid(korean[0]), JSON.stringify(korean[0])).to.equal(true);
    expect((type.fromBuffer(type.toBuffer(korean[0])) as Alert).language).to.equal('ko');
    const old = avro.Type.forSchema({
      ...schemas.alert,
      fields: schemas.alert.fields.filter((f) => f.name !== 'language'),
    } as avro.Schema);
    const read = type.fromBuffer(old.toBuffer(english[0]), type.createResolver(old)) as Alert;
    expect(read.language).to.equal(null);
  });

  it('gives the same alerts however the stream is chunked', () => {
    const stream = story(start);
    const reference = summary(run(stream, stream.length).alerts);
    for (const chunk of [1, 7, 333]) {
      maker.restart();
      expect(summary(run(story(start), chunk).alerts)).to.deep.equal(reference);
    }
  });

  it('resumes from its changelog with the same alerts as a run that never stopped', () => {
    maker.restart();
    const stream = story(start);
    const reference = summary(run(stream, 400).alerts);
    const e = engine();
    const live = emptyPartition();
    const alerts = [];
    let restored = emptyPartition();
    for (let i = 0; i < stream.length; i += 400) {
      const { alerts: a, changes } = e.apply(live, tallyMentions(stream.slice(i, i + 400)));
      alerts.push(...a);
      for (const m of changelogMessages(live, changes, 0, 'alerts'))
        applyChangelogRecord(restored, String(m.key), valueOf(m), 'alerts');
      // Continue from the restored copy, as a new owner of the partition would.
      if (i === 1200) {
        const copy = emptyPartition();
        for (const m of changelogMessages(restored, [...snapshot(restored)], 0, 'alerts'))
          applyChangelogRecord(copy, String(m.key), valueOf(m), 'alerts');
        restored = copy;
        live.streamTime = copy.streamTime;
        live.entities = copy.entities;
      }
    }
    expect(summary(alerts)).to.deep.equal(reference);
  });

  it('suppresses further firing windows while open, and the cooldown after a resolution', () => {
    const { alerts } = run(
      story(start, 2, 1).concat(hour(start + 33 * HOUR, 60, 40), hour(start + 34 * HOUR, 40, 6)),
      500,
    );
    // Burst hours 30-31: one alert; hour 32 calm resolves it; hour 33 fires again within the 4 h cooldown.
    expect(alerts.map((a) => [a.status, (a.window_start - start) / HOUR])).to.deep.equal([
      ['open', 30],
      ['resolved', 32],
    ]);
  });

  it('marks alerts of windows older than the delivery age historical, for an entity imported late', () => {
    const state = emptyPartition();
    const e = engine();
    run(story(start), 1000, e, state); // a live entity moves the partition's stream time to now
    const old = story(NOW - 30 * 24 * HOUR).map((m) => ({ ...m, entity: 'imported' }));
    const { alerts } = run(old, 1000, e, state);
    expect(alerts.filter((a) => a.status === 'open')).to.have.length(1);
    expect(alerts.every((a) => a.historical)).to.equal(true);
    expect(alerts[0]!.window_start).to.equal(NOW - 30 * 24 * HOUR + 30 * HOUR);
  });

  it("closes an entity's windows by its own time while another entity runs ahead, and by the partition's once it is quiet", () => {
    const state = emptyPartition();
    const e = engine();
    const burstHour = start + 30 * HOUR;
    // The entity's calm hours and its burst, then another entity 70 min into the next hour (an
    // upstream partition read faster): the burst window is still open, its late mentions count.
    run(story(start, 1, 0), 1000, e, state);
    run(hour(burstHour + 40 * MINUTE, 1, 0, 'price', 'other'), 1000, e, state);
    const rest = e.apply(state, tallyMentions(hour(burstHour, 30, 30)));
    expect(rest.alerts).to.have.length(0);
    // An hour more of the other entity's time: the quiet entity's burst window closes, 90 mentions in it.
    const closed = e.apply(state, tallyMentions(hour(burstHour + 3 * HOUR, 5, 0, 'price', 'other')));
    expect(closed.alerts.map((a) => [a.entity, a.window_start, a.mention_count])).to.deep.equal([
      ['shop', burstHour, 90],
    ]);
  });

  it('skips windows whose history left the retention when newer mentions came in the same chunk', () => {
    const old = story(NOW - 120 * 24 * HOUR);
    const { alerts } = run([...old, ...hour(NOW - 2 * HOUR, 40, 6)], 100_000);
    expect(alerts).to.have.length(0);
  });

  it('counts late mentions in later baselines without evaluating their closed window again', () => {
    const state = emptyPartition();
    const e = engine();
    run(story(start, 0, 2), 1000, e, state);
    const late = e.apply(state, tallyMentions(hour(start + 20 * HOUR, 60, 40)));
    expect(late.alerts).to.have.length(0);
    expect(late.counters.late).to.equal(60);
  });
});

describe('alert state size', () => {
  const start = NOW - 40 * HOUR;

  it('counts the records the changelog keeps and the hours whose window is still open', () => {
    maker.restart();
    const e = engine();
    const state = emptyPartition();
    const kept = new Set<string>();
    const stream = story(start, 1, 0);
    for (let i = 0; i < stream.length; i += 97) {
      const { changes } = e.apply(state, tallyMentions(stream.slice(i, i + 97)));
      for (const m of changelogMessages(state, changes, 0, 'alerts'))
        if (m.value === null) kept.delete(String(m.key));
        else kept.add(String(m.key));
      const size = stateSize(state);
      expect(size.records).to.equal(kept.size);
      const shop = state.entities.get(entityKey('t', 'shop'))!;
      const notEvaluated = [...shop.buckets.keys()].filter((b) => b + HOUR > shop.evaluatedUpTo);
      expect(size.openWindows).to.equal(notEvaluated.length);
    }
    // 31 hours: the last (the burst) still within its allowed lateness, the others closed.
    expect(stateSize(state)).to.deep.equal({ entities: 1, records: 1 + 1 + 31, openWindows: 1 });
    // Another entity's first hour opens one more window.
    e.apply(state, tallyMentions(hour(start + 31 * HOUR, 40, 6, 'price', 'other')));
    expect(stateSize(state)).to.deep.equal({ entities: 2, records: 1 + 2 + 32, openWindows: 2 });
    // Two hours later by the other entity's time, both close (the quiet one by the partition's
    // time); only the newest hour is open.
    e.apply(state, tallyMentions(hour(start + 33 * HOUR, 40, 6, 'price', 'other')));
    expect(stateSize(state)).to.deep.equal({ entities: 2, records: 1 + 2 + 33, openWindows: 1 });
  });
});

describe('alert services sharing alerts.tallies.v1 and alerts.state.v1', () => {
  const start = NOW - 40 * HOUR;

  /** One service's tally stage: each chunk's tallies as records under its group id. */
  function tallyRecords(group: string, stream: AspectMention[], chunk: number) {
    const out: Array<{ headers: IHeaders; value: Tally }> = [];
    for (let i = 0; i < stream.length; i += chunk)
      for (const value of tallyMentions(stream.slice(i, i + chunk)))
        out.push({ headers: tallyHeaders(group), value });
    return out;
  }

  /** Alternates the records of both lists, as two tally stages writing to one partition would. */
  function interleave<T>(a: T[], b: T[]): T[] {
    const out: T[] = [];
    for (let i = 0; i < Math.max(a.length, b.length); i++)
      out.push(...a.slice(i, i + 1), ...b.slice(i, i + 1));
    return out;
  }

  /** One service's detect stage over the shared partition, writing its changes to the shared changelog. */
  function detect(
    group: string,
    topic: Array<{ headers: IHeaders; value: Tally }>,
    changelog: Message[],
    chunk = 50,
  ) {
    const e = engine();
    const state = emptyPartition();
    const alerts = [];
    for (let i = 0; i < topic.length; i += chunk) {
      const own = topic.slice(i, i + chunk).filter((r) => talliedBy(r.headers, group));
      const result = e.apply(
        state,
        own.map((r) => r.value),
      );
      alerts.push(...result.alerts);
      changelog.push(...changelogMessages(state, result.changes, 0, group));
    }
    return { alerts, state };
  }

  it('counts only its own tallies: two services reading the same mentions raise the same alerts, once each', () => {
    maker.restart();
    const stream = story(start);
    const reference = summary(run(stream, 300).alerts);
    expect(reference).to.have.length(2);
    const topic = interleave(tallyRecords('a', stream, 300), tallyRecords('b', stream, 300));
    // A record without the header (written by no service of today's) counts for none.
    topic.splice(5, 0, { headers: {}, value: tallyMentions(hour(start + 30 * HOUR, 500, 500))[0]! });
    const changelog: Message[] = [];
    // Same ids and counts as one service alone: ids name tenant, rule, scope and window, not the group.
    expect(summary(detect('a', topic, changelog).alerts)).to.deep.equal(reference);
    expect(summary(detect('b', topic, changelog).alerts)).to.deep.equal(reference);
  });

  it('restores only its own keys from the shared changelog, whatever the other service wrote', () => {
    maker.restart();
    const burst = story(start);
    const calm = story(start, 0, 1).concat(hour(start + 31 * HOUR, 40, 6, 'price', 'other'));
    const topic = interleave(tallyRecords('a', burst, 300), tallyRecords('b', calm, 300));
    const changelog: Message[] = [];
    const a = detect('a', topic, changelog);
    const b = detect('b', topic, changelog);
    expect(a.alerts).to.have.length(2);
    expect(b.alerts).to.have.length(0);
    // A record of no group's (before keys were namespaced) is ignored too.
    changelog.push({ key: `m\u001ft\u001fshop`, value: JSON.stringify({ open: {}, lastFired: {} }) });
    for (const [group, live] of [
      ['a', a.state],
      ['b', b.state],
    ] as const) {
      const restored = emptyPartition();
      for (const m of changelog) applyChangelogRecord(restored, String(m.key), valueOf(m), group);
      expect(digest(restored), group).to.deep.equal(digest(live));
    }
    expect(digest(a.state)).to.not.deep.equal(digest(b.state));
  });
});

function valueOf(m: Message): Buffer | null {
  return m.value === null || m.value === undefined ? null : Buffer.from(String(m.value));
}

/** What a state holds, comparable: per entity its lifecycle and its mentions per hour. */
function digest(s: PartitionState) {
  return {
    streamTime: s.streamTime,
    entities: [...s.entities.entries()].sort().map(([key, e]) => ({
      key,
      evaluatedUpTo: e.evaluatedUpTo,
      streamTime: e.streamTime,
      open: e.open,
      lastFired: e.lastFired,
      hours: [...e.buckets.entries()]
        .sort(([x], [y]) => x - y)
        .map(([b, hour]) => [b, [...hour.values()].reduce((n, t) => n + t.mentions, 0)]),
    })),
  };
}

/** Every key of a state, as a changelog compaction would keep them. */
function* snapshot(s: PartitionState) {
  yield { kind: 'partition' as const };
  for (const entity of s.entities.values()) {
    yield { kind: 'meta' as const, entity };
    for (const bucket of entity.buckets.keys()) yield { kind: 'bucket' as const, entity, bucket };
  }
}
