/**
 * Webhook delivery for alerts: signs the body, checks the destination against the outbound policy,
 * posts once per attempt and retries with capped exponential backoff and full jitter. Every outcome
 * is an Attempt for the caller to store; nothing here throws for a failed delivery.
 *
 * Signature scheme, for receivers:
 *
 *   X-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<unix seconds>.<raw body>")>
 *   X-Signature-Timestamp: <unix seconds>
 *
 * A receiver recomputes the HMAC over the raw request body bytes (before parsing the JSON), with
 * the same `t`, compares it in constant time with each `v1` value (more than one may be sent while
 * a secret is rotated), and rejects a `t` outside its tolerance (5 minutes in verifySignature) so a
 * captured request cannot be replayed later. The timestamp is new on every attempt.
 * `Idempotency-Key` is the alert id, the same on every attempt: a receiver drops repeats by it.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { promises as dns } from 'node:dns';
import type { LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { LookupFunction } from 'node:net';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleepFor } from 'node:timers/promises';

export const USER_AGENT = 'aspect-stream-alerts';
export const DEFAULT_SIGNATURE_TOLERANCE_MS = 5 * 60 * 1000;

export interface WebhookTarget {
  url: string;
  secret: string;
}

/** Resolves a host name to all its addresses, as `dns.promises.lookup(host, { all: true })` does. */
export type Resolver = (hostname: string) => Promise<Array<{ address: string; family: number }>>;

export interface OutboundPolicy {
  /**
   * Allow non-public destinations: loopback, link-local, private (RFC 1918, fc00::/7), CGNAT
   * (100.64/10), unspecified (0.0.0.0/8, ::), multicast, reserved, and IPv4-mapped or embedded forms
   * of these. Only for tests and the local demo.
   */
  allowPrivate: boolean;
  /** From the start of the TCP connect (TLS handshake included for https) to connected. */
  connectTimeoutMs: number;
  /** Whole attempt: name resolution, connect, request, response headers and body. */
  totalTimeoutMs: number;
  /** Response body bytes read; the rest is cut off (a 2xx stays delivered). */
  maxResponseBytes: number;
  /** Name resolution; the system resolver when unset. */
  resolve?: Resolver;
}

export interface Attempt {
  attempt: number;
  outcome: 'delivered' | 'failed';
  httpStatus: number | null;
  latencyMs: number;
  error: string | null;
  retriable: boolean;
  /** Epoch ms the attempt started; also the signature's timestamp. */
  attemptedAt: number;
  /** Wait the receiver asked for with Retry-After on a retriable status; deliver honours it up to maxMs. */
  retryAfterMs?: number | null;
}

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

export type DestinationCheck =
  | { ok: true; address: string; family: 4 | 6; addresses: ResolvedAddress[] }
  | { ok: false; reason: string; retriable: boolean };

export interface DeliverOptions {
  maxAttempts: number;
  baseMs: number;
  maxMs: number;
  policy: OutboundPolicy;
  signal?: AbortSignal;
  onAttempt?: (a: Attempt) => void | Promise<void>;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Jitter source for retryDelayMs. */
  random?: () => number;
  /** Clock for attemptedAt and the signature timestamp. */
  now?: () => number;
}

// ---------------------------------------------------------------------------------------------
// Signatures

function hmacHex(secret: string, seconds: number, body: string): string {
  return createHmac('sha256', secret).update(`${seconds}.${body}`, 'utf8').digest('hex');
}

export function signatureHeaders(secret: string, timestampMs: number, body: string): Record<string, string> {
  const seconds = Math.floor(timestampMs / 1000);
  return {
    'X-Signature': `t=${seconds},v1=${hmacHex(secret, seconds, body)}`,
    'X-Signature-Timestamp': String(seconds),
  };
}

const DIGITS = /^\d{1,15}$/;
const SHA256_HEX = /^[0-9a-f]{64}$/i;

