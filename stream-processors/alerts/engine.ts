/**
 * The alert engine: window state of one tallies partition, and the alerts its closed windows raise.
 * Pure (no I/O): the processor feeds it each chunk's tallies, publishes what it returns and writes
 * the changed state to the changelog in the same transaction.
 *
 * Time is event time. An entity's stream time is the latest created_at of its mentions; a window is
 * closed once that is `allowedLateness` past its end (or the partition's is, `idleClose` later, for
 * an entity gone quiet), and evaluated then, once. That alone is right only while every input
 * partition is read at the pace of the others: an entity's aspects come from several partitions of
 * sentiment.aspects.v1, and while a backlog is read (after downtime, a replay) one of them may be
 * days ahead of another. So, like a watermark taken over a stream processor's inputs, the window
 * also waits for every input partition that still has a backlog: such a partition holds the entity
 * at how far it has been read (less the lag the entity's own mentions there had behind it). A
 * partition read to its end holds nothing back (a quiet one included), nor does one the tally stage
 * has written nothing from for `idleClose` (a stalled reader must not stop every entity). A partition
 * not heard from yet holds everything once another's progress names it as behind. A mention
 * that arrives for a window already evaluated still counts in later baselines (metric `late`);
 * one older than the retention before its entity's newest hour is dropped (`expired`).
 *
 * Lifecycle per rule and scope (an aspect, a category, the entity): a window that fires opens an
 * alert; while it is open further firing windows are suppressed; a later window that has returned to
 * normal (`recovered`, easier than firing) resolves it, published as a second record with status
 * resolved. After a resolution the scope may fire again only once `cooldown_minutes` have passed
 * since its last alert. An alert whose window closed longer ago than `deliverMaxAgeMs` (a replay, a
 * reprocessing, an import of old reviews) is marked historical: stored, never delivered.
 */
import { alertId } from '../../common/ids/index';
import type { Alert, AlertContributor } from '../../schemas/index';
import {
  emergingAspect,
  negativeShareShift,
  recovered,
  volumeSpike,
  type Evaluation,
  type WindowCounts,
} from './detectors';
import { DEFAULT_ALERT_LANGUAGE, explain, type AlertLanguage } from './explain';
import { BUCKET_MS, type Rule } from './rules';
import { entityKey, isProgressRecord, mergeSamples, mergeTally, MAX_SAMPLES, type Tally } from './tally';

const WEEK_MS = 7 * 24 * BUCKET_MS;

export interface EngineOptions {
  allowedLatenessMs: number;
  /** How much history an entity keeps (baselines are cut to it). */
  retentionMs: number;
  deliverMaxAgeMs: number;
  /** Partition time after which a quiet entity's open windows close without its own mentions. */
  idleCloseMs: number;
  now: () => number;
  rulesFor: (tenant: string) => readonly Rule[];
  /** The tenant's alert language (alert settings), which the message is written in; English when unset. */
  languageFor?: (tenant: string) => AlertLanguage;
}

export interface OpenAlert {
  alertId: string;
  windowEnd: number;
}

export interface EntityState {
  tenant: string;
  entity: string;
  /** Hour → aspect → tally. */
  buckets: Map<number, Map<string, Tally>>;
  /** Windows ending at or before this were evaluated. */
  evaluatedUpTo: number;
  newestBucket: number;
  /** Latest created_at of the entity's mentions. */
  streamTime: number;
  /** `<rule id> <scope>` → its open alert. */
  open: Record<string, OpenAlert>;
  /** `<rule id> <scope>` → end of the window of its last alert. */
  lastFired: Record<string, number>;
  /** Input partition → the entity's latest mention read from it, and that partition's progress then. */
  sources: Record<number, EntitySource>;
}

export interface EntitySource {
  time: number;
  at: number;
}

/** What the detect stage knows of one input partition (of sentiment.aspects.v1). */
export interface SourceState {
  /** Latest created_at read from it. */
  time: number;
  /** Whether its last chunk reached its end. */
  caughtUp: boolean;
  /** When the tally stage last wrote from it. */
  writtenAt: number;
}

