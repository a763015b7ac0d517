/**
 * One Elasticsearch document per log line: the ECS JSON line as the service wrote it, plus where it
 * came from (`log.file.path`) and when it was indexed (`event.ingested`). A line that is not JSON
 * (a crash trace printed by Node, a dependency writing to stdout) is kept as its `message`.
 *
 * Ids are derived from the file, its generation and the line's offset, so shipping a line again
 * after a crash or a retry finds the document already there instead of writing a second one.
 */
import { createHash } from 'node:crypto';
import type { Line, Position } from './tailer';

export interface LogDocument {
  index: string;
  id: string;
  doc: Record<string, unknown>;
}

export interface LineSource {
  /** Path of the log file. */
  file: string;
  /** Name of the file without `.log`; the service.name of lines that carry none. */
  service: string;
  position: Pick<Position, 'inode' | 'generation'>;
}

/** Daily index of a timestamp (UTC): `<alias>-YYYY.MM.DD`. */
export function dailyIndex(alias: string, at: Date): string {
  const d = at.toISOString().slice(0, 10).replaceAll('-', '.');
  return `${alias}-${d}`;
}

export function documentId(source: LineSource, line: Line): string {
  return createHash('sha1')
    .update(`${source.file}\0${source.position.inode}\0${source.position.generation}\0${line.offset}`)
    .digest('base64url');
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

export function toDocument(alias: string, source: LineSource, line: Line, now = new Date()): LogDocument {
  let doc: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(line.text);
    doc = isObject(parsed) ? parsed : { message: line.text };
  } catch {
    doc = { message: line.text };
  }
  const ts = typeof doc['@timestamp'] === 'string' ? new Date(doc['@timestamp']) : undefined;
  const timestamp = ts && !Number.isNaN(ts.getTime()) ? ts : now;
  doc['@timestamp'] = timestamp.toISOString();
  if (!isObject(doc.service) || typeof doc.service.name !== 'string')
    doc.service = { ...(isObject(doc.service) ? doc.service : {}), name: source.service };
  doc.log = { ...(isObject(doc.log) ? doc.log : {}), file: { path: source.file } };
  doc.event = { ...(isObject(doc.event) ? doc.event : {}), ingested: now.toISOString() };
  return { index: dailyIndex(alias, timestamp), id: documentId(source, line), doc };
}

/**
 * What is indexed instead of a line whose document the mapping refused (a field of another type
 * than the template says): the raw line as text, so it is still searchable and nothing is lost.
 */
export function fallbackDocument(original: LogDocument, rawLine: string, reason: string): LogDocument {
  const service = (original.doc.service as { name?: unknown } | undefined)?.name;
  const file = ((original.doc.log as { file?: { path?: unknown } } | undefined)?.file?.path ?? '') as string;
  return {
    index: original.index,
    id: `${original.id}-fallback`,
    doc: {
      '@timestamp': original.doc['@timestamp'],
      message: rawLine,
      service: { name: typeof service === 'string' ? service : 'unknown' },
      log: { file: { path: file } },
      event: { ingested: (original.doc.event as { ingested?: unknown }).ingested, original: rawLine },
      labels: { log_shipper_fallback: reason.slice(0, 500) },
    },
  };
}