/** Checks an X-Signature header against the raw body; false for anything malformed, stale or forged. */
export function verifySignature(
  secret: string,
  header: string,
  body: string,
  nowMs: number,
  toleranceMs: number = DEFAULT_SIGNATURE_TOLERANCE_MS,
): boolean {
  if (typeof header !== 'string' || header.length > 4096) return false;
  let seconds: number | null = null;
  const candidates: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) return false;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't') {
      if (seconds !== null || !DIGITS.test(value)) return false;
      seconds = Number(value);
    } else if (key === 'v1') {
      candidates.push(value);
    }
    // Other schemes (v0, v2, ...) are ignored so a receiver keeps working when one is added.
  }
  if (seconds === null || candidates.length === 0) return false;
  if (!(Math.abs(nowMs - seconds * 1000) <= toleranceMs)) return false;
  const expected = Buffer.from(hmacHex(secret, seconds, body), 'hex');
  let match = false;
  for (const candidate of candidates) {
    if (!SHA256_HEX.test(candidate)) continue;
    // Every candidate is compared, so the time taken does not tell which one matched.
    if (timingSafeEqual(expected, Buffer.from(candidate, 'hex'))) match = true;
  }
  return match;
}

// ---------------------------------------------------------------------------------------------
// Destinations

function ipv4ToInt(address: string): number | null {
  const parts = address.split('.');
  if (parts.length !== 4) return null;
  let n = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return null;
    const octet = Number(part);
    if (octet > 255) return null;
    n = n * 256 + octet;
  }
  return n;
}

const IPV4_RANGES: ReadonlyArray<{ base: number; prefix: number; kind: string }> = (
  [
    ['0.0.0.0', 8, 'unspecified address'],
    ['10.0.0.0', 8, 'private address'],
    ['100.64.0.0', 10, 'shared (CGNAT) address'],
    ['127.0.0.0', 8, 'loopback address'],
    ['169.254.0.0', 16, 'link-local address'],
    ['172.16.0.0', 12, 'private address'],
    ['192.0.0.0', 24, 'reserved address'],
    ['192.0.2.0', 24, 'documentation address'],
    ['192.168.0.0', 16, 'private address'],
    ['198.18.0.0', 15, 'benchmarking address'],
    ['198.51.100.0', 24, 'documentation address'],
    ['203.0.113.0', 24, 'documentation address'],
    ['224.0.0.0', 4, 'multicast address'],
    ['240.0.0.0', 4, 'reserved address'],
  ] as const
).map(([base, prefix, kind]) => ({ base: ipv4ToInt(base) ?? 0, prefix, kind }));

function classifyIPv4(address: string): string | null {
  const n = ipv4ToInt(address);
  if (n === null) return 'invalid address';
  for (const range of IPV4_RANGES) {
    const size = 2 ** (32 - range.prefix);
    if (Math.floor(n / size) === Math.floor(range.base / size)) return range.kind;
  }
  return null;
}

