/**
 * Trace context across the pipeline, in W3C Trace Context form (https://www.w3.org/TR/trace-context/):
 * `traceparent: 00-<trace id, 32 hex>-<parent span id, 16 hex>-<flags, 2 hex>`.
 *
 * The HTTP edge accepts a caller's `traceparent` (or starts a trace), every Kafka message carries
 * one in the header of the same name, and each service logs the trace id as ECS `trace.id` (and its
 * own span as `span.id`), so one document's journey is one Kibana query: `trace.id : "<id>"`.
 *
 *   const trace = traceFromKafkaHeaders(message.headers) ?? createTrace();   // consumer side
 *   const log = withTrace(logger, trace);                                    // lines carry trace.id
 *   producer.send({ messages: [{ value, headers: { ...kafkaTraceHeaders(childSpan(trace)) } }] });
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from '../logging/index';

/** The header name, in HTTP requests and in Kafka record headers alike. */
export const TRACEPARENT_HEADER = 'traceparent';
/** Kafka record header carrying the trace context (same name as in HTTP, as OpenTelemetry does). */
export const KAFKA_TRACE_HEADER = TRACEPARENT_HEADER;

export interface TraceContext {
  /** 32 lower-case hex digits, not all zero. */
  traceId: string;
  /** This hop's span: 16 lower-case hex digits, not all zero. */
  spanId: string;
  /** Trace flags; bit 0 is "sampled". */
  flags: number;
}

// eslint-disable-next-line security/detect-unsafe-regex -- linear: fixed-width hex groups, then one optional '-.*' tail (no nested quantifier)
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
const ZERO_TRACE = '0'.repeat(32);
const ZERO_SPAN = '0'.repeat(16);

/**
 * Parses a `traceparent` value; undefined when absent or invalid (the spec says to start a new
 * trace then, not to fail the request). Versions above 00 are read by their first four fields.
 */
export function parseTraceparent(value: string | undefined | null): TraceContext | undefined {
  if (!value) return undefined;
  const m = TRACEPARENT.exec(value.trim());
  if (!m) return undefined;
  const [, version, traceId, spanId, flags, rest] = m;
  if (version === 'ff') return undefined;
  if (version === '00' && rest !== undefined) return undefined;
  if (traceId === ZERO_TRACE || spanId === ZERO_SPAN) return undefined;
  return { traceId: traceId!, spanId: spanId!, flags: parseInt(flags!, 16) };
}

export function formatTraceparent(ctx: TraceContext): string {
  return `00-${ctx.traceId}-${ctx.spanId}-${(ctx.flags & 0xff).toString(16).padStart(2, '0')}`;
}

function randomHex(bytes: number, zero: string): string {
  for (;;) {
    const hex = randomBytes(bytes).toString('hex');
    if (hex !== zero) return hex;
  }
}

/** A new trace (sampled), for input that arrives without one. */
export function createTrace(): TraceContext {
  return { traceId: randomHex(16, ZERO_TRACE), spanId: randomHex(8, ZERO_SPAN), flags: 1 };
}

/** The next hop of the same trace: same trace id and flags, a new span id. */
export function childSpan(parent: TraceContext): TraceContext {
  return { ...parent, spanId: randomHex(8, ZERO_SPAN) };
}

/** Continues the caller's trace (as a child span) or starts one. */
export function continueOrStart(traceparent: string | undefined | null): TraceContext {
  const parent = parseTraceparent(traceparent);
  return parent ? childSpan(parent) : createTrace();
}

type KafkaHeaderValue = Buffer | string | Array<Buffer | string> | undefined;

/** Kafka record headers carrying the context (spread into a message's `headers`). */
export function kafkaTraceHeaders(ctx: TraceContext): Record<string, string> {
  return { [KAFKA_TRACE_HEADER]: formatTraceparent(ctx) };
}

/** The context of a consumed Kafka message (kafkajs `message.headers`); undefined when it has none. */
export function traceFromKafkaHeaders(
  headers: Record<string, KafkaHeaderValue> | undefined,
): TraceContext | undefined {
  let value: KafkaHeaderValue | null = headers?.[KAFKA_TRACE_HEADER];
  if (Array.isArray(value)) value = value[0];
  // kafkajs hands a header sent without a value over as null.
  return parseTraceparent(value === undefined || value === null ? undefined : value.toString());
}

/**
 * Headers for a record produced from a consumed one: the next hop of its trace (same trace id, a new
 * span id), or none when it carried no valid `traceparent` — a record is never failed for that.
 */
export function childKafkaTraceHeaders(
  consumed: Record<string, KafkaHeaderValue> | undefined,
): Record<string, string> {
  const parent = traceFromKafkaHeaders(consumed);
  return parent ? kafkaTraceHeaders(childSpan(parent)) : {};
}

/** Most trace ids one log line lists (a chunk is at most a few thousand messages; this bounds the line). */
export const MAX_LOGGED_TRACE_IDS = 1000;

/**
 * The distinct trace ids of consumed messages, in first-seen order, at most `max` of them, for a log
 * line about many messages at once (`trace.id` as an array, so a term query on one id finds it);
 * `omitted` counts the distinct ids left out. Messages without a valid `traceparent` add nothing.
 */
export function distinctTraceIds(
  headers: Iterable<Record<string, KafkaHeaderValue> | undefined>,
  max = MAX_LOGGED_TRACE_IDS,
): { ids: string[]; omitted: number } {
  const seen = new Set<string>();
  for (const h of headers) {
    const ctx = traceFromKafkaHeaders(h);
    if (ctx) seen.add(ctx.traceId);
  }
  const ids = [...seen];
  return { ids: ids.slice(0, max), omitted: Math.max(0, ids.length - max) };
}

/** ECS fields for a log line: `trace.id` and this hop's `span.id`. */
export function traceLogFields(ctx: TraceContext | undefined): {
  trace?: { id: string };
  span?: { id: string };
} {
  return ctx ? { trace: { id: ctx.traceId }, span: { id: ctx.spanId } } : {};
}

/** A logger whose every line carries the trace's ECS fields. */
export function withTrace(logger: Logger, ctx: TraceContext | undefined): Logger {
  return ctx ? logger.child(traceLogFields(ctx)) : logger;
}
