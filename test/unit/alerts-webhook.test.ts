/**
 * Alert webhook delivery against real receivers on 127.0.0.1: signatures a receiver can verify, the
 * same Idempotency-Key on every attempt, retries only for what may succeed later, no redirects, a
 * capped response body, and destinations checked (and pinned) before connecting. Nothing here
 * reaches beyond the loopback interface: public literals are only checked, never called.
 */
import { expect } from 'chai';
import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type Attempt,
  type OutboundPolicy,
  checkDestination,
  classifyAddress,
  deliver,
  retryDelayMs,
  sendWebhook,
  signatureHeaders,
  verifySignature,
} from '../../stream-processors/alerts/delivery/webhook';

const SECRET = 'whsec_test_5f1c9a';
const BODY = JSON.stringify({ alert_id: 'a-1', rule: 'negative_share', message: 'négatif ↑' });
const local: OutboundPolicy = {
  allowPrivate: true,
  connectTimeoutMs: 2000,
  totalTimeoutMs: 3000,
  maxResponseBytes: 64 * 1024,
};
const strict: OutboundPolicy = { ...local, allowPrivate: false };

interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A receiver on 127.0.0.1:0 that records each request and lets `answer` respond. */
async function receiver(answer: (req: Received, res: http.ServerResponse, n: number) => void) {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      received.push(r);
      answer(r, res, received.length);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    received,
    port,
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
type Receiver = Awaited<ReturnType<typeof receiver>>;

const servers: Receiver[] = [];
async function serve(answer: (req: Received, res: http.ServerResponse, n: number) => void) {
  const r = await receiver(answer);
  servers.push(r);
  return r;
}
const closeServers = async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
};

const noSleep = async () => {};

describe('alerts webhook: signature', () => {
  it('signs "<unix seconds>.<body>" with HMAC-SHA256 and sends the seconds in both headers', () => {
    const headers = signatureHeaders(SECRET, 1_700_000_123_456, BODY);
    const expected = createHmac('sha256', SECRET).update(`1700000123.${BODY}`).digest('hex');
    expect(headers).to.deep.equal({
      'X-Signature': `t=1700000123,v1=${expected}`,
      'X-Signature-Timestamp': '1700000123',
    });
  });

  it('verifies a fresh signature and refuses a tampered body, another secret or a forged value', () => {
    const now = 1_700_000_000_000;
    const header = signatureHeaders(SECRET, now, BODY)['X-Signature'] as string;
    expect(verifySignature(SECRET, header, BODY, now + 1000)).to.equal(true);
    expect(verifySignature(SECRET, header, BODY.replace('a-1', 'a-2'), now)).to.equal(false);
    expect(verifySignature(SECRET, header, `${BODY} `, now)).to.equal(false);
    expect(verifySignature('another-secret', header, BODY, now)).to.equal(false);
    const forged = header.replace(/v1=([0-9a-f])/, (_m, c: string) => `v1=${c === '0' ? '1' : '0'}`);
    expect(verifySignature(SECRET, forged, BODY, now)).to.equal(false);
    // A header claiming a newer timestamp with the old HMAC is refused too.
    expect(verifySignature(SECRET, header.replace('t=1700000000', 't=1700000001'), BODY, now)).to.equal(
      false,
    );
  });

  it('refuses an old or future timestamp beyond the tolerance, which defaults to 5 minutes', () => {
    const signedAt = 1_700_000_000_000;
    const header = signatureHeaders(SECRET, signedAt, BODY)['X-Signature'] as string;
    expect(verifySignature(SECRET, header, BODY, signedAt + 4 * 60_000)).to.equal(true);
    expect(verifySignature(SECRET, header, BODY, signedAt + 6 * 60_000)).to.equal(false);
    expect(verifySignature(SECRET, header, BODY, signedAt - 6 * 60_000)).to.equal(false);
    expect(verifySignature(SECRET, header, BODY, signedAt + 6 * 60_000, 10 * 60_000)).to.equal(true);
    expect(verifySignature(SECRET, header, BODY, signedAt + 2000, 1000)).to.equal(false);
  });

  it('accepts any of several v1 values (secret rotation) and refuses malformed headers', () => {
    const now = 1_700_000_000_000;
    const good = (signatureHeaders(SECRET, now, BODY)['X-Signature'] as string).split(',')[1] as string;
    expect(verifySignature(SECRET, `t=1700000000,v1=${'ab'.repeat(32)},${good}`, BODY, now)).to.equal(true);
    for (const bad of [
      '',
      'garbage',
      `t=1700000000`,
      good,
      `t=abc,${good}`,
      `t=1700000000,t=1700000000,${good}`,
      `t=1700000000,v1=${'ab'.repeat(31)}`,
      `t=1700000000,v1=${'zz'.repeat(32)}`,
    ])
      expect(verifySignature(SECRET, bad, BODY, now), bad).to.equal(false);
  });
});

