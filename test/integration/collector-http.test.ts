import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { ApiKeyStore } from '../../common/apikeys/store';
import { documentEventId } from '../../common/ids/index';
import type { RawDocument } from '../../schemas/index';
import { TopicProbe } from './helpers/raw-topic';
import { freePort, startProcess, waitFor, type Started } from './helpers/processes';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://absa:absa@127.0.0.1:5432/absa';

interface Collector {
  url: string;
  /** The ops port: /metrics and detailed /readyz. */
  opsUrl: string;
  proc: Started;
}

async function startCollector(env: Record<string, string> = {}, waitReady = true): Promise<Collector> {
  const port = await freePort();
  const opsPort = await freePort();
  const proc = startProcess('producers/http/main.ts', [], {
    COLLECTOR_HTTP_PORT: String(port),
    COLLECTOR_HTTP_OPS_PORT: String(opsPort),
    COLLECTOR_HTTP_HOST: '127.0.0.1',
    APIKEY_CACHE_TTL_MS: '0',
    ...env,
  });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(async () => (await fetch(`${url}/healthz`)).ok, 30_000, 'collector /healthz');
  if (waitReady) await waitFor(async () => (await fetch(`${url}/readyz`)).ok, 30_000, 'collector /readyz');
  return { url, opsUrl: `http://127.0.0.1:${opsPort}`, proc };
}

