/**
 * One small error hierarchy for every process: an error is either retriable (the same call may
 * succeed later: network, broker/leader changes, 429/5xx, lock timeouts) or fatal (retrying cannot
 * help: bad input, schema mismatch, constraint violation, programmer error).
 *
 * Errors carry their cause and, where a Kafka record is involved, its coordinates, so a log line or
 * a dead-letter envelope can say exactly which message failed.
 */
import { postgresFault } from '../postgres/sqlstate';

export interface KafkaContext {
  topic: string;
  partition?: number;
  offset?: string;
}

export interface AspectErrorOptions {
  cause?: unknown;
  kafka?: KafkaContext;
  /** A short machine-readable code, e.g. `schema_mismatch`, `text_too_long`. */
  code?: string;
}

export abstract class AspectStreamError extends Error {
  abstract readonly retriable: boolean;
  readonly kafka?: KafkaContext;
  readonly code?: string;

  constructor(message: string, options: AspectErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.kafka = options.kafka;
    this.code = options.code;
  }
}

/** The operation may succeed if tried again later. */
export class RetriableError extends AspectStreamError {
  readonly retriable = true;
}

/** Retrying cannot help; route to the caller (4xx) or to the dead-letter topic. */
export class FatalError extends AspectStreamError {
  readonly retriable = false;
}

/**
 * A dependency (PostgreSQL, Elasticsearch, the schema registry, Kafka) cannot serve any request right
 * now: unreachable, refusing our credentials, read-only, out of disk. Retriable, and never the fault
 * of the message being handled: a consumer pauses and waits instead of dead-lettering.
 */
export class DependencyUnavailableError extends RetriableError {
  readonly dependency: string;
  constructor(dependency: string, message: string, options: AspectErrorOptions = {}) {
    super(message, options);
    this.dependency = dependency;
  }
}

/** The dependency an error says is unavailable, looking through causes; undefined when none. */
export function unavailableDependency(err: unknown): string | undefined {
  for (let e = err, depth = 0; isRecord(e) && depth < 8; e = e.cause, depth++) {
    if (e instanceof DependencyUnavailableError) return e.dependency;
  }
  return undefined;
}

/** Retries were exhausted; wraps the last cause and stays retriable so a caller may try again later. */
export class RetriesExhaustedError extends RetriableError {
  readonly attempts: number;
  constructor(message: string, attempts: number, options: AspectErrorOptions = {}) {
    super(message, options);
    this.attempts = attempts;
  }
}

const RETRIABLE_NODE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
]);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

export interface Classification {
  retriable: boolean;
  /** Class name of the error, or of its root cause when that is more telling. */
  errorClass: string;
  reason: string;
}

/**
 * Says whether an error is worth retrying. Understands our own hierarchy, kafkajs errors (which
 * carry a `retriable` flag; "retries exhausted" is judged by its cause), Node network errors, pg
 * errors (SQLSTATE) and HTTP-ish errors with a status (429 and 5xx retry). Anything unknown is fatal:
 * retrying a programmer error only hides it.
 */
export function classifyError(err: unknown): Classification {
  const errorClass = isRecord(err) && typeof err.name === 'string' ? err.name : typeof err;
  if (err instanceof AspectStreamError) {
    return { retriable: err.retriable, errorClass, reason: 'aspect-stream error' };
  }
  if (!isRecord(err)) return { retriable: false, errorClass, reason: 'not an Error object' };

  const name = typeof err.name === 'string' ? err.name : '';
  if (name.startsWith('KafkaJS')) {
    if (name === 'KafkaJSNumberOfRetriesExceeded' || name === 'KafkaJSNonRetriableError') {
      // kafkajs marks these non-retriable for its own loop; what matters is why the retries ran out.
      const cause = (err.cause ?? err.originalError) as unknown;
      if (cause !== undefined && cause !== err) {
        const inner = classifyError(cause);
        return {
          retriable: inner.retriable,
          errorClass: name,
          reason: `kafkajs retries exhausted: ${inner.reason}`,
        };
      }
      return {
        retriable: name === 'KafkaJSNumberOfRetriesExceeded',
        errorClass: name,
        reason: 'kafkajs retries exhausted',
      };
    }
    if (
      name === 'KafkaJSConnectionError' ||
      name === 'KafkaJSRequestTimeoutError' ||
      name === 'KafkaJSBrokerNotFound'
    ) {
      return { retriable: true, errorClass: name, reason: 'kafka connection' };
    }
    return { retriable: err.retriable === true, errorClass: name, reason: 'kafkajs retriable flag' };
  }

  const code = typeof err.code === 'string' ? err.code : undefined;
  if (code && RETRIABLE_NODE_CODES.has(code))
    return { retriable: true, errorClass, reason: `network ${code}` };
  if (code && /^[0-9A-Z]{5}$/.test(code) && 'severity' in err) {
    const fault = postgresFault(code);
    return { retriable: fault !== 'data', errorClass, reason: `postgres SQLSTATE ${code} (${fault})` };
  }

  const status =
    typeof err.status === 'number'
      ? err.status
      : typeof err.statusCode === 'number'
        ? err.statusCode
        : undefined;
  if (status !== undefined) {
    return {
      retriable: status === 408 || status === 429 || status >= 500,
      errorClass,
      reason: `HTTP ${status}`,
    };
  }

  if (err.cause !== undefined && err.cause !== err) {
    const inner = classifyError(err.cause);
    if (inner.retriable) return { ...inner, errorClass };
  }
  return { retriable: false, errorClass, reason: 'unknown error' };
}

export function isRetriable(err: unknown): boolean {
  return classifyError(err).retriable;
}