function ipv6Groups(address: string): number[] | null {
  let text = address.split('%', 1)[0] ?? '';
  if (!net.isIPv6(text)) return null;
  let embedded: number | null = null;
  const lastColon = text.lastIndexOf(':');
  if (text.slice(lastColon + 1).includes('.')) {
    embedded = ipv4ToInt(text.slice(lastColon + 1));
    if (embedded === null) return null;
    text = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const toGroups = (s: string) => (s === '' ? [] : s.split(':').map((h) => parseInt(h, 16)));
  const halves = text.split('::');
  let groups: number[];
  if (halves.length === 1) groups = toGroups(text);
  else {
    const head = toGroups(halves[0] ?? '');
    const tail = toGroups(halves[1] ?? '');
    groups = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  }
  if (groups.length !== 8 || groups.some((g) => !Number.isInteger(g))) return null;
  if (embedded !== null) groups.splice(6, 2, Math.floor(embedded / 65536), embedded % 65536);
  return groups;
}

function classifyIPv6(address: string): string | null {
  const g = ipv6Groups(address);
  if (g === null) return 'invalid address';
  const at = (i: number) => g[i] ?? 0;
  const zeroBefore = (n: number) => g.slice(0, n).every((x) => x === 0);
  const dotted = (hi: number, lo: number) => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  // A v6 address that carries a v4 one reaches it (dual-stack socket, NAT64, 6to4 relay).
  const embedded = (form: string, v4: string) => {
    const kind = classifyIPv4(v4);
    return kind === null ? null : `${kind}, ${form} ${v4}`;
  };
  if (zeroBefore(8)) return 'unspecified address';
  if (zeroBefore(7) && at(7) === 1) return 'loopback address';
  if (zeroBefore(5) && at(5) === 0xffff) return embedded('IPv4-mapped', dotted(at(6), at(7)));
  if (zeroBefore(4) && at(4) === 0xffff && at(5) === 0)
    return embedded('IPv4-translated', dotted(at(6), at(7)));
  if (zeroBefore(6)) return 'reserved address (IPv4-compatible)';
  if (at(0) === 0x64 && at(1) === 0xff9b && g.slice(2, 6).every((x) => x === 0))
    return embedded('NAT64', dotted(at(6), at(7)));
  if (at(0) === 0x64 && at(1) === 0xff9b && at(2) === 1) return 'private address (local-use NAT64)';
  if (at(0) === 0x2002) return embedded('6to4', dotted(at(1), at(2)));
  if (at(0) === 0x2001 && at(1) === 0) return 'reserved address (Teredo)';
  if (at(0) === 0x2001 && at(1) === 0xdb8) return 'documentation address';
  if ((at(0) & 0xfe00) === 0xfc00) return 'private address (unique local)';
  if ((at(0) & 0xffc0) === 0xfe80) return 'link-local address';
  if ((at(0) & 0xffc0) === 0xfec0) return 'private address (site-local)';
  if ((at(0) & 0xff00) === 0xff00) return 'multicast address';
  // Only 2000::/3 is allocated as global unicast.
  if ((at(0) & 0xe000) !== 0x2000) return 'reserved address';
  return null;
}

/** What makes an address non-public ("private address", "loopback address", ...), or null if public. */
export function classifyAddress(address: string): string | null {
  const family = net.isIP(address.split('%', 1)[0] ?? '');
  if (family === 4) return classifyIPv4(address);
  if (family === 6) return classifyIPv6(address);
  return 'invalid address';
}

/** The URL for messages: no credentials, query or fragment, which may carry tokens. */
function describeUrl(u: URL): string {
  return `${u.protocol}//${u.host}${u.pathname}`;
}

function parseUrl(url: string): { ok: true; url: URL } | { ok: false; reason: string } {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return { ok: false, reason: 'invalid URL: not an absolute http or https URL' };
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    const where = u.host === '' ? '' : ` for ${describeUrl(u)}`;
    return { ok: false, reason: `URL scheme ${u.protocol} not allowed${where} (only http and https)` };
  }
  if (u.username !== '' || u.password !== '')
    return { ok: false, reason: `credentials in the URL not allowed for ${describeUrl(u)}` };
  return { ok: true, url: u };
}

function bareHost(u: URL): string {
  return u.hostname.startsWith('[') ? u.hostname.slice(1, -1) : u.hostname;
}

const systemResolver: Resolver = (hostname) => dns.lookup(hostname, { all: true, verbatim: true });

async function checkUrl(u: URL, policy: OutboundPolicy): Promise<DestinationCheck> {
  const host = bareHost(u);
  let found: Array<{ address: string; family: number }>;
  try {
    found = await (policy.resolve ?? systemResolver)(host);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException | null)?.code;
    return {
      ok: false,
      reason: `cannot resolve ${host} for ${describeUrl(u)} (${code ?? errorText(err)})`,
      // A resolver failure may be an outage (EAI_AGAIN, an unreachable DNS server) as well as a typo.
      retriable: true,
    };
  }
  if (found.length === 0) return { ok: false, reason: `${host} resolved to no address`, retriable: true };
  const addresses: ResolvedAddress[] = [];
  for (const { address } of found) {
    const family = net.isIP(address);
    if (family !== 4 && family !== 6)
      return { ok: false, reason: `${host} resolved to an invalid address`, retriable: false };
    const kind = policy.allowPrivate ? null : classifyAddress(address);
    if (kind !== null)
      return {
        ok: false,
        reason: `destination ${address} (${kind}) not allowed for ${describeUrl(u)}`,
        retriable: false,
      };
    addresses.push({ address, family });
  }
  const first = addresses[0] as ResolvedAddress;
  return { ok: true, address: first.address, family: first.family, addresses };
}

