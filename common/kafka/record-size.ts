/**
 * Keeping produce calls under the broker's limit: the broker applies a topic's max.message.bytes to
 * each partition's record batch, and kafkajs sends all of a call's messages for a partition as one
 * batch, so callers cut their messages into calls of at most that many bytes.
 */
import type { Message } from 'kafkajs';
import { TOPIC_DEFINITIONS } from '../../schemas/topics';

/** What the broker counts against max.message.bytes besides key and value: record and batch headers. */
export const RECORD_OVERHEAD_BYTES = 512;

/** max.message.bytes of a topic as `npm run topics` creates it. */
export function topicMessageLimit(topic: string): number {
  const configured = TOPIC_DEFINITIONS.find((t) => t.name === topic)?.config['max.message.bytes'];
  return configured ? Number(configured) : 1024 * 1024;
}

/** Cuts records into calls of at most `maxBytes` each (a larger record goes alone). */
export function splitBySize<M extends { size: number }>(records: M[], maxBytes: number): M[][] {
  const calls: M[][] = [];
  let current: M[] = [];
  let bytes = 0;
  for (const r of records) {
    if (current.length > 0 && bytes + r.size > maxBytes) {
      calls.push(current);
      current = [];
      bytes = 0;
    }
    current.push(r);
    bytes += r.size;
  }
  if (current.length > 0) calls.push(current);
  return calls;
}

const length = (v: Message['key'] | Message['value']): number =>
  v === null || v === undefined ? 0 : typeof v === 'string' ? Buffer.byteLength(v) : v.length;

/** A message's size as the broker counts it, near enough. */
export function messageSize(m: Message): number {
  const headers = Object.entries(m.headers ?? {}).reduce(
    (n, [k, v]) => n + k.length + (Array.isArray(v) ? v.reduce((s, x) => s + length(x), 0) : length(v)),
    0,
  );
  return RECORD_OVERHEAD_BYTES + length(m.key) + length(m.value) + headers;
}
