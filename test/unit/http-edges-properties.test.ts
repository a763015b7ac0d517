/** Property tests (fast-check) of the parsers and limits at the HTTP edges: cursors, dates, Unicode. */
import { expect } from 'chai';
import fc from 'fast-check';
import {
  decodeCursor,
  encodeCursor,
  isEntityCursor,
  isMentionCursor,
  isSortCursor,
  timeRange,
} from '../../api/routes/params';
import { maskCredentials } from '../../common/config/index';
import { ConcurrencyLimiter, FailureLimiter } from '../../common/http/limits';
import { HttpProblem } from '../../common/http/problem';
import { redactString } from '../../common/logging/index';
import { validateDocument } from '../../producers/document';
import { batchSchemaValidator } from '../../producers/http/app';
import { collectorOpenApi } from '../../producers/http/openapi';
import { RAW_TEXT_MAX_UTF16_UNITS } from '../../schemas/limits';

const RUNS = { numRuns: 300, seed: 20261203 };

/** Runs fn; a 400 HttpProblem naming `parameter` is the only acceptable failure. */
function onlyBadRequest(fn: () => unknown, parameter: string): void {
  try {
    fn();
  } catch (err) {
    expect(err).to.be.instanceOf(HttpProblem);
    expect((err as HttpProblem).status).to.equal(400);
    expect((err as HttpProblem).extra.errors?.[0]).to.deep.include({ parameter });
  }
}