/**
 * Whether a URL may be called: http or https, no credentials, and, unless policy.allowPrivate, every
 * address its host resolves to public (one internal address among public ones is enough to refuse,
 * as the connection could use it). `addresses` are the checked ones; connect only to those.
 */
export async function checkDestination(url: string, policy: OutboundPolicy): Promise<DestinationCheck> {
  const parsed = parseUrl(url);
  if (!parsed.ok) return { ok: false, reason: parsed.reason, retriable: false };
  try {
    return await checkUrl(parsed.url, policy);
  } catch (err) {
    return { ok: false, reason: `destination check failed: ${errorText(err)}`, retriable: true };
  }
}

/** Answers the socket's lookup with the checked addresses, so a second DNS answer cannot rebind it. */
function pinnedLookup(addresses: ResolvedAddress[]): LookupFunction {
  return (_hostname, options, callback) => {
    const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : options.family;
    const usable = family === 4 || family === 6 ? addresses.filter((a) => a.family === family) : addresses;
    const first = usable[0];
    if (first === undefined) {
      const err: NodeJS.ErrnoException = new Error(`no checked IPv${family} address`);
      err.code = 'ENOTFOUND';
      callback(err, '', 0);
    } else if (options.all) {
      callback(
        null,
        usable.map((a): LookupAddress => ({ address: a.address, family: a.family })),
      );
    } else {
      callback(null, first.address, first.family);
    }
  };
}

// ---------------------------------------------------------------------------------------------
// Sending

class AttemptFailure extends Error {
  constructor(
    message: string,
    readonly retriable: boolean,
  ) {
    super(message);
  }
}

function errorText(err: unknown): string {
  if (err instanceof AggregateError && err.errors.length > 0)
    return err.errors.map((e: unknown) => errorText(e)).join('; ');
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    const message = err.message || code || err.name;
    return code === undefined || message.includes(code) ? message : `${message} (${code})`;
  }
  return String(err);
}

/** Printable, bounded text of a receiver-controlled value, for an error string. */
function printable(text: string, max: number): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    out += code < 0x20 || code === 0x7f ? ' ' : ch;
  }
  out = out.replace(/\s+/g, ' ').trim();
  return out.length > max ? `${out.slice(0, max)}...` : out;
}

/** Node fires a timer over 2^31-1 ms at once; longer limits wait that long instead. */
const timerMs = (ms: number) => Math.min(Math.max(0, ms), 2 ** 31 - 1);

/** One deadline for the whole attempt, tripped by the total timeout or the caller's signal. */
class Deadline {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  failure: AttemptFailure | null = null;

  constructor(
    totalMs: number,
    private readonly outer?: AbortSignal,
  ) {
    this.timer = setTimeout(
      () => this.trip(new AttemptFailure(`timed out after ${totalMs} ms`, true)),
      timerMs(totalMs),
    );
    if (outer?.aborted) this.onOuterAbort();
    else outer?.addEventListener('abort', this.onOuterAbort, { once: true });
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  private readonly onOuterAbort = () =>
    this.trip(new AttemptFailure('aborted before the receiver answered (delivery stopped)', true));

  private trip(failure: AttemptFailure): void {
    if (this.failure !== null) return;
    this.failure = failure;
    this.controller.abort(failure);
  }

  race<T>(work: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => reject(this.failure);
      if (this.signal.aborted) return onAbort();
      this.signal.addEventListener('abort', onAbort, { once: true });
      work.then(
        (value) => {
          this.signal.removeEventListener('abort', onAbort);
          resolve(value);
        },
        (err: unknown) => {
          this.signal.removeEventListener('abort', onAbort);
          reject(err);
        },
      );
    });
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.outer?.removeEventListener('abort', this.onOuterAbort);
  }
}

