/**
 * `make chaos`: 10,000 documents through the real pipeline on the local stack (HTTP collector →
 * ABSA processor → both sinks) while a schedule of faults hits every component once:
 *
 *   the HTTP collector SIGKILLed and restarted while documents are being sent (the client re-sends
 *   every request that got no 202, so nothing the collector acknowledged may be lost); processor
 *   SIGKILLed; the schema registry stopped (and the processor killed again, so it must start while
 *   the registry is down); PostgreSQL read-only for the sink's sessions (and the sink killed
 *   meanwhile); Elasticsearch answering 401 (and that sink killed meanwhile); the Kafka broker
 *   restarted.
 *
 * Then it waits for the pipeline to drain and prints what arrived where: sent, raw events on
 * text.raw.v1, document and aspect events on their topics (committed reads), rows in PostgreSQL,
 * documents in Elasticsearch, lost documents and mentions, duplicates, dead letters by class,
 * elapsed. The mentions expected are those the processor emitted for the run's documents on
 * sentiment.aspects.v1 (distinct mention ids); each must be a row in PostgreSQL and a mention in
 * Elasticsearch. It exits 1 on any loss or duplicate, of documents or of mentions. Its processes run
 * under consumer groups of their own, started at the current end of each topic, so a pipeline
 * already running on the machine is not disturbed (only its stack is).
 *
 * CHAOS_DOCUMENTS (10000), CHAOS_FAULT_SECONDS (30) and CHAOS_TIMEOUT_SECONDS (1200) adjust it.
 */
import { Client as Elasticsearch } from '@elastic/elasticsearch';
import kafkajs from 'kafkajs';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { ApiKeyStore } from '../../common/apikeys/store';
import type { AspectMention, DeadLetter, DocumentSentiment, RawDocument } from '../../schemas/index';
import { TOPICS, dlqTopic } from '../../schemas/topics';
import { CommittedReader } from '../integration/helpers/committed-reader';
import { FAULTS_DATABASE_URL, HttpFaultProxy, PostgresFaults } from '../integration/helpers/faults';
import { REPO, freePort, startProcess, type Started } from '../integration/helpers/processes';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://absa:absa@127.0.0.1:5432/absa';
const ELASTICSEARCH_URL = process.env.ELASTICSEARCH_URL ?? 'http://127.0.0.1:9200';
const BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const DOCUMENTS = Number(process.env.CHAOS_DOCUMENTS ?? 10_000);
const FAULT_MS = Number(process.env.CHAOS_FAULT_SECONDS ?? 30) * 1000;
const TIMEOUT_MS = Number(process.env.CHAOS_TIMEOUT_SECONDS ?? 1200) * 1000;

