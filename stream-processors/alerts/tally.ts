/**
 * Tallies: aspect mentions counted per tenant × entity × aspect × hour. The first stage of the alert
 * service folds each chunk of `sentiment.aspects.v1` into tallies and re-keys them by tenant ×
 * entity onto an internal topic, so the second stage sees every aspect and category of an entity in
 * one partition. Merging is commutative: the same mentions give the same tallies however they were
 * chunked (samples are the smallest document ids, not the first seen), which keeps alerts identical
 * across a replay or a crash.
 *
 * Every record also says which partition of sentiment.aspects.v1 it was tallied from and how far the
 * tally stage had read that partition (its source progress), and each chunk writes one record without
 * mentions to every tallies partition carrying only that progress: the detect stage closes an
 * entity's window only once every input partition with its mentions has been read past it (engine.ts).
 */
import type { IHeaders } from 'kafkajs';
import type { AspectMention } from '../../schemas/index';
import { BUCKET_MS } from './rules';

export const MAX_SAMPLES = 5;

export interface TermCount {
  mentions: number;
  negative: number;
}

export interface Tally {
  tenant: string;
  /** '' for mentions of no entity. */
  entity: string;
  aspect: string;
  category: string | null;
  /** Start of the hour (epoch ms). */
  bucket: number;
  /** Latest created_at among the mentions: what moves the stream time. */
  maxCreatedAt: number;
  mentions: number;
  negative: number;
  /** term as written (lower-cased) → its counts. */
  terms: Record<string, TermCount>;
  /** Smallest document ids of negative mentions, and of any mention. */
  negativeSamples: string[];
  samples: string[];
  /** Partition of sentiment.aspects.v1 the mentions were read from; -1 when unknown. */
  sourcePartition: number;
  /** Latest created_at of the chunk of that partition the record was tallied from. */
  sourceTime: number;
  /** Whether that chunk reached the end of its partition (nothing more was waiting to be read). */
  sourceCaughtUp: boolean;
  /** When the tally stage wrote the record (epoch ms, its clock). */
  writtenAt: number;
  /** Progress records only: other input partitions the tally stage still had a backlog on. */
  backlogged: number[];
}

/** Where a chunk of mentions was read: its partition, its progress and when it was tallied. */
export interface SourceProgress {
  partition: number;
  /** Latest created_at of the chunk. */
  time: number;
  caughtUp: boolean;
  writtenAt: number;
  /** Other input partitions with a backlog, by the tally group's committed offsets. */
  backlogged?: number[];
}

/** Tallies of mentions read from no known partition (the one-go reference, older records). */
export const NO_SOURCE: SourceProgress = { partition: -1, time: 0, caughtUp: true, writtenAt: 0 };

/** A record without mentions: only the progress of its source partition, for every tallies partition. */
export function progressRecord(source: SourceProgress): Tally {
  return {
    tenant: '',
    entity: '',
    aspect: '',
    category: null,
    bucket: 0,
    maxCreatedAt: 0,
    mentions: 0,
    negative: 0,
    terms: {},
    negativeSamples: [],
    samples: [],
    ...sourceFields(source),
    backlogged: source.backlogged ?? [],
  };
}

export function isProgressRecord(t: Tally): boolean {
  return t.mentions === 0;
}

/** The progress of a chunk read from `partition` at `writtenAt`. */
export function chunkProgress(
  mentions: readonly AspectMention[],
  partition: number,
  caughtUp: boolean,
  writtenAt: number,
  backlogged: number[] = [],
): SourceProgress {
  let time = 0;
  for (const m of mentions) time = Math.max(time, m.created_at);
  return { partition, time, caughtUp, writtenAt, backlogged };
}

function sourceFields(source: SourceProgress) {
  return {
    sourcePartition: source.partition,
    sourceTime: source.time,
    sourceCaughtUp: source.caughtUp,
    writtenAt: source.writtenAt,
  };
}

