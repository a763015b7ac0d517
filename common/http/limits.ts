/**
 * Limits that protect a service from its callers, shared by the collector and the read API.
 *
 * - `FailureLimiter`: per client address, how many failed authentications and unknown paths it may
 *   cause per window. Failures are recorded where they are decided (the authenticator, the 404
 *   handler), never by counting requests on arrival: requests in flight, aborted requests and
 *   successful ones cost nothing, so many concurrent clients behind one address are not refused.
 * - `ConcurrencyLimiter`: how many expensive requests (aggregates, exports) one credential and one
 *   tenant may have running at once. A slot is released when the response closes, finished or
 *   aborted, so a client that hangs up never keeps its slot.
 *
 * Both answer 429 with Retry-After and a problem+json body that names the limit.
 */
import type { Request, RequestHandler, Response } from 'express';
import type { Logger } from '../logging/index';
import { HttpProblem, PROBLEM_BASE } from './problem';
import { loggedPath } from './request-context';

/** The limit a 429 names in its body (`limit.name`, `limit.max`), so a client can tell them apart. */
export interface LimitInfo {
  name: string;
  max: number;
  /** Only for rate limits: the window, in seconds. */
  window_s?: number;
}

export function tooManyRequests(detail: string, limit: LimitInfo, retryAfterSeconds: number): HttpProblem {
  return new HttpProblem(429, 'rate-limited', 'Too many requests', detail, {
    headers: { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))) },
    members: { limit },
  });
}

/** Fixed-window failure counts per key (a client address), bounded in memory. */
export class FailureLimiter {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();

  constructor(
    readonly limit: number,
    readonly windowMs = 60_000,
    private readonly now: () => number = Date.now,
    private readonly maxKeys = 100_000,
  ) {}

  /** Seconds until `key` may try again, or undefined when it is not over the limit (0: no limit). */
  blockedFor(key: string): number | undefined {
    if (this.limit <= 0) return undefined;
    const w = this.windows.get(key);
    const now = this.now();
    if (!w || w.resetAt <= now || w.count < this.limit) return undefined;
    return (w.resetAt - now) / 1000;
  }

  record(key: string): void {
    if (this.limit <= 0) return;
    const now = this.now();
    let w = this.windows.get(key);
    if (!w || w.resetAt <= now) {
      this.windows.delete(key);
      w = { count: 0, resetAt: now + this.windowMs };
      if (this.windows.size >= this.maxKeys) this.prune(now);
      this.windows.set(key, w);
    }
    w.count++;
  }

  get size(): number {
    return this.windows.size;
  }

  /** Drops expired windows, then the oldest ones (Map order is insertion order) if still full. */
  private prune(now: number): void {
    for (const [k, w] of this.windows) if (w.resetAt <= now) this.windows.delete(k);
    for (const k of this.windows.keys()) {
      if (this.windows.size < this.maxKeys) break;
      this.windows.delete(k);
    }
  }
}

/**
 * Which refusals of an address get a log line: the first, then at most one per interval, each with
 * the count of refusals since the previous line. An address over its limit can send thousands of
 * requests a second; a line for each would cost more than the refusal. Memory is bounded: past
 * `maxKeys` addresses the oldest is forgotten (its pending count with it).
 */
export class RefusalLogSampler {
  private readonly last = new Map<string, { at: number; suppressed: number }>();

  constructor(
    readonly intervalMs = 60_000,
    private readonly now: () => number = Date.now,
    private readonly maxKeys = 10_000,
  ) {}

  /** undefined: do not log this one; else log it, with this many refusals left out since the last line. */
  take(key: string): number | undefined {
    const now = this.now();
    const s = this.last.get(key);
    if (s && now - s.at < this.intervalMs) {
      s.suppressed++;
      return undefined;
    }
    const suppressed = s?.suppressed ?? 0;
    this.last.delete(key);
    if (this.last.size >= this.maxKeys) this.last.delete(this.last.keys().next().value!);
    this.last.set(key, { at: now, suppressed: 0 });
    return suppressed;
  }

  get size(): number {
    return this.last.size;
  }
}

export interface FailureGateOptions {
  /** Called for every refusal (a metric). */
  onLimited?: (req: Request) => void;
  /** Logs refusals, sampled per address (RefusalLogSampler); without it they are not logged here. */
  logger?: Logger;
  logIntervalMs?: number;
  /** Paths answered even for a refused address (health probes behind a shared proxy address). */
  exemptPaths?: readonly string[];
}

/**
 * Refuses a client address that is over its failure limit, before any work is done for it: the
 * answer is written here, headers and a body prepared once, with no error object, no `instance`
 * (it would echo a 16 KB path back) and no per-request log line, so a flood of refused requests
 * costs as little as an answer can. Put it before the request context and the router's work.
 */