function post(url: string, body: unknown, headers: Record<string, string>): Promise<Response> {
  return fetch(`${url}/v1/documents`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

describe('HTTP ingest collector (producers/http) against the local stack', function () {
  this.timeout(120_000);

  const tenant = `t-${randomUUID().slice(0, 8)}`;
  const run = randomUUID().slice(0, 8);
  let pool: pg.Pool;
  let store: ApiKeyStore;
  let ingestKey: string;
  let readerKey: string;
  let collector: Collector;
  const probe = new TopicProbe('text.raw.v1');

  before(async () => {
    pool = new pg.Pool({ connectionString: DATABASE_URL, max: 2 });
    store = new ApiKeyStore(pool, 0);
    ingestKey = (await store.create({ tenant, name: 'ingest', role: 'ingest' })).key;
    readerKey = (await store.create({ tenant, name: 'reader', role: 'reader' })).key;
    collector = await startCollector({
      COLLECTOR_HTTP_RATE_LIMIT_RPS: '1000',
      COLLECTOR_HTTP_RATE_LIMIT_BURST: '1000',
    });
  });

  after(async () => {
    collector?.proc.child.kill('SIGTERM');
    await collector?.proc.exited;
    await probe.close();
    await pool?.end();
  });

  const doc = (sourceId: string, extra: Record<string, unknown> = {}) => ({
    source: 'app-store',
    source_id: `${run}-${sourceId}`,
    text: `The battery life of ${sourceId} is great`,
    ...extra,
  });

  it('answers 202 with the event id of every document in request order, each readable from text.raw.v1 with the registry schema', async () => {
    const before = await probe.endOffsets();
    const docs = [
      doc('a', { entity: 'phone-x', created_at: '2024-05-01T12:30:00Z', metadata: { rating: '5' } }),
      doc('b', { lang: 'en', url: 'https://example.com/r/b', author_id: 'u-1' }),
      doc('c'),
    ];
    const res = await post(collector.url, { documents: docs }, { 'X-API-Key': ingestKey });
    expect(res.status).to.equal(202);
    const body = (await res.json()) as { accepted: Array<{ id: string; source_id: string }> };
    expect(body.accepted.map((a) => a.source_id)).to.deep.equal(docs.map((d) => d.source_id));
    for (const a of body.accepted) expect(a.id).to.equal(documentEventId(tenant, 'app-store', a.source_id));

    const records = await probe.read<RawDocument>(before, await probe.endOffsets());
    const mine = new Map(records.filter((r) => r.value.tenant === tenant).map((r) => [r.value.event_id, r]));
    for (const [i, a] of body.accepted.entries()) {
      const rec = mine.get(a.id);
      expect(rec, `event ${a.id} on text.raw.v1`).to.not.equal(undefined);
      expect(rec!.key).to.equal(a.id);
      expect(rec!.value.text).to.equal(docs[i]!.text);
      expect(rec!.value.collector).to.equal('http');
    }
    const first = mine.get(body.accepted[0]!.id)!.value;
    expect(first.entity).to.equal('phone-x');
    expect(first.created_at).to.equal(Date.parse('2024-05-01T12:30:00Z'));
    expect({ ...first.metadata }).to.deep.equal({ rating: '5' });
    expect(mine.get(body.accepted[1]!.id)!.value.lang).to.equal('en');
  });

  it('splits a large request into produce calls the topic accepts, and answers 413 naming a document too large for a record', async () => {
    // 300 documents of 9,900 emoji (19,800 UTF-16 units, 40 KB of UTF-8 each): 12 MB in one request,
    // about 2 MB per partition, more than the topic's 1 MiB max.message.bytes in one produce call.
    const big = await startCollector({
      COLLECTOR_HTTP_MAX_BODY_BYTES: String(20 * 1024 * 1024),
      COLLECTOR_HTTP_RATE_LIMIT_RPS: '0',
    });
    try {
      const before = await probe.endOffsets();
      const docs = Array.from({ length: 300 }, (_, i) => doc(`big-${i}`, { text: '😀'.repeat(9_900) }));
      const res = await post(big.url, { documents: docs }, { 'X-API-Key': ingestKey });
      expect(res.status, await res.clone().text()).to.equal(202);
      const records = await probe.read<RawDocument>(before, await probe.endOffsets());
      const ids = new Set(records.filter((r) => r.value.tenant === tenant).map((r) => r.value.source_id));
      for (const d of docs) expect(ids.has(d.source_id), d.source_id).to.equal(true);
    } finally {
      big.proc.child.kill('SIGTERM');
      await big.proc.exited;
    }

    const small = await startCollector({ COLLECTOR_HTTP_MAX_RECORD_BYTES: '8192' });
    try {
      const res = await post(
        small.url,
        { documents: [doc('fits'), doc('too-big', { text: '😀'.repeat(3000) })] },
        { 'X-API-Key': ingestKey },
      );
      expect(res.status).to.equal(413);
      const problem = (await res.json()) as { errors: Array<{ pointer: string; reason: string }> };
      expect(problem.errors[0]!.pointer).to.equal('/documents/1');
      expect(problem.errors[0]!.reason).to.match(/bytes as a Kafka record; the topic accepts at most 8192/);
    } finally {
      small.proc.child.kill('SIGTERM');
      await small.proc.exited;
    }
  });

  it('gives a resent document the same id and Kafka key', async () => {
    const d = doc('resend');
    const one = (await (
      await post(collector.url, { documents: [d] }, { 'X-API-Key': ingestKey })
    ).json()) as {
      accepted: Array<{ id: string }>;
    };
    const two = (await (
      await post(collector.url, { documents: [d] }, { 'X-API-Key': ingestKey })
    ).json()) as {
      accepted: Array<{ id: string }>;
    };
    expect(two.accepted[0]!.id).to.equal(one.accepted[0]!.id);
  });

  it('takes the tenant from the API key: a tenant in the body is refused as an unknown field', async () => {
    const res = await post(
      collector.url,
      { documents: [doc('t', { tenant: 'someone-else' })] },
      { 'X-API-Key': ingestKey },
    );
    expect(res.status).to.equal(400);
    const problem = (await res.json()) as { errors: Array<{ pointer: string }> };
    expect(problem.errors.map((e) => e.pointer)).to.deep.equal(['/documents/0/tenant']);
  });

  it('rejects a batch with one bad document whole, naming the bad field, and publishes none of it', async () => {
    const before = await probe.endOffsets();
    const docs = [doc('good-1'), doc('bad', { text: '   ' }), doc('good-2')];
    const res = await post(collector.url, { documents: docs }, { 'X-API-Key': ingestKey });
    expect(res.status).to.equal(400);
    expect(res.headers.get('content-type')).to.match(/^application\/problem\+json/);
    const problem = (await res.json()) as {
      status: number;
      errors: Array<{ pointer: string; reason: string }>;
    };
    expect(problem.status).to.equal(400);
    expect(problem.errors).to.deep.equal([
      { pointer: '/documents/1/text', reason: 'must not be only whitespace' },
    ]);

    // A marker sent afterwards is acknowledged; everything before the end offsets taken after it is read.
    const marker = await post(collector.url, { documents: [doc('marker-1')] }, { 'X-API-Key': ingestKey });
    expect(marker.status).to.equal(202);
    const ids = (await probe.read<RawDocument>(before, await probe.endOffsets())).map(
      (r) => r.value.event_id,
    );
    expect(ids).to.include(documentEventId(tenant, 'app-store', `${run}-marker-1`));
    for (const d of docs) expect(ids).to.not.include(documentEventId(tenant, 'app-store', d.source_id));
  });

  it('lists every invalid field with a reason: empty, too long, bad date, unknown field, wrong type', async () => {
    const res = await post(
      collector.url,
      {
        documents: [
          doc('e1', { text: '' }),
          doc('e2', { text: 'x'.repeat(20_001) }),
          doc('e3', { created_at: '2024-02-30T10:00:00Z' }),
          doc('e4', { colour: 'blue' }),
          { source: 'app-store', source_id: 42, text: 'ok' },
          doc('e6', { created_at: 'yesterday' }),
        ],
      },
      { 'X-API-Key': ingestKey },
    );
    expect(res.status).to.equal(400);
    const { errors } = (await res.json()) as { errors: Array<{ pointer: string; reason: string }> };
    expect(errors).to.deep.equal([
      { pointer: '/documents/0/text', reason: 'must not be empty' },
      {
        pointer: '/documents/1/text',
        reason:
          'must be at most 20000 UTF-16 code units (got 20001; a character outside the Basic Multilingual Plane, such as most emoji, counts as 2)',
      },
      {
        pointer: '/documents/2/created_at',
        reason: 'must be an RFC 3339 date-time with a time zone, e.g. 2024-05-01T12:30:00Z',
      },
      { pointer: '/documents/3/colour', reason: 'is not a known field' },
      { pointer: '/documents/4/source_id', reason: 'must be a string, got number' },
      {
        pointer: '/documents/5/created_at',
        reason: 'must be an RFC 3339 date-time with a time zone, e.g. 2024-05-01T12:30:00Z',
      },
    ]);
  });

  it('accepts 1 to 1,000 documents: an empty list and 1,001 documents are refused', async () => {
    const empty = await post(collector.url, { documents: [] }, { 'X-API-Key': ingestKey });
    expect(empty.status).to.equal(400);
    expect(((await empty.json()) as { errors: unknown[] }).errors).to.deep.equal([
      { pointer: '/documents', reason: 'must contain at least 1 document' },
    ]);
    const many = Array.from({ length: 1001 }, (_, i) => doc(`m${i}`));
    const tooMany = await post(collector.url, { documents: many }, { 'X-API-Key': ingestKey });
    expect(tooMany.status).to.equal(400);
    expect(((await tooMany.json()) as { errors: unknown[] }).errors).to.deep.equal([
      { pointer: '/documents', reason: 'must contain at most 1000 documents (got 1001)' },
    ]);
  });

  it('answers 401 without a key and with a wrong or revoked key, 403 for a role that may not ingest', async () => {
    expect((await post(collector.url, { documents: [doc('x')] }, {})).status).to.equal(401);
    const wrong = await post(
      collector.url,
      { documents: [doc('x')] },
      { 'X-API-Key': 'ask_AAAAAAAA_' + 'b'.repeat(32) },
    );
    expect(wrong.status).to.equal(401);
    expect(wrong.headers.get('content-type')).to.match(/^application\/problem\+json/);
    const forbidden = await post(collector.url, { documents: [doc('x')] }, { 'X-API-Key': readerKey });
    expect(forbidden.status).to.equal(403);

    const { key, record } = await store.create({ tenant, name: `revoked-${run}`, role: 'ingest' });
    expect((await post(collector.url, { documents: [doc('rv')] }, { 'X-API-Key': key })).status).to.equal(
      202,
    );
    await store.revoke(record.prefix);
    expect((await post(collector.url, { documents: [doc('rv')] }, { 'X-API-Key': key })).status).to.equal(
      401,
    );
  });

  it('answers 415 for a body that is not JSON and 413 over 5 MB', async () => {
    const text = await fetch(`${collector.url}/v1/documents`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', 'X-API-Key': ingestKey },
      body: 'hello',
    });
    expect(text.status).to.equal(415);
    const big = JSON.stringify({ documents: [doc('big', { text: 'x'.repeat(5 * 1024 * 1024) })] });
    const res = await post(collector.url, big, { 'X-API-Key': ingestKey });
    expect(res.status).to.equal(413);
    expect(res.headers.get('content-type')).to.match(/^application\/problem\+json/);
  });

  it('answers 429 with Retry-After once a key exceeds its rate limit, other keys unaffected', async () => {
    const limited = await startCollector({
      COLLECTOR_HTTP_RATE_LIMIT_RPS: '1',
      COLLECTOR_HTTP_RATE_LIMIT_BURST: '3',
    });
    try {
      const statuses: number[] = [];
      let retryAfter: string | null = null;
      for (let i = 0; i < 6; i++) {
        const res = await post(limited.url, { documents: [doc(`rl${i}`)] }, { 'X-API-Key': ingestKey });
        statuses.push(res.status);
        if (res.status === 429) retryAfter = res.headers.get('retry-after');
      }
      expect(statuses.slice(0, 3)).to.deep.equal([202, 202, 202]);
      expect(statuses).to.include(429);
      expect(Number(retryAfter)).to.be.greaterThan(0);
      const other = (await store.create({ tenant, name: `other-${run}`, role: 'ingest' })).key;
      expect(
        (await post(limited.url, { documents: [doc('rl-other')] }, { 'X-API-Key': other })).status,
      ).to.equal(202);
    } finally {
      limited.proc.child.kill('SIGTERM');
      await limited.proc.exited;
    }
  });

  it('serves /healthz and a detail-free /readyz publicly, /metrics and detailed /readyz on its ops port, echoes X-Request-Id and logs it without the API key', async () => {
    expect((await fetch(`${collector.url}/healthz`)).status).to.equal(200);
    expect(await (await fetch(`${collector.url}/readyz`)).json()).to.deep.equal({ ready: true });
    expect((await fetch(`${collector.url}/metrics`)).status).to.equal(404);
    const ready = (await (await fetch(`${collector.opsUrl}/readyz`)).json()) as {
      ready: boolean;
      checks: object;
    };
    expect(ready.ready).to.equal(true);
    expect(Object.keys(ready.checks)).to.have.members(['postgres', 'kafka', 'schema']);
    const res = await post(
      collector.url,
      { documents: [doc('rid')] },
      { 'X-API-Key': ingestKey, 'X-Request-Id': `req-${run}` },
    );
    expect(res.headers.get('x-request-id')).to.equal(`req-${run}`);
    const metrics = await (await fetch(`${collector.opsUrl}/metrics`)).text();
    expect(metrics).to.match(/absa_collector_documents_total\{[^}]*outcome="accepted"[^}]*\} \d+/);
    expect(metrics).to.include('absa_process_cpu_seconds_total');
    await waitFor(async () => collector.proc.output().includes(`req-${run}`), 5000, 'access log line');
    const line = collector.proc
      .output()
      .split('\n')
      .find((l) => l.includes(`req-${run}`))!;
    const entry = JSON.parse(line) as Record<string, unknown>;
    expect(entry).to.include.keys('@timestamp', 'log.level', 'message', 'service');
    expect(collector.proc.output()).to.not.include(ingestKey);
  });

  it('answers 503 with Retry-After and accepts nothing when Kafka is unreachable (collector pointed at a closed port)', async () => {
    const closedPort = await freePort();
    const down = await startCollector(
      {
        KAFKA_BROKERS: `127.0.0.1:${closedPort}`,
        COLLECTOR_HTTP_KAFKA_TIMEOUT_MS: '4000',
        KAFKA_CONNECTION_TIMEOUT_MS: '500',
      },
      false,
    );
    try {
      const ready = await fetch(`${down.url}/readyz`);
      expect(ready.status).to.equal(503);
      const before = await probe.endOffsets();
      const docs = [doc('down-1'), doc('down-2')];
      const res = await post(down.url, { documents: docs }, { 'X-API-Key': ingestKey });
      expect(res.status).to.equal(503);
      expect(Number(res.headers.get('retry-after'))).to.be.greaterThan(0);
      const body = (await res.json()) as Record<string, unknown>;
      expect(body).to.not.have.property('accepted');
      expect(body.status).to.equal(503);

      // The same request against a healthy collector afterwards: only its own marker appears, not the 503 batch.
      const marker = await post(collector.url, { documents: [doc('marker-2')] }, { 'X-API-Key': ingestKey });
      expect(marker.status).to.equal(202);
      const ids = (await probe.read<RawDocument>(before, await probe.endOffsets())).map(
        (r) => r.value.event_id,
      );
      for (const d of docs) expect(ids).to.not.include(documentEventId(tenant, 'app-store', d.source_id));
    } finally {
      down.proc.child.kill('SIGTERM');
      await down.proc.exited;
    }
  });

  it('finishes an in-flight request on SIGTERM before exiting 0', async () => {
    const closedPort = await freePort();
    const slow = await startCollector(
      {
        KAFKA_BROKERS: `127.0.0.1:${closedPort}`,
        COLLECTOR_HTTP_KAFKA_TIMEOUT_MS: '3000',
        KAFKA_CONNECTION_TIMEOUT_MS: '500',
      },
      false,
    );
    const pending = post(slow.url, { documents: [doc('inflight')] }, { 'X-API-Key': ingestKey });
    await new Promise((r) => setTimeout(r, 500));
    slow.proc.child.kill('SIGTERM');
    const res = await pending;
    expect(res.status).to.equal(503); // answered (Kafka is unreachable here), not cut off
    expect(await slow.proc.exited).to.equal(0);
  });
});
