import { expect } from 'chai';
import { generateKeyPair, exportSPKI, SignJWT } from 'jose';
import type pg from 'pg';
import type { DocumentSentiment } from '../../schemas/index';
import {
  expectMatchesOpenApi,
  ingestThroughSinks,
  JWT_SECRET,
  startApi,
  testDb,
  type RunningApi,
} from './api-fixtures';
import { makeDocument, makeKoreanDocument, uniqueTenant } from './sinks-fixtures';

const HOUR = 3_600_000;

interface Reply {
  status: number;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  text: string;
}

async function call(
  base: string,
  path: string,
  headers: Record<string, string> = {},
  init: RequestInit = {},
): Promise<Reply> {
  const res = await fetch(`${base}${path}`, {
    ...init,
    headers: { ...headers, ...(init.headers as object) },
  });
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, headers: res.headers, body, text };
}

function qs(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) search.set(k, String(v));
  return search.toString();
}

function jwt(
  claims: Record<string, unknown>,
  options: { secret?: string; expiresIn?: string | number } = {},
) {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer('aspect-stream')
    .setAudience('aspect-stream-api')
    .setSubject('dashboard-user')
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '5m')
    .sign(new TextEncoder().encode(options.secret ?? JWT_SECRET));
}

describe('Read API (real PostgreSQL, Elasticsearch and sinks)', function () {
  this.timeout(180_000);
  const tenant = uniqueTenant('api-a');
  const other = uniqueTenant('api-b');
  const base = Math.floor(Date.now() / HOUR) * HOUR - 24 * HOUR;
  const from = new Date(base - HOUR).toISOString();
  const to = new Date(base + 24 * HOUR).toISOString();
  const docs: DocumentSentiment[] = Array.from({ length: 60 }, (_, i) =>
    makeDocument(tenant, i, { createdAt: base + i * 20 * 60_000 }),
  );
  const otherDocs: DocumentSentiment[] = Array.from({ length: 12 }, (_, i) => {
    const d = makeDocument(other, i, { createdAt: base + i * 60 * 60_000, entity: 'rival-secret' });
    return { ...d, text: `${d.text} Zanzibarquux.` };
  });
  const mentions = docs.flatMap((d) => d.aspects.map((a) => ({ ...a, doc: d })));
  // A tenant of its own, so the counts of `tenant` above stay as they are.
  const koTenant = uniqueTenant('api-ko');
  const korean = makeKoreanDocument(koTenant, 100, { createdAt: base + HOUR });
  const english = makeDocument(koTenant, 0, { createdAt: base + 2 * HOUR });
  let db: pg.Pool;
  let api: RunningApi;
  const key: Record<
    'reader' | 'analyst' | 'admin' | 'ingest' | 'otherAdmin' | 'otherReader' | 'koReader',
    string
  > = {} as never;
  const as = (role: keyof typeof key) => ({ 'X-API-Key': key[role] });
  const get = (path: string, role: keyof typeof key = 'reader') => call(api.url, path, as(role));

  before(async () => {
    db = testDb();
    await ingestThroughSinks([...docs, ...otherDocs, korean, english], db);
    api = await startApi(db);
    for (const role of ['reader', 'analyst', 'admin', 'ingest'] as const) {
      key[role] = (await api.keys.create({ tenant, name: `test-${role}`, role })).key;
    }
    key.otherAdmin = (await api.keys.create({ tenant: other, name: 'other-admin', role: 'admin' })).key;
    key.otherReader = (await api.keys.create({ tenant: other, name: 'other-reader', role: 'reader' })).key;
    key.koReader = (await api.keys.create({ tenant: koTenant, name: 'ko-reader', role: 'reader' })).key;
  });

  after(async () => {
    await api?.close();
    await db?.end();
  });

  describe('aggregates from the rollups', () => {
    it('summarizes mentions, polarity counts, shares and confidence per aspect and per category', async () => {
      const r = await get(`/v1/aspects/summary?${qs({ from, to })}`);
      expect(r.status).to.equal(200);
      expectMatchesOpenApi('getAspectSummary', 200, r.body);
      const expected = new Map<string, { n: number; pos: number; neg: number; neu: number; conf: number }>();
      for (const m of mentions) {
        const e = expected.get(m.normalized_aspect) ?? { n: 0, pos: 0, neg: 0, neu: 0, conf: 0 };
        e.n++;
        e.conf += m.confidence;
        if (m.polarity === 'positive') e.pos++;
        if (m.polarity === 'negative') e.neg++;
        if (m.polarity === 'neutral') e.neu++;
        expected.set(m.normalized_aspect, e);
      }
      expect(r.body.aspects).to.have.length(expected.size);
      for (const a of r.body.aspects) {
        const e = expected.get(a.aspect)!;
        expect(a, a.aspect).to.include({ mentions: e.n, positive: e.pos, negative: e.neg, neutral: e.neu });
        expect(a.shares.positive).to.be.closeTo(e.pos / e.n, 1e-5);
        expect(a.net_sentiment).to.be.closeTo((e.pos - e.neg) / e.n, 1e-5);
        expect(a.avg_confidence).to.be.closeTo(e.conf / e.n, 1e-4);
      }
      const hardware = r.body.categories.find((c: { category: string }) => c.category === 'hardware');
      expect(hardware.mentions).to.equal(mentions.filter((m) => m.category === 'hardware').length);
      expect(
        r.body.categories.find((c: { category: string | null }) => c.category === null).mentions,
      ).to.equal(mentions.filter((m) => m.category === null).length);
    });

    it('filters the summary by entity, category and language', async () => {
      const byEntity = await get(
        `/v1/aspects/summary?${qs({ from, to, entity: 'product-2', category: 'hardware' })}`,
      );
      const want = mentions.filter((m) => m.doc.entity === 'product-2' && m.category === 'hardware').length;
      expect(
        byEntity.body.aspects.reduce((n: number, a: { mentions: number }) => n + a.mentions, 0),
      ).to.equal(want);
      const en = await get(`/v1/aspects/summary?${qs({ from, to, lang: 'en' })}`);
      expect(en.body.aspects.reduce((n: number, a: { mentions: number }) => n + a.mentions, 0)).to.equal(
        mentions.length,
      );
      const de = await get(`/v1/aspects/summary?${qs({ from, to, lang: 'de' })}`);
      expect(de.body.aspects).to.deep.equal([]);
    });

    it('gives an hourly and daily trend of an aspect that adds up to its mentions, zero-filled', async () => {
      const aspect = 'battery life';
      const hourly = await get(`/v1/aspects/trends?${qs({ from, to, aspect, interval: 'hour' })}`);
      expect(hourly.status).to.equal(200);
      expectMatchesOpenApi('getAspectTrends', 200, hourly.body);
      expect(hourly.body.points).to.have.length(25);
      const ofAspect = mentions.filter((m) => m.normalized_aspect === aspect);
      const total = hourly.body.points.reduce((n: number, p: { mentions: number }) => n + p.mentions, 0);
      expect(total).to.equal(ofAspect.length);
      const hour3 = new Date(base + 3 * HOUR).toISOString();
      const point = hourly.body.points.find((p: { start: string }) => p.start === hour3);
      const inHour3 = ofAspect.filter(
        (m) => m.doc.created_at >= base + 3 * HOUR && m.doc.created_at < base + 4 * HOUR,
      );
      expect(point.mentions).to.equal(inHour3.length);
      expect(point.negative).to.equal(inHour3.filter((m) => m.polarity === 'negative').length);
      expect(hourly.body.points[0]).to.include({ mentions: 0, net_sentiment: null });

      const daily = await get(
        `/v1/aspects/trends?${qs({ from, to, category: 'hardware', interval: 'day' })}`,
      );
      const sum = daily.body.points.reduce((n: number, p: { mentions: number }) => n + p.mentions, 0);
      expect(sum).to.equal(mentions.filter((m) => m.category === 'hardware').length);
      const weekly = await get(`/v1/aspects/trends?${qs({ from, to, interval: 'week' })}`);
      expect(new Date(weekly.body.points[0].start).getUTCDay()).to.equal(1);
    });

    it('lists entities by volume with net sentiment, page by page', async () => {
      const seen: Array<{ entity: string; mentions: number; net_sentiment: number }> = [];
      let cursor: string | undefined;
      do {
        const r = await get(`/v1/entities?${qs({ from, to, limit: 2, cursor })}`);
        expect(r.status).to.equal(200);
        expectMatchesOpenApi('listEntities', 200, r.body);
        seen.push(...r.body.items);
        cursor = r.body.next_cursor ?? undefined;
      } while (cursor);
      expect(seen.map((e) => e.entity).sort()).to.deep.equal([
        'product-0',
        'product-1',
        'product-2',
        'product-3',
        'product-4',
      ]);
      for (const e of seen) {
        const of = mentions.filter((m) => m.doc.entity === e.entity);
        const net =
          (of.filter((m) => m.polarity === 'positive').length -
            of.filter((m) => m.polarity === 'negative').length) /
          of.length;
        expect(e.mentions, e.entity).to.equal(of.length);
        expect(e.net_sentiment).to.be.closeTo(net, 1e-5);
      }
      expect(seen.map((e) => e.mentions)).to.deep.equal(
        [...seen.map((e) => e.mentions)].sort((a, b) => b - a),
      );
    });
  });

  describe('drill-down, documents and search', () => {
    it('pages through the mentions of an aspect and polarity, newest first, with the sentence and highlighted span', async () => {
      const want = mentions.filter((m) => m.normalized_aspect === 'display' && m.polarity === 'negative');
      const got: Array<Record<string, any>> = []; // eslint-disable-line @typescript-eslint/no-explicit-any
      let cursor: string | undefined;
      do {
        const r = await get(
          `/v1/mentions?${qs({ from, to, aspect: 'display', polarity: 'negative', limit: 3, cursor })}`,
        );
        expect(r.status).to.equal(200);
        expectMatchesOpenApi('listMentions', 200, r.body);
        got.push(...r.body.items);
        cursor = r.body.next_cursor ?? undefined;
      } while (cursor);
      expect(got.map((m) => m.id).sort()).to.deep.equal(want.map((m) => m.mention_id).sort());
      const times = got.map((m) => m.created_at);
      expect(times).to.deep.equal([...times].sort().reverse());
      for (const m of got) {
        const source = want.find((w) => w.mention_id === m.id)!;
        expect(m.sentence.text.slice(m.highlight.from, m.highlight.to)).to.equal(source.term);
        expect(source.doc.text.slice(m.from, m.to)).to.equal(source.term);
        expect(m).to.include({ document_id: source.doc.event_id, entity: source.doc.entity });
        // PostgreSQL real (float4) prints its shortest form; the event holds the same float32.
        expect(Math.fround(m.confidence)).to.equal(source.confidence);
      }
    });

    it('returns one document with its aspects and offsets into its text', async () => {
      const d = docs[7]!;
      const r = await get(`/v1/documents/${d.event_id}`);
      expect(r.status).to.equal(200);
      expectMatchesOpenApi('getDocument', 200, r.body);
      expect(r.body).to.include({ id: d.event_id, text: d.text, entity: d.entity, lang: 'en' });
      expect(new Date(r.body.created_at).getTime()).to.equal(d.created_at);
      const aspects = r.body.aspects.map((a: { confidence: number }) => ({
        ...a,
        confidence: Math.fround(a.confidence),
      }));
      expect(aspects).to.deep.equal(
        d.aspects.map((a) => ({
          mention_id: a.mention_id,
          term: a.term,
          from: a.start,
          to: a.end,
          polarity: a.polarity,
          confidence: a.confidence,
          category: a.category,
          normalized: a.normalized_aspect,
          sentence_index: a.sentence_index,
          // these events come from a model without an opinion head
          opinions: null,
        })),
      );
      const missing = await get('/v1/documents/00000000-0000-4000-8000-000000000000');
      expect(missing.status).to.equal(404);
      expectMatchesOpenApi('getDocument', 404, missing.body);
    });

    it('finds the nearest documents of the tenant by embedding', async () => {
      const d = docs[11]!;
      const r = await get(`/v1/documents/${d.event_id}/similar?k=3`, 'analyst');
      expect(r.status).to.equal(200);
      expectMatchesOpenApi('getSimilarDocuments', 200, r.body);
      const cosine = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i]!, 0);
      const ranked = docs
        .filter((x) => x.event_id !== d.event_id)
        .map((x) => ({ id: x.event_id, sim: cosine(d.embedding!, x.embedding!) }))
        .sort((a, b) => b.sim - a.sim);
      expect(r.body.items.map((x: { id: string }) => x.id)).to.deep.equal(
        ranked.slice(0, 3).map((x) => x.id),
      );
      expect(r.body.items[0].similarity).to.be.closeTo(ranked[0]!.sim, 1e-3);
      expect(r.body.items[0].aspects).to.have.length(3);
    });

    it('searches the text with highlights and facets, filtered by aspect polarity', async () => {
      const r = await get(`/v1/search?${qs({ q: 'batteries', limit: 5 })}`);
      expect(r.status).to.equal(200);
      expectMatchesOpenApi('searchDocuments', 200, r.body);
      const withBattery = docs.filter((d) => d.text.includes('battery'));
      expect(r.body.total).to.equal(withBattery.length);
      expect(r.body.items).to.have.length(5);
      expect(r.body.items[0].highlights.join(' ')).to.include('<em>battery</em>');
      const facet = r.body.facets.aspects.find((f: { value: string }) => f.value === 'battery life');
      expect(facet.count).to.equal(withBattery.length);
      const polaritySum = r.body.facets.polarity.reduce((n: number, f: { count: number }) => n + f.count, 0);
      expect(polaritySum).to.be.greaterThan(0);

      const page2 = await get(`/v1/search?${qs({ q: 'batteries', limit: 5, cursor: r.body.next_cursor })}`);
      expect(page2.status).to.equal(200);
      const ids1 = r.body.items.map((x: { id: string }) => x.id);
      expect(page2.body.items.map((x: { id: string }) => x.id)).to.not.include.members(ids1);

      const neg = await get(`/v1/search?${qs({ aspect: 'battery life', polarity: 'negative', limit: 100 })}`);
      const wantNeg = docs.filter((d) =>
        d.aspects.some((a) => a.normalized_aspect === 'battery life' && a.polarity === 'negative'),
      );
      expect(neg.body.total).to.equal(wantNeg.length);
      expect(neg.body.items.map((x: { id: string }) => x.id).sort()).to.deep.equal(
        wantNeg.map((d) => d.event_id).sort(),
      );
    });

    it('finds a Korean word inside a word with particles and highlights it, English words by their stem, in one search', async () => {
      const ids = (r: Reply) => r.body.items.map((x: { id: string }) => x.id);
      const ko = await get(`/v1/search?${qs({ q: '배터리' })}`, 'koReader');
      expect(ko.status).to.equal(200);
      expectMatchesOpenApi('searchDocuments', 200, ko.body);
      expect(ids(ko)).to.deep.equal([korean.event_id]);
      expect(ko.body.items[0].highlights).to.deep.equal([
        '<em>배터리</em>가 오래가서 좋아요 화면은 좀 어둡네요',
      ]);
      const both = await get(`/v1/search?${qs({ q: '배터리 화면' })}`, 'koReader');
      expect(both.body.items[0].highlights).to.deep.equal([
        '<em>배터리</em>가 오래가서 좋아요 <em>화면</em>은 좀 어둡네요',
      ]);
      const en = await get(`/v1/search?${qs({ q: 'batteries' })}`, 'koReader');
      expect(ids(en)).to.deep.equal([english.event_id]);
      expect(en.body.items[0].highlights.join(' ')).to.include('<em>battery</em>');
    });

    it('filters and counts Korean documents and mentions by lang=ko, in search facets and in aggregates', async () => {
      const all = await get('/v1/search', 'koReader');
      expect(all.body.total).to.equal(2);
      expect(all.body.facets.languages).to.have.deep.members([
        { value: 'ko', count: 1 },
        { value: 'en', count: 1 },
      ]);
      const ko = await get(`/v1/search?${qs({ lang: 'ko' })}`, 'koReader');
      expect(ko.status).to.equal(200);
      expectMatchesOpenApi('searchDocuments', 200, ko.body);
      expect(ko.body.items.map((x: { id: string; lang: string }) => [x.id, x.lang])).to.deep.equal([
        [korean.event_id, 'ko'],
      ]);
      expect(ko.body.facets.languages).to.deep.equal([{ value: 'ko', count: 1 }]);
      expect(ko.body.facets.aspects).to.have.deep.members([
        { value: '배터리', count: 1 },
        { value: '화면', count: 1 },
      ]);
      const englishOnly = await get(`/v1/search?${qs({ q: '배터리', lang: 'en' })}`, 'koReader');
      expect(englishOnly.body.total).to.equal(0);

      const summary = await get(`/v1/aspects/summary?${qs({ from, to, lang: 'ko' })}`, 'koReader');
      expect(summary.status).to.equal(200);
      expect(
        summary.body.aspects.map(
          (a: { aspect: string; mentions: number; positive: number; negative: number }) => [
            a.aspect,
            a.mentions,
            a.positive,
            a.negative,
          ],
        ),
      ).to.have.deep.members([
        ['배터리', 1, 1, 0],
        ['화면', 1, 0, 1],
      ]);
      const listed = await get(`/v1/mentions?${qs({ from, to, lang: 'ko' })}`, 'koReader');
      expect(listed.status).to.equal(200);
      expectMatchesOpenApi('listMentions', 200, listed.body);
      expect(
        listed.body.items.map((m: { term: string; lang: string; sentence: { text: string } }) => [
          m.term,
          m.lang,
          m.sentence.text,
        ]),
      ).to.have.deep.members([
        ['배터리', 'ko', '배터리가 오래가서 좋아요'],
        ['화면', 'ko', '화면은 좀 어둡네요'],
      ]);
    });

    it('exports the mentions of a filter as NDJSON and as CSV for analysts', async () => {
      const want = mentions.filter((m) => m.doc.entity === 'product-1');
      const nd = await call(
        api.url,
        `/v1/export/mentions?${qs({ from, to, entity: 'product-1' })}`,
        as('analyst'),
      );
      expect(nd.status).to.equal(200);
      expect(nd.headers.get('content-type')).to.match(/^application\/x-ndjson/);
      const lines = nd.text
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(lines.map((l) => l.id).sort()).to.deep.equal(want.map((m) => m.mention_id).sort());
      const csv = await call(
        api.url,
        `/v1/export/mentions?${qs({ from, to, entity: 'product-1', format: 'csv' })}`,
        as('analyst'),
      );
      expect(csv.headers.get('content-type')).to.match(/^text\/csv/);
      const rows = csv.text.trim().split('\r\n');
      expect(rows[0]).to.equal(
        'id,document_id,created_at,entity,source,lang,normalized,category,term,polarity,confidence,from,to,sentence,opinions',
      );
      expect(rows).to.have.length(want.length + 1);
    });

    it('serves its OpenAPI 3.1 document and request metrics by route and status', async () => {
      const doc = await call(api.url, '/v1/openapi.json');
      expect(doc.status).to.equal(200);
      expect(doc.body.openapi).to.equal('3.1.0');
      expect(Object.keys(doc.body.paths)).to.include.members([
        '/aspects/summary',
        '/mentions',
        '/search',
        '/documents/{id}',
      ]);
      const metrics = await call(api.opsUrl, '/metrics');
      expect((await call(api.url, '/metrics')).status).to.equal(404);
      expect(metrics.text).to.match(
        /absa_http_request_duration_seconds_count\{[^}]*route="\/v1\/aspects\/summary"[^}]*status="200"/,
      );
      expect((await call(api.url, '/healthz')).status).to.equal(200);
    });
  });

  describe('authentication and roles', () => {
    it('answers 401 without credentials and with an unknown API key', async () => {
      const none = await call(api.url, '/v1/mentions');
      expect(none.status).to.equal(401);
      expect(none.headers.get('www-authenticate')).to.include('Bearer');
      expectMatchesOpenApi('listMentions', 401, none.body);
      expect(none.body.type).to.equal('https://aspect-stream.dev/problems/unauthorized');
      const unknown = await call(api.url, '/v1/mentions', { 'X-API-Key': 'ask_AAAAAAAA_' + 'x'.repeat(32) });
      expect(unknown.status).to.equal(401);
    });

    it('accepts a valid HS256 bearer token and scopes it to its tenant claim', async () => {
      const token = await jwt({ tenant, role: 'reader' });
      const r = await call(api.url, `/v1/aspects/summary?${qs({ from, to })}`, {
        Authorization: `Bearer ${token}`,
      });
      expect(r.status).to.equal(200);
      expect(r.body.aspects.reduce((n: number, a: { mentions: number }) => n + a.mentions, 0)).to.equal(
        mentions.length,
      );
    });

    it('answers 401 for an expired, wrongly signed, wrong-audience or unsigned token', async () => {
      const expired = await jwt(
        { tenant, role: 'reader' },
        { expiresIn: Math.floor(Date.now() / 1000) - 3600 },
      );
      const wrongKey = await jwt(
        { tenant, role: 'reader' },
        { secret: 'another-secret-that-is-long-enough-000000' },
      );
      const wrongAud = await new SignJWT({ tenant, role: 'reader' })
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer('aspect-stream')
        .setAudience('someone-else')
        .setSubject('x')
        .setExpirationTime('5m')
        .sign(new TextEncoder().encode(JWT_SECRET));
      const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
      const payload = Buffer.from(
        JSON.stringify({
          tenant,
          role: 'admin',
          iss: 'aspect-stream',
          aud: 'aspect-stream-api',
          sub: 'x',
          exp: 9e9,
        }),
      ).toString('base64url');
      const unsigned = `${header}.${payload}.`;
      for (const [what, token, reason] of [
        ['expired', expired, /expired/],
        ['wrong key', wrongKey, /signature/],
        ['wrong audience', wrongAud, /aud/],
        ['alg none', unsigned, /./],
      ] as const) {
        const r = await call(api.url, '/v1/mentions', { Authorization: `Bearer ${token}` });
        expect(r.status, what).to.equal(401);
        expect(r.body.detail, what).to.match(reason);
      }
    });

    it('verifies RS256 tokens against the configured public key and refuses HS256 ones there', async () => {
      const { publicKey, privateKey } = await generateKeyPair('RS256');
      const rs = await startApi(db, {
        jwtAlgorithm: 'RS256',
        jwtPublicKey: await exportSPKI(publicKey),
        jwtSecret: '',
      });
      try {
        const good = await new SignJWT({ tenant, role: 'reader' })
          .setProtectedHeader({ alg: 'RS256' })
          .setIssuer('aspect-stream')
          .setAudience('aspect-stream-api')
          .setSubject('svc')
          .setExpirationTime('5m')
          .sign(privateKey);
        expect((await call(rs.url, '/v1/entities', { Authorization: `Bearer ${good}` })).status).to.equal(
          200,
        );
        const hs = await jwt({ tenant, role: 'reader' });
        expect((await call(rs.url, '/v1/entities', { Authorization: `Bearer ${hs}` })).status).to.equal(401);
      } finally {
        await rs.close();
      }
    });

    it('answers 403 to an ingest key or token, to a reader on admin routes and exports, and lets an admin manage keys', async () => {
      expect((await get('/v1/mentions', 'ingest')).status).to.equal(403);
      const ingestToken = await jwt({ tenant, role: 'ingest' });
      expect(
        (await call(api.url, '/v1/entities', { Authorization: `Bearer ${ingestToken}` })).status,
      ).to.equal(403);
      const forbidden = await get('/v1/admin/keys', 'reader');
      expect(forbidden.status).to.equal(403);
      expectMatchesOpenApi('listApiKeys', 403, forbidden.body);
      expect((await get('/v1/export/mentions', 'reader')).status).to.equal(403);
      expect((await get(`/v1/documents/${docs[0]!.event_id}/similar`, 'reader')).status).to.equal(403);

      const created = await call(
        api.url,
        '/v1/admin/keys',
        { ...as('admin'), 'Content-Type': 'application/json' },
        {
          method: 'POST',
          body: JSON.stringify({ name: 'dashboard', role: 'reader' }),
        },
      );
      expect(created.status).to.equal(201);
      expectMatchesOpenApi('createApiKey', 201, created.body);
      expect((await call(api.url, '/v1/entities', { 'X-API-Key': created.body.key })).status).to.equal(200);
      const list = await get('/v1/admin/keys', 'admin');
      expectMatchesOpenApi('listApiKeys', 200, list.body);
      expect(list.body.items.map((k: { name: string }) => k.name)).to.include('dashboard');
      expect(JSON.stringify(list.body)).to.not.include(created.body.key);
      const revoked = await call(api.url, `/v1/admin/keys/${created.body.id}`, as('admin'), {
        method: 'DELETE',
      });
      expect(revoked.status).to.equal(204);
      expect((await call(api.url, '/v1/entities', { 'X-API-Key': created.body.key })).status).to.equal(401);
    });
  });

  describe('tenant isolation', () => {
    it('never shows another tenant’s documents, mentions, aggregates, search hits, exports or keys, whatever ids and filters are sent', async () => {
      const foreign = otherDocs[3]!;
      // Sanity: the other tenant sees its own data through the same API.
      expect((await get(`/v1/documents/${foreign.event_id}`, 'otherReader')).status).to.equal(200);

      expect((await get(`/v1/documents/${foreign.event_id}`)).status).to.equal(404);
      expect((await get(`/v1/documents/${foreign.event_id}/similar`, 'analyst')).status).to.equal(404);
      const similar = await get(`/v1/documents/${docs[0]!.event_id}/similar?k=100`, 'analyst');
      const foreignIds = new Set(otherDocs.map((d) => d.event_id));
      expect(similar.body.items.some((d: { id: string }) => foreignIds.has(d.id))).to.equal(false);

      const filters = { from, to, entity: 'rival-secret' };
      const summary = await get(`/v1/aspects/summary?${qs(filters)}`);
      expect(summary.body.aspects).to.deep.equal([]);
      const trend = await get(`/v1/aspects/trends?${qs({ ...filters, interval: 'day' })}`);
      expect(trend.body.points.every((p: { mentions: number }) => p.mentions === 0)).to.equal(true);
      expect((await get(`/v1/mentions?${qs(filters)}`)).body.items).to.deep.equal([]);
      const entities = await get(`/v1/entities?${qs({ from, to, limit: 500 })}`);
      expect(entities.body.items.map((e: { entity: string }) => e.entity)).to.not.include('rival-secret');
      const search = await get(`/v1/search?${qs({ q: 'Zanzibarquux' })}`);
      expect(search.body.total).to.equal(0);
      const exported = await call(api.url, `/v1/export/mentions?${qs(filters)}`, as('analyst'));
      expect(exported.text).to.equal('');

      // A cursor made from the other tenant's newest mention still pages only the caller's mentions.
      const theirs = await get(`/v1/mentions?${qs({ from, to, limit: 1 })}`, 'otherReader');
      const page = await get(`/v1/mentions?${qs({ from, to, limit: 500, cursor: theirs.body.next_cursor })}`);
      expect(page.status).to.equal(200);
      expect(page.body.items.every((m: { document_id: string }) => !foreignIds.has(m.document_id))).to.equal(
        true,
      );

      // Keys: an admin neither lists nor revokes the other tenant's keys.
      const theirKeys = await get('/v1/admin/keys', 'otherAdmin');
      const theirKey = theirKeys.body.items[0];
      const mine = await get('/v1/admin/keys', 'admin');
      expect(mine.body.items.map((k: { id: string }) => k.id)).to.not.include(theirKey.id);
      const revoke = await call(api.url, `/v1/admin/keys/${theirKey.id}`, as('admin'), { method: 'DELETE' });
      expect(revoke.status).to.equal(404);
      expect((await get('/v1/admin/keys', 'otherAdmin')).status).to.equal(200);
    });
  });

  describe('hostile input', () => {
    const injections = [
      "' OR '1'='1",
      '1; DROP TABLE documents; --',
      '") UNION SELECT * FROM api_keys --',
      '$1',
      '%00',
    ];
    const oversized = 'a'.repeat(5000);
    const operations: Array<{ path: string; role: keyof typeof key; params: string[] }> = [
      {
        path: '/v1/aspects/summary',
        role: 'reader',
        params: ['entity', 'category', 'from', 'to', 'lang', 'limit'],
      },
      {
        path: '/v1/aspects/trends',
        role: 'reader',
        params: ['aspect', 'category', 'entity', 'from', 'to', 'interval'],
      },
      {
        path: '/v1/mentions',
        role: 'reader',
        params: ['aspect', 'category', 'polarity', 'entity', 'lang', 'from', 'to', 'cursor', 'limit'],
      },
      { path: '/v1/search', role: 'reader', params: ['polarity', 'aspect', 'from', 'to', 'cursor', 'limit'] },
      { path: '/v1/entities', role: 'reader', params: ['from', 'to', 'cursor', 'limit'] },
      {
        path: '/v1/export/mentions',
        role: 'analyst',
        params: ['format', 'aspect', 'category', 'polarity', 'entity', 'lang', 'from', 'to'],
      },
      {
        path: `/v1/documents/${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}/similar`,
        role: 'analyst',
        params: ['k'],
      },
    ];

    it('answers SQL-injection and oversized values of every parameter with a 400 naming it, never a 500', async () => {
      for (const op of operations) {
        for (const param of op.params) {
          for (const value of [...injections, oversized]) {
            const r = await get(`${op.path}?${qs({ [param]: value })}`, op.role);
            expect(r.status, `${op.path} ${param}=${value.slice(0, 40)}`).to.equal(400);
            expect(r.body.type).to.equal('https://aspect-stream.dev/problems/invalid-parameters');
            expect(
              r.body.errors.map((e: { parameter: string }) => e.parameter),
              `${op.path} ${param}`,
            ).to.include(param);
          }
        }
      }
      for (const value of [...injections, oversized, '../../etc/passwd']) {
        for (const path of ['/v1/documents/', '/v1/admin/keys/']) {
          const method = path.includes('admin') ? 'DELETE' : 'GET';
          const r = await call(api.url, `${path}${encodeURIComponent(value)}`, as('admin'), { method });
          expect([400, 404], `${path}${value.slice(0, 30)}`).to.include(r.status);
          if (r.status === 400) expect(r.body.errors[0].parameter).to.equal('id');
        }
      }
      const unknown = await get('/v1/mentions?aspect=display&sort=id;DROP');
      expect(unknown.status).to.equal(400);
      expect(unknown.body.errors[0]).to.include({ parameter: 'sort', reason: 'is not a known parameter' });
      const range = await get(`/v1/mentions?${qs({ from: to, to: from })}`);
      expect(range.status).to.equal(400);
      expect(range.body.errors[0].parameter).to.equal('from');
      const body = await call(
        api.url,
        '/v1/admin/keys',
        { ...as('admin'), 'Content-Type': 'application/json' },
        {
          method: 'POST',
          body: JSON.stringify({ name: "x'); DROP TABLE api_keys; --", role: 'admin' }),
        },
      );
      expect(body.status).to.equal(400);
      const huge = await call(
        api.url,
        '/v1/admin/keys',
        { ...as('admin'), 'Content-Type': 'application/json' },
        {
          method: 'POST',
          body: JSON.stringify({ name: 'x'.repeat(100_000), role: 'admin' }),
        },
      );
      expect(huge.status).to.equal(413);
      const { rows } = await db.query("SELECT to_regclass('documents') AS d, to_regclass('api_keys') AS k");
      expect(rows[0]).to.deep.equal({ d: 'documents', k: 'api_keys' });
    });

    it('treats injection-looking search text as plain words: answered, never a 500, and no other tenant’s data', async () => {
      for (const value of injections) {
        const r = await get(`/v1/search?${qs({ q: value })}`);
        expect(r.status, value).to.equal(200);
        expectMatchesOpenApi('searchDocuments', 200, r.body);
      }
      expect((await get(`/v1/search?${qs({ q: 'a'.repeat(501) })}`)).status).to.equal(400);
    });
  });

  describe('rate limits', () => {
    it('answers 429 to an address after the configured number of unauthenticated requests, even with a valid key', async () => {
      const limited = await startApi(db, { rateLimitPerIpPerMinute: 5 });
      try {
        for (let i = 0; i < 5; i++) expect((await call(limited.url, '/v1/mentions')).status).to.equal(401);
        const r = await call(limited.url, '/v1/mentions');
        expect(r.status).to.equal(429);
        expect(r.headers.get('retry-after')).to.match(/^\d+$/);
        expectMatchesOpenApi('listMentions', 429, r.body);
        expect((await call(limited.url, '/v1/entities', as('reader'))).status).to.equal(429);
        // Ops endpoints are never limited.
        expect((await call(limited.url, '/healthz')).status).to.equal(200);
      } finally {
        await limited.close();
      }
    });

    it('answers 429 to a key after its per-minute limit while other keys go on', async () => {
      const limited = await startApi(db, { rateLimitPerKeyPerMinute: 3 });
      try {
        for (let i = 0; i < 3; i++)
          expect((await call(limited.url, '/v1/entities', as('reader'))).status).to.equal(200);
        const r = await call(limited.url, '/v1/entities', as('reader'));
        expect(r.status).to.equal(429);
        expect(r.body.type).to.equal('https://aspect-stream.dev/problems/rate-limited');
        expect((await call(limited.url, '/v1/entities', as('analyst'))).status).to.equal(200);
      } finally {
        await limited.close();
      }
    });
  });

  describe('aggregates over whole days (daily rollups) and partial edge days (hourly rollups)', () => {
    const DAY = 24 * HOUR;
    const daysTenant = uniqueTenant('api-days');
    const day0 = Math.floor(Date.now() / DAY) * DAY - 6 * DAY;
    // One document every 7 hours over six days, so every UTC day and the partial days at the range's
    // ends hold mentions; the range starts and ends inside a day.
    const dayDocs = Array.from({ length: 20 }, (_, i) =>
      makeDocument(daysTenant, i, { createdAt: day0 + i * 7 * HOUR + 30 * 60_000 }),
    );
    const rangeFrom = day0 + 5 * HOUR;
    const rangeTo = day0 + 4 * DAY + 13 * HOUR;
    const inRange = dayDocs
      .filter((d) => d.created_at >= rangeFrom && d.created_at < rangeTo)
      .flatMap((d) => d.aspects.map((a) => ({ ...a, doc: d })));
    const range = { from: new Date(rangeFrom).toISOString(), to: new Date(rangeTo).toISOString() };
    let daysKey: string;
    const getDays = (path: string) => call(api.url, path, { 'X-API-Key': daysKey });

    before(async () => {
      await ingestThroughSinks(dayDocs, db);
      daysKey = (await api.keys.create({ tenant: daysTenant, name: 'days-reader', role: 'reader' })).key;
    });

    it('counts exactly the mentions inside the range in the summary, the daily and weekly trends and the entities', async () => {
      expect(inRange.length).to.be.greaterThan(0);
      const summary = await getDays(`/v1/aspects/summary?${qs(range)}`);
      expect(summary.status).to.equal(200);
      const perAspect = new Map<string, number>();
      for (const m of inRange)
        perAspect.set(m.normalized_aspect, (perAspect.get(m.normalized_aspect) ?? 0) + 1);
      expect(
        Object.fromEntries(
          summary.body.aspects.map((a: { aspect: string; mentions: number }) => [a.aspect, a.mentions]),
        ),
      ).to.deep.equal(Object.fromEntries(perAspect));

      const daily = await getDays(`/v1/aspects/trends?${qs({ ...range, interval: 'day' })}`);
      expect(daily.status).to.equal(200);
      for (const p of daily.body.points as Array<{ start: string; mentions: number; negative: number }>) {
        const start = Date.parse(p.start);
        const ofDay = inRange.filter((m) => m.doc.created_at >= start && m.doc.created_at < start + DAY);
        expect(p.mentions, p.start).to.equal(ofDay.length);
        expect(p.negative, p.start).to.equal(ofDay.filter((m) => m.polarity === 'negative').length);
      }
      const weekly = await getDays(`/v1/aspects/trends?${qs({ ...range, interval: 'week' })}`);
      const weekTotal = weekly.body.points.reduce((n: number, p: { mentions: number }) => n + p.mentions, 0);
      expect(weekTotal).to.equal(inRange.length);

      const entities = await getDays(`/v1/entities?${qs({ ...range, limit: 50 })}`);
      const perEntity = new Map<string, number>();
      for (const m of inRange) perEntity.set(m.doc.entity!, (perEntity.get(m.doc.entity!) ?? 0) + 1);
      expect(
        Object.fromEntries(
          entities.body.items.map((e: { entity: string; mentions: number }) => [e.entity, e.mentions]),
        ),
      ).to.deep.equal(Object.fromEntries(perEntity));
    });
  });
});
