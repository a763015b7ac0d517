/**
 * Shared by the sink integration tests and the sink benchmark: synthetic sentiment.documents.v1
 * events (deterministic for a given tenant and index, so producing them again is a replay), a
 * producer that writes them to the real topic with the registry's schema, consumer-group offsets set
 * to "now" so a sink sees only this run's events, and a dead-letter reader.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { createIdempotentProducer } from '../../common/kafka/client';
import { RegistryClient, valueSubject } from '../../common/kafka/registry';
import { schemas, type AspectPolarity, type DeadLetter, type DocumentSentiment } from '../../schemas/index';

export const KAFKA_BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
export const REGISTRY_URL = process.env.SCHEMA_REGISTRY_URL ?? 'http://127.0.0.1:8081/apis/ccompat/v7';
export const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://absa:absa@127.0.0.1:5432/absa';
export const ELASTICSEARCH_URL = process.env.ELASTICSEARCH_URL ?? 'http://127.0.0.1:9200';

export function uniqueTenant(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6).toString(36)}`;
}

/** A UUID-shaped id derived from the parts (stable: the same parts give the same id). */
export function stableUuid(...parts: Array<string | number>): string {
  const h = createHash('sha256').update(parts.join('|')).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const ASPECTS = [
  { term: 'battery', normalized: 'battery life', category: 'hardware' },
  { term: 'screen', normalized: 'display', category: 'hardware' },
  { term: 'price', normalized: 'price', category: 'price' },
  { term: 'support', normalized: 'customer service', category: 'service' },
  { term: 'delivery', normalized: 'delivery', category: 'logistics' },
  { term: 'app', normalized: 'software', category: null },
] as const;
const POLARITIES: AspectPolarity[] = ['positive', 'negative', 'neutral', 'positive', 'negative'];
const WORDS: Record<AspectPolarity, string> = {
  positive: 'is great',
  negative: 'is terrible',
  neutral: 'is fine',
  conflict: 'is good and bad',
};

/** A unit vector of 384 floats, different per seed. */
export function embeddingFor(seed: number): number[] {
  const v = Array.from({ length: 384 }, (_, i) => Math.sin(seed * 7.31 + i * 0.37) + 0.05);
  const norm = Math.hypot(...v);
  return v.map((x) => Math.fround(x / norm));
}

export interface DocumentOptions {
  createdAt?: number;
  aspects?: number;
  entity?: string | null;
}

/** Document `i` of a tenant: `aspects` sentences (default 3), one aspect each. */
export function makeDocument(tenant: string, i: number, options: DocumentOptions = {}): DocumentSentiment {
  const n = options.aspects ?? 3;
  const createdAt = options.createdAt ?? Date.UTC(2026, 10, 1) + i * 60_000;
  const eventId = stableUuid(tenant, 'doc', i);
  let text = '';
  const sentences: DocumentSentiment['sentences'] = [];
  const aspects: DocumentSentiment['aspects'] = [];
  for (let k = 0; k < n; k++) {
    const a = ASPECTS[(i + k) % ASPECTS.length]!;
    const polarity = POLARITIES[(i * 3 + k) % POLARITIES.length]!;
    if (text) text += ' ';
    const start = text.length;
    const sentence = `The ${a.term} ${WORDS[polarity]} (#${i}).`;
    text += sentence;
    sentences.push({ index: k, start, end: start + sentence.length });
    const termStart = start + 4;
    aspects.push({
      mention_id: stableUuid(eventId, termStart, termStart + a.term.length),
      term: a.term,
      start: termStart,
      end: termStart + a.term.length,
      sentence_index: k,
      normalized_aspect: a.normalized,
      category: a.category,
      polarity,
      confidence: Math.fround(0.5 + ((i + k) % 50) / 100),
    });
  }
  return {
    event_id: eventId,
    tenant,
    source: 'reviews',
    source_id: `src-${i}`,
    entity: options.entity === undefined ? `product-${i % 5}` : options.entity,
    author_id: `author-${i % 17}`,
    url: `https://example.org/r/${i}`,
    text,
    metadata: { batch: String(Math.floor(i / 100)) },
    created_at: createdAt,
    ingested_at: createdAt + 1000,
    processed_at: createdAt + 2000,
    status: 'ok',
    lang: 'en',
    lang_confidence: Math.fround(0.99),
    model: { name: 'absa-test-model', version: '0.0.1' },
    taxonomy_version: 'test-1',
    sentiment: {
      polarity: 'mixed',
      confidence: Math.fround(0.6),
      positive: Math.fround(0.4),
      negative: Math.fround(0.4),
      neutral: Math.fround(0.2),
    },
    sentences,
    aspects,
    embedding: embeddingFor(i + tenant.length),
    embedding_model: 'all-MiniLM-L6-v2-q',
  };
}

/**
 * A Korean review as the processor sends it (lang `ko`): two sentences, one aspect each, with
 * particles after the aspect words ("배터리가", "화면은"), as people write them.
 */
export function makeKoreanDocument(
  tenant: string,
  i: number,
  options: DocumentOptions = {},
): DocumentSentiment {
  const base = makeDocument(tenant, i, { ...options, aspects: 0 });
  const text = '배터리가 오래가서 좋아요 화면은 좀 어둡네요';
  const aspect = (term: string, sentence: number, polarity: AspectPolarity) => {
    const start = text.indexOf(term);
    return {
      mention_id: stableUuid(base.event_id, start, start + term.length),
      term,
      start,
      end: start + term.length,
      sentence_index: sentence,
      normalized_aspect: term,
      category: 'hardware',
      polarity,
      confidence: Math.fround(0.9),
    };
  };
  return {
    ...base,
    text,
    lang: 'ko',
    sentences: [
      { index: 0, start: 0, end: 13 },
      { index: 1, start: 14, end: text.length },
    ],
    aspects: [aspect('배터리', 0, 'positive'), aspect('화면', 1, 'negative')],
  };
}

export function testKafka(): Kafka {
  return new Kafka({ clientId: 'sinks-test', brokers: KAFKA_BROKERS, logLevel: logLevel.NOTHING });
}

/** Produces events (Avro, the topic's registered schema, key = event_id) in chunks; also raw values. */
export class EventProducer {
  private readonly producer;
  readonly registry = new RegistryClient(REGISTRY_URL);
  private schemaId?: number;

  constructor(
    kafka: Kafka,
    readonly topic: string,
  ) {
    this.producer = createIdempotentProducer(kafka);
  }

  async connect(): Promise<void> {
    await this.producer.connect();
    this.schemaId = await this.registry.registerSchema(valueSubject(this.topic), schemas.documentSentiment);
  }

  async encode(doc: DocumentSentiment): Promise<Buffer> {
    return this.registry.encode(this.schemaId!, doc);
  }

  async send(docs: DocumentSentiment[], chunk = 500): Promise<void> {
    for (let i = 0; i < docs.length; i += chunk) {
      const part = docs.slice(i, i + chunk);
      const messages = await Promise.all(
        part.map(async (d) => ({ key: d.event_id, value: await this.encode(d) })),
      );
      await this.producer.send({ topic: this.topic, acks: -1, messages });
    }
  }

  async sendRaw(key: string, value: Buffer): Promise<void> {
    await this.producer.send({ topic: this.topic, acks: -1, messages: [{ key, value }] });
  }

  async close(): Promise<void> {
    await this.producer.disconnect();
  }
}

/** Points `groupId` at the current end of `topic`, so a consumer of that group sees only newer events. */
export async function startGroupAtEnd(admin: Admin, groupId: string, topic: string): Promise<void> {
  const offsets = await admin.fetchTopicOffsets(topic);
  await admin.setOffsets({
    groupId,
    topic,
    partitions: offsets.map((o) => ({ partition: o.partition, offset: o.high })),
  });
}

/** Current end offsets of a topic, for reading only what is appended afterwards. */
export async function endOffsets(admin: Admin, topic: string): Promise<Map<number, string>> {
  return new Map((await admin.fetchTopicOffsets(topic)).map((o) => [o.partition, o.high]));
}

/** Reads dead letters appended to `dlqTopic` after `from`, until `count` with keys in `keys` arrived. */
export async function readDeadLetters(
  kafka: Kafka,
  dlqTopic: string,
  from: Map<number, string>,
  keys: Set<string>,
  timeoutMs = 30_000,
): Promise<Array<{ key: string; envelope: DeadLetter }>> {
  const registry = new RegistryClient(REGISTRY_URL);
  const groupId = `sinks-test-dlq-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.setOffsets({
    groupId,
    topic: dlqTopic,
    partitions: [...from].map(([partition, offset]) => ({ partition, offset })),
  });
  await admin.disconnect();
  const consumer = kafka.consumer({ groupId });
  const found: Array<{ key: string; envelope: DeadLetter }> = [];
  await consumer.connect();
  await consumer.subscribe({ topic: dlqTopic });
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    void consumer.run({
      eachMessage: async ({ message }) => {
        const key = message.key?.toString() ?? '';
        if (!keys.has(key)) return;
        found.push({ key, envelope: await registry.decode<DeadLetter>(message.value!) });
        if (found.length >= keys.size) {
          clearTimeout(timer);
          resolve();
        }
      },
    });
  });
  await consumer.disconnect();
  return found;
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 60_000,
  intervalMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await probe();
  while (!done(last)) {
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, intervalMs));
    last = await probe();
  }
  return last;
}

/** Runs a sink's real entry point as a child process (its ECS log lines are kept for failures). */
export function spawnSink(script: string, env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    lines.push(...chunk.toString().split('\n').filter(Boolean));
    if (lines.length > 2000) lines.splice(0, lines.length - 2000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    lines,
    exited,
    /** SIGTERM, then the exit code (null when it had to be killed after `timeoutMs`). */
    async terminate(timeoutMs = 30_000): Promise<number | null> {
      if (child.exitCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** `stack/stack.sh <cmd> <component>`, output kept for the test log. */
export function stack(cmd: 'up' | 'down', component: string): string {
  return execFileSync('stack/stack.sh', [cmd, component], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 300_000,
  });
}

export function freePort(): number {
  return 20_000 + Math.floor(Math.random() * 20_000);
}

export const sleepMs = (ms: number) => new Promise((r) => setTimeout(r, ms));
