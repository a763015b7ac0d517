/**
 * `npm run bench:alerts`: detection quality and throughput of the real alert service on the local
 * stack.
 *
 * Stream: BENCH_ALERTS_ENTITIES entities over BENCH_ALERTS_DAYS days of hourly windows ending three
 * hours ago, for a fresh tenant. Per entity a base rate (log-uniform in BENCH_ALERTS_RATES mentions
 * per hour), a daily curve in its own time zone, a weekly modulation and Poisson noise; five aspects
 * with their own share of the traffic and a base negative share of 5-40 %. Seeded
 * (BENCH_ALERTS_SEED): the same seed gives the same stream.
 *
 * Ground truth: after BENCH_ALERTS_WARMUP_DAYS, every shifted entity gets one shift per
 * BENCH_ALERTS_SLOT_HOURS of one kind:
 *  - negative_share: one aspect's negative share rises by 10, 20 or 30 points for 3-6 hours;
 *  - volume_spike: all its mentions ×3 for 2 hours;
 *  - emerging_aspect: an aspect it never had appears for 3 hours, 75 % negative.
 * A quarter of the entities get none. The tenant has three rules in `alert_rules` (aspect-level
 * negative_share with min_mentions 30, entity-level volume_spike, aspect-level emerging_aspect),
 * default thresholds otherwise.
 *
 * Run: every mention is produced first (key tenant␟entity␟aspect, Avro with the registered schema,
 * hour by hour); then the service starts as a process on fresh consumer groups positioned at the
 * end of their topics as they were before this run, so it reads this run's mentions (and whatever
 * others produce meanwhile). Throughput: from the first committed tally chunk until the tally group
 * has consumed every mention and the detect group every tally (a transactional topic's partitions
 * end in transaction markers no consumer commits past, hence MARKER_SLACK). Alerts are read back
 * from PostgreSQL (`alerts`, written by the delivery side) and checked against the stream: each
 * alert's window count against the mentions produced for that window.
 *
 * Reference: the same mentions through the service's own engine in this process, all at once (every
 * window complete when evaluated): what the detectors make of the stream, apart from what the
 * service's handling of a backlog does. BENCH_ALERTS_WHAT_IF_Z (default 3, 0 = off) adds a
 * reference run with that z for negative_share, the detectors' documented recall/false-alarm
 * trade-off.
 *
 * Sharing the stack: alerts.tallies.v1 and alerts.state.v1 are shared topics, but each service
 * counts only the tally records carrying its own ALERTS_GROUP_ID and restores only changelog keys
 * prefixed with it, so another alert service running (e.g. `make demo`'s) does not touch this one's
 * window state. It does read the same mentions meanwhile (the cores are shared) and its delivery side
 * stores the tenant's alerts too (same deterministic ids); the output then carries a warning. Windows
 * close by each entity's own event time (ALERTS_IDLE_CLOSE_MINUTES at its maximum, as in the
 * integration test): partitions of the backlog are read at different speeds, and a partition's
 * idle close would otherwise close an entity's older windows before their mentions are read.
 * ALERTS_DELIVER_MAX_AGE_HOURS stays at its default; alerts are evaluated whether historical or
 * not. Other ALERTS_* variables pass through to the service and the reference.
 *
 * The tenant's rows in alert_rules, alerts and alert_deliveries and its consumer groups are removed
 * at the end, after other active groups on the alert topics have read past this run's records.
 * The mentions stay on sentiment.aspects.v1 (its retention), where fresh alert groups (which start
 * at the beginning) read them again.
 *
 * BENCH_ALERTS_REFERENCE_ONLY=1 needs no stack: it generates the same stream and runs only the
 * reference (and the what-if), with the bench rules built in memory as the service would read them
 * from alert_rules. For tuning the detectors; it says nothing about the service or its throughput.
 * The stream follows the clock (each entity's daily curve in its time zone, the weekday):
 * BENCH_ALERTS_END (an ISO time, reference-only) pins the end so that runs compare the same stream.
 *
 * Prints progress on stderr, a table with the aims on stdout, and one JSON object as the last line.
 *
 * Env: BENCH_ALERTS_ENTITIES (60), BENCH_ALERTS_DAYS (20), BENCH_ALERTS_WARMUP_DAYS (3),
 * BENCH_ALERTS_RATES (25-300), BENCH_ALERTS_SLOT_HOURS (48), BENCH_ALERTS_SEED (1),
 * BENCH_ALERTS_WHAT_IF_Z (3), BENCH_ALERTS_TIMEOUT_S (600), BENCH_ALERTS_REFERENCE_ONLY (unset),
 * BENCH_ALERTS_END (now - 3 h).
 */
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import kafkajs, { type Admin, type Message } from 'kafkajs';
import pg from 'pg';
import { parseConfig, withEnv } from '../../common/config/index';
import { createIdempotentProducer } from '../../common/kafka/client';
import { RegistryClient, valueSubject } from '../../common/kafka/registry';
import { silentLogger } from '../../common/logging/index';
import { schemas, type AspectMention } from '../../schemas/index';
import { TOPICS } from '../../schemas/topics';
import { alertsConfigSpec, engineTimes } from '../../stream-processors/alerts/config';
import { AlertEngine, emptyPartition } from '../../stream-processors/alerts/engine';
import { RuleSource } from '../../stream-processors/alerts/rule-source';
import { ruleInputSchema, type Detector, type Rule } from '../../stream-processors/alerts/rules';
import { tallyMentions, type Tally } from '../../stream-processors/alerts/tally';
import { freePort, startProcess, type Started } from '../integration/helpers/processes';
import { metricSum } from './prometheus-text';

const ENTITIES = Number(process.env.BENCH_ALERTS_ENTITIES ?? 60);
const DAYS = Number(process.env.BENCH_ALERTS_DAYS ?? 20);
const WARMUP_DAYS = Number(process.env.BENCH_ALERTS_WARMUP_DAYS ?? 3);
const [RATE_MIN, RATE_MAX] = (process.env.BENCH_ALERTS_RATES ?? '25-300').split('-').map(Number) as [
  number,
  number,
];
const SLOT_HOURS = Number(process.env.BENCH_ALERTS_SLOT_HOURS ?? 48);
const SEED = Number(process.env.BENCH_ALERTS_SEED ?? 1);
const WHAT_IF_Z = Number(process.env.BENCH_ALERTS_WHAT_IF_Z ?? 3);
const TIMEOUT_MS = Number(process.env.BENCH_ALERTS_TIMEOUT_S ?? 600) * 1000;
const REFERENCE_ONLY = ['1', 'true'].includes(process.env.BENCH_ALERTS_REFERENCE_ONLY ?? '');
const BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const REGISTRY_URL = process.env.SCHEMA_REGISTRY_URL ?? 'http://127.0.0.1:8081/apis/ccompat/v7';
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://absa:absa@127.0.0.1:5432/absa';

const HOUR = 60 * 60 * 1000;
const SEND_BATCH = 5000;
/** Hours of data after the last shift ends, so its windows close (lateness 10 min) and can recover. */
const TAIL_HOURS = 4;
const AIMS = { recall: 0.95, falseAlarmsPer100: 1, delayWindows: 1, mentionsPerSecond: 20_000 };
const BUCKETS = [
  { label: '<30', min: 0, max: 30 },
  { label: '30–60', min: 30, max: 60 },
  { label: '60–150', min: 60, max: 150 },
  { label: '150+', min: 150, max: Infinity },
] as const;
const SIZES = [0.1, 0.2, 0.3];
const DETECTORS: Detector[] = ['negative_share', 'volume_spike', 'emerging_aspect'];

