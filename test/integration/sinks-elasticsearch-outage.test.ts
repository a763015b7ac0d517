import { expect } from 'chai';
import { Client } from '@elastic/elasticsearch';
import { TOPICS } from '../../schemas/topics';
import {
  ELASTICSEARCH_URL,
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
const ASPECTS = 2;
// Long enough for several failed bulk requests and backoff rounds; the 60 s faults are in consumer-faults-sinks.
const OUTAGE_MS = 20_000;

describe('Elasticsearch sink through a 20 s Elasticsearch outage (the process stopped)', function () {
  this.timeout(600_000);
  const tenant = uniqueTenant('esoutage');
  const groupId = `sinks-test-es-outage-${tenant}`;
  const es = new Client({ node: ELASTICSEARCH_URL, maxRetries: 0, requestTimeout: 10_000 });
  let sink: ReturnType<typeof spawnSink> | undefined;
  let producer: EventProducer | undefined;
  let elasticsearchDown = false;

  afterEach(function () {
    if (this.currentTest?.state === 'failed' && sink) {
      console.log(`last sink log lines:\n${sink.lines.slice(-40).join('\n')}`);
    }
  });

  after(async () => {
    // Restore the component for everyone else, whatever happened.
    if (elasticsearchDown) stack('up', 'elasticsearch');
    await sink?.terminate();
    await producer?.close();
    await es.close();
  });

  it('retries, resumes and ends with every event indexed exactly once, then stops cleanly on SIGTERM', async () => {
    const kafka = testKafka();
    producer = new EventProducer(kafka, TOPIC);
    await producer.connect();
    const admin = kafka.admin();
    await admin.connect();
    await startGroupAtEnd(admin, groupId, TOPIC);
    await admin.disconnect();

    const opsPort = freePort();
    sink = spawnSink('sinks/elasticsearch/main.ts', {
      SINK_ELASTICSEARCH_GROUP_ID: groupId,
      SINK_ELASTICSEARCH_OPS_PORT: String(opsPort),
      SINK_ELASTICSEARCH_BATCH_SIZE: '100',
      SINK_ELASTICSEARCH_RETRY_MAX_MS: '3000',
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

    const count = async (index: string): Promise<number> => {
      try {
        await es.indices.refresh({ index, ignore_unavailable: true, allow_no_indices: true });
        return (await es.count({ index, query: { term: { tenant } } })).count;
      } catch {
        return -1;
      }
    };
    const counts = async () => ({
      documents: await count('absa-documents'),
      mentions: await count('absa-mentions'),
    });

    const docs = Array.from({ length: EVENTS }, (_, i) => makeDocument(tenant, i, { aspects: ASPECTS }));
    await producer.send(docs.slice(0, 1500));
    await waitFor('some documents indexed', counts, (c) => c.documents > 0);
    stack('down', 'elasticsearch');
    elasticsearchDown = true;
    const downSince = Date.now();
    await producer.send(docs.slice(1500, 3500));
    await sleepMs(Math.max(0, OUTAGE_MS - (Date.now() - downSince)));
    stack('up', 'elasticsearch');
    elasticsearchDown = false;
    await producer.send(docs.slice(3500));

    const final = await waitFor(
      `${EVENTS} documents`,
      counts,
      (c) => c.documents === EVENTS && c.mentions === EVENTS * ASPECTS,
      300_000,
      2000,
    );
    expect(final).to.deep.equal({ documents: EVENTS, mentions: EVENTS * ASPECTS });
    expect(sink.lines.some((l) => l.includes('"consumer-dependency-unavailable"'))).to.equal(true);
    const metrics = await (await fetch(`http://127.0.0.1:${opsPort}/metrics`)).text();
    expect(metrics).to.match(
      /absa_consumer_outage_retries_total\{consumer="sink-elasticsearch",dependency="elasticsearch"/,
    );
    expect(metrics).not.to.match(/absa_consumer_dead_letters_total\{consumer="sink-elasticsearch"/);

    expect(await sink.terminate()).to.equal(0);
    expect(sink.lines.some((l) => l.includes('"sink-stopped"'))).to.equal(true);
    expect(await counts()).to.deep.equal(final);
  });
});