const run = randomUUID().slice(0, 8);
const tenant = `chaos-${run}`;
const t0 = Date.now();
const log = (m: string) => process.stderr.write(`[chaos +${((Date.now() - t0) / 1000).toFixed(0)}s] ${m}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const stack = (cmd: 'up' | 'down', component: string) =>
  execFileSync(path.join(REPO, 'stack/stack.sh'), [cmd, component], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });

interface Service {
  name: string;
  script: string;
  env: Record<string, string>;
  port: number;
  proc?: Started;
}

async function main(): Promise<void> {
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 2 });
  const es = new Elasticsearch({ node: ELASTICSEARCH_URL, maxRetries: 0, requestTimeout: 10_000 });
  const kafka = new kafkajs.Kafka({
    clientId: 'chaos',
    brokers: BROKERS,
    logLevel: kafkajs.logLevel.NOTHING,
  });
  const pgFaults = new PostgresFaults();
  const esProxy = new HttpFaultProxy(ELASTICSEARCH_URL);
  await esProxy.start();

  const key = (await new ApiKeyStore(pool, 0).create({ tenant, name: 'chaos-ingest', role: 'ingest' })).key;
  const groups = { processor: `chaos-absa-${run}`, pg: `chaos-pg-${run}`, es: `chaos-es-${run}` };
  const admin = kafka.admin();
  await admin.connect();
  for (const [group, topic] of [
    [groups.processor, TOPICS.rawText],
    [groups.pg, TOPICS.documents],
    [groups.es, TOPICS.documents],
  ] as const) {
    const offsets = await admin.fetchTopicOffsets(topic);
    await admin.setOffsets({
      groupId: group,
      topic,
      partitions: offsets.map((o) => ({ partition: o.partition, offset: o.high })),
    });
  }
  await admin.disconnect();

  const readers = {
    raw: new CommittedReader<RawDocument>(TOPICS.rawText, (d) => d.tenant === tenant),
    documents: new CommittedReader<DocumentSentiment>(TOPICS.documents, (d) => d.tenant === tenant),
    aspects: new CommittedReader<AspectMention>(TOPICS.aspects, (m) => m.tenant === tenant),
    rawDlq: new CommittedReader<DeadLetter>(dlqTopic(TOPICS.rawText), () => true),
    documentsDlq: new CommittedReader<DeadLetter>(dlqTopic(TOPICS.documents), () => true),
  };
  await Promise.all(Object.values(readers).map((r) => r.start()));

  const services: Record<string, Service> = {
    collector: {
      name: 'collector',
      script: 'producers/http/main.ts',
      env: { COLLECTOR_HTTP_RATE_LIMIT_RPS: '0' },
      port: await freePort(),
    },
    processor: {
      name: 'processor',
      script: 'stream-processors/absa/main.ts',
      env: { ABSA_GROUP_ID: groups.processor },
      port: await freePort(),
    },
    pg: {
      name: 'sink-postgres',
      script: 'sinks/postgres/main.ts',
      env: {
        SINK_POSTGRES_GROUP_ID: groups.pg,
        DATABASE_URL: FAULTS_DATABASE_URL,
        SINK_POSTGRES_RETRY_MAX_MS: '5000',
      },
      port: await freePort(),
    },
    es: {
      name: 'sink-elasticsearch',
      script: 'sinks/elasticsearch/main.ts',
      env: {
        SINK_ELASTICSEARCH_GROUP_ID: groups.es,
        ELASTICSEARCH_URL: esProxy.url,
        SINK_ELASTICSEARCH_RETRY_MAX_MS: '5000',
      },
      port: await freePort(),
    },
  };
  const portVar: Record<string, string> = {
    collector: 'COLLECTOR_HTTP_PORT',
    processor: 'ABSA_PORT',
    pg: 'SINK_POSTGRES_OPS_PORT',
    es: 'SINK_ELASTICSEARCH_OPS_PORT',
  };
  const start = (id: string) => {
    const s = services[id]!;
    s.proc = startProcess(s.script, [], { LOG_LEVEL: 'warn', ...s.env, [portVar[id]!]: String(s.port) });
  };
  const kill = async (id: string) => {
    const s = services[id]!;
    log(`SIGKILL ${s.name}`);
    s.proc?.child.kill('SIGKILL');
    await s.proc?.exited;
    start(id);
  };
  const healthy = async (s: Service) =>
    fetch(`http://127.0.0.1:${s.port}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
  for (const id of Object.keys(services)) start(id);
  for (const s of Object.values(services)) {
    while (!(await healthy(s))) {
      if (s.proc?.child.exitCode !== null)
        throw new Error(`${s.name} exited at start:\n${s.proc?.output().slice(-2000)}`);
      await sleep(500);
    }
  }
  log('pipeline up; sending');

  // The client: batches of 100 over HTTP, retrying anything but a 202 (as an upstream system would).
  const samples = readFileSync(path.join(REPO, 'producers/file/sample/reviews.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as { source: string; entity: string; text: string; lang?: string });
  const sent = new Set<string>();
  let retries = 0;
  const sending = (async () => {
    for (let i = 0; i < DOCUMENTS; i += 100) {
      const batch = Array.from({ length: Math.min(100, DOCUMENTS - i) }, (_, k) => {
        const s = samples[(i + k) % samples.length]!;
        return {
          source: s.source,
          source_id: `${run}-${i + k}`,
          entity: s.entity,
          text: s.text,
          created_at: '2026-11-20T10:00:00Z',
          ...(s.lang ? { lang: s.lang } : {}),
        };
      });
      for (;;) {
        const res = await fetch(`http://127.0.0.1:${services.collector!.port}/v1/documents`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-api-key': key },
          body: JSON.stringify({ documents: batch }),
        }).catch(() => undefined);
        if (res?.status === 202) {
          for (const a of ((await res.json()) as { accepted: { id: string }[] }).accepted) sent.add(a.id);
          break;
        }
        retries++;
        await sleep(1000);
      }
      await sleep(50);
    }
    log(`all ${DOCUMENTS} documents accepted (${retries} retried requests)`);
  })();

  // The fault schedule: every component once.
  const faults: string[] = [];
  const fault = async (what: string, f: () => Promise<void>) => {
    log(what);
    faults.push(what);
    await f();
  };
  const atDocuments = async (n: number) => {
    while (new Set(readers.documents.records.map((r) => r.value.event_id)).size < n) await sleep(500);
  };
  // While the client is still sending: its requests in flight fail and are re-sent to the new process.
  while (sent.size < DOCUMENTS * 0.2) await sleep(50);
  await fault(
    `HTTP collector SIGKILLed and restarted with ${sent.size} of ${DOCUMENTS} documents accepted`,
    () => kill('collector'),
  );
  await atDocuments(DOCUMENTS * 0.05);
  await fault('processor SIGKILLed', () => kill('processor'));
  await atDocuments(DOCUMENTS * 0.15);
  await fault(
    `schema registry stopped for ${FAULT_MS / 1000} s, the processor SIGKILLed meanwhile`,
    async () => {
      stack('down', 'registry');
      await sleep(5000);
      await kill('processor');
      await sleep(FAULT_MS);
      stack('up', 'registry');
    },
  );
  await atDocuments(DOCUMENTS * 0.3);
  await fault(`PostgreSQL read-only for ${FAULT_MS / 1000} s, its sink SIGKILLed meanwhile`, async () => {
    await pgFaults.readOnly(true);
    await sleep(FAULT_MS / 2);
    await kill('pg');
    await sleep(FAULT_MS / 2);
    await pgFaults.readOnly(false);
  });
  await fault(
    `Elasticsearch answering 401 for ${FAULT_MS / 1000} s, its sink SIGKILLed meanwhile`,
    async () => {
      await esProxy.set({ status: 401 });
      await sleep(FAULT_MS / 2);
      await kill('es');
      await sleep(FAULT_MS / 2);
      await esProxy.set('pass');
    },
  );
  await atDocuments(DOCUMENTS * 0.5);
  await fault('Kafka broker restarted', async () => {
    stack('down', 'kafka');
    await sleep(5000);
    stack('up', 'kafka');
  });
  await sending;

  // Drain: until everything sent is everywhere, or the timeout.
  const counts = async () => {
    const { rows } = await pool.query(
      `SELECT (SELECT count(*) FROM documents WHERE tenant = $1)::int AS documents,
              (SELECT count(*) FROM aspect_mentions WHERE tenant = $1)::int AS mentions`,
      [tenant],
    );
    const esCount = async (index: string) => {
      try {
        await es.indices.refresh({ index });
        return (await es.count({ index, query: { term: { tenant } } })).count;
      } catch {
        return -1;
      }
    };
    const docIds = readers.documents.records.map((r) => r.value.event_id);
    const mentionIds = readers.aspects.records.map((r) => r.value.mention_id);
    const tally = (ids: string[]) =>
      ids.reduce((m, id) => m.set(id, (m.get(id) ?? 0) + 1), new Map<string, number>());
    // A raw event published twice (a request the collector wrote to Kafka but could not answer 202
    // before it died, re-sent by the client) is analysed twice and so repeats its mentions; any other
    // repeat of a mention id means the processor emitted a mention twice for one input.
    const rawPerDocument = tally(readers.raw.records.map((r) => r.value.event_id));
    const documentOf = new Map(readers.aspects.records.map((r) => [r.value.mention_id, r.value.document_id]));
    let duplicateAspectEvents = 0;
    for (const [id, n] of tally(mentionIds))
      duplicateAspectEvents += Math.max(0, n - (rawPerDocument.get(documentOf.get(id)!) ?? 1));
    const ownDeadLetters = (r: CommittedReader<DeadLetter>) =>
      r.records.filter((d) => {
        const key = d.value.key?.toString() ?? '';
        return sent.has(key);
      });
    return {
      sent: sent.size,
      rawEvents: readers.raw.records.length,
      distinctRawEvents: rawPerDocument.size,
      documentEvents: docIds.length,
      distinctDocuments: new Set(docIds).size,
      aspectEvents: mentionIds.length,
      distinctMentions: new Set(mentionIds).size,
      duplicateAspectEvents,
      postgresDocuments: rows[0].documents as number,
      postgresMentions: rows[0].mentions as number,
      elasticsearchDocuments: await esCount('absa-documents'),
      elasticsearchMentions: await esCount('absa-mentions'),
      deadLetters: [...ownDeadLetters(readers.rawDlq), ...ownDeadLetters(readers.documentsDlq)].map(
        (d) => d.value.error_class,
      ),
    };
  };
  let c = await counts();
  const drained = (x: typeof c) =>
    x.distinctDocuments >= x.sent &&
    x.postgresDocuments >= x.sent &&
    x.elasticsearchDocuments >= x.sent &&
    x.postgresMentions >= x.distinctMentions &&
    x.elasticsearchMentions >= x.distinctMentions;
  while (!drained(c) && Date.now() - t0 < TIMEOUT_MS) {
    await sleep(3000);
    c = await counts();
  }
  await sleep(5000); // let anything that would be a duplicate arrive
  c = await counts();
  const elapsed = (Date.now() - t0) / 1000;

  const byClass = c.deadLetters.reduce<Record<string, number>>(
    (m, k) => ({ ...m, [k]: (m[k] ?? 0) + 1 }),
    {},
  );
  const lost =
    Math.max(0, c.sent - c.distinctDocuments) +
    Math.max(0, c.sent - c.postgresDocuments) +
    Math.max(0, c.sent - c.elasticsearchDocuments);
  // Every mention the processor emitted must be a row in PostgreSQL and a mention in Elasticsearch.
  const lostMentions =
    Math.max(0, c.distinctMentions - c.postgresMentions) +
    Math.max(0, c.distinctMentions - c.elasticsearchMentions);
  // One document event per raw event (a retried HTTP request may publish a raw event twice with the
  // same id; the processor must not add more), one row and one index document per document.
  const duplicates =
    Math.max(0, c.documentEvents - c.rawEvents) +
    Math.max(0, c.postgresDocuments - c.sent) +
    Math.max(0, c.elasticsearchDocuments - c.sent) +
    Math.max(0, c.postgresMentions - c.distinctMentions) +
    Math.max(0, c.elasticsearchMentions - c.distinctMentions) +
    c.duplicateAspectEvents;
  const table = [
    ['sent (accepted by the collector)', c.sent],
    ['raw events on text.raw.v1 (distinct)', `${c.rawEvents} (${c.distinctRawEvents})`],
    ['document events (distinct)', `${c.documentEvents} (${c.distinctDocuments})`],
    ['aspect events (distinct mentions)', `${c.aspectEvents} (${c.distinctMentions})`],
    ['documents in PostgreSQL', c.postgresDocuments],
    ['mentions in PostgreSQL', c.postgresMentions],
    ['documents in Elasticsearch', c.elasticsearchDocuments],
    ['mentions in Elasticsearch', c.elasticsearchMentions],
    ['lost documents', lost],
    ['lost mentions', lostMentions],
    ['duplicate aspect events (a mention id repeated beyond its raw event)', c.duplicateAspectEvents],
    ['duplicates (events, rows and index documents, all topics)', duplicates],
    [
      'dead letters by class',
      Object.keys(byClass).length
        ? Object.entries(byClass)
            .map(([k, n]) => `${k} ${n}`)
            .join(', ')
        : 'none',
    ],
    ['HTTP requests retried by the client', retries],
    ['elapsed', `${elapsed.toFixed(0)} s`],
  ];
  process.stdout.write(
    `\nFaults, in order:\n${faults.map((f, i) => `${i + 1}. ${f}`).join('\n')}\n\n| measure | value |\n|---|---|\n`,
  );
  for (const [k, v] of table) process.stdout.write(`| ${k} | ${v} |\n`);

  for (const s of Object.values(services)) s.proc?.child.kill('SIGTERM');
  await Promise.all(Object.values(services).map((s) => s.proc?.exited));
  await Promise.all(Object.values(readers).map((r) => r.stop()));
  await esProxy.stop();
  await pool.end();
  await es.close();
  const ok = lost === 0 && lostMentions === 0 && duplicates === 0 && c.deadLetters.length === 0;
  process.stdout.write(
    `\n${ok ? 'PASS' : 'FAIL'}: ${lost} documents lost, ${lostMentions} mentions lost, ${duplicates} duplicated (${c.duplicateAspectEvents} aspect events), ${c.deadLetters.length} good documents dead-lettered\n`,
  );
  process.exit(ok ? 0 : 1);
}

main().catch((err: unknown) => {
  process.stderr.write(`chaos run failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
