/**
 * The consumer kit's decisions that need no broker: which failures are the data's fault (dead
 * letter) and which are a dependency's (wait), how chunks follow the backlog, how a refused batch is
 * narrowed down to the refused event. The loop itself is exercised against the real stack in
 * test/integration/consumer-faults.test.ts.
 */
import { expect } from 'chai';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import kafkajs from 'kafkajs';
import { asElasticsearchError } from '../../common/elasticsearch/errors';
import {
  DependencyUnavailableError,
  FatalError,
  RetriableError,
  errorMessage,
  isRetriable,
  unavailableDependency,
} from '../../common/errors/index';
import { isFenced, sendsOf } from '../../common/kafka/consumer/commit';
import { MessageDecoder, UndecodableError } from '../../common/kafka/consumer/decoder';
import { deadLetterEnvelope, headersFromList } from '../../common/kafka/dlq';
import { chunkSizeFor, restartable } from '../../common/kafka/consumer/loop';
import { RegistryClient, UnknownSchemaError } from '../../common/kafka/registry';
import { PostgresDataError, asPostgresError } from '../../common/postgres/errors';
import { writeNarrowing } from '../../sinks/shared/runner';

const pgError = (code: string) => Object.assign(new Error(`pg ${code}`), { code, severity: 'ERROR' });

describe('consumer kit: outage or poison', () => {
  it('treats PostgreSQL in trouble as unavailable, whatever the row: timeout, disk, memory, read-only, password', () => {
    for (const code of ['57014', '53100', '53200', '25006', '28P01', '57P01', '08006', '42P01']) {
      const err = asPostgresError(pgError(code));
      expect(err, code).to.be.instanceOf(DependencyUnavailableError);
      expect(unavailableDependency(err), code).to.equal('postgres');
    }
    const lost = asPostgresError(new Error('Connection terminated unexpectedly'));
    expect(unavailableDependency(lost)).to.equal('postgres');
  });

  it('blames the row only for data exceptions, integrity violations and program limits', () => {
    for (const code of ['22P02', '22001', '23505', '23502', '54000']) {
      const err = asPostgresError(pgError(code));
      expect(err, code).to.be.instanceOf(PostgresDataError);
      expect(isRetriable(err), code).to.equal(false);
    }
  });

  it('retries deadlocks and serialization failures without calling PostgreSQL unavailable', () => {
    const err = asPostgresError(pgError('40P01'));
    expect(isRetriable(err)).to.equal(true);
    expect(unavailableDependency(err)).to.equal(undefined);
  });

  it('treats an Elasticsearch request refused with 401, 403, 429 or 5xx, or not answered, as unavailable', () => {
    const response = (statusCode: number) =>
      Object.assign(new Error('x'), { name: 'ResponseError', statusCode });
    for (const status of [401, 403, 408, 429, 500, 503]) {
      expect(unavailableDependency(asElasticsearchError(response(status))), String(status)).to.equal(
        'elasticsearch',
      );
    }
    const down = asElasticsearchError(Object.assign(new Error('refused'), { name: 'ConnectionError' }));
    expect(unavailableDependency(down)).to.equal('elasticsearch');
    // A 400 is about the request we built from the message.
    expect(isRetriable(asElasticsearchError(response(400)))).to.equal(false);
  });

  it('recognises a fenced transactional producer by the broker error type, through kafkajs wrappers', () => {
    const fenced = new kafkajs.KafkaJSProtocolError({
      type: 'INVALID_PRODUCER_EPOCH',
      code: 47,
      retriable: false,
      message: 'old epoch',
    } as never);
    const wrapped = Object.assign(new kafkajs.KafkaJSNonRetriableError(fenced), { cause: fenced });
    expect(isFenced(wrapped)).to.equal(true);
    expect(isFenced(new Error('producer was fenced'))).to.equal(false);
  });

  it('gives a redriven message the headers it was dead-lettered with, a repeated name included', () => {
    const envelope = deadLetterEnvelope(
      {
        topic: 't',
        partition: 0,
        message: { key: null, value: null, offset: '1', timestamp: '0', headers: { a: 'x', b: ['1', '2'] } },
      },
      new FatalError('bad'),
      { name: 'test' },
    );
    expect(headersFromList(envelope.headers)).to.deep.equal({
      a: Buffer.from('x'),
      b: [Buffer.from('1'), Buffer.from('2')],
    });
  });

  it('makes small chunks for a small backlog and full ones for a large backlog', () => {
    expect(chunkSizeFor(1, 512)).to.equal(16);
    expect(chunkSizeFor(200, 512)).to.equal(50);
    expect(chunkSizeFor(100_000, 512)).to.equal(512);
    expect(chunkSizeFor(3, 4)).to.equal(4);
  });

  it('hands kafkajs a batch failure it restarts from, whatever the failure wrapped', () => {
    // kafkajs restarts only when the innermost cause is retriable (consumer/index.js getOriginalCause)
    const innermost = (e: unknown): unknown => {
      let at = e as { cause?: unknown };
      while (at.cause !== undefined) at = at.cause as { cause?: unknown };
      return at;
    };
    const fenced = new kafkajs.KafkaJSNonRetriableError('producer fenced');
    const wrapped = new RetriableError('producer fenced on t[0]', { cause: fenced });
    for (const failure of [fenced, wrapped, new Error('transaction state'), 'a string']) {
      const handed = restartable(failure);
      expect((innermost(handed) as { retriable?: unknown }).retriable, String(failure)).to.equal(true);
      expect(handed.message).to.include(errorMessage(failure));
    }
    const plain = new RetriableError('broker connection lost');
    expect(restartable(plain)).to.equal(plain);
  });

  it('narrows a refused batch down to the refused events and writes the rest', async () => {
    const written: number[] = [];
    const writer = {
      write: async (events: number[]) => {
        if (events.includes(13)) throw new FatalError('13 is refused');
        written.push(...events);
        return events.map(() => undefined);
      },
    };
    const results = await writeNarrowing(writer, [1, 2, 13, 4, 5]);
    expect(results.map((r) => (r === undefined ? 'ok' : 'dead'))).to.deep.equal([
      'ok',
      'ok',
      'dead',
      'ok',
      'ok',
    ]);
    expect(written.sort()).to.deep.equal([1, 2, 4, 5]);
  });

  it('never narrows a batch that failed retriably: the whole batch waits', async () => {
    const writer = {
      write: async () => {
        throw new DependencyUnavailableError('postgres', 'read-only');
      },
    };
    let thrown: unknown;
    await writeNarrowing(writer, [1, 2, 3]).catch((err: unknown) => (thrown = err));
    expect(thrown).to.be.instanceOf(RetriableError);
  });
});