export function failureGate(
  limiter: FailureLimiter,
  options: FailureGateOptions | ((req: Request) => void) = {},
): RequestHandler {
  const {
    onLimited,
    logger,
    logIntervalMs,
    exemptPaths = [],
  } = typeof options === 'function' ? { onLimited: options } : options;
  const exempt = new Set(exemptPaths);
  const limit: LimitInfo = {
    name: 'failures-per-address',
    max: limiter.limit,
    window_s: limiter.windowMs / 1000,
  };
  const body = Buffer.from(
    JSON.stringify({
      type: `${PROBLEM_BASE}rate-limited`,
      title: 'Too many requests',
      status: 429,
      detail: `more than ${limiter.limit} failed authentications or unknown paths a minute from this address`,
      limit,
    }),
  );
  const sampler = logger ? new RefusalLogSampler(logIntervalMs) : undefined;
  return (req, res, next) => {
    const address = clientAddress(req);
    const wait = limiter.blockedFor(address);
    if (wait === undefined || (exempt.size > 0 && exempt.has(pathOf(req.url)))) {
      next();
      return;
    }
    onLimited?.(req);
    const suppressed = sampler?.take(address);
    if (suppressed !== undefined) {
      logger!.warn(`refusing ${address}: over its limit of failures (${suppressed} refusals not logged)`, {
        event: { action: 'http-request-refused', outcome: 'failure', reason: limit.name },
        client: { address },
        http: { request: { method: req.method }, response: { status_code: 429 } },
        url: { path: loggedPath(req.path) },
        labels: { suppressed },
      });
    }
    res.writeHead(429, {
      'Content-Type': 'application/problem+json; charset=utf-8',
      'Content-Length': body.length,
      'Retry-After': String(Math.max(1, Math.ceil(wait))),
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-store',
    });
    res.end(body);
  };
}

/** The path of a raw request URL, without parsing the rest of it. */
function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

/** The address limits count by: express's `req.ip` (honours `trust proxy`), else the socket's. */
export function clientAddress(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}

export interface ConcurrencyCaps {
  perKey: number;
  perTenant: number;
}

/** Requests running at once per credential and per tenant, for one class of requests. */
export class ConcurrencyLimiter {
  private readonly running = new Map<string, number>();

  constructor(
    /** In limit names and messages: `aggregate`, `export`. */
    readonly kind: string,
    readonly caps: ConcurrencyCaps,
  ) {}

  /** A release function, or the limit that is full. */
  tryAcquire(tenant: string, keyId: string): { release: () => void } | { limit: LimitInfo } {
    const t = `tenant:${tenant}`;
    const k = `key:${keyId}`;
    if (this.caps.perKey > 0 && (this.running.get(k) ?? 0) >= this.caps.perKey) {
      return { limit: { name: `${this.kind}-concurrency-per-key`, max: this.caps.perKey } };
    }
    if (this.caps.perTenant > 0 && (this.running.get(t) ?? 0) >= this.caps.perTenant) {
      return { limit: { name: `${this.kind}-concurrency-per-tenant`, max: this.caps.perTenant } };
    }
    this.add(t, 1);
    this.add(k, 1);
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        this.add(t, -1);
        this.add(k, -1);
      },
    };
  }

  /** Requests of this kind running now for a tenant. */
  inFlight(tenant: string): number {
    return this.running.get(`tenant:${tenant}`) ?? 0;
  }

  private add(key: string, n: number): void {
    const v = (this.running.get(key) ?? 0) + n;
    if (v <= 0) this.running.delete(key);
    else this.running.set(key, v);
  }
}

/**
 * Takes a slot for the principal in res.locals (after authentication) and gives it back when the
 * response closes, whether it finished or the client went away.
 */
export function concurrencyLimit(
  limiter: ConcurrencyLimiter,
  principalOf: (res: Response) => { tenant: string; keyId: string },
  options: { retryAfterSeconds: number; onLimited?: (limit: LimitInfo) => void },
): RequestHandler {
  return (_req, res, next) => {
    const { tenant, keyId } = principalOf(res);
    const slot = limiter.tryAcquire(tenant, keyId);
    if ('limit' in slot) {
      options.onLimited?.(slot.limit);
      const whose = slot.limit.name.endsWith('per-key') ? 'this credential' : 'this tenant';
      next(
        tooManyRequests(
          `${whose} may run ${slot.limit.max} ${limiter.kind} request(s) at once; retry when one has finished`,
          slot.limit,
          options.retryAfterSeconds,
        ),
      );
      return;
    }
    res.once('close', slot.release);
    next();
  };
}