describe('HTTP edges: properties', () => {
  describe('cursors', () => {
    it('any cursor string decodes to a checked value or a 400 naming cursor, never anything else', () => {
      fc.assert(
        fc.property(fc.oneof(fc.string(), fc.base64String(), fc.jsonValue().map(encodeCursor)), (raw) => {
          for (const check of [isSortCursor, isMentionCursor, isEntityCursor] as Array<
            (v: unknown) => boolean
          >) {
            onlyBadRequest(() => {
              const v = decodeCursor(raw, check as (v: unknown) => v is unknown);
              expect(check(v)).to.equal(true);
            }, 'cursor');
          }
        }),
        RUNS,
      );
    });

    it('every sort position the search can return round-trips as a cursor', () => {
      fc.assert(
        fc.property(
          fc.double({ noNaN: true, noDefaultInfinity: true, min: -3.4e38, max: 3.4e38 }),
          fc.date({
            min: new Date('0001-01-01T00:00:00Z'),
            max: new Date('9999-12-31T23:59:59Z'),
            noInvalidDate: true,
          }),
          fc.uuid(),
          (score, created, id) => {
            const sort = [score, created.getTime(), id];
            expect(decodeCursor(encodeCursor(sort), isSortCursor)).to.deep.equal(
              JSON.parse(JSON.stringify(sort)),
            );
          },
        ),
        RUNS,
      );
    });
  });

  describe('dates', () => {
    it('a time range is [from, to) with from before to, or a 400 naming the parameter at fault', () => {
      const iso = fc
        .date({
          min: new Date('0001-01-01T00:00:00Z'),
          max: new Date('9999-12-31T23:59:59Z'),
          noInvalidDate: true,
        })
        .map((d) => d.toISOString());
      fc.assert(
        fc.property(fc.option(iso, { nil: undefined }), fc.option(iso, { nil: undefined }), (from, to) => {
          const query = { ...(from ? { from } : {}), ...(to ? { to } : {}) };
          try {
            const r = timeRange(query, 30, Date.parse('2026-12-01T00:00:00Z'));
            expect(r.from!.getTime()).to.be.below(r.to!.getTime());
          } catch (err) {
            expect(err).to.be.instanceOf(HttpProblem);
            expect(['from', 'to']).to.include((err as HttpProblem).extra.errors?.[0]?.pointer.slice(1));
          }
        }),
        RUNS,
      );
    });
  });

  describe('Unicode text at the collector', () => {
    const ok = { source: 's', source_id: '1' };
    it('accepts a text exactly when it is 1 to 20,000 UTF-16 units, not blank, without NUL or unpaired surrogates', () => {
      const text = fc.oneof(
        fc.string({ unit: 'binary', maxLength: 50 }),
        fc.string({ unit: 'grapheme', maxLength: 50 }),
        fc.string({
          unit: fc.constantFrom('a', '😀', ' ', '\u0000', '\ud800', '\udc00', '\ufeff'),
          maxLength: 30,
        }),
        fc
          .integer({ min: RAW_TEXT_MAX_UTF16_UNITS - 3, max: RAW_TEXT_MAX_UTF16_UNITS + 3 })
          .chain((n) => fc.constantFrom('a'.repeat(n), `${'a'.repeat(n - 2)}😀`)),
      );
      fc.assert(
        fc.property(text, (t) => {
          const expected =
            t.length >= 1 &&
            t.length <= RAW_TEXT_MAX_UTF16_UNITS &&
            t.trim() !== '' &&
            !t.includes('\u0000') &&
            !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(t);
          expect(validateDocument({ ...ok, text: t }).ok, JSON.stringify(t.slice(0, 40))).to.equal(expected);
        }),
        RUNS,
      );
    });

    it('the collector’s rules and its OpenAPI schema agree on every document they can both judge', () => {
      const schema = batchSchemaValidator(collectorOpenApi({ maxDocuments: 1000 }));
      const str = fc.oneof(
        fc.string({ maxLength: 12 }),
        fc.string({
          unit: fc.constantFrom(
            'a',
            'Z',
            '0',
            '-',
            '.',
            ' ',
            '\t',
            '\ufeff',
            '\u00a0',
            '😀',
            '\u0000',
            ':',
            '/',
            '@',
          ),
          maxLength: 12,
        }),
      );
      const doc = fc.record(
        {
          source: str,
          source_id: str,
          text: str,
          entity: fc.option(str),
          author_id: fc.option(str),
          lang: fc.option(fc.constantFrom('en', 'pt-BR', 'e', 'english', 'zh-Hant-TW', '12')),
          url: fc.option(
            fc.constantFrom(
              'https://a.example/x?y=1',
              'http://h:80/',
              'ftp://x',
              'http://1.2.3.4/',
              'https://',
              'http://a b',
            ),
          ),
          metadata: fc.option(fc.dictionary(str, str, { maxKeys: 3 })),
        },
        { requiredKeys: ['source', 'source_id', 'text'] },
      );
      fc.assert(
        fc.property(doc, (d) => {
          const byRules = validateDocument(d).ok;
          const bySchema = schema({ documents: [d] }).length === 0;
          // The schema is stricter on exactly one thing: URLs whose host is an IP address or odd.
          if (bySchema) expect(byRules, JSON.stringify(d)).to.equal(true);
          if (byRules && !bySchema) expect(String(d.url ?? '')).to.not.equal('');
        }),
        RUNS,
      );
    });
  });

  describe('limits', () => {
    it('an address is refused exactly when it has reached the limit of failures in its window', () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 5 }),
          fc.array(
            fc.record({ key: fc.constantFrom('a', 'b', 'c'), dt: fc.integer({ min: 0, max: 30_000 }) }),
            { maxLength: 40 },
          ),
          (limit, events) => {
            let now = 0;
            const limiter = new FailureLimiter(limit, 60_000, () => now);
            const windows = new Map<string, { start: number; n: number }>();
            for (const e of events) {
              now += e.dt;
              const w = windows.get(e.key);
              const live = w && now < w.start + 60_000 ? w : undefined;
              expect(limiter.blockedFor(e.key) !== undefined).to.equal((live?.n ?? 0) >= limit);
              limiter.record(e.key);
              windows.set(e.key, live ? { ...live, n: live.n + 1 } : { start: now, n: 1 });
            }
          },
        ),
        RUNS,
      );
    });

    it('never lets more requests run at once than the per-key and per-tenant caps, whatever the order', () => {
      fc.assert(
        fc.property(
          fc.array(
            fc.record({ op: fc.constantFrom('take', 'release'), key: fc.constantFrom('k1', 'k2', 'k3') }),
            { maxLength: 60 },
          ),
          (ops) => {
            const limiter = new ConcurrencyLimiter('aggregate', { perKey: 2, perTenant: 3 });
            const held: Array<{ key: string; release: () => void }> = [];
            for (const o of ops) {
              if (o.op === 'take') {
                const slot = limiter.tryAcquire('t', o.key);
                if ('release' in slot) held.push({ key: o.key, release: slot.release });
              } else {
                const i = held.findIndex((h) => h.key === o.key);
                if (i >= 0) held.splice(i, 1)[0]!.release();
              }
              expect(held.length).to.equal(limiter.inFlight('t'));
              expect(held.length).to.be.at.most(3);
              for (const k of ['k1', 'k2', 'k3'])
                expect(held.filter((h) => h.key === k).length).to.be.at.most(2);
            }
          },
        ),
        RUNS,
      );
    });
  });

  describe('secrets in printed values', () => {
    const password = fc.string({
      unit: fc.constantFrom('p', 'Q', '9', '!', '%', '~'),
      minLength: 4,
      maxLength: 16,
    });
    it('a URL password never survives log redaction or config masking, whatever surrounds it', () => {
      fc.assert(
        fc.property(
          fc.string({ maxLength: 40 }),
          password,
          fc.string({ maxLength: 40 }),
          (before, pw, after) => {
            const url = `postgres://absa:${pw}SECRET@db.internal:5432/absa`;
            const s = `${before} ${url} ${after}`;
            expect(redactString(s)).to.not.include(`${pw}SECRET`);
            expect(maskCredentials(url)).to.not.include(`${pw}SECRET`);
          },
        ),
        RUNS,
      );
    });
  });
});
