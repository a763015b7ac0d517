/**
 * A document's trace id through the Kafka hops: the processor's outputs and every dead letter carry
 * the next span of the consumed record's trace, and each committed chunk is logged once with the
 * trace ids it held, so one search by trace id finds every service that handled the document.
 */
import { PassThrough } from 'node:stream';
import { expect } from 'chai';
import type { Kafka, KafkaMessage, Message } from 'kafkajs';
import { FatalError } from '../../common/errors/index';
import { ConsumerLoop } from '../../common/kafka/consumer/loop';
import type { RegistryClient } from '../../common/kafka/registry';
import { createLogger } from '../../common/logging/index';
import { createMetrics } from '../../common/metrics/index';
import {
  KAFKA_TRACE_HEADER,
  childKafkaTraceHeaders,
  distinctTraceIds,
  parseTraceparent,
} from '../../common/tracing/index';
import type { AspectMention, DocumentSentiment, RawDocument } from '../../schemas/index';
import { TOPICS } from '../../schemas/topics';
import type { AnalysisOutcome, DocumentAnalyzer } from '../../stream-processors/absa/document-analyzer';
import { processorMetrics } from '../../stream-processors/absa/metrics';
import { AbsaProcessor } from '../../stream-processors/absa/processor';

const TRACE_A = '4bf92f3577b34da6a3ce929d0e0e4736';
const TRACE_B = '0af7651916cd43dd8448eb211c80319c';
const parent = (traceId: string, span = '00f067aa0ba902b7') => `00-${traceId}-${span}-01`;
const MALFORMED = [
  'garbage',
  `00-${'0'.repeat(32)}-00f067aa0ba902b7-01`,
  `00-${TRACE_A.toUpperCase()}-00f067aa0ba902b7-01`,
];

function message(offset: number, traceparent?: string | Buffer | null): KafkaMessage {
  const headers = traceparent === undefined ? {} : { [KAFKA_TRACE_HEADER]: traceparent };
  return {
    key: Buffer.from(`k${offset}`),
    value: Buffer.from(`v${offset}`),
    headers,
    offset: String(offset),
    timestamp: '0',
    attributes: 0,
  } as unknown as KafkaMessage;
}

function traceOf(m: Message): { traceId: string; spanId: string } | undefined {
  const value = (m.headers ?? {})[KAFKA_TRACE_HEADER];
  return parseTraceparent(value === undefined ? undefined : String(value));
}