export interface PartitionState {
  streamTime: number;
  entities: Map<string, EntityState>;
  /** Input partition → its progress, as the records of this tallies partition tell it. */
  sources: Map<number, SourceState>;
  /** Latest write time of any record read. */
  writtenAt: number;
}

/** A state change to write to the changelog: the entity's hour (tallies), or its lifecycle (meta). */
export type StateChange =
  | { kind: 'bucket'; entity: EntityState; bucket: number }
  | { kind: 'meta'; entity: EntityState }
  | { kind: 'partition' };

export interface EngineCounters {
  late: number;
  expired: number;
  windows: number;
  suppressed: number;
}

export interface EngineResult {
  alerts: Alert[];
  changes: StateChange[];
  counters: EngineCounters;
}

export function emptyPartition(): PartitionState {
  return { streamTime: 0, entities: new Map(), sources: new Map(), writtenAt: 0 };
}

export interface StateSize {
  entities: number;
  /** Keys the state has in the changelog: the partition's, one per entity, one per entity-hour. */
  records: number;
  /** Entity-hours with mentions whose window has not closed (been evaluated) yet. */
  openWindows: number;
}

/** Cheap enough for every chunk: per entity, the fewer of its hours and its hours not yet evaluated. */
export function stateSize(state: PartitionState): StateSize {
  let records = state.streamTime > 0 || state.sources.size > 0 ? 1 : 0;
  let openWindows = 0;
  for (const e of state.entities.values()) {
    records += 1 + e.buckets.size;
    // Hours are aligned, as is evaluatedUpTo: the open ones are evaluatedUpTo … newestBucket.
    const span = (e.newestBucket - e.evaluatedUpTo) / BUCKET_MS + 1;
    if (span <= 0) continue;
    if (span < e.buckets.size) {
      for (let b = e.evaluatedUpTo; b <= e.newestBucket; b += BUCKET_MS) if (e.buckets.has(b)) openWindows++;
    } else for (const b of e.buckets.keys()) if (b >= e.evaluatedUpTo) openWindows++;
  }
  return { entities: state.entities.size, records, openWindows };
}

interface Scope {
  /** `aspect:<a>`, `category:<c>` or `entity`. */
  key: string;
  aspect: string | null;
  category: string | null;
  matches: (t: Tally) => boolean;
}

export class AlertEngine {
  constructor(private readonly options: EngineOptions) {}

