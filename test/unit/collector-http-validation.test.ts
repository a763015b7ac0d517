import { expect } from 'chai';
import { validateBatch } from '../../producers/http/app';
import { LIMITS, parseTimestamp, toRawDocument, validateDocument } from '../../producers/document';
import { RAW_TEXT_MAX_UTF16_UNITS } from '../../schemas/limits';
import { absaProcessorConfigSpec } from '../../stream-processors/absa/config';
import { TokenBucketLimiter } from '../../producers/http/rate-limit';
import { documentEventId } from '../../common/ids/index';

const ok = { source: 'app-store', source_id: '1', text: 'Great battery' };

describe('collector-http: document validation', () => {
  it('accepts a minimal document and one with every optional field (null meaning absent)', () => {
    expect(validateDocument(ok).ok).to.equal(true);
    const full = {
      ...ok,
      created_at: '2024-05-01T12:30:00.123+02:00',
      entity: 'phone-x',
      author_id: 'u1',
      url: 'https://example.com/r/1',
      lang: 'pt-BR',
      metadata: { rating: '5' },
    };
    expect(validateDocument(full).ok).to.equal(true);
    expect(validateDocument({ ...ok, entity: null, lang: null }).ok).to.equal(true);
  });

  it('names every invalid field of every document by JSON Pointer', () => {
    const result = validateBatch(
      { documents: [ok, { ...ok, text: '' }, { source: 'x', text: 1, extra: true }] },
      1000,
    );
    expect(result.ok).to.equal(false);
    expect(!result.ok && result.errors).to.deep.equal([
      { pointer: '/documents/1/text', reason: 'must not be empty' },
      { pointer: '/documents/2/source_id', reason: 'is required' },
      { pointer: '/documents/2/text', reason: 'must be a string, got number' },
      { pointer: '/documents/2/extra', reason: 'is not a known field' },
    ]);
  });

  it('refuses a body that is not an object with a documents array, and unknown top-level fields', () => {
    expect(validateBatch([ok], 10)).to.deep.equal({
      ok: false,
      errors: [{ pointer: '', reason: 'must be a JSON object with a "documents" array' }],
    });
    expect(validateBatch({ docs: [ok] }, 10)).to.deep.equal({
      ok: false,
      errors: [
        { pointer: '/docs', reason: 'is not a known field' },
        { pointer: '/documents', reason: 'is required' },
      ],
    });
  });

  it('counts text length in UTF-16 units as the processor does: a 20,000-character text with emoji is refused at the edge, not dead-lettered later', () => {
    const withEmoji = `${'a'.repeat(19_990)}${'😀'.repeat(10)}`;
    expect([...withEmoji]).to.have.length(20_000);
    const r = validateDocument({ ...ok, text: withEmoji });
    expect(r.ok).to.equal(false);
    expect(!r.ok && r.errors[0]).to.deep.include({ pointer: '/text' });
    expect(!r.ok && r.errors[0]!.reason).to.match(/^must be at most 20000 UTF-16 code units \(got 20010;/);
    expect(validateDocument({ ...ok, text: '😀'.repeat(10_000) }).ok).to.equal(true);
    expect(validateDocument({ ...ok, text: 'a'.repeat(20_001) }).ok).to.equal(false);
  });

  it('uses the same text limit as the ABSA processor’s default', () => {
    const spec = absaProcessorConfigSpec.vars.maxTextChars;
    expect(Number(spec.default)).to.equal(RAW_TEXT_MAX_UTF16_UNITS);
    expect(LIMITS.textUtf16Units).to.equal(RAW_TEXT_MAX_UTF16_UNITS);
  });

  it('refuses text that PostgreSQL or Avro could not store faithfully: NUL and unpaired surrogates', () => {
    const nul = validateDocument({ ...ok, text: 'a\u0000b' });
    expect(!nul.ok && nul.errors[0]!.reason).to.equal('must not contain NUL (U+0000) characters');
    const lone = validateDocument({ ...ok, text: 'a\ud800b' });
    expect(!lone.ok && lone.errors[0]!.reason).to.match(/unpaired surrogate/);
  });

  it('parses RFC 3339 dates and refuses impossible or zone-less ones', () => {
    expect(parseTimestamp('2024-05-01T12:30:00Z')).to.equal(Date.UTC(2024, 4, 1, 12, 30));
    expect(parseTimestamp('2024-05-01T12:30:00+02:00')).to.equal(Date.UTC(2024, 4, 1, 10, 30));
    expect(parseTimestamp('2024-02-30T00:00:00Z')).to.equal(undefined);
    expect(parseTimestamp('2024-05-01T12:30:00')).to.equal(undefined);
    expect(parseTimestamp('2024-05-01')).to.equal(undefined);
    const future = new Date(Date.now() + 3 * 86_400_000).toISOString();
    const r = validateDocument({ ...ok, created_at: future });
    expect(!r.ok && r.errors[0]).to.deep.equal({
      pointer: '/created_at',
      reason: 'must not be more than 24 hours in the future',
    });
  });

  it('refuses a created_at more than ten years back (or outside the configured range), naming the field', () => {
    const old = validateDocument({ ...ok, created_at: '2001-01-01T00:00:00Z' }, ['documents', 2]);
    expect(!old.ok && old.errors[0]!.pointer).to.equal('/documents/2/created_at');
    expect(!old.ok && old.errors[0]!.reason).to.match(/^must not be more than 3650 days in the past/);
    const recent = new Date(Date.now() - 40 * 86_400_000).toISOString();
    expect(validateDocument({ ...ok, created_at: recent }).ok).to.equal(true);
    const strict = validateDocument({ ...ok, created_at: recent }, [], {
      maxAgeMs: 30 * 86_400_000,
      maxAheadMs: 0,
    });
    expect(!strict.ok && strict.errors[0]!.reason).to.match(/30 days in the past/);
  });

  it('builds the raw event with the tenant of the caller and a deterministic id; created_at defaults to ingestion time', () => {
    const r = validateDocument(ok);
    if (!r.ok) throw new Error('expected valid');
    const event = toRawDocument(r.document, { tenant: 'acme', collector: 'http', ingestedAt: 1000 });
    expect(event).to.deep.include({
      tenant: 'acme',
      created_at: 1000,
      ingested_at: 1000,
      entity: null,
      metadata: {},
    });
    expect(event.event_id).to.equal(documentEventId('acme', 'app-store', '1'));
  });
});

describe('collector-http: rate limit', () => {
  it('allows a burst, then one request per 1/rate seconds, per key', () => {
    let now = 0;
    const limiter = new TokenBucketLimiter(2, 3, () => now);
    expect([1, 2, 3].map(() => limiter.take('a').allowed)).to.deep.equal([true, true, true]);
    const refused = limiter.take('a');
    expect(refused.allowed).to.equal(false);
    expect(!refused.allowed && refused.retryAfterSeconds).to.equal(1);
    expect(limiter.take('b').allowed).to.equal(true);
    now += 500;
    expect(limiter.take('a').allowed).to.equal(true);
    expect(limiter.take('a').allowed).to.equal(false);
  });

  it('is off when the rate is 0', () => {
    const limiter = new TokenBucketLimiter(0, 1);
    expect([1, 2, 3, 4].every(() => limiter.take('a').allowed)).to.equal(true);
  });
});
