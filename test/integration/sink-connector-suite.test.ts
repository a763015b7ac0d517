/**
 * One suite every sink passes, whatever its store: what a user of any sink relies on. Each sink is
 * described by a connector (how to start it and how to count what it stored); the cases are the same:
 * closed and opened again it reads on from its committed offsets, a replay changes nothing, an outage
 * of its store is waited out, and an event the store refuses is dead-lettered while the rest is
 * written. A new sink gets these by adding its connector.
 *
 * The sinks run in-process on the real stack, each case under its own tenant and consumer group
 * started at the end of sentiment.documents.v1; the outage is a loopback TCP proxy in front of the
 * store that is switched off and on, so the shared store keeps serving everyone else.
 */
import { expect } from 'chai';
import { Client as Elasticsearch } from '@elastic/elasticsearch';
import pg from 'pg';
import { parseConfig, withEnv } from '../../common/config/index';
import { silentLogger } from '../../common/logging/index';
import { createMetrics } from '../../common/metrics/index';
import type { DocumentSentiment } from '../../schemas/index';
import { dlqTopic, TOPICS } from '../../schemas/topics';
import { elasticsearchSinkConfigSpec } from '../../sinks/elasticsearch/config';
import { startElasticsearchSink } from '../../sinks/elasticsearch/service';
import { postgresSinkConfigSpec } from '../../sinks/postgres/config';
import { startPostgresSink } from '../../sinks/postgres/service';
import { FaultProxy } from './helpers/fault-proxy';
import {
  DATABASE_URL,
  ELASTICSEARCH_URL,
  EventProducer,
  endOffsets,
  makeDocument,
  readDeadLetters,
  sleepMs,
  startGroupAtEnd,
  testKafka,
  uniqueTenant,
  waitFor,
} from './sinks-fixtures';

const TOPIC = TOPICS.documents;
const ASPECTS = 2;

/** What the suite needs to know of a sink. */
interface Connector {
  name: string;
  /** Starts the sink in-process with these environment overrides; resolves once it consumes. */
  start(env: Record<string, string>): Promise<{ stop(): Promise<void> }>;
  /** Where its store listens, for the fault proxy, and the environment that points the sink at `port`. */
  store: { host: string; port: number; via(port: number): Record<string, string> };
  /** What it stored for a tenant: documents and mentions (and whatever else must not double). */
  counts(tenant: string): Promise<Record<string, number>>;
  /** The counts of `documents` events with their aspects. */
  expected(documents: number): Record<string, number>;
}

const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 2 });
const es = new Elasticsearch({ node: ELASTICSEARCH_URL, maxRetries: 0, requestTimeout: 10_000 });
const databaseUrl = new URL(DATABASE_URL);
const elasticsearchUrl = new URL(ELASTICSEARCH_URL);

const connectors: Connector[] = [
  {
    name: 'PostgreSQL sink',
    async start(env) {
      const config = parseConfig(postgresSinkConfigSpec, withEnv(env));
      return startPostgresSink(config, {
        logger: silentLogger(),
        metrics: createMetrics('suite-sink-postgres', { defaultMetrics: false }),
      });
    },
    store: {
      host: databaseUrl.hostname,
      port: Number(databaseUrl.port || 5432),
      via: (port) => {
        const url = new URL(DATABASE_URL);
        url.port = String(port);
        return { DATABASE_URL: url.toString() };
      },
    },
    async counts(tenant) {
      const { rows } = await pool.query(
        `SELECT (SELECT count(*) FROM documents WHERE tenant = $1)::int AS documents,
                (SELECT count(*) FROM aspect_mentions WHERE tenant = $1)::int AS mentions,
                (SELECT coalesce(sum(mention_count), 0) FROM aspect_rollups_hourly WHERE tenant = $1)::int AS rollups`,
        [tenant],
      );
      return rows[0] as Record<string, number>;
    },
    expected: (n) => ({ documents: n, mentions: n * ASPECTS, rollups: n * ASPECTS }),
  },
  {
    name: 'Elasticsearch sink',
    async start(env) {
      const config = parseConfig(elasticsearchSinkConfigSpec, withEnv(env));
      return startElasticsearchSink(config, {
        logger: silentLogger(),
        metrics: createMetrics('suite-sink-elasticsearch', { defaultMetrics: false }),
      });
    },
    store: {
      host: elasticsearchUrl.hostname,
      port: Number(elasticsearchUrl.port || 9200),
      via: (port) => ({ ELASTICSEARCH_URL: `http://127.0.0.1:${port}` }),
    },
    async counts(tenant) {
      const count = async (index: string) => {
        await es.indices.refresh({ index, ignore_unavailable: true, allow_no_indices: true });
        return (await es.count({ index, query: { term: { tenant } } })).count;
      };
      return { documents: await count('absa-documents'), mentions: await count('absa-mentions') };
    },
    expected: (n) => ({ documents: n, mentions: n * ASPECTS }),
  },
];

