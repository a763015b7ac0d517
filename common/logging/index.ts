/**
 * winston JSON lines in Elastic Common Schema (ECS) fields, so Kibana shows them without mapping work:
 * `@timestamp`, `log.level`, `message`, `ecs.version`, `service.name`, plus whatever structured
 * fields a call adds (`event.*`, `http.*`, `error.*`, `trace.id`, `labels.*`, ...).
 *
 * Secrets never reach the output: keys such as `x-api-key`, `authorization`, `password` are replaced
 * wherever they appear, API keys (`ask_...`) are masked inside strings, and URL passwords are hidden.
 */
import winston from 'winston';
import { classifyError } from '../errors/index';

export type Logger = winston.Logger;

const ECS_VERSION = '8.11.0';
const REDACTED = '[REDACTED]';
const SECRET_KEYS =
  /^(x-api-key|api[-_]?key|authorization|proxy-authorization|cookie|set-cookie|password|passwd|secret|token|key_hash|apikey)$/i;
/** Our API keys look like `ask_<prefix>_<secret>`; only the prefix may be shown. */
const API_KEY_PATTERN = /\b(ask_[A-Za-z0-9]{8})_[A-Za-z0-9_-]{16,}/g;
const SCHEME_CHAR = /[A-Za-z0-9+.-]/;
const LETTER = /[A-Za-z]/;
const USERINFO_END = /[@/\s]/;
/** Longest scheme and userinfo looked at; longer ones are not URLs anyone configures. */
const MAX_SCHEME = 32;
const MAX_USERINFO = 1024;

/**
 * `scheme://user:password@host` becomes `scheme://user:***@host`. A hand-written scan, not a regex:
 * a backtracking pattern over a long run of scheme characters (`a.a.a.…`, easy to send in a URL
 * path) costs time quadratic in its length. Every character is looked at a bounded number of times.
 */
export function maskUrlPasswords(s: string): string {
  let out = '';
  let copied = 0;
  let sep = s.indexOf('://');
  while (sep !== -1) {
    let start = sep;
    while (start > 0 && sep - start < MAX_SCHEME && SCHEME_CHAR.test(s[start - 1]!)) start--;
    while (start < sep && !LETTER.test(s[start]!)) start++;
    let end = sep + 3;
    let colon = -1;
    if (start < sep) {
      while (end < s.length && end - sep < MAX_USERINFO && !USERINFO_END.test(s[end]!)) {
        if (s[end] === ':' && colon === -1) colon = end;
        end++;
      }
      if (s[end] === '@' && colon > sep + 3 && end > colon + 1) {
        out += `${s.slice(copied, colon + 1)}***`;
        copied = end;
      }
    }
    sep = s.indexOf('://', Math.max(end, sep + 3));
  }
  return copied === 0 ? s : out + s.slice(copied);
}

export function redactString(s: string): string {
  return maskUrlPasswords(s.replace(API_KEY_PATTERN, '$1_…'));
}

/** Deep copy with secret keys replaced and secrets inside strings masked. */
export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactString(value);
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return serializeError(value);
  if (Array.isArray(value)) return value.map((x) => redact(x, depth + 1));
  if (value instanceof Date) return value.toISOString();
  if (Buffer.isBuffer(value)) return `<${value.length} bytes>`;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(value)) out[k] = SECRET_KEYS.test(k) ? REDACTED : redact(x, depth + 1);
  return out;
}

/** ECS `error.*` fields for any thrown value (message redacted, cause chain flattened into the stack). */
export function serializeError(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { message: redactString(String(err)) };
  const { errorClass, retriable } = classifyError(err);
  let stack = err.stack ?? '';
  let cause: unknown = err.cause;
  for (let i = 0; cause instanceof Error && i < 5; i++, cause = cause.cause) {
    stack += `\nCaused by: ${cause.stack ?? cause.message}`;
  }
  const code = (err as { code?: unknown }).code;
  return {
    type: errorClass,
    message: redactString(err.message),
    stack_trace: redactString(stack),
    ...(code !== undefined ? { code: String(code) } : {}),
    retriable,
  };
}

const ecsFormat = winston.format((info) => {
  const {
    level,
    message,
    timestamp: _ts,
    service,
    err,
    error,
    ...rest
  } = info as Record<string, unknown> & {
    level: string;
  };
  const out: Record<string, unknown> = {
    '@timestamp': new Date().toISOString(),
    'log.level': level,
    message: typeof message === 'string' ? redactString(message) : redact(message),
    'ecs.version': ECS_VERSION,
    service: { name: service },
  };
  const e = err ?? error;
  if (e !== undefined) out.error = e instanceof Error ? serializeError(e) : redact(e);
  for (const [k, x] of Object.entries(rest)) {
    if (typeof k !== 'string' || k === 'splat') continue;
    out[k] = SECRET_KEYS.test(k) ? REDACTED : redact(x);
  }
  // winston reads these symbols to write the line; keep level for filtering.
  const result = info as Record<string | symbol, unknown>;
  for (const k of Object.keys(result)) delete result[k];
  Object.assign(result, out, { level });
  return result as typeof info;
});

const jsonLine = winston.format.printf((info) => {
  const { level: _level, ...rest } = info as Record<string, unknown>;
  return JSON.stringify(rest);
});

export interface LoggerOptions {
  service: string;
  level?: string;
  /** Where lines go; stdout by default. Tests pass a stream to capture lines. */
  stream?: NodeJS.WritableStream;
}

export function createLogger(options: LoggerOptions): Logger {
  return winston.createLogger({
    level: options.level ?? 'info',
    defaultMeta: { service: options.service },
    format: winston.format.combine(ecsFormat(), jsonLine),
    transports: [
      options.stream
        ? new winston.transports.Stream({ stream: options.stream })
        : new winston.transports.Console({ stderrLevels: [] }),
    ],
  });
}

/** A logger that drops everything; for code paths and tests that need one. */
export function silentLogger(): Logger {
  return winston.createLogger({
    silent: true,
    transports: [new winston.transports.Console({ silent: true })],
  });
}
