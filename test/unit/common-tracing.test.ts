import { PassThrough } from 'node:stream';
import http from 'node:http';
import express from 'express';
import { expect } from 'chai';
import { requestContext } from '../../common/http/request-context';
import { createLogger } from '../../common/logging/index';
import { traceContext } from '../../common/tracing/express';
import {
  KAFKA_TRACE_HEADER,
  childSpan,
  continueOrStart,
  createTrace,
  formatTraceparent,
  kafkaTraceHeaders,
  parseTraceparent,
  traceFromKafkaHeaders,
  traceLogFields,
  withTrace,
} from '../../common/tracing/index';

// The example of the W3C Trace Context recommendation.
const EXAMPLE = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('common/tracing: W3C traceparent', () => {
  it('parses a valid traceparent and formats it back unchanged', () => {
    const ctx = parseTraceparent(EXAMPLE);
    expect(ctx).to.deep.equal({
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      flags: 1,
    });
    expect(formatTraceparent(ctx!)).to.equal(EXAMPLE);
  });

  it('refuses what the recommendation says to ignore', () => {
    for (const bad of [
      '',
      'garbage',
      EXAMPLE.toUpperCase(),
      '00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01', // short trace id
      '00-00000000000000000000000000000000-00f067aa0ba902b7-01', // zero trace id
      '00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01', // zero span id
      'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', // forbidden version
      `${EXAMPLE}-extra`, // version 00 has exactly four fields
    ])
      expect(parseTraceparent(bad), bad).to.equal(undefined);
    expect(parseTraceparent(undefined)).to.equal(undefined);
  });

  it('reads a future version by its first four fields', () => {
    expect(
      parseTraceparent('01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00-what-comes'),
    ).to.deep.equal({
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      flags: 0,
    });
  });

  it('starts sampled traces with fresh ids, and continues a trace with a new span of the same trace', () => {
    const a = createTrace();
    const b = createTrace();
    expect(parseTraceparent(formatTraceparent(a))).to.deep.equal(a);
    expect(a.traceId).to.not.equal(b.traceId);
    expect(a.flags).to.equal(1);
    const child = childSpan(a);
    expect(child.traceId).to.equal(a.traceId);
    expect(child.spanId).to.not.equal(a.spanId);
    const continued = continueOrStart(EXAMPLE);
    expect(continued.traceId).to.equal('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(continued.spanId).to.not.equal('00f067aa0ba902b7');
    expect(continueOrStart('nonsense').traceId).to.match(/^[0-9a-f]{32}$/);
  });
});

describe('common/tracing: Kafka headers and logs', () => {
  it('round-trips through Kafka headers as kafkajs delivers them (Buffers)', () => {
    const ctx = createTrace();
    const headers = kafkaTraceHeaders(ctx);
    expect(Object.keys(headers)).to.deep.equal([KAFKA_TRACE_HEADER]);
    expect(KAFKA_TRACE_HEADER).to.equal('traceparent');
    const consumed = {
      [KAFKA_TRACE_HEADER]: Buffer.from(headers[KAFKA_TRACE_HEADER]!),
      tenant: Buffer.from('t'),
    };
    expect(traceFromKafkaHeaders(consumed)).to.deep.equal(ctx);
    expect(traceFromKafkaHeaders({ [KAFKA_TRACE_HEADER]: [headers[KAFKA_TRACE_HEADER]!] })).to.deep.equal(
      ctx,
    );
    expect(traceFromKafkaHeaders({})).to.equal(undefined);
    expect(traceFromKafkaHeaders(undefined)).to.equal(undefined);
  });

  it('puts trace.id and span.id on every line of a logger bound to a trace', () => {
    const stream = new PassThrough();
    const lines: string[] = [];
    stream.on('data', (d: Buffer) => lines.push(...d.toString().trim().split('\n')));
    const ctx = parseTraceparent(EXAMPLE)!;
    withTrace(createLogger({ service: 'unit', stream }), ctx).info('hello', { event: { action: 'x' } });
    const line = JSON.parse(lines[0]!);
    expect(line.trace).to.deep.equal({ id: ctx.traceId });
    expect(line.span).to.deep.equal({ id: ctx.spanId });
    expect(line.service).to.deep.equal({ name: 'unit' });
    expect(traceLogFields(undefined)).to.deep.equal({});
  });

  it('at the HTTP edge: continues the caller’s trace, answers traceresponse and logs trace.id on the access line', async () => {
    const stream = new PassThrough();
    const lines: string[] = [];
    stream.on('data', (d: Buffer) => lines.push(...d.toString().trim().split('\n')));
    const app = express();
    app.use(requestContext(createLogger({ service: 'unit', stream })));
    app.get('/x', traceContext(), (_req, res) => {
      res.json({ trace: res.locals.trace });
    });
    const server = http.createServer(app).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const { port } = server.address() as { port: number };
    try {
      const withParent = await fetch(`http://127.0.0.1:${port}/x`, { headers: { traceparent: EXAMPLE } });
      const answered = parseTraceparent(withParent.headers.get('traceresponse'))!;
      expect(answered.traceId).to.equal('4bf92f3577b34da6a3ce929d0e0e4736');
      expect(((await withParent.json()) as { trace: unknown }).trace).to.deep.equal(answered);
      const fresh = await fetch(`http://127.0.0.1:${port}/x`);
      const started = parseTraceparent(fresh.headers.get('traceresponse'))!;
      expect(started.traceId).to.not.equal(answered.traceId);
      await new Promise((r) => setTimeout(r, 50));
      const access = lines.map((l) => JSON.parse(l)).filter((l) => l.event?.action === 'http-request');
      expect(access.map((l) => l.trace?.id)).to.deep.equal([answered.traceId, started.traceId]);
    } finally {
      server.close();
    }
  });
});