  apply(state: PartitionState, tallies: readonly Tally[]): EngineResult {
    const counters: EngineCounters = { late: 0, expired: 0, windows: 0, suppressed: 0 };
    const buckets = new Map<string, StateChange>();
    const metas = new Map<EntityState, StateChange>();
    const touched = new Set<EntityState>();
    const previousStreamTime = state.streamTime;
    let sourcesMoved = false;
    for (const t of tallies) {
      if (t.sourcePartition >= 0) sourcesMoved = advanceSource(state, t) || sourcesMoved;
      if (isProgressRecord(t)) continue;
      const key = entityKey(t.tenant, t.entity);
      let e = state.entities.get(key);
      if (!e) {
        e = {
          tenant: t.tenant,
          entity: t.entity,
          buckets: new Map(),
          evaluatedUpTo: 0,
          newestBucket: t.bucket,
          streamTime: 0,
          open: {},
          lastFired: {},
          sources: {},
        };
        state.entities.set(key, e);
      }
      touched.add(e);
      if (t.sourcePartition >= 0) {
        // The entity's position in the partition: its latest mention there, and how far the
        // partition had been read by then (the chunk's time), so its lag behind the partition is known.
        const s = e.sources[t.sourcePartition];
        if (!s || t.maxCreatedAt >= s.time) {
          e.sources[t.sourcePartition] = { time: t.maxCreatedAt, at: Math.max(t.sourceTime, t.maxCreatedAt) };
          metas.set(e, { kind: 'meta', entity: e });
        }
      }
      if (t.bucket < e.newestBucket - this.options.retentionMs) {
        counters.expired += t.mentions;
        continue;
      }
      if (t.bucket < e.evaluatedUpTo) counters.late += t.mentions;
      let hour = e.buckets.get(t.bucket);
      if (!hour) e.buckets.set(t.bucket, (hour = new Map()));
      const existing = hour.get(t.aspect);
      if (existing) mergeTally(existing, t);
      else hour.set(t.aspect, { ...t, terms: { ...t.terms } });
      e.newestBucket = Math.max(e.newestBucket, t.bucket);
      if (t.maxCreatedAt > e.streamTime) {
        e.streamTime = t.maxCreatedAt;
        metas.set(e, { kind: 'meta', entity: e });
      }
      buckets.set(`${key}\u001f${t.bucket}`, { kind: 'bucket', entity: e, bucket: t.bucket });
      state.streamTime = Math.max(state.streamTime, t.maxCreatedAt);
    }

    // Once an hour of stream time every entity is looked at (windows of quiet entities close, open
    // alerts may recover); otherwise only the entities this chunk touched.
    const closes = (time: number) =>
      Math.floor((time - this.options.allowedLatenessMs) / BUCKET_MS) * BUCKET_MS;
    // An input partition's progress may release entities this chunk did not touch.
    const candidates =
      sourcesMoved || closes(state.streamTime) > closes(previousStreamTime)
        ? state.entities.values()
        : touched;
    const alerts: Alert[] = [];
    for (const e of candidates) {
      // An entity's windows close by its own event time: other entities of the partition come
      // from other upstream partitions, which may run hours ahead while a backlog is read. Once the
      // entity has been quiet for `idleCloseMs` of partition time, the partition's time closes them.
      // An entity far behind the partition (an import of old reviews) only by its own time, so its
      // history is evaluated as it arrives instead of all at once, half-read.
      const own =
        e.streamTime < state.streamTime - this.options.deliverMaxAgeMs
          ? e.streamTime
          : Math.max(e.streamTime, state.streamTime - this.options.idleCloseMs);
      const closedUpTo = closes(Math.min(own, this.heldAt(state, e)));
      if (closedUpTo <= e.evaluatedUpTo) continue;
      this.evaluate(e, closedUpTo, alerts, counters);
      e.evaluatedUpTo = closedUpTo;
      metas.set(e, { kind: 'meta', entity: e });
      for (const b of this.expire(e))
        buckets.set(`${entityKey(e.tenant, e.entity)}\u001f${b}`, { kind: 'bucket', entity: e, bucket: b });
    }
    const changes = [...buckets.values(), ...metas.values()];
    if (sourcesMoved || state.streamTime !== previousStreamTime) changes.push({ kind: 'partition' });
    return { alerts, changes, counters };
  }

  /**
   * How far the input partitions that still have a backlog have been read for `e`: the minimum over
   * them of the partition's progress, less the lag the entity's latest mention there had behind the
   * partition's chunk (its mentions may trail the rest of the partition: an import, a producer
   * writing entity by entity). Infinity when none holds it.
   */
  private heldAt(state: PartitionState, e: EntityState): number {
    let held = Infinity;
    for (const [partition, s] of state.sources) {
      if (s.caughtUp || state.writtenAt - s.writtenAt > this.options.idleCloseMs) continue;
      const mine = e.sources[partition];
      held = Math.min(held, s.time - (mine ? Math.max(0, mine.at - mine.time) : 0));
    }
    return held;
  }

  /** Drops hours older than the retention; returns them so their changelog entries are deleted. */
  private expire(e: EntityState): number[] {
    const horizon = e.newestBucket - this.options.retentionMs;
    const dropped: number[] = [];
    for (const b of e.buckets.keys()) if (b < horizon) dropped.push(b);
    for (const b of dropped) e.buckets.delete(b);
    return dropped;
  }

