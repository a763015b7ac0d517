import { expect } from 'chai';
import { SignJWT } from 'jose';
import { dependencyOf } from '../../api/app';
import { bearerToken, jwtVerifier, type JwtSettings } from '../../api/auth/jwt.strategy';
import { RequestValidator, type Operation } from '../../api/openapi/validate';
import { openApiDocument } from '../../api/openapi/document';
import { bucketStart } from '../../api/routes/aspects.routes';
import { csvField } from '../../api/routes/mentions.routes';
import { decodeCursor, encodeCursor, isMentionCursor, stats, timeRange } from '../../api/routes/params';
import { HttpProblem } from '../../common/http/problem';

const SECRET = 'unit-test-secret-0123456789abcdef0123456789';
const settings: JwtSettings = {
  jwtAlgorithm: 'HS256',
  jwtSecret: SECRET,
  jwtPublicKey: '',
  jwtIssuer: 'aspect-stream',
  jwtAudience: 'aspect-stream-api',
  jwtTenantClaim: 'tenant',
  jwtRoleClaim: 'role',
  jwtClockToleranceSeconds: 0,
};

function sign(claims: Record<string, unknown>, exp: number | string = '5m', secret = SECRET) {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer('aspect-stream')
    .setAudience('aspect-stream-api')
    .setSubject('user-1')
    .setExpirationTime(exp)
    .sign(new TextEncoder().encode(secret));
}

/** Runs the validator of an operation over a query; returns the 400 problem or the coerced query. */
function validate(operationId: string, query: Record<string, unknown>) {
  const op = Object.values(openApiDocument.paths)
    .flatMap((item) => Object.values(item) as Operation[])
    .find((o) => o.operationId === operationId)!;
  const mw = new RequestValidator().middleware(op);
  const res = { locals: {} as Record<string, unknown> };
  let error: unknown;
  mw({ query, params: {} } as never, res as never, (err?: unknown) => (error = err));
  return { error: error as HttpProblem | undefined, query: res.locals.query as Record<string, unknown> };
}

describe('read API (unit)', () => {
  describe('request validation from the OpenAPI document', () => {
    it('coerces numbers, fills defaults and accepts known parameters', () => {
      const { error, query } = validate('listMentions', { aspect: 'battery life', limit: '10' });
      expect(error).to.equal(undefined);
      expect(query).to.deep.equal({ aspect: 'battery life', limit: 10 });
      expect(validate('getAspectTrends', {}).query.interval).to.equal('day');
    });

    it('names every bad parameter: unknown, out of range, quoted or repeated', () => {
      const { error } = validate('listMentions', {
        limit: '9999',
        entity: "x' OR 1=1",
        sort: 'id',
        polarity: ['a', 'b'],
      });
      expect(error?.status).to.equal(400);
      const errors = error!.extra.errors as unknown as Array<{ parameter: string }>;
      const names = [...new Set(errors.map((e) => e.parameter))].sort();
      expect(names).to.deep.equal(['entity', 'limit', 'polarity', 'sort']);
    });
  });

  describe('cursors and ranges', () => {
    it('round-trips a mention cursor and refuses one it did not make', () => {
      const c = { t: '2026-11-01T10:00:00.000000Z', id: '0b0d5c0e-1111-4222-8333-444455556666' };
      expect(decodeCursor(encodeCursor(c), isMentionCursor)).to.deep.equal(c);
      expect(() => decodeCursor(encodeCursor({ t: "'; DROP", id: 'x' }), isMentionCursor)).to.throw(
        HttpProblem,
      );
      expect(() => decodeCursor('not-base64-json', isMentionCursor)).to.throw(HttpProblem);
    });

    it('defaults the range to the days before now and refuses from after to', () => {
      const now = Date.UTC(2026, 10, 26);
      const r = timeRange({}, 30, now);
      expect(r.to!.getTime()).to.equal(now);
      expect(r.from!.getTime()).to.equal(now - 30 * 86_400_000);
      expect(() => timeRange({ from: '2026-11-02T00:00:00Z', to: '2026-11-01T00:00:00Z' }, 30)).to.throw(
        HttpProblem,
      );
    });

    it('starts weeks on Monday and days at UTC midnight', () => {
      const thursday = Date.UTC(2026, 10, 26, 15, 30);
      expect(new Date(bucketStart(thursday, 'week')).toISOString()).to.equal('2026-11-23T00:00:00.000Z');
      expect(new Date(bucketStart(thursday, 'day')).toISOString()).to.equal('2026-11-26T00:00:00.000Z');
      expect(new Date(bucketStart(thursday, 'hour')).toISOString()).to.equal('2026-11-26T15:00:00.000Z');
    });
  });

  it('computes shares, net sentiment and average confidence', () => {
    const s = stats({ positive: 6, negative: 2, neutral: 1, conflict: 1 }, 7);
    expect(s).to.deep.include({ mentions: 10, net_sentiment: 0.4, avg_confidence: 0.7 });
    expect(s.shares).to.deep.equal({ positive: 0.6, negative: 0.2, neutral: 0.1, conflict: 0.1 });
  });

  it('quotes CSV fields and defuses spreadsheet formulas', () => {
    expect(csvField('a,"b"')).to.equal('"a,""b"""');
    expect(csvField('=HYPERLINK("x")')).to.equal('"\'=HYPERLINK(""x"")"');
    expect(csvField(null)).to.equal('');
  });

  describe('bearer tokens', () => {
    const verify = jwtVerifier(settings);

    it('turns a valid token into a principal of its tenant and role', async () => {
      const r = await verify(await sign({ tenant: 'acme', role: 'analyst' }));
      expect(r.principal).to.deep.include({ tenant: 'acme', role: 'analyst', name: 'user-1' });
    });

    it('refuses expired, wrongly signed and claimless tokens with a reason', async () => {
      expect(
        (await verify(await sign({ tenant: 'acme', role: 'reader' }, Math.floor(Date.now() / 1000) - 60)))
          .reason,
      ).to.match(/expired/);
      expect(
        (await verify(await sign({ tenant: 'acme', role: 'reader' }, '5m', `${SECRET}x`))).reason,
      ).to.match(/signature/);
      expect((await verify(await sign({ role: 'reader' }))).reason).to.match(/tenant/);
      expect((await verify(await sign({ tenant: 'acme', role: 'root' }))).reason).to.match(/role/);
      expect((await verify('a.b.c')).reason).to.match(/malformed/);
    });

    it('reads only the Bearer scheme', () => {
      expect(bearerToken('Bearer abc.def.ghi')).to.equal('abc.def.ghi');
      expect(bearerToken('Basic dXNlcjpwYXNz')).to.equal(undefined);
    });
  });

  it('classifies connection failures of PostgreSQL and Elasticsearch as unavailable, not as bugs', () => {
    expect(dependencyOf(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).to.equal('postgres');
    expect(dependencyOf(Object.assign(new Error('x'), { code: '57P01' }))).to.equal('postgres');
    expect(dependencyOf(Object.assign(new Error('x'), { name: 'ConnectionError' }))).to.equal(
      'elasticsearch',
    );
    expect(dependencyOf(Object.assign(new Error('x'), { code: '42601' }))).to.equal(undefined);
  });
});