describe('consumer kit: decoding with the registry', () => {
  let server: http.Server;
  let answer: { status: number; body: unknown };
  let url: string;
  const schema = { type: 'record', name: 'T', fields: [{ name: 'n', type: 'int' }] };

  before(async () => {
    server = http.createServer((_req, res) => {
      res.writeHead(answer.status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(answer.body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => server.close());

  const wire = (id: number, body: Buffer) => {
    const head = Buffer.alloc(5);
    head.writeInt32BE(id, 1);
    return Buffer.concat([head, body]);
  };

  it('decodes a wire-format value with the writer schema named by its id', async () => {
    answer = { status: 200, body: { schema: JSON.stringify(schema) } };
    const decoder = new MessageDecoder(new RegistryClient(url));
    expect({ ...(await decoder.decode<object>({ value: wire(7, Buffer.from([0x54])) })) }).to.deep.equal({
      n: 42,
    });
  });

  it('calls a value without the wire format, or with bytes Avro rejects, undecodable', async () => {
    answer = { status: 200, body: { schema: JSON.stringify(schema) } };
    const decoder = new MessageDecoder(new RegistryClient(url));
    for (const value of [null, Buffer.from('{"n":1}'), wire(7, Buffer.from([]))]) {
      const err = await decoder.decode({ value }).catch((e: unknown) => e);
      expect(err).to.be.instanceOf(UndecodableError);
    }
  });

  it('calls an id the registry does not know poison, and a registry that cannot answer an outage', async () => {
    answer = { status: 404, body: { error_code: 40403, message: 'Schema not found' } };
    let err = await new MessageDecoder(new RegistryClient(url))
      .decode({ value: wire(9, Buffer.from([2])) })
      .catch((e: unknown) => e);
    expect(err).to.be.instanceOf(UnknownSchemaError);

    answer = { status: 401, body: { message: 'unauthorized' } };
    err = await new MessageDecoder(new RegistryClient(url))
      .decode({ value: wire(9, Buffer.from([2])) })
      .catch((e: unknown) => e);
    expect(unavailableDependency(err)).to.equal('schema-registry');

    const closed = new RegistryClient('http://127.0.0.1:1');
    err = await new MessageDecoder(closed)
      .decode({ value: wire(9, Buffer.from([2])) })
      .catch((e: unknown) => e);
    expect(unavailableDependency(err)).to.equal('schema-registry');
  });
});

describe('consumer kit: produce calls', () => {
  it("cuts a chunk's records into calls under each topic's max.message.bytes, one call when they fit", () => {
    const big = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ key: `k${i}`, value: Buffer.alloc(100_000) }));
    const small = [{ key: 'a', value: 'b' }];
    // alerts.state.v1 keeps the broker default (1 MiB): 25 records of ~100 KB need 3 calls.
    const calls = sendsOf([
      { topic: 'alerts.state.v1', messages: big(25) },
      { topic: 'sentiment.alerts.v1', messages: small },
    ]);
    expect(calls.map((c) => c.map((t) => [t.topic, t.messages.length]))).to.deep.equal([
      [
        ['alerts.state.v1', 10],
        ['sentiment.alerts.v1', 1],
      ],
      [['alerts.state.v1', 10]],
      [['alerts.state.v1', 5]],
    ]);
    expect(sendsOf([{ topic: 'sentiment.alerts.v1', messages: small }])).to.have.length(1);
  });
});