describe('alerts webhook: retry delay', () => {
  it('grows as baseMs * 2^(attempt-1) and is capped at maxMs', () => {
    const top = () => 1;
    const opts = { baseMs: 100, maxMs: 1500 };
    expect([1, 2, 3, 4, 5, 6, 50, 5000].map((n) => retryDelayMs(n, opts, top))).to.deep.equal([
      100, 200, 400, 800, 1500, 1500, 1500, 1500,
    ]);
  });

  it('draws the jitter from the random function over the whole range (full jitter)', () => {
    const opts = { baseMs: 1000, maxMs: 60_000 };
    expect(retryDelayMs(3, opts, () => 0)).to.equal(0);
    expect(retryDelayMs(3, opts, () => 0.25)).to.equal(1000);
    expect(retryDelayMs(3, opts, () => 0.5)).to.equal(2000);
  });

  it('stays within [0, cap] with the default random source, and varies', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 200; i++) {
      const d = retryDelayMs(10, { baseMs: 1000, maxMs: 30_000 });
      expect(d).to.be.within(0, 30_000);
      seen.add(d);
    }
    expect(seen.size).to.be.greaterThan(50);
  });
});

describe('alerts webhook: destination check', () => {
  it('refuses loopback unless allowPrivate, and returns the checked address when allowed', async () => {
    const refused = await checkDestination('http://127.0.0.1:8080/hook', strict);
    expect(refused).to.deep.equal({
      ok: false,
      reason: 'destination 127.0.0.1 (loopback address) not allowed for http://127.0.0.1:8080/hook',
      retriable: false,
    });
    const allowed = await checkDestination('http://127.0.0.1:8080/hook', local);
    expect(allowed).to.deep.include({ ok: true, address: '127.0.0.1', family: 4 });
    const v6 = await checkDestination('http://[::1]:8080/hook', local);
    expect(v6).to.deep.include({ ok: true, address: '::1', family: 6 });
  });

  it('names the address, why, and the URL without its query when a host resolves to a private address', async () => {
    const policy = { ...strict, resolve: async () => [{ address: '10.0.0.5', family: 4 }] };
    const check = await checkDestination('http://internal.example/hook?token=s3cr3t', policy);
    expect(check).to.deep.equal({
      ok: false,
      reason: 'destination 10.0.0.5 (private address) not allowed for http://internal.example/hook',
      retriable: false,
    });
  });

  it('refuses a host when any of its addresses is internal, even after a public one', async () => {
    const policy = {
      ...strict,
      resolve: async () => [
        { address: '93.184.216.34', family: 4 },
        { address: '169.254.169.254', family: 4 },
      ],
    };
    const check = await checkDestination('https://mixed.example/hook', policy);
    expect(check.ok).to.equal(false);
    expect(check.ok || check.reason).to.contain('169.254.169.254 (link-local address)');
  });

  it('refuses private, link-local, CGNAT, unspecified, multicast and IPv4-mapped literals', async () => {
    const cases: Array<[string, string]> = [
      ['http://10.1.2.3/', 'private address'],
      ['http://172.16.0.1/', 'private address'],
      ['http://172.31.255.255/', 'private address'],
      ['http://192.168.1.10/', 'private address'],
      ['http://169.254.169.254/latest/meta-data', 'link-local address'],
      ['http://100.64.0.1/', 'shared (CGNAT) address'],
      ['http://100.127.255.254/', 'shared (CGNAT) address'],
      ['http://0.0.0.0:8080/', 'unspecified address'],
      ['http://127.1/', 'loopback address'],
      ['http://2130706433/', 'loopback address'],
      ['http://224.0.0.1/', 'multicast address'],
      ['http://[::1]/', 'loopback address'],
      ['http://[::]/', 'unspecified address'],
      ['http://[fe80::1]/', 'link-local address'],
      ['http://[fc00::1]/', 'private address (unique local)'],
      ['http://[fd12:3456::1]/', 'private address (unique local)'],
      ['http://[::ffff:127.0.0.1]/', 'loopback address, IPv4-mapped 127.0.0.1'],
      ['http://[::ffff:10.0.0.1]/', 'private address, IPv4-mapped 10.0.0.1'],
      ['http://[64:ff9b::a9fe:a9fe]/', 'link-local address, NAT64 169.254.169.254'],
      ['http://[2002:c0a8:0101::1]/', 'private address, 6to4 192.168.1.1'],
      ['http://[ff02::1]/', 'multicast address'],
    ];
    for (const [url, kind] of cases) {
      const check = await checkDestination(url, strict);
      expect(check.ok, url).to.equal(false);
      expect(check.ok || check.reason, url).to.contain(`(${kind}) not allowed`);
      expect(check.ok || check.retriable, url).to.equal(false);
    }
  });

  it('allows public addresses, including the ones just outside the private ranges', async () => {
    for (const url of [
      'https://93.184.216.34/hook',
      'http://172.15.255.255/',
      'http://172.32.0.1/',
      'http://100.63.255.255/',
      'http://100.128.0.1/',
      'http://11.0.0.1/',
      'https://[2606:2800:220:1:248:1893:25c8:1946]/hook',
      'http://[::ffff:93.184.216.34]/',
    ]) {
      const check = await checkDestination(url, strict);
      expect(check.ok, `${url}: ${check.ok || check.reason}`).to.equal(true);
    }
    expect(classifyAddress('93.184.216.34')).to.equal(null);
    expect(classifyAddress('fe80::1%eth0')).to.equal('link-local address');
  });

  it('refuses other schemes, credentials in the URL and invalid URLs, without echoing the credentials', async () => {
    const ftp = await checkDestination('ftp://files.example/x', local);
    expect(ftp).to.deep.equal({
      ok: false,
      reason: 'URL scheme ftp: not allowed for ftp://files.example/x (only http and https)',
      retriable: false,
    });
    for (const url of ['file:///etc/passwd', 'javascript:alert(1)', 'gopher://127.0.0.1/']) {
      const check = await checkDestination(url, local);
      expect(check.ok || check.reason, url).to.match(/^URL scheme [a-z]+: not allowed/);
    }
    const creds = await checkDestination('https://alice:hunter2@hooks.example/in', local);
    expect(creds).to.deep.equal({
      ok: false,
      reason: 'credentials in the URL not allowed for https://hooks.example/in',
      retriable: false,
    });
    const invalid = await checkDestination('not a url', local);
    expect(invalid.ok || invalid.reason).to.contain('invalid URL');
  });

  it('reports a name that does not resolve as retriable, naming the host', async () => {
    const policy = {
      ...strict,
      resolve: async () => {
        throw Object.assign(new Error('getaddrinfo ENOTFOUND hooks.example'), { code: 'ENOTFOUND' });
      },
    };
    const check = await checkDestination('https://hooks.example/in', policy);
    expect(check).to.deep.equal({
      ok: false,
      reason: 'cannot resolve hooks.example for https://hooks.example/in (ENOTFOUND)',
      retriable: true,
    });
  });
});