  /**
   * Evaluates every rule window of `e` that ends in (evaluatedUpTo, closedUpTo] and has mentions, or
   * an open alert waiting for recovery.
   */
  private evaluate(e: EntityState, closedUpTo: number, alerts: Alert[], counters: EngineCounters): void {
    const rules = this.options
      .rulesFor(e.tenant)
      .filter((r) => r.enabled && (r.entity === null || r.entity === e.entity));
    for (const rule of rules) {
      const width = rule.window_minutes * 60_000;
      const ends = new Set<number>();
      for (const b of e.buckets.keys()) {
        const end = Math.ceil((b + BUCKET_MS) / width) * width;
        if (end > e.evaluatedUpTo && end <= closedUpTo) ends.add(end);
      }
      const hasOpen = Object.keys(e.open).some((k) => k.startsWith(`${rule.id} `));
      if (hasOpen) {
        const next = (Math.floor(e.evaluatedUpTo / width) + 1) * width;
        if (next <= closedUpTo) ends.add(next);
      }
      for (const end of [...ends].sort((a, b) => a - b)) {
        counters.windows++;
        this.evaluateWindow(e, rule, end - width, end, alerts, counters);
      }
    }
  }

  private evaluateWindow(
    e: EntityState,
    rule: Rule,
    start: number,
    end: number,
    alerts: Alert[],
    counters: EngineCounters,
  ): void {
    const width = end - start;
    const horizon = e.newestBucket - this.options.retentionMs;
    // Newer mentions of the entity (in the same chunk, or an import read out of order) have moved
    // its retention past this window: its history is gone, so it is not judged.
    if (start < horizon) return;
    const baselineStart = Math.max(start - rule.baseline_windows * width, horizon);
    // Volume needs hour-of-week seasonality: three weeks of history whatever the baseline says.
    const historyStart =
      rule.detector === 'volume_spike'
        ? Math.max(Math.min(baselineStart, start - 3 * WEEK_MS), horizon)
        : baselineStart;
    const current = this.tallies(e, start, end);
    const scopes = this.scopes(rule, e, current);
    const windowsPerWeek = WEEK_MS / width;
    for (const scope of scopes) {
      const scopeKey = `${rule.id} ${scope.key}`;
      const inScope = current.filter(scope.matches);
      const counts = countsOf(inScope);
      const baselineTallies = this.tallies(e, baselineStart, start).filter(scope.matches);
      const baseline = countsOf(baselineTallies);
      const historyTallies =
        historyStart < baselineStart
          ? this.tallies(e, historyStart, start).filter(scope.matches)
          : baselineTallies;
      // Mentions per earlier window, oldest first, the last one just before the current window.
      const windows = Math.floor((start - historyStart) / width);
      const history = new Array<number>(windows).fill(0);
      for (const t of historyTallies) {
        const i = windows - 1 - Math.floor((start - 1 - t.bucket) / width);
        if (i >= 0) history[i]! += t.mentions;
      }
      // The window before this one (inside the baseline): negative_share also tests the two pooled,
      // which catches a shift of 30-60 mentions per window within one window of delay.
      const previous =
        start - width >= baselineStart
          ? countsOf(baselineTallies.filter((t) => t.bucket >= start - width))
          : undefined;
      const open = e.open[scopeKey];
      const evaluation = this.detect(rule, counts, baseline, history, windowsPerWeek, previous);
      if (open) {
        if (
          !evaluation.anomalous &&
          recovered(
            rule.detector,
            counts,
            baseline,
            history,
            windowsPerWeek,
            rule.min_mentions,
            rule.thresholds,
          )
        ) {
          delete e.open[scopeKey];
          alerts.push(
            this.alert(e, rule, scope, start, end, baselineStart, evaluation, counts, baseline, inScope, {
              resolves: open.alertId,
            }),
          );
        } else if (evaluation.anomalous) counters.suppressed++;
        continue;
      }
      if (!evaluation.anomalous) continue;
      const last = e.lastFired[scopeKey];
      if (last !== undefined && end - last < rule.cooldown_minutes * 60_000) {
        counters.suppressed++;
        continue;
      }
      const alert = this.alert(
        e,
        rule,
        scope,
        start,
        end,
        baselineStart,
        evaluation,
        counts,
        baseline,
        inScope,
      );
      e.open[scopeKey] = { alertId: alert.alert_id, windowEnd: end };
      e.lastFired[scopeKey] = end;
      alerts.push(alert);
    }
  }