/**
 * Header naming the service (ALERTS_GROUP_ID) whose tally stage wrote a record. Every alert service
 * shares alerts.tallies.v1; each detect stage counts only its own records (and commits past the
 * others'), so a second service on the same stack does not count the same mentions twice.
 */
export const GROUP_HEADER = 'x-alerts-group';

export function tallyHeaders(groupId: string): IHeaders {
  return { [GROUP_HEADER]: groupId };
}

/** Whether `groupId`'s tally stage wrote the record (one without the header is no one's). */
export function talliedBy(headers: IHeaders | undefined, groupId: string): boolean {
  const h = headers?.[GROUP_HEADER];
  const value = Array.isArray(h) ? h[0] : h;
  return value !== undefined && value.toString() === groupId;
}

export function entityKey(tenant: string, entity: string): string {
  return `${tenant}\u001f${entity}`;
}

export function bucketOf(createdAt: number): number {
  return Math.floor(createdAt / BUCKET_MS) * BUCKET_MS;
}

/** Keeps the `MAX_SAMPLES` smallest distinct ids of both lists. */
export function mergeSamples(a: readonly string[], b: readonly string[]): string[] {
  return [...new Set([...a, ...b])].sort().slice(0, MAX_SAMPLES);
}

function addSample(samples: string[], id: string): void {
  if (samples.includes(id)) return;
  if (samples.length < MAX_SAMPLES) {
    samples.push(id);
    samples.sort();
  } else if (id < samples[MAX_SAMPLES - 1]!) {
    samples[MAX_SAMPLES - 1] = id;
    samples.sort();
  }
}

/** Adds `b` into `a` (same tenant, entity, aspect and bucket). */
export function mergeTally(a: Tally, b: Tally): void {
  a.mentions += b.mentions;
  a.negative += b.negative;
  a.maxCreatedAt = Math.max(a.maxCreatedAt, b.maxCreatedAt);
  if (b.category !== null) a.category = b.category;
  for (const [term, c] of Object.entries(b.terms)) {
    const t = (a.terms[term] ??= { mentions: 0, negative: 0 });
    t.mentions += c.mentions;
    t.negative += c.negative;
  }
  a.negativeSamples = mergeSamples(a.negativeSamples, b.negativeSamples);
  a.samples = mergeSamples(a.samples, b.samples);
}

/** Folds mentions (one chunk of `source`) into one tally per tenant × entity × aspect × hour. */
export function tallyMentions(
  mentions: readonly AspectMention[],
  source: SourceProgress = NO_SOURCE,
): Tally[] {
  const out = new Map<string, Tally>();
  for (const m of mentions) {
    const entity = m.entity ?? '';
    const bucket = bucketOf(m.created_at);
    const key = `${entityKey(m.tenant, entity)}\u001f${m.normalized_aspect}\u001f${bucket}`;
    let t = out.get(key);
    if (!t) {
      t = {
        tenant: m.tenant,
        entity,
        aspect: m.normalized_aspect,
        category: m.category,
        bucket,
        maxCreatedAt: m.created_at,
        mentions: 0,
        negative: 0,
        terms: Object.create(null) as Tally['terms'],
        negativeSamples: [],
        samples: [],
        ...sourceFields(source),
        backlogged: [],
      };
      out.set(key, t);
    }
    const negative = m.polarity === 'negative' ? 1 : 0;
    t.mentions++;
    t.negative += negative;
    t.maxCreatedAt = Math.max(t.maxCreatedAt, m.created_at);
    if (m.category !== null) t.category = m.category;
    const term = m.term.toLowerCase();
    const counts = (t.terms[term] ??= { mentions: 0, negative: 0 });
    counts.mentions++;
    counts.negative += negative;
    addSample(t.samples, m.document_id);
    if (negative) addSample(t.negativeSamples, m.document_id);
  }
  return [...out.values()];
}