describe('alerts webhook: sending', () => {
  afterEach(closeServers);

  it('posts JSON a receiver can verify, with the idempotency key and user agent', async () => {
    const verified: boolean[] = [];
    const r = await serve((req, res) => {
      verified.push(verifySignature(SECRET, String(req.headers['x-signature']), req.body, Date.now()));
      res.writeHead(202).end('accepted');
    });
    const a = await sendWebhook(
      { url: `${r.url}/hooks/alerts?tenant=t1`, secret: SECRET },
      BODY,
      'a-1',
      1,
      local,
    );
    expect(a).to.deep.include({
      attempt: 1,
      outcome: 'delivered',
      httpStatus: 202,
      error: null,
      retriable: false,
    });
    expect(verified).to.deep.equal([true]);
    const [got] = r.received;
    expect(got?.method).to.equal('POST');
    expect(got?.url).to.equal('/hooks/alerts?tenant=t1');
    expect(got?.body).to.equal(BODY);
    expect(got?.headers['content-type']).to.equal('application/json');
    expect(got?.headers['idempotency-key']).to.equal('a-1');
    expect(got?.headers['user-agent']).to.equal('aspect-stream-alerts');
    expect(got?.headers['x-signature-timestamp']).to.equal(String(Math.floor(a.attemptedAt / 1000)));
  });

  it('signs with the injected clock and reports it as attemptedAt', async () => {
    const at = 1_700_000_000_000;
    const r = await serve((_req, res) => res.writeHead(200).end());
    const a = await sendWebhook({ url: r.url, secret: SECRET }, BODY, 'a-1', 2, local, () => at);
    expect(a.attemptedAt).to.equal(at);
    expect(a.attempt).to.equal(2);
    const header = String(r.received[0]?.headers['x-signature']);
    expect(verifySignature(SECRET, header, BODY, at)).to.equal(true);
    expect(verifySignature(SECRET, header, BODY, Date.now())).to.equal(false);
  });

  it('connects to the checked address, not to a second lookup of the name', async () => {
    const r = await serve((_req, res) => res.writeHead(200).end());
    const asked: string[] = [];
    const policy = {
      ...local,
      resolve: async (host: string) => {
        asked.push(host);
        return [{ address: '127.0.0.1', family: 4 }];
      },
    };
    // hooks.invalid cannot resolve (RFC 6761): only the pinned address can make this work.
    const a = await sendWebhook(
      { url: `http://hooks.invalid:${r.port}/in`, secret: SECRET },
      BODY,
      'k',
      1,
      policy,
    );
    expect(a.outcome, String(a.error)).to.equal('delivered');
    expect(asked).to.deep.equal(['hooks.invalid']);
    expect(r.received[0]?.headers.host).to.equal(`hooks.invalid:${r.port}`);
  });

  it('does not connect to a refused destination', async () => {
    const r = await serve((_req, res) => res.writeHead(200).end());
    const a = await sendWebhook({ url: `${r.url}/in`, secret: SECRET }, BODY, 'k', 1, strict);
    expect(a).to.deep.include({
      outcome: 'failed',
      httpStatus: null,
      retriable: false,
      error: `destination 127.0.0.1 (loopback address) not allowed for ${r.url}/in`,
    });
    expect(r.received).to.have.length(0);
  });

  it('fails without throwing, not retriable, for an invalid URL, credentials or a bad key', async () => {
    const cases: Array<[string, string, string]> = [
      ['::not a url::', 'k', 'invalid URL'],
      ['http://bob:pa55word@127.0.0.1:1/', 'k', 'credentials in the URL not allowed for http://127.0.0.1:1/'],
      ['http://127.0.0.1:1/', 'two\r\nlines', 'invalid Idempotency-Key'],
    ];
    for (const [url, key, error] of cases) {
      const a = await sendWebhook({ url, secret: SECRET }, BODY, key, 1, local);
      expect(a.outcome, url).to.equal('failed');
      expect(a.retriable, url).to.equal(false);
      expect(a.error, url).to.contain(error);
      expect(a.error, url).not.to.contain('pa55word');
      expect(a.error, url).not.to.contain(SECRET);
    }
  });

  it('retries a 503 twice and delivers on attempt 3 with the same Idempotency-Key', async () => {
    const r = await serve((_req, res, n) => res.writeHead(n <= 2 ? 503 : 200).end(n <= 2 ? 'busy' : 'ok'));
    const logged: Attempt[] = [];
    const waits: number[] = [];
    const result = await deliver({ url: r.url, secret: SECRET }, BODY, 'alert-42', {
      maxAttempts: 5,
      baseMs: 100,
      maxMs: 1000,
      policy: local,
      onAttempt: (a) => {
        logged.push(a);
      },
      sleep: async (ms) => {
        waits.push(ms);
      },
      random: () => 1,
    });
    expect(result.delivered).to.equal(true);
    expect(result.attempts.map((a) => [a.attempt, a.outcome, a.httpStatus, a.retriable])).to.deep.equal([
      [1, 'failed', 503, true],
      [2, 'failed', 503, true],
      [3, 'delivered', 200, false],
    ]);
    expect(result.attempts[0]?.error).to.equal('HTTP 503: busy');
    expect(logged).to.deep.equal(result.attempts);
    expect(r.received.map((q) => q.headers['idempotency-key'])).to.deep.equal([
      'alert-42',
      'alert-42',
      'alert-42',
    ]);
    expect(waits).to.deep.equal([100, 200]);
  });

  it('waits for onAttempt before the next attempt', async () => {
    const r = await serve((_req, res) => res.writeHead(500).end());
    const order: string[] = [];
    await deliver({ url: r.url, secret: SECRET }, BODY, 'k', {
      maxAttempts: 2,
      baseMs: 1,
      maxMs: 1,
      policy: local,
      onAttempt: async (a) => {
        await new Promise((resolve) => setTimeout(resolve, 30));
        order.push(`logged ${a.attempt}`);
      },
      sleep: async () => {
        order.push('sleep');
      },
    });
    expect(order).to.deep.equal(['logged 1', 'sleep', 'logged 2']);
  });

  it('does not retry a 400 and names the status', async () => {
    const r = await serve((_req, res) =>
      res.writeHead(400, { 'Content-Type': 'text/plain' }).end('bad\nschema'),
    );
    const result = await deliver({ url: r.url, secret: SECRET }, BODY, 'k', {
      maxAttempts: 5,
      baseMs: 1,
      maxMs: 1,
      policy: local,
      sleep: noSleep,
    });
    expect(result.delivered).to.equal(false);
    expect(result.attempts).to.have.length(1);
    expect(result.attempts[0]).to.deep.include({
      httpStatus: 400,
      retriable: false,
      error: 'HTTP 400: bad schema',
    });
    expect(r.received).to.have.length(1);
  });

  it('retries 408 and 429 and stops at maxAttempts', async () => {
    const r = await serve((_req, res, n) => res.writeHead(n % 2 ? 429 : 408).end());
    const result = await deliver({ url: r.url, secret: SECRET }, BODY, 'k', {
      maxAttempts: 3,
      baseMs: 1,
      maxMs: 1,
      policy: local,
      sleep: noSleep,
    });
    expect(result.delivered).to.equal(false);
    expect(result.attempts.map((a) => [a.httpStatus, a.retriable])).to.deep.equal([
      [429, true],
      [408, true],
      [429, true],
    ]);
  });

  it("honours a receiver's Retry-After up to maxMs", async () => {
    const r = await serve((_req, res, n) =>
      res.writeHead(n === 1 ? 429 : n === 2 ? 503 : 200, { 'Retry-After': n === 1 ? '2' : '3600' }).end(),
    );
    const waits: number[] = [];
    const result = await deliver({ url: r.url, secret: SECRET }, BODY, 'k', {
      maxAttempts: 3,
      baseMs: 10,
      maxMs: 5000,
      policy: local,
      sleep: async (ms) => {
        waits.push(ms);
      },
      random: () => 0,
    });
    expect(result.delivered).to.equal(true);
    expect(result.attempts[0]?.retryAfterMs).to.equal(2000);
    expect(waits).to.deep.equal([2000, 5000]);
  });

  it('fails retriably when the receiver never answers, after the total timeout', async () => {
    const r = await serve(() => {
      // Never answers.
    });
    const policy = { ...local, totalTimeoutMs: 300 };
    const a = await sendWebhook({ url: r.url, secret: SECRET }, BODY, 'k', 1, policy);
    expect(a).to.deep.include({
      outcome: 'failed',
      httpStatus: null,
      retriable: true,
      error: 'timed out after 300 ms',
    });
    expect(a.latencyMs).to.be.within(250, 2000);
  });

  it('fails retriably when the connection is refused', async () => {
    const r = await receiver(() => {});
    await r.close();
    const a = await sendWebhook({ url: `${r.url}/in`, secret: SECRET }, BODY, 'k', 1, local);
    expect(a.outcome).to.equal('failed');
    expect(a.retriable).to.equal(true);
    expect(a.error)
      .to.contain(`connection to 127.0.0.1 port ${r.port} failed`)
      .and.to.contain('ECONNREFUSED');
  });

  it('fails retriably when the receiver closes the connection without answering', async () => {
    const r = await serve((_req, res) => res.socket?.destroy());
    const a = await sendWebhook({ url: r.url, secret: SECRET }, BODY, 'k', 1, local);
    expect(a).to.deep.include({ outcome: 'failed', httpStatus: null, retriable: true });
    expect(a.error).to.contain('connection to 127.0.0.1');
  });

  it('does not follow a redirect and names its Location', async () => {
    const target = await serve((_req, res) => res.writeHead(200).end());
    const r = await serve((_req, res) => res.writeHead(302, { Location: `${target.url}/moved?x=1` }).end());
    const result = await deliver({ url: r.url, secret: SECRET }, BODY, 'k', {
      maxAttempts: 3,
      baseMs: 1,
      maxMs: 1,
      policy: local,
      sleep: noSleep,
    });
    expect(result.delivered).to.equal(false);
    expect(result.attempts).to.have.length(1);
    expect(result.attempts[0]).to.deep.include({
      httpStatus: 302,
      retriable: false,
      error: `HTTP 302: redirect to ${target.url}/moved not followed`,
    });
    expect(target.received).to.have.length(0);
  });

  it('cuts off a huge response and still counts the 2xx as delivered', async () => {
    let closed = false;
    let written = 0;
    const r = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
      const chunk = Buffer.alloc(64 * 1024, 120);
      // Endless: only a client that stops reading ends this exchange before the timeout.
      const pump = () => {
        while (!closed && res.write(chunk)) written += chunk.length;
        if (!closed) res.once('drain', pump);
      };
      res.on('close', () => (closed = true));
      pump();
    });
    const policy = { ...local, maxResponseBytes: 1024, totalTimeoutMs: 5000 };
    const a = await sendWebhook({ url: r.url, secret: SECRET }, BODY, 'k', 1, policy);
    expect(a).to.deep.include({ outcome: 'delivered', httpStatus: 200, error: null });
    expect(a.latencyMs).to.be.below(2000);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(closed).to.equal(true);
    expect(written).to.be.below(64 * 1024 * 1024);
  });

  it('keeps only a short, printable part of a failed response in the error', async () => {
    const r = await serve((_req, res) => res.writeHead(500).end(`\u0000${'x'.repeat(10_000)}`));
    const a = await sendWebhook({ url: r.url, secret: SECRET }, BODY, 'k', 1, local);
    expect(a.error).to.match(/^HTTP 500: x{200}\.\.\.$/);
  });

  it('fails retriably for https to a receiver that does not speak TLS', async () => {
    const r = await serve((_req, res) => res.writeHead(200).end());
    const a = await sendWebhook({ url: `https://127.0.0.1:${r.port}/`, secret: SECRET }, BODY, 'k', 1, local);
    expect(a).to.deep.include({ outcome: 'failed', httpStatus: null, retriable: true });
    expect(a.error).to.contain(`connection to 127.0.0.1 port ${r.port} failed`);
  });
});