/**
 * Service settings; the reference engine gets the same times through the service's own config.
 * Private webhooks are allowed because the delivery side of every alert service reads every alert on
 * sentiment.alerts.v1: one of another user's (a local receiver) must be delivered, not dead-lettered.
 */
const SERVICE_ENV = {
  ALERTS_IDLE_CLOSE_MINUTES: String(7 * 24 * 60),
  ALERTS_WEBHOOK_ALLOW_PRIVATE: 'true',
  LOG_LEVEL: 'warn',
};
/**
 * Trailing records after the last data record of a partition that a consumer never commits past:
 * one transaction marker per transactional producer that wrote to it (this service's stage and
 * those of other alert services on the stack).
 */
const MARKER_SLACK = 3n;

const log = (line: string): void => void process.stderr.write(`[bench:alerts] ${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round = (x: number, digits = 2): number => Math.round(x * 10 ** digits) / 10 ** digits;
const loadAverage = (): number[] => os.loadavg().map((x) => round(x, 1));
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length === 0 ? NaN : s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

// ---- the synthetic stream --------------------------------------------------------------------

/** sfc32, seeded through splitmix32: small, fast, and the same numbers on every platform. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  const split = (): number => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = split();
  let b = split();
  let c = split();
  let d = split();
  return () => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) >>> 0;
    return t / 4294967296;
  };
}

function logFactorial(k: number): number {
  if (k < 2) return 0;
  if (k < 20) {
    let s = 0;
    for (let i = 2; i <= k; i++) s += Math.log(i);
    return s;
  }
  return k * Math.log(k) - k + 0.5 * Math.log(2 * Math.PI * k) + 1 / (12 * k) - 1 / (360 * k ** 3);
}

/** Poisson draw: Knuth below 30, Hörmann's PTRS above (exact, constant time). */
function poisson(rand: () => number, lambda: number): number {
  if (lambda <= 0) return 0;
  if (lambda < 30) {
    const limit = Math.exp(-lambda);
    let k = 0;
    let p = rand();
    while (p > limit) {
      k++;
      p *= rand();
    }
    return k;
  }
  const sl = Math.sqrt(lambda);
  const b = 0.931 + 2.53 * sl;
  const a = -0.059 + 0.02483 * b;
  const invAlpha = 1.1239 + 1.1328 / (b - 3.4);
  const vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const u = rand() - 0.5;
    const v = rand();
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + lambda + 0.43);
    if (us >= 0.07 && v <= vr) return k;
    if (k < 0 || (us < 0.013 && v > us)) continue;
    if (
      Math.log(v) + Math.log(invAlpha) - Math.log(a / (us * us) + b) <=
      -lambda + k * Math.log(lambda) - logFactorial(k)
    )
      return k;
  }
}

// Review traffic by local hour (night trough ~0.25, evening peak ~1.75 of the mean) and weekday
// (Sunday first; busier weekends); both normalized to a mean of 1.
const normalized = (xs: number[]): number[] => {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  return xs.map((x) => x / mean);
};
const DAY_CURVE = normalized([
  0.42, 0.3, 0.24, 0.21, 0.22, 0.28, 0.42, 0.65, 0.9, 1.08, 1.18, 1.24, 1.3, 1.26, 1.2, 1.18, 1.22, 1.32,
  1.48, 1.62, 1.68, 1.55, 1.2, 0.78,
]);
const WEEK_CURVE = normalized([1.06, 0.96, 0.94, 0.95, 0.97, 1.02, 1.1]);

const ASPECTS: ReadonlyArray<readonly [string, string]> = [
  ['delivery', 'Shipping'],
  ['price', 'Price'],
  ['battery life', 'Hardware'],
  ['display', 'Hardware'],
  ['customer service', 'Service'],
  ['packaging', 'Shipping'],
  ['app', 'Software'],
  ['refund', 'Service'],
  ['build quality', 'Hardware'],
  ['size', 'Fit'],
  ['taste', 'Product'],
  ['staff', 'Service'],
];
const EMERGING = ['overheating', 'login', 'billing error', 'mold', 'charging port', 'recall', 'rash', 'leak'];
const ASPECTS_PER_ENTITY = 5;
const EMERGING_SHARE = 0.75;
const EMERGING_HOURS = 3;
const SPIKE_FACTOR = 3;
const SPIKE_HOURS = 2;
// Role by rank of base rate, so that every kind gets small and large entities.
const ROLES: Array<Detector | 'none'> = [
  ...['negative_share', 'volume_spike', 'negative_share', 'none', 'negative_share'],
  ...['emerging_aspect', 'negative_share', 'none', 'negative_share', 'volume_spike'],
  ...['negative_share', 'emerging_aspect', 'negative_share', 'none', 'negative_share'],
  ...['volume_spike', 'negative_share', 'emerging_aspect', 'negative_share', 'none'],
] as Array<Detector | 'none'>;

interface AspectSpec {
  name: string;
  category: string | null;
  weight: number;
  negative: number;
}

interface EntitySpec {
  name: string;
  rate: number;
  tz: number;
  role: Detector | 'none';
  aspects: AspectSpec[];
}

interface Shift {
  kind: Detector;
  entity: string;
  /** The shifted aspect; null for a volume spike (the whole entity). */
  aspect: string | null;
  /** Index of the first shifted hour. */
  hour: number;
  hours: number;
  /** Rise of the negative share (negative_share). */
  size?: number;
  /** Expected mentions per window of the shifted scope, from the rates. */
  expected: number;
  /** Mentions per window of the shifted scope, as drawn (mean over the shift). */
  mentions?: number;
}

interface Scenario {
  entities: EntitySpec[];
  shifts: Shift[];
  hours: number;
  warmupHours: number;
  start: number;
}

function buildScenario(start: number): Scenario {
  const rand = prng(SEED);
  const hours = DAYS * 24;
  const warmupHours = WARMUP_DAYS * 24;
  const entities: EntitySpec[] = [];
  for (let i = 0; i < ENTITIES; i++) {
    const rate = RATE_MIN * (RATE_MAX / RATE_MIN) ** rand();
    const pool = [...ASPECTS];
    const aspects: AspectSpec[] = [];
    for (let k = 0; k < ASPECTS_PER_ENTITY; k++) {
      const [name, category] = pool.splice(Math.floor(rand() * pool.length), 1)[0]!;
      // Aspect frequencies fall off roughly like Zipf's law (the first ~40 % of an entity's mentions).
      const weight = (0.8 + 0.45 * rand()) / (k + 1) ** 0.9;
      aspects.push({ name, category, weight, negative: 0.05 + 0.35 * rand() });
    }
    const total = aspects.reduce((s, a) => s + a.weight, 0);
    for (const a of aspects) a.weight /= total;
    entities.push({
      name: `store-${String(i).padStart(3, '0')}`,
      rate,
      tz: Math.floor(rand() * 12) - 8,
      role: 'none',
      aspects,
    });
  }
  [...entities].sort((a, b) => b.rate - a.rate).forEach((e, rank) => (e.role = ROLES[rank % ROLES.length]!));

  const shifts: Shift[] = [];
  // negative_share shifts per target bucket: each shift goes to the least filled bucket the entity
  // can reach, and the rises cycle within each bucket.
  const filled = new Map<string, number>(BUCKETS.slice(1).map((b) => [b.label, 0]));
  const lastStart = (length: number) => hours - TAIL_HOURS - length;
  for (const e of entities) {
    if (e.role === 'none') continue;
    let emergingUsed = 0;
    for (let slot = warmupHours; slot + SLOT_HOURS <= hours; slot += SLOT_HOURS) {
      // Leaves a cooldown (6 h) and more before the next slot's shift.
      const window = (length: number) => ({
        from: slot,
        to: Math.min(slot + SLOT_HOURS - length - 8, lastStart(length)),
      });
      if (e.role === 'negative_share') {
        const length = 3 + Math.floor(rand() * 4);
        const { from, to } = window(length);
        if (to < from) continue;
        const draw = () => {
          const aspect = e.aspects[Math.floor(rand() * e.aspects.length)]!;
          const hour = from + Math.floor(rand() * (to - from + 1));
          let sum = 0;
          for (let h = hour; h < hour + length; h++) sum += lambdaOf(e, aspect, h, start);
          return { aspect, hour, expected: sum / length };
        };
        let chosen: { aspect: AspectSpec; hour: number; expected: number; bucket: string } | undefined;
        let fallback: ReturnType<typeof draw> | undefined;
        for (const target of BUCKETS.slice(1).sort((a, b) => filled.get(a.label)! - filled.get(b.label)!)) {
          // Aimed inside the bucket, so that the drawn counts mostly stay in it.
          const [lo, hi] = [target.min * 1.15, target.max * 0.9];
          for (let attempt = 0; attempt < 150 && !chosen; attempt++) {
            const d = draw();
            if (d.expected >= lo && d.expected < hi) chosen = { ...d, bucket: target.label };
            else if (!fallback || d.expected > fallback.expected) fallback = d;
          }
          if (chosen) break;
        }
        // An entity too quiet for any bucket gets its shift on its busiest draw (under 30 mentions).
        const pick = chosen ?? { ...fallback!, bucket: BUCKETS[1].label };
        const n = filled.get(pick.bucket)!;
        filled.set(pick.bucket, n + 1);
        shifts.push({
          kind: 'negative_share',
          entity: e.name,
          aspect: pick.aspect.name,
          hour: pick.hour,
          hours: length,
          size: SIZES[n % SIZES.length]!,
          expected: pick.expected,
        });
      } else if (e.role === 'volume_spike') {
        const { from, to } = window(SPIKE_HOURS);
        if (to < from) continue;
        // A spike the rule can see: the entity has at least min_mentions (30) per window anyway.
        const candidates: number[] = [];
        for (let h = from; h <= to; h++) if (entityLambda(e, h, start) >= 30) candidates.push(h);
        const hour = candidates.length
          ? candidates[Math.floor(rand() * candidates.length)]!
          : from + Math.floor(rand() * (to - from + 1));
        const expected = entityLambda(e, hour, start) * SPIKE_FACTOR;
        shifts.push({
          kind: 'volume_spike',
          entity: e.name,
          aspect: null,
          hour,
          hours: SPIKE_HOURS,
          expected,
        });
      } else {
        const { from, to } = window(EMERGING_HOURS);
        if (to < from || emergingUsed >= EMERGING.length) continue;
        const hour = from + Math.floor(rand() * (to - from + 1));
        const expected = 20 + 40 * rand();
        shifts.push({
          kind: 'emerging_aspect',
          entity: e.name,
          aspect: EMERGING[emergingUsed++]!,
          hour,
          hours: EMERGING_HOURS,
          expected,
        });
      }
    }
  }
  return { entities, shifts, hours, warmupHours, start };
}

function lambdaOf(e: EntitySpec, a: AspectSpec, hour: number, start: number): number {
  return entityLambda(e, hour, start) * a.weight;
}

function entityLambda(e: EntitySpec, hour: number, start: number): number {
  const local = new Date(start + hour * HOUR + e.tz * HOUR);
  return e.rate * DAY_CURVE[local.getUTCHours()]! * WEEK_CURVE[local.getUTCDay()]!;
}

const countKey = (entity: string, aspect: string | null, hour: number): string =>
  `${entity}\u001f${aspect ?? ''}\u001f${hour}`;

const hex = (n: number, width: number): string => n.toString(16).padStart(width, '0');

/**
 * Generates the stream hour by hour (all entities' mentions of an hour before the next hour's) and
 * hands each entity-hour to `emit`. Records the drawn counts of every shifted scope's windows, and
 * of every aspect and entity hour in `counts` (key countKey).
 */
function generate(
  sc: Scenario,
  tenant: string,
  counts: Map<string, number>,
  emit: (mentions: AspectMention[]) => Promise<void>,
): Promise<number> {
  const rand = prng(SEED ^ 0x5bd1e995);
  const run = hex(Number.parseInt(tenant.replace(/[^0-9a-z]/g, '').slice(-7), 36) >>> 0, 8);
  const byEntity = new Map<string, Shift[]>();
  for (const s of sc.shifts) byEntity.set(s.entity, [...(byEntity.get(s.entity) ?? []), s]);
  const drawn = new Map<Shift, number>();
  let counter = 0;
  const mention = (e: EntitySpec, aspect: string, category: string | null, t: number, negative: boolean) => {
    const n = counter++;
    const polarity = negative ? 'negative' : rand() < 0.75 ? 'positive' : 'neutral';
    const sentence = `The ${aspect} was ${negative ? 'awful' : polarity === 'positive' ? 'great' : 'fine'}.`;
    const created = t + Math.floor(rand() * HOUR);
    const m: AspectMention = {
      mention_id: `${run}-${hex(n >>> 16, 4)}-5${hex(n & 0xfff, 3)}-a000-${hex(n, 12)}`,
      document_id: `${run}-${hex(n >>> 16, 4)}-4${hex(n & 0xfff, 3)}-8000-${hex(n, 12)}`,
      tenant,
      source: 'bench',
      entity: e.name,
      created_at: created,
      processed_at: created + 2000,
      lang: 'en',
      term: aspect,
      start: 4,
      end: 4 + aspect.length,
      sentence_index: 0,
      sentence_text: sentence,
      sentence_start: 0,
      sentence_end: sentence.length,
      normalized_aspect: aspect,
      category,
      polarity,
      confidence: 0.9,
      model: { name: 'bench', version: '0' },
      taxonomy_version: null,
    };
    return m;
  };
  return (async () => {
    for (let h = 0; h < sc.hours; h++) {
      const t = sc.start + h * HOUR;
      for (const e of sc.entities) {
        const shifts = (byEntity.get(e.name) ?? []).filter((s) => h >= s.hour && h < s.hour + s.hours);
        const spike = shifts.some((s) => s.kind === 'volume_spike') ? SPIKE_FACTOR : 1;
        const out: AspectMention[] = [];
        for (const a of e.aspects) {
          const rise = shifts.find((s) => s.kind === 'negative_share' && s.aspect === a.name)?.size ?? 0;
          const n = poisson(rand, lambdaOf(e, a, h, sc.start) * spike);
          for (let i = 0; i < n; i++) out.push(mention(e, a.name, a.category, t, rand() < a.negative + rise));
          counts.set(countKey(e.name, a.name, h), n);
          for (const s of shifts)
            if (s.kind === 'negative_share' && s.aspect === a.name) drawn.set(s, (drawn.get(s) ?? 0) + n);
        }
        for (const s of shifts.filter((x) => x.kind === 'emerging_aspect')) {
          const n = poisson(rand, s.expected);
          for (let i = 0; i < n; i++) out.push(mention(e, s.aspect!, null, t, rand() < EMERGING_SHARE));
          counts.set(countKey(e.name, s.aspect!, h), n);
          drawn.set(s, (drawn.get(s) ?? 0) + n);
        }
        for (const s of shifts.filter((x) => x.kind === 'volume_spike'))
          drawn.set(s, (drawn.get(s) ?? 0) + out.length);
        counts.set(countKey(e.name, null, h), out.length);
        if (out.length) await emit(out);
      }
    }
    for (const [s, n] of drawn) s.mentions = n / s.hours;
    return counter;
  })();
}

// ---- Kafka, PostgreSQL and the service -------------------------------------------------------

const kafka = new kafkajs.Kafka({
  clientId: 'bench-alerts',
  brokers: BROKERS,
  logLevel: kafkajs.logLevel.NOTHING,
});

async function endOffsets(admin: Admin, topic: string): Promise<Map<number, bigint>> {
  return new Map((await admin.fetchTopicOffsets(topic)).map((o) => [o.partition, BigInt(o.high)]));
}

async function setGroup(admin: Admin, groupId: string, topic: string, at: Map<number, bigint>) {
  await admin.setOffsets({
    groupId,
    topic,
    partitions: [...at].map(([partition, offset]) => ({ partition, offset: offset.toString() })),
  });
}

async function committed(admin: Admin, groupId: string, topic: string): Promise<Map<number, bigint>> {
  const [t] = await admin.fetchOffsets({ groupId, topics: [topic] });
  return new Map((t?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset)]));
}

/** Every partition's committed offset has reached `target` minus `slack`. */
function reached(at: Map<number, bigint>, target: Map<number, bigint>, slack: bigint): boolean {
  for (const [p, end] of target) if ((at.get(p) ?? -1n) < end - slack) return false;
  return true;
}

/** CPU seconds (user + system) of a process. */
function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return NaN;
  }
}

/** Alert services on this machine that this benchmark did not start (they share the topics). */
function otherAlertServices(own: number | undefined): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === own) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      // The node process that runs the service, not a tsx wrapper around it.
      if (
        cmd[0]?.endsWith('node') &&
        !cmd.some((a) => a.endsWith('/.bin/tsx')) &&
        cmd.some((a) => a.endsWith('stream-processors/alerts/main.ts'))
      )
        found.push(Number(entry));
    } catch {
      // gone
    }
  }
  return found;
}

async function activeGroups(admin: Admin): Promise<string[]> {
  const { groups } = await admin.listGroups();
  const described = await admin.describeGroups(groups.map((g) => g.groupId));
  return described.groups.filter((g) => g.members.length > 0).map((g) => g.groupId);
}

/**
 * Waits until every other active group that reads the alert topics has read past this run's
 * records, stage by stage (mentions, then tallies, then alerts); returns those still behind.
 */
async function waitForOtherGroups(
  admin: Admin,
  own: string,
  producedEnd: Map<number, bigint>,
  timeoutMs: number,
): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  const groups = (await activeGroups(admin)).filter((g) => !g.startsWith(own));
  const behind: string[] = [];
  for (const topic of [TOPICS.aspects, TOPICS.alertTallies, TOPICS.alerts]) {
    const end = topic === TOPICS.aspects ? producedEnd : await endOffsets(admin, topic);
    const slack = topic === TOPICS.aspects ? 0n : MARKER_SLACK;
    for (const g of groups) {
      for (;;) {
        const at = await committed(admin, g, topic);
        if ([...at.values()].every((o) => o < 0n) || reached(at, end, slack)) break;
        if (Date.now() > deadline) {
          behind.push(`${g} on ${topic}`);
          break;
        }
        await sleep(1000);
      }
    }
  }
  return behind;
}

const RULES_SQL = `
  INSERT INTO alert_rules (tenant, name, detector, level, window_minutes, baseline_windows, min_mentions,
                           thresholds, cooldown_minutes, severity, channels)
  VALUES ($1, 'bench-aspect-negative-share', 'negative_share', 'aspect', 60, 168, 30, '{}', 360, 'warning', '[]'),
         ($1, 'bench-entity-volume-spike', 'volume_spike', 'entity', 60, 168, 30, '{}', 360, 'info', '[]'),
         ($1, 'bench-emerging-aspect', 'emerging_aspect', 'aspect', 60, 168, 10, '{}', 360, 'warning', '[]')`;

/** The rules of RULES_SQL, for the reference-only run (no PostgreSQL). */
function benchRules(tenant: string): Rule[] {
  const specs = [
    { name: 'bench-aspect-negative-share', detector: 'negative_share', level: 'aspect', min_mentions: 30 },
    { name: 'bench-entity-volume-spike', detector: 'volume_spike', level: 'entity', severity: 'info' },
    { name: 'bench-emerging-aspect', detector: 'emerging_aspect', level: 'aspect', min_mentions: 10 },
  ] as const;
  return specs.map((s) => ({
    ...ruleInputSchema.parse({ ...s, window_minutes: 60, baseline_windows: 168, cooldown_minutes: 360 }),
    id: `bench:${s.name}`,
    tenant,
  }));
}

interface Opened {
  detector: Detector;
  entity: string;
  aspect: string | null;
  windowStart: number;
}

const keyOf = (a: Opened): string => `${a.detector}|${a.entity}|${a.aspect ?? ''}|${a.windowStart}`;

interface Throughput {
  mentions: number;
  consumed: number;
  seconds: number;
  mentions_per_second: number;
  from_ready_seconds: number;
  from_ready_mentions_per_second: number;
  tally_seconds: number;
  start_up_seconds: number;
  service_cpu_seconds: number;
  service_cpu_cores: number;
  load_average: number[];
  late_mentions: number;
  /** Changelog restores (one per tallies partition at start) and their total time, within `seconds`. */
  state_restores: number;
  state_restore_seconds: number;
  expired_mentions: number;
  /** Alert records this service's detect stage published (the tenant's alerts may come from others). */
  alert_records_raised: number;
}

async function runService(
  admin: Admin,
  groupId: string,
  producedEnd: Map<number, bigint>,
  mentions: number,
  concurrent: Set<number>,
): Promise<Throughput> {
  // Tallies and alerts of earlier runs stay unread: fresh groups would start at their beginning.
  await setGroup(admin, groupId, TOPICS.alertTallies, await endOffsets(admin, TOPICS.alertTallies));
  await setGroup(admin, `${groupId}-delivery`, TOPICS.alerts, await endOffsets(admin, TOPICS.alerts));
  const port = await freePort();
  const started = performance.now();
  const service: Started = startProcess('stream-processors/alerts/main.ts', [], {
    ...SERVICE_ENV,
    ALERTS_GROUP_ID: groupId,
    ALERTS_PORT: String(port),
  });
  live.add(service);
  let exited = false;
  void service.exited.then(() => (exited = true));
  const url = `http://127.0.0.1:${port}`;
  const fail = (why: string) => new Error(`${why}\n${service.output().slice(-3000)}`);
  const deadline = Date.now() + TIMEOUT_MS;
  const metrics = async () => (await fetch(`${url}/metrics`)).text();
  for (;;) {
    if (exited) throw fail('the alert service exited during start-up');
    if (Date.now() > deadline) throw fail('the alert service did not become ready');
    try {
      if ((await fetch(`${url}/readyz`)).ok) break;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  const ready = performance.now();
  const pid = service.child.pid!;
  const cpuAtReady = cpuSeconds(pid);
  log(
    `service ready after ${((ready - started) / 1000).toFixed(1)} s; consuming ${mentions.toLocaleString('en-US')} mentions`,
  );

  let first: { at: number; consumed: number } | undefined;
  let tallyDone: { at: number; talliesEnd: Map<number, bigint> } | undefined;
  let lastLog = 0;
  for (;;) {
    if (exited) throw fail('the alert service exited');
    if (Date.now() > deadline) throw fail('timed out waiting for the service to consume the stream');
    for (const p of otherAlertServices(pid)) concurrent.add(p);
    const consumed = metricSum(await metrics(), 'absa_alerts_mentions_consumed_total');
    const now = performance.now();
    if (!first && consumed > 0) first = { at: now, consumed };
    if (!tallyDone && reached(await committed(admin, `${groupId}-tally`, TOPICS.aspects), producedEnd, 0n)) {
      tallyDone = { at: now, talliesEnd: await endOffsets(admin, TOPICS.alertTallies) };
      log(`tally stage done after ${((now - ready) / 1000).toFixed(1)} s`);
    }
    if (
      tallyDone &&
      reached(await committed(admin, groupId, TOPICS.alertTallies), tallyDone.talliesEnd, MARKER_SLACK)
    ) {
      const text = await metrics();
      const cpu = cpuSeconds(pid) - cpuAtReady;
      const total = metricSum(text, 'absa_alerts_mentions_consumed_total');
      const seconds = (now - first!.at) / 1000;
      const throughput: Throughput = {
        mentions,
        consumed: total,
        seconds: round(seconds, 1),
        mentions_per_second: Math.round((total - first!.consumed) / seconds),
        from_ready_seconds: round((now - ready) / 1000, 1),
        from_ready_mentions_per_second: Math.round(total / ((now - ready) / 1000)),
        tally_seconds: round((tallyDone.at - ready) / 1000, 1),
        start_up_seconds: round((ready - started) / 1000, 1),
        service_cpu_seconds: round(cpu, 1),
        service_cpu_cores: round(cpu / ((now - ready) / 1000)),
        load_average: loadAverage(),
        late_mentions: metricSum(text, 'absa_alerts_late_mentions_total'),
        state_restores: metricSum(text, 'absa_alerts_state_restore_duration_seconds_count'),
        state_restore_seconds: round(metricSum(text, 'absa_alerts_state_restore_duration_seconds_sum'), 1),
        expired_mentions: metricSum(text, 'absa_alerts_expired_mentions_total'),
        alert_records_raised: metricSum(text, 'absa_alerts_raised_total'),
      };
      // The delivery side writes the alerts into PostgreSQL; wait until it has read them all.
      const alertsEnd = await endOffsets(admin, TOPICS.alerts);
      while (
        !reached(await committed(admin, `${groupId}-delivery`, TOPICS.alerts), alertsEnd, MARKER_SLACK)
      ) {
        if (exited) throw fail('the alert service exited');
        if (Date.now() > deadline) throw fail('timed out waiting for the delivery side');
        await sleep(500);
      }
      return throughput;
    }
    if (now - lastLog > 10_000) {
      lastLog = now;
      log(`consumed ${consumed.toLocaleString('en-US')} of ${mentions.toLocaleString('en-US')}`);
    }
    await sleep(500);
  }
}

/** Services and cleanups of this run, so that a failure or SIGINT/SIGTERM leaves nothing behind. */
const live = new Set<Started>();

/** SIGTERM (the service's graceful stop: in-flight transactions end), SIGKILL after 30 s. */
async function stopServices(): Promise<void> {
  await Promise.all(
    [...live].map(async (s) => {
      if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGTERM');
      const done = await Promise.race([s.exited.then(() => true), sleep(30_000).then(() => false)]);
      if (!done) s.child.kill('SIGKILL');
      live.delete(s);
    }),
  );
}
const cleanups: Array<() => Promise<void>> = [];
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping the service and cleaning up`);
    for (const s of live) s.child.kill('SIGKILL');
    void (async () => {
      for (const c of cleanups.splice(0)) await c().catch(() => undefined);
    })().finally(() => process.exit(1));
  });
}

// ---- evaluation ------------------------------------------------------------------------------

interface DetectorResult {
  shifts: number;
  detected: number;
  recall: number | null;
  delay_median: number | null;
  delay_max: number | null;
  delay_within_one: number | null;
  false_alarms: number;
  false_alarms_per_100_entity_days: number;
  false_alarms_clean_entities: number;
  false_alarms_per_100_clean_entity_days: number;
  /** By week of the stream (the history a baseline can have): false alarms, per 100 entity-days. */
  false_alarms_by_week: Array<{ week: number; false_alarms: number; per_100_entity_days: number }>;
  warmup_alerts: number;
}

interface RecallCell {
  size: number;
  bucket: string;
  shifts: number;
  detected: number;
  recall: number | null;
}

interface Evaluation {
  detectors: Record<Detector, DetectorResult>;
  negative_share_recall: RecallCell[];
  /** negative_share, rise ≥ 20 points, ≥ 30 mentions per window: the issue's recall aim. */
  aim_recall: { shifts: number; detected: number; recall: number | null };
}

const bucketOf = (mentions: number) => BUCKETS.find((b) => mentions >= b.min && mentions < b.max)!.label;

function evaluate(sc: Scenario, alerts: Opened[]): Evaluation {
  const evalStart = sc.start + sc.warmupHours * HOUR;
  const shiftsOf = new Map<string, Shift[]>();
  for (const s of sc.shifts) shiftsOf.set(s.entity, [...(shiftsOf.get(s.entity) ?? []), s]);
  const within = (s: Shift, w: number, extra: number) =>
    w >= sc.start + s.hour * HOUR && w < sc.start + (s.hour + s.hours + extra) * HOUR;
  const hits = (s: Shift, a: Opened) =>
    a.detector === s.kind && a.entity === s.entity && (s.aspect === null || a.aspect === s.aspect);
  // Alerts an injected change explains (a hit one window late, or a side effect: an emerging
  // aspect is also a new negative aspect scope, and adds volume) are not false alarms.
  const related = (a: Opened) =>
    (shiftsOf.get(a.entity) ?? []).some(
      (s) =>
        within(s, a.windowStart, 1) &&
        (hits(s, a) ||
          (s.kind === 'emerging_aspect' &&
            (a.detector === 'volume_spike' || (a.detector === 'negative_share' && a.aspect === s.aspect)))),
    );
  const roleOf = new Map(sc.entities.map((e) => [e.name, e.role]));
  const evalDays = (sc.hours - sc.warmupHours) / 24;
  const streamEnd = sc.start + sc.hours * HOUR;
  const weeks: Array<{ week: number; from: number; to: number }> = [];
  for (let w = 0; sc.start + w * 7 * 24 * HOUR < streamEnd; w++) {
    const from = Math.max(evalStart, sc.start + w * 7 * 24 * HOUR);
    const to = Math.min(streamEnd, sc.start + (w + 1) * 7 * 24 * HOUR);
    if (to > from) weeks.push({ week: w + 1, from, to });
  }
  const clean = sc.entities.filter((e) => e.role === 'none').length;
  const first = (s: Shift) =>
    alerts
      .filter((a) => hits(s, a) && within(s, a.windowStart, 0))
      .reduce<number | undefined>(
        (m, a) => (m === undefined || a.windowStart < m ? a.windowStart : m),
        undefined,
      );
  const detectors = {} as Record<Detector, DetectorResult>;
  for (const d of DETECTORS) {
    const shifts = sc.shifts.filter((s) => s.kind === d);
    const delays = shifts
      .map((s) => first(s))
      .map((w, i) => (w === undefined ? undefined : (w - (sc.start + shifts[i]!.hour * HOUR)) / HOUR))
      .filter((x): x is number => x !== undefined);
    const own = alerts.filter((a) => a.detector === d);
    const falseAlarms = own.filter((a) => a.windowStart >= evalStart && !related(a));
    const falseClean = falseAlarms.filter((a) => roleOf.get(a.entity) === 'none');
    detectors[d] = {
      shifts: shifts.length,
      detected: delays.length,
      recall: shifts.length ? round(delays.length / shifts.length, 3) : null,
      delay_median: delays.length ? median(delays) : null,
      delay_max: delays.length ? Math.max(...delays) : null,
      delay_within_one: delays.length ? round(delays.filter((x) => x <= 1).length / delays.length, 3) : null,
      false_alarms: falseAlarms.length,
      false_alarms_per_100_entity_days: round((100 * falseAlarms.length) / (sc.entities.length * evalDays)),
      false_alarms_clean_entities: falseClean.length,
      false_alarms_per_100_clean_entity_days: clean
        ? round((100 * falseClean.length) / (clean * evalDays))
        : NaN,
      false_alarms_by_week: weeks.map(({ week, from, to }) => {
        const n = falseAlarms.filter((a) => a.windowStart >= from && a.windowStart < to).length;
        return {
          week,
          false_alarms: n,
          per_100_entity_days: round((100 * n) / ((sc.entities.length * (to - from)) / (24 * HOUR))),
        };
      }),
      warmup_alerts: own.filter((a) => a.windowStart < evalStart).length,
    };
  }
  const ns = sc.shifts.filter((s) => s.kind === 'negative_share');
  const cells: RecallCell[] = [];
  for (const size of SIZES) {
    for (const b of BUCKETS) {
      const these = ns.filter((s) => s.size === size && bucketOf(s.mentions ?? 0) === b.label);
      if (!these.length && b.label === '<30') continue;
      const detected = these.filter((s) => first(s) !== undefined).length;
      cells.push({
        size: Math.round(size * 100),
        bucket: b.label,
        shifts: these.length,
        detected,
        recall: these.length ? round(detected / these.length, 3) : null,
      });
    }
  }
  const aimShifts = ns.filter((s) => (s.size ?? 0) >= 0.2 - 1e-9 && (s.mentions ?? 0) >= 30);
  const aimDetected = aimShifts.filter((s) => first(s) !== undefined).length;
  return {
    detectors,
    negative_share_recall: cells,
    aim_recall: {
      shifts: aimShifts.length,
      detected: aimDetected,
      recall: aimShifts.length ? round(aimDetected / aimShifts.length, 3) : null,
    },
  };
}

/** The service's engine over all tallies at once: what the detectors make of complete windows. */
function reference(tallies: Tally[], rules: readonly Rule[], now: number): Opened[] {
  const times = engineTimes(parseConfig(alertsConfigSpec, withEnv(SERVICE_ENV)));
  const engine = new AlertEngine({ ...times, now: () => now, rulesFor: () => rules });
  return engine
    .apply(emptyPartition(), tallies)
    .alerts.filter((a) => a.status === 'open')
    .map((a) => ({
      detector: a.detector as Detector,
      entity: a.entity ?? '',
      aspect: a.normalized_aspect,
      windowStart: a.window_start,
    }));
}

/**
 * The reference over the tallies, timed, and again with the negative-share z of the what-if run
 * (BENCH_ALERTS_WHAT_IF_Z, 0 = off).
 */
function referenceRuns(
  tallies: Tally[],
  rules: readonly Rule[],
): { refAlerts: Opened[]; referenceSeconds: number; whatIfAlerts: Opened[] | undefined } {
  const now = Date.now();
  const refStarted = performance.now();
  const refAlerts = reference(tallies, rules, now);
  const referenceSeconds = (performance.now() - refStarted) / 1000;
  const whatIfAlerts =
    WHAT_IF_Z > 0
      ? reference(
          tallies,
          rules.map((r) =>
            r.detector === 'negative_share' ? { ...r, thresholds: { ...r.thresholds, z: WHAT_IF_Z } } : r,
          ),
          now,
        )
      : undefined;
  return { refAlerts, referenceSeconds, whatIfAlerts };
}

/** The generated stream's settings and make-up, as the JSON result line reports them. */
function scenarioRecord(sc: Scenario, entityDays: number) {
  return {
    seed: SEED,
    entities: sc.entities.length,
    days: DAYS,
    warmup_days: WARMUP_DAYS,
    rates: [RATE_MIN, RATE_MAX],
    slot_hours: SLOT_HOURS,
    entity_days_evaluated: entityDays,
    roles: Object.fromEntries(
      [...DETECTORS, 'none'].map((r) => [r, sc.entities.filter((e) => e.role === r).length]),
    ),
  };
}

// ---- the report ------------------------------------------------------------------------------

const pct = (x: number | null): string => (x === null ? '—' : x.toFixed(2));
const met = (ok: boolean | undefined): string => (ok === undefined ? 'not measured' : ok ? 'met' : 'not met');

/** The report; with no service run (reference-only) the reference stands in for it. */
function table(
  service: Evaluation | undefined,
  ref: Evaluation,
  whatIf: Evaluation | undefined,
  tp: Throughput | undefined,
  entityDays: number,
): string {
  const lines: string[] = [];
  const ev = service ?? ref;
  const d = ev.detectors;
  lines.push(
    '| Detector | Run | Shifts | Detected | Recall | Delay median / max, windows | False alarms | per 100 entity-days | per 100 entity-days by week of data |',
    '|---|---|---:|---:|---:|---|---:|---:|---:|',
    ...DETECTORS.flatMap((k) =>
      (
        [
          ...(service ? [['service', service] as const] : []),
          ['reference', ref],
          ...(whatIf && k === 'negative_share' ? [[`reference z = ${WHAT_IF_Z}`, whatIf] as const] : []),
        ] as const
      ).map(([run, e]) => {
        const r = e.detectors[k];
        return `| ${run === (service ? 'service' : 'reference') ? k : ''} | ${run} | ${r.shifts} | ${r.detected} | ${pct(r.recall)} | ${r.delay_median ?? '—'} / ${r.delay_max ?? '—'}${r.delay_within_one === null ? '' : ` (${Math.round(r.delay_within_one * 100)} % ≤ 1)`} | ${r.false_alarms} | ${r.false_alarms_per_100_entity_days} | ${r.false_alarms_by_week.map((w) => `w${w.week} ${w.per_100_entity_days}`).join(', ')} |`;
      }),
    ),
    '',
    `negative_share recall by rise and mentions per window (${service ? 'service' : 'reference'}; reference in brackets${whatIf ? `; z = ${WHAT_IF_Z} reference after the slash` : ''}):`,
    '',
    `| Rise | ${BUCKETS.filter((b) => ev.negative_share_recall.some((c) => c.bucket === b.label))
      .map((b) => b.label)
      .join(' | ')} |`,
    `|---|${BUCKETS.filter((b) => ev.negative_share_recall.some((c) => c.bucket === b.label))
      .map(() => '---:')
      .join('|')}|`,
  );
  for (const size of SIZES.map((s) => Math.round(s * 100))) {
    const cells = BUCKETS.filter((b) => ev.negative_share_recall.some((c) => c.bucket === b.label)).map(
      (b) => {
        const c = ev.negative_share_recall.find((x) => x.size === size && x.bucket === b.label);
        const r = ref.negative_share_recall.find((x) => x.size === size && x.bucket === b.label);
        const w = whatIf?.negative_share_recall.find((x) => x.size === size && x.bucket === b.label);
        if (!c || !c.shifts) return '—';
        return `${c.detected}/${c.shifts} = ${pct(c.recall)} (${pct(r?.recall ?? null)}${w ? ` / ${pct(w.recall)}` : ''})`;
      },
    );
    lines.push(`| +${size} pts | ${cells.join(' | ')} |`);
  }
  const fa = DETECTORS.map((k) => d[k].false_alarms_per_100_entity_days);
  const delays = DETECTORS.map((k) => d[k].delay_max).filter((x): x is number => x !== null);
  lines.push(
    '',
    '| Aim | Measured | |',
    '|---|---|---|',
    `| recall ≥ ${AIMS.recall} for a negative-share rise ≥ 20 pts at ≥ 30 mentions/window | ${service ? '' : 'reference '}${ev.aim_recall.detected}/${ev.aim_recall.shifts} = ${pct(ev.aim_recall.recall)} (reference ${pct(ref.aim_recall.recall)}${whatIf ? `, z = ${WHAT_IF_Z}: ${pct(whatIf.aim_recall.recall)}` : ''}) | ${met(ev.aim_recall.recall === null ? undefined : ev.aim_recall.recall >= AIMS.recall)} |`,
    `| ≤ ${AIMS.falseAlarmsPer100} false alarm per 100 entity-days (each detector; ${round(entityDays, 0)} entity-days) | ${DETECTORS.map((k, i) => `${k} ${fa[i]}`).join(', ')} | ${met(fa.every((x) => x <= AIMS.falseAlarmsPer100))} |`,
    `| detection delay ≤ ${AIMS.delayWindows} window | max ${DETECTORS.map((k) => `${k} ${d[k].delay_max ?? '—'}`).join(', ')} | ${met(delays.length ? delays.every((x) => x <= AIMS.delayWindows) : undefined)} |`,
    tp
      ? `| ≥ ${AIMS.mentionsPerSecond.toLocaleString('en-US')} mention events/s through the service | ${tp.mentions_per_second.toLocaleString('en-US')} (${tp.consumed.toLocaleString('en-US')} in ${tp.seconds} s; ${tp.service_cpu_cores} cores busy) | ${met(tp.mentions_per_second >= AIMS.mentionsPerSecond)} |`
      : `| ≥ ${AIMS.mentionsPerSecond.toLocaleString('en-US')} mention events/s through the service | reference only: no service run | ${met(undefined)} |`,
  );
  return lines.join('\n');
}

// ---- main ------------------------------------------------------------------------------------

/** The engine and what-if runs with in-memory rules, so that the detectors can be tuned off the stack. */
async function referenceOnly(): Promise<void> {
  const startedAt = new Date().toISOString();
  const tenant = 'bench-alerts-reference';
  // The daily and weekly curves follow the clock: a pinned end gives the same stream at any hour.
  const pinned = process.env.BENCH_ALERTS_END ? Date.parse(process.env.BENCH_ALERTS_END) : NaN;
  if (process.env.BENCH_ALERTS_END && !Number.isFinite(pinned))
    throw new Error(`BENCH_ALERTS_END: not a date: ${process.env.BENCH_ALERTS_END}`);
  const end = Math.floor((Number.isFinite(pinned) ? pinned : Date.now() - 3 * HOUR) / HOUR) * HOUR;
  const sc = buildScenario(end - DAYS * 24 * HOUR);
  const rules = benchRules(tenant);
  log(`reference only: ${sc.entities.length} entities × ${DAYS} days, ${sc.shifts.length} shifts`);
  const tallies: Tally[] = [];
  const mentions = await generate(sc, tenant, new Map(), async (ms) => {
    tallies.push(...tallyMentions(ms));
  });
  const { refAlerts, referenceSeconds, whatIfAlerts } = referenceRuns(tallies, rules);
  const ref = evaluate(sc, refAlerts);
  const whatIf = whatIfAlerts ? evaluate(sc, whatIfAlerts) : undefined;
  const entityDays = (sc.entities.length * (sc.hours - sc.warmupHours)) / 24;
  console.log(table(undefined, ref, whatIf, undefined, entityDays));
  console.log(
    `\n- reference only (BENCH_ALERTS_REFERENCE_ONLY): no service, Kafka or PostgreSQL; ${mentions.toLocaleString('en-US')} mentions, ${refAlerts.length} alerts, engine ${round(referenceSeconds, 1)} s`,
  );
  console.log(
    JSON.stringify({
      started: startedAt,
      finished: new Date().toISOString(),
      reference_only: true,
      end: new Date(end).toISOString(),
      ...scenarioRecord(sc, entityDays),
      mentions,
      reference: ref,
      ...(whatIf ? { what_if: { negative_share_z: WHAT_IF_Z, ...whatIf } } : {}),
      alerts: { reference: refAlerts.length },
      reference_seconds: round(referenceSeconds, 1),
      aims: AIMS,
    }),
  );
}

async function main(): Promise<void> {
  const startedAt = new Date().toISOString();
  const loadStart = loadAverage();
  const tenant = `bench-alerts-${Date.now().toString(36)}`;
  const groupId = tenant;
  const end = Math.floor(Date.now() / HOUR) * HOUR - 3 * HOUR;
  const sc = buildScenario(end - DAYS * 24 * HOUR);
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 2 });
  const admin = kafka.admin();
  await admin.connect();
  const concurrent = new Set<number>(otherAlertServices(undefined));
  const otherGroups = (await activeGroups(admin)).filter((g) => !g.startsWith(groupId));
  // Other alert services read the same mentions and share the tallies and state topics.
  const otherAlertGroups: string[] = [];
  for (const g of otherGroups)
    for (const topic of [TOPICS.aspects, TOPICS.alertTallies])
      if ([...(await committed(admin, g, topic)).values()].some((o) => o >= 0n)) otherAlertGroups.push(g);
  if (concurrent.size || otherGroups.length)
    log(
      `sharing the stack with ${concurrent.size} alert service process(es) and active groups ${otherGroups.join(', ')}`,
    );
  const cleanup = async () => {
    await pool.query('DELETE FROM alert_deliveries WHERE tenant = $1', [tenant]);
    await pool.query('DELETE FROM alerts WHERE tenant = $1', [tenant]);
    await pool.query('DELETE FROM alert_rules WHERE tenant = $1', [tenant]);
    await admin.deleteGroups([groupId, `${groupId}-tally`, `${groupId}-delivery`]).catch(() => undefined);
  };
  cleanups.push(cleanup);
  try {
    await pool.query(RULES_SQL, [tenant]);
    const ruleSource = new RuleSource(pool, silentLogger(), 60_000);
    await ruleSource.load();
    const rules = ruleSource.rulesFor(tenant);
    if (rules.length !== 3) throw new Error(`expected the 3 bench rules, read ${rules.length}`);

    // The tally group starts where the topic ends now: it reads this run's mentions, not the history.
    await setGroup(admin, `${groupId}-tally`, TOPICS.aspects, await endOffsets(admin, TOPICS.aspects));
    const registry = new RegistryClient(REGISTRY_URL);
    const schemaId = await registry.registerSchema(valueSubject(TOPICS.aspects), schemas.aspectMention);
    const type = await registry.schemaById(schemaId);
    // The Confluent wire format RegistryClient.encode writes, without its per-record promise.
    const header = Buffer.alloc(5);
    header.writeInt32BE(schemaId, 1);
    const producer = createIdempotentProducer(kafka);
    await producer.connect();
    const tallies: Tally[] = [];
    let batch: Message[] = [];
    let inFlight: Promise<unknown> = Promise.resolve();
    const flush = async () => {
      await inFlight;
      const messages = batch;
      batch = [];
      // One send at a time keeps every partition in event-time order.
      inFlight = producer.send({ topic: TOPICS.aspects, acks: -1, messages });
    };
    log(
      `${sc.entities.length} entities × ${DAYS} days, ${sc.shifts.length} shifts; producing for tenant ${tenant}`,
    );
    const produceStarted = performance.now();
    const counts = new Map<string, number>();
    const mentions = await generate(sc, tenant, counts, async (ms) => {
      tallies.push(...tallyMentions(ms));
      for (const m of ms) {
        batch.push({
          key: `${m.tenant}\u001f${m.entity ?? ''}\u001f${m.normalized_aspect}`,
          value: Buffer.concat([header, type.toBuffer(m)]),
        });
      }
      if (batch.length >= SEND_BATCH) await flush();
    });
    await flush();
    await inFlight;
    await producer.disconnect();
    const produceSeconds = (performance.now() - produceStarted) / 1000;
    const producedEnd = await endOffsets(admin, TOPICS.aspects);
    log(`produced ${mentions.toLocaleString('en-US')} mentions in ${produceSeconds.toFixed(1)} s`);

    const throughput = await runService(admin, groupId, producedEnd, mentions, concurrent);
    const rows = (
      await pool.query<{
        detector: Detector;
        entity: string;
        normalized_aspect: string | null;
        window_start: Date;
        mention_count: string;
      }>(
        'SELECT detector, entity, normalized_aspect, window_start, mention_count FROM alerts WHERE tenant = $1',
        [tenant],
      )
    ).rows;
    // Each alert's window count against the stream: twice the mentions means a second alert service
    // on the stack tallied them too (the tallies topic is shared), fewer that some arrived late.
    const countCheck = { exact: 0, doubled: 0, fewer: 0, other: 0 };
    for (const r of rows) {
      const hour = (r.window_start.getTime() - sc.start) / HOUR;
      const truth = counts.get(countKey(r.entity, r.normalized_aspect, hour)) ?? 0;
      const n = Number(r.mention_count);
      if (n === truth) countCheck.exact++;
      else if (n === 2 * truth) countCheck.doubled++;
      else if (n < truth) countCheck.fewer++;
      else countCheck.other++;
    }
    await stopServices();
    const serviceAlerts: Opened[] = rows.map((r) => ({
      detector: r.detector,
      entity: r.entity,
      aspect: r.normalized_aspect,
      windowStart: r.window_start.getTime(),
    }));
    const loadEnd = loadAverage();

    log('reference: the engine over all tallies at once');
    const { refAlerts, referenceSeconds, whatIfAlerts } = referenceRuns(tallies, rules);
    const ev = evaluate(sc, serviceAlerts);
    const ref = evaluate(sc, refAlerts);
    const whatIf = whatIfAlerts ? evaluate(sc, whatIfAlerts) : undefined;
    const serviceKeys = new Set(serviceAlerts.map(keyOf));
    const refKeys = new Set(refAlerts.map(keyOf));
    const agreement = {
      both: [...serviceKeys].filter((k) => refKeys.has(k)).length,
      service_only: [...serviceKeys].filter((k) => !refKeys.has(k)).length,
      reference_only: [...refKeys].filter((k) => !serviceKeys.has(k)).length,
    };
    // Other alert services on the stack read this run's records too and may still write alerts for
    // the tenant: give them time to get past them before the cleanup.
    log('waiting for other active consumer groups to get past this run’s records');
    const pendingGroups = await waitForOtherGroups(admin, groupId, producedEnd, 180_000);
    if (pendingGroups.length) log(`still behind after 180 s: ${pendingGroups.join(', ')}`);
    const entityDays = (sc.entities.length * (sc.hours - sc.warmupHours)) / 24;
    const perBucket = BUCKETS.map((b) => ({
      bucket: b.label,
      shifts: sc.shifts.filter((s) => s.kind === 'negative_share' && bucketOf(s.mentions ?? 0) === b.label)
        .length,
    }));

    console.log(table(ev, ref, whatIf, throughput, entityDays));
    const notes = [
      `alerts of the tenant in PostgreSQL ${serviceAlerts.length} (this service's detect stage published ${throughput.alert_records_raised} alert records), reference ${refAlerts.length}: ${agreement.both} the same, ${agreement.service_only} only in PostgreSQL, ${agreement.reference_only} only in the reference`,
      `window counts of those alerts against the stream: ${countCheck.exact} exact, ${countCheck.fewer} fewer, ${countCheck.doubled} doubled, ${countCheck.other} other; late mentions ${throughput.late_mentions.toLocaleString('en-US')} of ${mentions.toLocaleString('en-US')} produced`,
      `${throughput.state_restores} changelog restores took ${throughput.state_restore_seconds} s of the service's ${throughput.seconds} s; reference engine in this process: ${round(referenceSeconds, 1)} s for the whole stream; load average ${loadStart.join(' / ')} at the start, ${throughput.load_average.join(' / ')} when the service was done`,
      ...(otherAlertGroups.length
        ? [
            `WARNING: other alert services read these mentions (groups ${otherAlertGroups.join(', ')}): they share the machine and the tenant's alert rows with this service, so its throughput is not measured alone`,
          ]
        : []),
    ];
    console.log(`\n${notes.map((n) => `- ${n}`).join('\n')}`);
    console.log(
      JSON.stringify({
        started: startedAt,
        finished: new Date().toISOString(),
        tenant,
        ...scenarioRecord(sc, entityDays),
        mentions,
        produce_seconds: round(produceSeconds, 1),
        negative_share_shifts_per_bucket: perBucket,
        throughput,
        service: ev,
        reference: ref,
        ...(whatIf ? { what_if: { negative_share_z: WHAT_IF_Z, ...whatIf } } : {}),
        alerts: { service: serviceAlerts.length, reference: refAlerts.length, ...agreement },
        load_average_start: loadStart,
        load_average_end: loadEnd,
        other_alert_services: concurrent.size,
        other_active_groups: otherGroups,
        other_alert_groups: otherAlertGroups,
        reference_seconds: round(referenceSeconds, 1),
        reference_mentions_per_second: Math.round(mentions / referenceSeconds),
        other_groups_still_behind: pendingGroups,
        service_alert_counts: countCheck,
        aims: AIMS,
      }),
    );
  } finally {
    await stopServices();
    await cleanup().catch((err: unknown) => log(`cleanup failed: ${String(err)}`));
    cleanups.splice(0);
    await admin.disconnect();
    await pool.end();
  }
}

(REFERENCE_ONLY ? referenceOnly() : main()).then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