  private detect(
    rule: Rule,
    counts: WindowCounts,
    baseline: WindowCounts,
    history: number[],
    windowsPerWeek: number,
    previous: WindowCounts | undefined,
  ): Evaluation {
    switch (rule.detector) {
      case 'negative_share':
        return negativeShareShift(counts, baseline, rule.min_mentions, rule.thresholds, previous);
      case 'volume_spike':
        return volumeSpike(counts, history, windowsPerWeek, rule.min_mentions, rule.thresholds);
      case 'emerging_aspect':
        return emergingAspect(counts, baseline, rule.min_mentions, rule.thresholds);
    }
  }

  /** The scopes a rule looks at in a window: those with mentions, and those with an open alert. */
  private scopes(rule: Rule, e: EntityState, current: Tally[]): Scope[] {
    const filtered = (t: Tally) =>
      (rule.normalized_aspect === null || t.aspect === rule.normalized_aspect) &&
      (rule.category === null || t.category === rule.category);
    const keys = new Set<string>();
    for (const t of current.filter(filtered)) {
      if (rule.level === 'aspect') keys.add(`aspect:${t.aspect}`);
      else if (rule.level === 'category' && t.category !== null) keys.add(`category:${t.category}`);
      else if (rule.level === 'entity') keys.add('entity');
    }
    for (const k of Object.keys(e.open))
      if (k.startsWith(`${rule.id} `)) keys.add(k.slice(rule.id.length + 1));
    return [...keys].sort().map((key) => {
      if (key.startsWith('aspect:')) {
        const aspect = key.slice('aspect:'.length);
        const category = current.find((t) => t.aspect === aspect)?.category ?? null;
        return { key, aspect, category, matches: (t: Tally) => t.aspect === aspect };
      }
      if (key.startsWith('category:')) {
        const category = key.slice('category:'.length);
        return { key, aspect: null, category, matches: (t: Tally) => filtered(t) && t.category === category };
      }
      return { key, aspect: null, category: null, matches: filtered };
    });
  }

  /** The entity's tallies of the hours in [from, to). */
  private tallies(e: EntityState, from: number, to: number): Tally[] {
    const out: Tally[] = [];
    // Windows are whole hours; a backlog read unevenly keeps weeks of hours while one is evaluated,
    // so the window's hours are looked up rather than every hour scanned.
    const first = Math.ceil(from / BUCKET_MS) * BUCKET_MS;
    if ((to - first) / BUCKET_MS <= e.buckets.size) {
      for (let b = first; b < to; b += BUCKET_MS) {
        const hour = e.buckets.get(b);
        if (hour) out.push(...hour.values());
      }
    } else for (const [b, hour] of e.buckets) if (b >= from && b < to) out.push(...hour.values());
    return out;
  }