/** A message for any thrown value, without the stack. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return typeof err === 'string' ? err : JSON.stringify(err);
}

export interface BackoffOptions {
  /** Delay before the first retry, in ms. */
  initialMs: number;
  /** Upper bound of any single delay, in ms. */
  maxMs: number;
  /** Growth factor per attempt. */
  multiplier: number;
  /** 0..1: the share of each delay that is randomized ("full jitter" at 1). */
  jitter: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 200, maxMs: 30_000, multiplier: 2, jitter: 0.5 };

/** A named way to wait and retry; `retries` where the policy gives up on its own. */
export interface RetryPolicy extends BackoffOptions {
  /** Retries after the first attempt; absent where the caller retries until stopped or configures it. */
  retries?: number;
}

/**
 * The named retry policies; every wait in the project uses one of these (or a configured variant)
 * instead of numbers of its own. Policies handed to kafkajs or the registry client keep those
 * libraries' ±20 % spread (jitter 0.4; see `symmetricJitterFactor`).
 */
export const RETRY_POLICIES = {
  /** A dependency is unavailable while messages wait: probe often at first, then every 30 s. */
  outage: { initialMs: 500, maxMs: 30_000, multiplier: 2, jitter: 0.5 },
  /** A service starting while a dependency is down: keep trying, at most every 10 s. */
  startup: { initialMs: 500, maxMs: 10_000, multiplier: 2, jitter: 0.5 },
  /** kafkajs connection and metadata requests of every client: short, callers decide how long to wait. */
  kafkaClient: { initialMs: 200, maxMs: 2_000, multiplier: 2, jitter: 0.4, retries: 3 },
  /** A collector's produce call: bounded so the caller hears 503 instead of waiting on Kafka for ever. */
  kafkaPublish: { initialMs: 100, maxMs: 2_000, multiplier: 2, jitter: 0.4, retries: 5 },
  /**
   * A transactional producer meets CONCURRENT_TRANSACTIONS right after each commit, for the few
   * milliseconds the coordinator takes to finish it: the first retries come soon. Taking over a
   * partition it can meet the previous owner's transaction still being aborted: the later ones give
   * the broker time (about 53 s in all, as long as the former 0.3 s start with 10 retries gave).
   */
  kafkaTransaction: { initialMs: 25, maxMs: 10_000, multiplier: 2, jitter: 0.4, retries: 13 },
  /** The after-write commit's producer (a sink's dead letters and outputs); the loop retries the chunk after. */
  kafkaAfterWrite: { initialMs: 200, maxMs: 3_000, multiplier: 2, jitter: 0.4, retries: 5 },
  /** One schema registry HTTP call of the encoder/decoder; outages are the consumer loop's to wait out. */
  registryRequest: { initialMs: 100, maxMs: 5_000, multiplier: 2, jitter: 0.4, retries: 2 },
  /** The HTTP collector's background warm-up (schema, connection); requests retry on demand after it. */
  collectorWarmUp: { initialMs: 500, maxMs: 5_000, multiplier: 2, jitter: 0.5, retries: 5 },
  /** A file import batch Kafka did not acknowledge; retries come from IMPORT_RETRIES. */
  importBatch: { initialMs: 500, maxMs: 10_000, multiplier: 2, jitter: 0.5 },
  /** A log bulk request, until Elasticsearch takes it; maxMs is LOG_SHIPPER_RETRY_MAX_MS (its default here). */
  logShipping: { initialMs: 200, maxMs: 10_000, multiplier: 2, jitter: 0.5 },
} as const satisfies Record<string, RetryPolicy>;

/**
 * kafkajs and the registry client randomize each delay by ±factor around it rather than below it;
 * the same spread (a `jitter` share of the delay) is factor = jitter / 2.
 */
export function symmetricJitterFactor(policy: BackoffOptions): number {
  return Math.max(0, Math.min(1, policy.jitter)) / 2;
}

/** Delay before retry number `attempt` (1-based): capped exponential with jitter. */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions = DEFAULT_BACKOFF,
  random = Math.random,
): number {
  const exp = Math.min(options.maxMs, options.initialMs * options.multiplier ** Math.max(0, attempt - 1));
  const jitter = Math.max(0, Math.min(1, options.jitter));
  return Math.round(exp * (1 - jitter) + exp * jitter * random());
}

export interface RetryOptions extends Partial<BackoffOptions> {
  /** Retries after the first attempt (so `retries: 3` means at most 4 calls). */
  retries: number;
  /** Decides whether to retry; defaults to `isRetriable`. */
  shouldRetry?: (err: unknown, attempt: number) => boolean;
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
  signal?: AbortSignal;
  /** For tests: replaces setTimeout-based sleeping. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Calls `fn` until it succeeds, a fatal error occurs (rethrown as is), or retries run out (a
 * RetriesExhaustedError wrapping the last cause).
 */
export async function retry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const backoff: BackoffOptions = { ...DEFAULT_BACKOFF, ...stripUndefined(options) };
  const shouldRetry = options.shouldRetry ?? ((err: unknown) => isRetriable(err));
  const doSleep = options.sleep ?? sleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (!shouldRetry(err, attempt)) throw err;
      if (attempt > options.retries) {
        throw new RetriesExhaustedError(`gave up after ${attempt} attempts: ${errorMessage(err)}`, attempt, {
          cause: err,
          kafka: err instanceof AspectStreamError ? err.kafka : undefined,
        });
      }
      const delay = backoffDelay(attempt, backoff);
      options.onRetry?.(err, attempt, delay);
      await doSleep(delay, options.signal);
    }
  }
}

function stripUndefined(options: Partial<BackoffOptions>): Partial<BackoffOptions> {
  const out: Partial<BackoffOptions> = {};
  for (const key of ['initialMs', 'maxMs', 'multiplier', 'jitter'] as const) {
    if (options[key] !== undefined) out[key] = options[key];
  }
  return out;
}
