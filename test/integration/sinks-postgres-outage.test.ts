import { expect } from 'chai';
import pg from 'pg';
import { TOPICS } from '../../schemas/topics';
import {
  DATABASE_URL,
  EventProducer,
  freePort,
  makeDocument,
  sleepMs,
  spawnSink,
  stack,
  startGroupAtEnd,
  testKafka,
  uniqueTenant,
  waitFor,
} from './sinks-fixtures';

const TOPIC = TOPICS.documents;
const EVENTS = 5000;
const ASPECTS = 3;

describe('PostgreSQL sink through a PostgreSQL restart', function () {
  this.timeout(600_000);
  const tenant = uniqueTenant('pgoutage');
  const groupId = `sinks-test-pg-outage-${tenant}`;
  let sink: ReturnType<typeof spawnSink> | undefined;
  let producer: EventProducer | undefined;
  let postgresDown = false;

  afterEach(function () {
    if (this.currentTest?.state === 'failed' && sink) {
      console.log(`last sink log lines:\n${sink.lines.slice(-40).join('\n')}`);
    }
  });

  after(async () => {
    // Restore the component for everyone else, whatever happened.
    if (postgresDown) stack('up', 'postgres');
    await sink?.terminate();
    await producer?.close();
  });

  it('retries, resumes and ends with every event written exactly once, then stops cleanly on SIGTERM', async () => {
    const kafka = testKafka();
    producer = new EventProducer(kafka, TOPIC);
    await producer.connect();
    const admin = kafka.admin();
    await admin.connect();
    await startGroupAtEnd(admin, groupId, TOPIC);
    await admin.disconnect();

    const opsPort = freePort();
    sink = spawnSink('sinks/postgres/main.ts', {
      SINK_POSTGRES_GROUP_ID: groupId,
      SINK_POSTGRES_OPS_PORT: String(opsPort),
      SINK_POSTGRES_BATCH_SIZE: '100',
      SINK_POSTGRES_RETRY_MAX_MS: '2000',
    });
    await waitFor(
      'the sink to be ready',
      () =>
        fetch(`http://127.0.0.1:${opsPort}/readyz`).then(
          (r) => r.status,
          () => 0,
        ),
      (s) => s === 200,
      60_000,
    );

    const db = () => new pg.Client({ connectionString: DATABASE_URL });
    const counts = async () => {
      const c = db();
      try {
        await c.connect();
        const { rows } = await c.query(
          `SELECT (SELECT count(*) FROM documents WHERE tenant = $1)::int AS documents,
                  (SELECT count(*) FROM aspect_mentions WHERE tenant = $1)::int AS mentions,
                  (SELECT coalesce(sum(mention_count), 0) FROM aspect_rollups_hourly WHERE tenant = $1)::int AS rollups`,
          [tenant],
        );
        return rows[0] as { documents: number; mentions: number; rollups: number };
      } catch {
        return { documents: -1, mentions: -1, rollups: -1 };
      } finally {
        await c.end().catch(() => {});
      }
    };

    const docs = Array.from({ length: EVENTS }, (_, i) => makeDocument(tenant, i, { aspects: ASPECTS }));
    // First third, then the restart while the rest streams in.
    await producer.send(docs.slice(0, 1500));
    await waitFor('some documents written', counts, (c) => c.documents > 0);
    stack('down', 'postgres');
    postgresDown = true;
    await producer.send(docs.slice(1500, 3500));
    await sleepMs(5000);
    stack('up', 'postgres');
    postgresDown = false;
    await producer.send(docs.slice(3500));

    const final = await waitFor(
      `${EVENTS} documents`,
      counts,
      (c) => c.documents === EVENTS && c.mentions === EVENTS * ASPECTS && c.rollups === EVENTS * ASPECTS,
      240_000,
      1000,
    );
    expect(final).to.deep.equal({ documents: EVENTS, mentions: EVENTS * ASPECTS, rollups: EVENTS * ASPECTS });
    const retried = sink.lines.some((l) => l.includes('"consumer-dependency-unavailable"'));
    expect(retried, 'the sink logged retries while PostgreSQL was down').to.equal(true);

    const metrics = await (await fetch(`http://127.0.0.1:${opsPort}/metrics`)).text();
    expect(metrics).to.match(
      /absa_consumer_outage_retries_total\{consumer="sink-postgres",dependency="postgres"/,
    );

    expect(await sink.terminate()).to.equal(0);
    expect(sink.lines.some((l) => l.includes('"sink-stopped"'))).to.equal(true);
    // Stays exactly once: nothing is left uncommitted that a restart would write twice.
    expect(await counts()).to.deep.equal(final);
  });
});