describe('alerts webhook: stopping', () => {
  afterEach(closeServers);

  it('stops waiting between attempts when the signal aborts', async () => {
    const r = await serve((_req, res) => res.writeHead(503).end());
    const stop = new AbortController();
    const started = Date.now();
    const result = await deliver({ url: r.url, secret: SECRET }, BODY, 'k', {
      maxAttempts: 5,
      baseMs: 60_000,
      maxMs: 60_000,
      policy: local,
      random: () => 1,
      onAttempt: () => {
        setTimeout(() => stop.abort(), 50);
      },
      signal: stop.signal,
    });
    expect(result.delivered).to.equal(false);
    expect(result.attempts).to.have.length(1);
    expect(Date.now() - started).to.be.below(5000);
  });

  it('ends an attempt in flight when the signal aborts, and records it', async () => {
    const r = await serve(() => {});
    const stop = new AbortController();
    setTimeout(() => stop.abort(), 100);
    const logged: Attempt[] = [];
    const result = await deliver({ url: r.url, secret: SECRET }, BODY, 'k', {
      maxAttempts: 5,
      baseMs: 1,
      maxMs: 1,
      policy: { ...local, totalTimeoutMs: 10_000 },
      signal: stop.signal,
      onAttempt: (a) => {
        logged.push(a);
      },
    });
    expect(result.delivered).to.equal(false);
    expect(logged).to.have.length(1);
    expect(logged[0]).to.deep.include({ outcome: 'failed', retriable: true });
    expect(logged[0]?.error).to.contain('aborted');
    expect(logged[0]?.latencyMs).to.be.below(5000);
  });

  it('makes no attempt when the signal is already aborted', async () => {
    const r = await serve((_req, res) => res.writeHead(200).end());
    const result = await deliver({ url: r.url, secret: SECRET }, BODY, 'k', {
      maxAttempts: 3,
      baseMs: 1,
      maxMs: 1,
      policy: local,
      signal: AbortSignal.abort(),
    });
    expect(result).to.deep.equal({ delivered: false, attempts: [] });
    expect(r.received).to.have.length(0);
  });
});
