/**
 * The HTTP collector starts or continues a W3C trace: the trace id reaches the Kafka headers of every
 * document it publishes, the caller gets it back in `traceresponse`, and its access log line has it.
 */
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import pg from 'pg';
import { ApiKeyStore } from '../../common/apikeys/store';
import { parseTraceparent } from '../../common/tracing/index';
import kafkajs from 'kafkajs';
import { freePortIn } from './helpers/fault-proxy';
import { startProcess, waitFor, type Started } from './helpers/processes';

const TOPIC = 'text.raw.v1';
const kafka = new kafkajs.Kafka({
  clientId: 'test-tracing',
  brokers: ['127.0.0.1:9092'],
  logLevel: kafkajs.logLevel.NOTHING,
});

/** traceparent header of the records with these keys, read from the given offsets on (not from the topic's start). */
async function traceparentsByKey(from: Map<number, string>, keys: Set<string>): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  const consumer = kafka.consumer({ groupId: `test-tracing-${randomUUID()}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: TOPIC });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ message }) => {
        const key = message.key?.toString() ?? '';
        if (keys.has(key)) found.set(key, String(message.headers?.traceparent ?? ''));
      },
    });
    for (const [partition, offset] of from) consumer.seek({ topic: TOPIC, partition, offset });
    await waitFor(async () => found.size === keys.size, 60_000, `${keys.size} records on ${TOPIC}`);
    return found;
  } finally {
    await consumer.disconnect();
  }
}

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://absa:absa@127.0.0.1:5432/absa';
const PARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('HTTP collector: trace context from the edge into Kafka', function () {
  this.timeout(120_000);
  const tenant = `trace-${randomUUID().slice(0, 8)}`;
  const admin = kafka.admin();
  let pool: pg.Pool;
  let key: string;
  let collector: Started;
  let url: string;

  before(async () => {
    await admin.connect();
    pool = new pg.Pool({ connectionString: DATABASE_URL, max: 2 });
    key = (await new ApiKeyStore(pool, 0).create({ tenant, name: 'ingest', role: 'ingest' })).key;
    const port = await freePortIn(28900, 28999);
    url = `http://127.0.0.1:${port}`;
    collector = startProcess('producers/http/main.ts', [], {
      COLLECTOR_HTTP_PORT: String(port),
      COLLECTOR_HTTP_HOST: '127.0.0.1',
      APIKEY_CACHE_TTL_MS: '0',
    });
    await waitFor(async () => (await fetch(`${url}/readyz`)).ok, 60_000, 'collector /readyz');
  });

  after(async () => {
    collector?.child.kill('SIGTERM');
    await collector?.exited;
    await admin.disconnect();
    await pool?.end();
  });

  const post = (sourceId: string, headers: Record<string, string> = {}) =>
    fetch(`${url}/v1/documents`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key, ...headers },
      body: JSON.stringify({
        documents: [
          { source: 'app-store', source_id: `${sourceId}-1`, text: 'The battery is great' },
          { source: 'app-store', source_id: `${sourceId}-2`, text: 'The screen is dim' },
        ],
      }),
    });

  it('continues a caller’s traceparent and starts a trace for a caller that sends none', async () => {
    const before = new Map((await admin.fetchTopicOffsets(TOPIC)).map((o) => [o.partition, o.high]));
    const continued = await post('with', { traceparent: PARENT });
    expect(continued.status).to.equal(202);
    const answered = parseTraceparent(continued.headers.get('traceresponse'));
    expect(answered?.traceId).to.equal('4bf92f3577b34da6a3ce929d0e0e4736');
    const fresh = await post('without');
    expect(fresh.status).to.equal(202);
    const started = parseTraceparent(fresh.headers.get('traceresponse'))!;
    expect(started.traceId).to.not.equal(answered!.traceId);

    const ids = async (r: Response) =>
      ((await r.json()) as { accepted: { id: string }[] }).accepted.map((a) => a.id);
    const withIds = await ids(continued);
    const withoutIds = await ids(fresh);
    const headers = await traceparentsByKey(before, new Set([...withIds, ...withoutIds]));
    const traceOf = (keys: string[]) => keys.map((k) => parseTraceparent(headers.get(k))?.traceId);
    expect(traceOf(withIds)).to.deep.equal([answered!.traceId, answered!.traceId]);
    expect(traceOf(withoutIds)).to.deep.equal([started.traceId, started.traceId]);

    await waitFor(
      async () =>
        collector
          .output()
          .split('\n')
          .some(
            (l) => l.includes('"action":"http-request"') && l.includes(`"trace":{"id":"${started.traceId}"}`),
          ),
      10_000,
      'access log line with trace.id',
    );
  });
});