describe('trace context across the Kafka hops', () => {
  it('lists the distinct trace ids of a chunk in first-seen order, skipping missing and malformed headers', () => {
    const headers = [
      message(0, parent(TRACE_A)),
      message(1),
      message(2, Buffer.from(parent(TRACE_B))),
      message(3, parent(TRACE_A, '1111111111111111')),
      message(4, null),
      ...MALFORMED.map((bad, i) => message(5 + i, bad)),
    ].map((m) => m.headers);
    expect(distinctTraceIds(headers)).to.deep.equal({ ids: [TRACE_A, TRACE_B], omitted: 0 });
  });

  it('caps the listed trace ids and says how many it left out', () => {
    const ids = Array.from({ length: 5 }, (_, i) => `${(i + 1).toString(16).padStart(32, 'a')}`);
    const result = distinctTraceIds(
      ids.map((id) => ({ [KAFKA_TRACE_HEADER]: parent(id) })),
      3,
    );
    expect(result).to.deep.equal({ ids: ids.slice(0, 3), omitted: 2 });
  });

  it('continues a consumed trace as a new span, and adds no header for a missing or malformed one', () => {
    const child = parseTraceparent(
      childKafkaTraceHeaders({ [KAFKA_TRACE_HEADER]: parent(TRACE_A) }).traceparent,
    );
    expect(child?.traceId).to.equal(TRACE_A);
    expect(child?.spanId).to.not.equal('00f067aa0ba902b7');
    expect(childKafkaTraceHeaders({})).to.deep.equal({});
    expect(childKafkaTraceHeaders(undefined)).to.deep.equal({});
    for (const bad of MALFORMED)
      expect(childKafkaTraceHeaders({ [KAFKA_TRACE_HEADER]: bad }), bad).to.deep.equal({});
  });

  it("gives the processor's document and aspect records the next span of their raw record's trace", async () => {
    const outcome = (id: string, aspects: number): AnalysisOutcome => ({
      ok: true,
      document: { event_id: id, status: 'ok' } as DocumentSentiment,
      mentions: Array.from(
        { length: aspects },
        (_, j) => ({ tenant: 't', entity: 'e', normalized_aspect: `a${j}` }) as AspectMention,
      ),
    });
    const registry = {
      encode: async (_id: number, value: unknown) => Buffer.from(JSON.stringify(value)),
    } as unknown as RegistryClient;
    const metrics = createMetrics('test', { defaultMetrics: false });
    const processor = new AbsaProcessor(
      {} as Kafka,
      registry,
      {
        analyze: async () => [outcome('d0', 2), outcome('d1', 1), outcome('d2', 1)],
      } as unknown as DocumentAnalyzer,
      {
        groupId: 'g',
        inputTopic: TOPICS.rawText,
        transactionalIdPrefix: 't',
        chunkSize: 10,
        partitionsConcurrently: 1,
        maxBytesPerPartition: 1024,
      },
      createLogger({ service: 'test', level: 'error' }),
      metrics,
      processorMetrics(metrics),
    );
    processor['schemaIds'] = { documents: 1, aspects: 2 };
    const items = [parent(TRACE_A), 'garbage', undefined].map((tp, i) => ({
      message: message(i, tp),
      value: {} as RawDocument,
    }));

    const handled = await processor['handle'](items);

    expect(handled.outcomes).to.deep.equal([undefined, undefined, undefined]);
    const out = Object.fromEntries((handled.records ?? []).map((r) => [r.topic, r.messages]));
    const documents = out[TOPICS.documents]!;
    const aspects = out[TOPICS.aspects]!;
    expect(documents.map((m) => traceOf(m)?.traceId)).to.deep.equal([TRACE_A, undefined, undefined]);
    expect(traceOf(documents[0]!)!.spanId).to.not.equal('00f067aa0ba902b7');
    // The document's aspects are the same hop as the document.
    expect(aspects.map((m) => traceOf(m)?.traceId)).to.deep.equal([TRACE_A, TRACE_A, undefined, undefined]);
    expect(traceOf(aspects[0]!)!.spanId).to.equal(traceOf(documents[0]!)!.spanId);
  });

  describe('the consumer loop', () => {
    function loopWithLog(handle: (n: number) => Array<unknown | undefined>) {
      const stream = new PassThrough();
      const lines: Array<Record<string, unknown>> = [];
      stream.on('data', (d: Buffer) =>
        d
          .toString()
          .split('\n')
          .filter(Boolean)
          .forEach((l) => lines.push(JSON.parse(l) as Record<string, unknown>)),
      );
      const loop = new ConsumerLoop<string>({
        name: 'sink-test',
        kafka: {} as Kafka,
        registry: {} as RegistryClient,
        logger: createLogger({ service: 'sink-test', stream }),
        metrics: createMetrics('test', { defaultMetrics: false }),
        groupId: 'g',
        topics: ['in'],
        fromBeginning: true,
        commit: {} as never,
        maxChunk: 100,
        partitionsConcurrently: 1,
        maxBytesPerPartition: 1024,
        handler: { handle: async (items) => ({ outcomes: handle(items.length) }) },
      });
      // Registry stand-ins: values decode to their text, a dead letter is a fixed envelope.
      Object.assign(loop, {
        decoder: { decode: async (m: KafkaMessage) => String(m.value) },
        dlq: {
          record: async () => ({
            topic: 'in.dlq',
            messages: [{ key: null, value: Buffer.from('dl'), headers: { 'x-dlq-error-class': 'Fatal' } }],
          }),
        },
      });
      return { loop, lines };
    }

    it('logs one line per committed chunk whose trace.id lists the traces it held', async () => {
      const { loop, lines } = loopWithLog((n) => Array.from({ length: n }, () => undefined));
      const source = { topic: 'in', partition: 3 };
      const messages = [message(10, parent(TRACE_A)), message(11, 'garbage'), message(12, parent(TRACE_B))];
      const prepared = await loop['prepare'](messages, source, new AbortController().signal);
      loop['afterCommit'](source, prepared);
      await new Promise((r) => setImmediate(r));

      const chunkLines = lines.filter(
        (l) => (l.event as { action?: string } | undefined)?.action === 'consumer-chunk-committed',
      );
      expect(chunkLines).to.have.length(1);
      const line = chunkLines[0]!;
      expect(line['log.level']).to.equal('info');
      expect(line.trace).to.deep.equal({ id: [TRACE_A, TRACE_B] });
      expect(line.service).to.deep.equal({ name: 'sink-test' });
      expect(line.labels).to.include({ consumer: 'sink-test', messages: 3, dead_lettered: 0 });
      expect(line.kafka).to.deep.equal({ topic: 'in', partition: 3, first_offset: '10', last_offset: '12' });
    });

    it('sends a dead letter as the next span of its message trace and logs it with its trace id', async () => {
      const { loop, lines } = loopWithLog(() => [new FatalError('refused'), undefined]);
      const source = { topic: 'in', partition: 0 };
      const prepared = await loop['prepare'](
        [message(5, parent(TRACE_A)), message(6, parent(TRACE_B))],
        source,
        new AbortController().signal,
      );
      loop['afterCommit'](source, prepared);
      await new Promise((r) => setImmediate(r));

      const dead = prepared.records.find((r) => r.topic === 'in.dlq')!.messages[0]!;
      expect(traceOf(dead)?.traceId).to.equal(TRACE_A);
      expect(traceOf(dead)?.spanId).to.not.equal('00f067aa0ba902b7');
      expect(dead.headers).to.include({ 'x-dlq-error-class': 'Fatal' });
      const deadLine = lines.find(
        (l) => (l.event as { action?: string }).action === 'consumer-message-dead-lettered',
      );
      expect(deadLine?.trace).to.deep.equal({ id: TRACE_A });
      const chunkLine = lines.find(
        (l) => (l.event as { action?: string }).action === 'consumer-chunk-committed',
      );
      expect(chunkLine?.trace).to.deep.equal({ id: [TRACE_A, TRACE_B] });
      expect(chunkLine?.labels).to.include({ messages: 2, dead_lettered: 1 });
    });
  });
});
