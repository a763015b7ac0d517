/**
 * Deterministic ids (RFC 9562 UUIDv5, SHA-1 name-based): the same input always gives the same id, so
 * a resent document, a replayed partition or a re-run import produce records downstream can
 * deduplicate. Name parts are joined with U+001F (unit separator), which cannot appear in the
 * identifiers we accept, so ("a/b", "c") and ("a", "b/c") never collide.
 */
import { createHash } from 'node:crypto';

/** The aspect-stream namespace (a random v4 UUID fixed forever: changing it changes every id). */
export const ASPECT_STREAM_NAMESPACE = '6f1c2d9e-4b7a-4e0f-9a53-2c8d1e7b5a40';

const SEPARATOR = '\u001f';

function uuidBytes(uuid: string): Buffer {
  const hex = uuid.replace(/-/g, '');
  if (!/^[0-9a-f]{32}$/i.test(hex)) throw new TypeError(`not a UUID: ${uuid}`);
  return Buffer.from(hex, 'hex');
}

export function uuidv5(name: string, namespace: string = ASPECT_STREAM_NAMESPACE): string {
  const hash = createHash('sha1').update(uuidBytes(namespace)).update(name, 'utf8').digest();
  const b = hash.subarray(0, 16);
  b[6] = (b[6]! & 0x0f) | 0x50;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** event_id of a raw document: (tenant, source, source_id). Also its Kafka key. */
export function documentEventId(tenant: string, source: string, sourceId: string): string {
  return uuidv5(['document', tenant, source, sourceId].join(SEPARATOR));
}

/** mention_id of an aspect mention: (document event_id, start, end). */
export function aspectMentionId(documentId: string, start: number, end: number): string {
  return uuidv5(['mention', documentId, String(start), String(end)].join(SEPARATOR));
}

/** alert_id: (tenant, rule, entity, aspect, window start). */
export function alertId(
  tenant: string,
  rule: string,
  entity: string | null,
  aspect: string | null,
  windowStart: number,
): string {
  return uuidv5(['alert', tenant, rule, entity ?? '', aspect ?? '', String(windowStart)].join(SEPARATOR));
}