interface Exchange {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

function exchange(
  u: URL,
  dest: { addresses: ResolvedAddress[]; address: string },
  headers: Record<string, string>,
  body: string,
  policy: OutboundPolicy,
  deadline: Deadline,
): Promise<Exchange> {
  return new Promise<Exchange>((resolve, reject) => {
    const tls = u.protocol === 'https:';
    const host = bareHost(u);
    const port = u.port === '' ? (tls ? 443 : 80) : Number(u.port);
    const where = `${host === dest.address ? host : `${host} (${dest.address})`} port ${port}`;
    let settled = false;
    let connectTimer: NodeJS.Timeout | undefined;
    let response: http.IncomingMessage | undefined;
    const chunks: Buffer[] = [];
    let size = 0;

    const settle = (action: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(connectTimer);
      deadline.signal.removeEventListener('abort', onAbort);
      action();
    };
    const finish = () =>
      settle(() =>
        resolve({
          status: response?.statusCode ?? 0,
          headers: response?.headers ?? {},
          body: Buffer.concat(chunks),
        }),
      );
    const fail = (failure: AttemptFailure) => settle(() => reject(failure));
    // Once the status line is in, the status decides the outcome; a slow body does not undo a 2xx.
    const onAbort = () => {
      if (response) finish();
      else fail(deadline.failure ?? new AttemptFailure('aborted', true));
      req.destroy();
    };

    const req = (tls ? https : http).request({
      method: 'POST',
      hostname: host,
      port,
      path: `${u.pathname}${u.search}`,
      headers,
      agent: false,
      lookup: pinnedLookup(dest.addresses),
    });
    req.on('error', (err) =>
      fail(new AttemptFailure(`connection to ${where} failed: ${printable(errorText(err), 300)}`, true)),
    );
    req.on('socket', (socket) => {
      connectTimer = setTimeout(() => {
        fail(new AttemptFailure(`connect to ${where} timed out after ${policy.connectTimeoutMs} ms`, true));
        req.destroy();
      }, timerMs(policy.connectTimeoutMs));
      socket.once(tls ? 'secureConnect' : 'connect', () => clearTimeout(connectTimer));
    });
    req.on('response', (res) => {
      clearTimeout(connectTimer);
      response = res;
      res.on('data', (chunk: Buffer) => {
        if (settled) return;
        const take = Math.min(chunk.length, Math.max(0, policy.maxResponseBytes - size));
        if (take > 0) chunks.push(take === chunk.length ? chunk : chunk.subarray(0, take));
        size += take;
        if (take < chunk.length) {
          // Cut off: the rest is not read, whatever the receiver still sends.
          finish();
          res.destroy();
        }
      });
      res.on('end', finish);
      res.on('close', finish);
      res.on('error', finish);
    });
    if (deadline.signal.aborted) onAbort();
    else deadline.signal.addEventListener('abort', onAbort, { once: true });
    req.end(body);
  });
}

/** Retry-After as milliseconds from now: delta-seconds or an HTTP date. */
function retryAfter(value: string | string[] | undefined, nowMs: number): number | null {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (text === undefined || text === '') return null;
  if (/^\d{1,10}$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : Math.max(0, at - nowMs);
}

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/**
 * One POST of `body` to the target. Never throws: a refused or invalid destination, a timeout, a
 * connection error or a non-2xx answer is an Attempt with outcome 'failed'. Redirects are not followed.
 * `signal` ends an attempt in flight (failed, retriable).
 */
export async function sendWebhook(
  target: WebhookTarget,
  body: string,
  idempotencyKey: string,
  attempt: number,
  policy: OutboundPolicy,
  now: () => number = Date.now,
  signal?: AbortSignal,
): Promise<Attempt> {
  const started = performance.now();
  let attemptedAt = Date.now();
  const result = (outcome: Omit<Attempt, 'attempt' | 'latencyMs' | 'attemptedAt'>): Attempt => ({
    attempt,
    ...outcome,
    latencyMs: Math.round(performance.now() - started),
    attemptedAt,
  });
  const failed = (error: string, retriable: boolean, httpStatus: number | null = null) =>
    result({ outcome: 'failed', httpStatus, error, retriable });
  try {
    attemptedAt = now();
    const parsed = parseUrl(target.url);
    if (!parsed.ok) return failed(parsed.reason, false);
    const u = parsed.url;
    if (typeof target.secret !== 'string' || target.secret.length === 0)
      return failed('webhook secret is empty', false);
    if (!IDEMPOTENCY_KEY.test(idempotencyKey))
      return failed('invalid Idempotency-Key: 1 to 255 printable ASCII characters without spaces', false);
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      'Content-Length': String(Buffer.byteLength(body, 'utf8')),
      'User-Agent': USER_AGENT,
      'Idempotency-Key': idempotencyKey,
      ...signatureHeaders(target.secret, attemptedAt, body),
    };

    const deadline = new Deadline(policy.totalTimeoutMs, signal);
    let answer: Exchange;
    try {
      const dest = await deadline.race(checkUrl(u, policy));
      if (!dest.ok) return failed(dest.reason, dest.retriable);
      answer = await exchange(u, dest, headers, body, policy, deadline);
    } catch (err) {
      if (err instanceof AttemptFailure) return failed(err.message, err.retriable);
      throw err;
    } finally {
      deadline.dispose();
    }

    const status = answer.status;
    if (status >= 200 && status < 300)
      return result({ outcome: 'delivered', httpStatus: status, error: null, retriable: false });
    if (status >= 300 && status < 400) {
      const location = answer.headers.location;
      let to: string | null = null;
      if (location !== undefined) {
        try {
          to = describeUrl(new URL(location, u));
        } catch {
          to = location;
        }
      }
      const why =
        to === null ? 'redirects are not followed' : `redirect to ${printable(to, 300)} not followed`;
      return failed(`HTTP ${status}: ${why}`, false, status);
    }
    const retriable = status === 408 || status === 429 || (status >= 500 && status < 600);
    const snippet = printable(answer.body.subarray(0, 1024).toString('utf8'), 200);
    const attemptResult = failed(`HTTP ${status}${snippet === '' ? '' : `: ${snippet}`}`, retriable, status);
    if (retriable) attemptResult.retryAfterMs = retryAfter(answer.headers['retry-after'], attemptedAt);
    return attemptResult;
  } catch (err) {
    return failed(`delivery failed: ${errorText(err)}`, true);
  }
}

// ---------------------------------------------------------------------------------------------
// Retries

/** Capped exponential backoff with full jitter: random() * min(maxMs, baseMs * 2^(attempt-1)). */
export function retryDelayMs(
  attempt: number,
  opts: { baseMs: number; maxMs: number },
  random: () => number = Math.random,
): number {
  const n = Number.isFinite(attempt) ? Math.max(1, Math.floor(attempt)) : 1;
  const ceiling = Math.max(0, Math.min(opts.maxMs, opts.baseMs * 2 ** (n - 1)));
  const r = Math.min(1, Math.max(0, random()));
  return Math.floor(r * ceiling);
}

const defaultSleep = async (ms: number, signal?: AbortSignal): Promise<void> => {
  await sleepFor(ms, undefined, { signal });
};

/**
 * Sends until delivered, a non-retriable failure, maxAttempts, or `signal` aborts (which also ends an
 * attempt in flight). onAttempt is awaited after every attempt, before the wait for the next one; its
 * rejection (or the sleep's, other than by the abort) is the only way deliver rejects.
 */
export async function deliver(
  target: WebhookTarget,
  body: string,
  idempotencyKey: string,
  opts: DeliverOptions,
): Promise<{ delivered: boolean; attempts: Attempt[] }> {
  if (!Number.isInteger(opts.maxAttempts) || opts.maxAttempts < 1)
    throw new RangeError(`maxAttempts must be a positive integer, got ${opts.maxAttempts}`);
  const sleep = opts.sleep ?? defaultSleep;
  const attempts: Attempt[] = [];
  for (let n = 1; n <= opts.maxAttempts; n++) {
    if (opts.signal?.aborted) break;
    const a = await sendWebhook(target, body, idempotencyKey, n, opts.policy, opts.now, opts.signal);
    attempts.push(a);
    await opts.onAttempt?.(a);
    if (a.outcome === 'delivered') return { delivered: true, attempts };
    if (!a.retriable || n === opts.maxAttempts || opts.signal?.aborted) break;
    const backoff = retryDelayMs(n, opts, opts.random);
    const asked = a.retryAfterMs ?? null;
    const wait = asked === null ? backoff : Math.max(backoff, Math.min(asked, opts.maxMs));
    try {
      await sleep(wait, opts.signal);
    } catch (err) {
      if (opts.signal?.aborted) break;
      throw err;
    }
  }
  return { delivered: false, attempts };
}