  private alert(
    e: EntityState,
    rule: Rule,
    scope: Scope,
    start: number,
    end: number,
    baselineStart: number,
    evaluation: Evaluation,
    counts: WindowCounts,
    baseline: WindowCounts,
    tallies: Tally[],
    resolution?: { resolves: string },
  ): Alert {
    const entity = e.entity === '' ? null : e.entity;
    const opened = alertId(e.tenant, rule.id, entity, scope.key, start);
    const status = resolution ? 'resolved' : 'open';
    const language = this.options.languageFor?.(e.tenant) ?? DEFAULT_ALERT_LANGUAGE;
    const samples = tallies.reduce<string[]>(
      (acc, t) => mergeSamples(acc, rule.detector === 'volume_spike' ? t.samples : t.negativeSamples),
      [],
    );
    return {
      alert_id: resolution
        ? alertId(e.tenant, rule.id, entity, `${scope.key} resolves ${resolution.resolves}`, start)
        : opened,
      tenant: e.tenant,
      rule: rule.name,
      severity: rule.severity,
      entity,
      normalized_aspect: scope.aspect,
      category: scope.category,
      window_start: start,
      window_end: end,
      metric: evaluation.metric,
      observed: evaluation.observed,
      baseline: evaluation.baseline,
      threshold: evaluation.threshold,
      mention_count: counts.mentions,
      sample_document_ids: samples.slice(0, MAX_SAMPLES),
      message: explain(
        {
          detector: rule.detector,
          level: rule.level,
          entity,
          normalized_aspect: scope.aspect,
          category: scope.category,
          observed: evaluation.observed,
          baseline: evaluation.baseline,
          mention_count: counts.mentions,
          negative_count: counts.negative,
          window_minutes: rule.window_minutes,
          baseline_windows: Math.round((start - baselineStart) / (end - start)),
          baseline_prior: evaluation.baseline_prior,
          baseline_mention_count: baseline.mentions,
          status,
        },
        language,
      ),
      language,
      created_at: this.options.now(),
      status,
      resolves_alert_id: resolution?.resolves ?? null,
      detector: rule.detector,
      rule_id: rule.id,
      historical: end < this.options.now() - this.options.deliverMaxAgeMs,
      score: evaluation.score,
      negative_count: counts.negative,
      baseline_mention_count: baseline.mentions,
      baseline_start: baselineStart,
      contributors: contributors(rule, tallies),
    };
  }
}

/**
 * Folds a record's source into the partition's; whether anything changed. A partition's progress
 * moves only with its progress records, written after each chunk's tallies: the tallies of one chunk
 * may be split over two detect chunks, and the partition has been read past their times only once
 * all of them are in. A partition first heard of through a tally holds everything until then.
 */
function advanceSource(state: PartitionState, t: Tally): boolean {
  const before = state.sources.get(t.sourcePartition);
  const after: SourceState = isProgressRecord(t)
    ? {
        time: Math.max(before?.time ?? 0, t.sourceTime),
        caughtUp: t.sourceCaughtUp,
        writtenAt: Math.max(before?.writtenAt ?? 0, t.writtenAt),
      }
    : (before ?? { time: 0, caughtUp: false, writtenAt: t.writtenAt });
  const writtenAt = Math.max(state.writtenAt, t.writtenAt);
  // Partitions behind that this one has heard nothing from yet hold everything until they report.
  let introduced = false;
  for (const p of t.backlogged ?? []) {
    if (state.sources.has(p) || p === t.sourcePartition) continue;
    state.sources.set(p, { time: 0, caughtUp: false, writtenAt: t.writtenAt });
    introduced = true;
  }
  const moved =
    introduced ||
    !before ||
    after.time !== before.time ||
    after.caughtUp !== before.caughtUp ||
    after.writtenAt !== before.writtenAt ||
    writtenAt !== state.writtenAt;
  state.sources.set(t.sourcePartition, after);
  state.writtenAt = writtenAt;
  return moved;
}

function countsOf(tallies: readonly Tally[]): WindowCounts {
  let mentions = 0;
  let negative = 0;
  for (const t of tallies) {
    mentions += t.mentions;
    negative += t.negative;
  }
  return { mentions, negative };
}

/** The top five: terms of an aspect, aspects of a category or an entity; most negative first. */
function contributors(rule: Rule, tallies: readonly Tally[]): AlertContributor[] {
  const kind: AlertContributor['kind'] = rule.level === 'aspect' ? 'term' : 'aspect';
  const sums = new Map<string, { mentions: number; negative: number }>();
  for (const t of tallies) {
    const parts = kind === 'term' ? Object.entries(t.terms) : [[t.aspect, t] as const];
    for (const [value, c] of parts) {
      const s = sums.get(value) ?? { mentions: 0, negative: 0 };
      s.mentions += c.mentions;
      s.negative += c.negative;
      sums.set(value, s);
    }
  }
  return [...sums.entries()]
    .sort(([a, x], [b, y]) => y.negative - x.negative || y.mentions - x.mentions || (a < b ? -1 : 1))
    .slice(0, 5)
    .map(([value, s]) => ({ kind, value, mentions: s.mentions, negative: s.negative }));
}