describe('the sink connector suite: every sink passes the same cases', function () {
  this.timeout(300_000);
  const kafka = testKafka();
  const producer = new EventProducer(kafka, TOPIC);
  const running: Array<{ stop(): Promise<void> }> = [];
  const proxies: FaultProxy[] = [];

  before(() => producer.connect());
  afterEach(async () => {
    await Promise.all(running.splice(0).map((s) => s.stop()));
    await Promise.all(proxies.splice(0).map((p) => p.close()));
  });
  after(async () => {
    await producer.close();
    await pool.end();
    await es.close();
  });

  const admin = async <T>(fn: (a: ReturnType<typeof kafka.admin>) => Promise<T>): Promise<T> => {
    const a = kafka.admin();
    await a.connect();
    try {
      return await fn(a);
    } finally {
      await a.disconnect();
    }
  };
  const events = (tenant: string, from: number, to: number): DocumentSentiment[] =>
    Array.from({ length: to - from }, (_, k) => makeDocument(tenant, from + k, { aspects: ASPECTS }));
  /** Until the group has committed everything on the topic now, so nothing it was sent is still pending. */
  const caughtUp = async (groupId: string) => {
    const end = await admin((a) => endOffsets(a, TOPIC));
    await waitFor(
      `${groupId} to commit the end of ${TOPIC}`,
      () => admin((a) => a.fetchOffsets({ groupId, topics: [TOPIC] })),
      (offsets) =>
        offsets[0]!.partitions.every((p) => BigInt(p.offset) >= BigInt(end.get(p.partition) ?? '0')),
      120_000,
      500,
    );
  };

  for (const connector of connectors) {
    describe(connector.name, () => {
      /** A fresh tenant and group (at the end of the topic), and the sink started on them. */
      const setUp = async (label: string, env: Record<string, string> = {}) => {
        const tenant = uniqueTenant(label);
        const groupId = `suite-${tenant}`;
        await admin((a) => startGroupAtEnd(a, groupId, TOPIC));
        const groupEnv = {
          SINK_POSTGRES_GROUP_ID: groupId,
          SINK_ELASTICSEARCH_GROUP_ID: groupId,
          SINK_POSTGRES_RETRY_MAX_MS: '1000',
          SINK_ELASTICSEARCH_RETRY_MAX_MS: '1000',
          ...env,
        };
        const start = async () => {
          const sink = await connector.start(groupEnv);
          running.push(sink);
          return sink;
        };
        return { tenant, groupId, start, sink: await start() };
      };
      const stored = (tenant: string, n: number) =>
        waitFor(
          `${n} events stored`,
          () => connector.counts(tenant),
          (c) => c.documents! >= n,
          120_000,
          500,
        );

      it('closed and opened again, reads on from its committed offsets: every event once', async () => {
        const { tenant, start, sink } = await setUp('suite-open');
        await producer.send(events(tenant, 0, 200));
        expect(await stored(tenant, 200)).to.deep.equal(connector.expected(200));
        await sink.stop();
        running.splice(running.indexOf(sink), 1);
        await producer.send(events(tenant, 200, 300));
        await start();
        expect(await stored(tenant, 300)).to.deep.equal(connector.expected(300));
      });

      it('a replay of what it already wrote changes nothing', async () => {
        const { tenant, groupId } = await setUp('suite-replay');
        const docs = events(tenant, 0, 200);
        await producer.send(docs);
        const first = await stored(tenant, 200);
        await producer.send(docs);
        await caughtUp(groupId);
        expect(await connector.counts(tenant)).to.deep.equal(first);
        expect(first).to.deep.equal(connector.expected(200));
      });

      it('waits out an outage of its store and then writes every event once, dead-lettering none', async () => {
        const proxy = await FaultProxy.start(
          { host: connector.store.host, port: connector.store.port },
          29300,
          29699,
        );
        proxies.push(proxy);
        const from = await admin((a) => endOffsets(a, dlqTopic(TOPIC)));
        const { tenant } = await setUp('suite-outage', connector.store.via(proxy.port));
        const docs = events(tenant, 0, 300);
        await producer.send(docs.slice(0, 100));
        await stored(tenant, 100);
        proxy.setDown(true);
        await producer.send(docs.slice(100));
        await sleepMs(5000);
        proxy.setDown(false);
        expect(await stored(tenant, 300)).to.deep.equal(connector.expected(300));
        const letters = await readDeadLetters(
          kafka,
          dlqTopic(TOPIC),
          from,
          new Set(docs.map((d) => d.event_id)),
          3000,
        );
        expect(letters, 'dead letters of good events').to.deep.equal([]);
      });

      it('dead-letters an event its store refuses, with the reason, and writes the rest', async () => {
        const from = await admin((a) => endOffsets(a, dlqTopic(TOPIC)));
        const { tenant } = await setUp('suite-poison');
        const docs = events(tenant, 0, 50);
        // 3 dimensions where the store keeps 384: refused by either store for its content
        const poison = { ...docs[17]!, embedding: [0.1, 0.2, 0.3] };
        docs[17] = poison;
        await producer.send(docs);
        expect(await stored(tenant, 49)).to.deep.equal(connector.expected(49));
        const letters = await readDeadLetters(kafka, dlqTopic(TOPIC), from, new Set([poison.event_id]));
        expect(letters.map((l) => l.key)).to.deep.equal([poison.event_id]);
        expect(letters[0]!.envelope.error_message).to.match(/dim/i);
        expect(await connector.counts(tenant)).to.deep.equal(connector.expected(49));
      });
    });
  }
});
