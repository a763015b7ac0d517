/**
 * Every topic of the pipeline, in code: partitions, retention, cleanup policy, min.insync.replicas,
 * and the schema of its values. `npm run topics` applies them (schemas/apply-topics.ts).
 *
 * Replication factor and min.insync.replicas come from config (TOPIC_REPLICATION_FACTOR,
 * TOPIC_MIN_INSYNC_REPLICAS) so one definition fits the one-broker local stack (1/1) and a cluster
 * (3/2). Producers use acks=all, so min.insync.replicas is what makes "acknowledged" mean "on N brokers".
 */
import type { SchemaName } from './index';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface TopicDefinition {
  name: string;
  partitions: number;
  /** Avro value schema, registered as `<name>-value`; none for a service's own JSON changelog. */
  valueSchema?: SchemaName;
  /** Topic configs besides replication settings (applied as given). */
  config: Record<string, string>;
  doc: string;
}

export const TOPICS = {
  rawText: 'text.raw.v1',
  documents: 'sentiment.documents.v1',
  aspects: 'sentiment.aspects.v1',
  alerts: 'sentiment.alerts.v1',
  alertTallies: 'alerts.tallies.v1',
  alertState: 'alerts.state.v1',
} as const;

export function dlqTopic(topic: string): string {
  return `${topic}.dlq`;
}

const deleteAfter = (days: number): Record<string, string> => ({
  'cleanup.policy': 'delete',
  'retention.ms': String(days * DAY_MS),
});

const MAIN_TOPICS: TopicDefinition[] = [
  {
    name: TOPICS.rawText,
    partitions: 6,
    valueSchema: 'rawDocument',
    config: { ...deleteAfter(7), 'max.message.bytes': String(1024 * 1024) },
    doc: 'Raw text from the collectors; kept 7 days so the processor can be replayed after a fix.',
  },
  {
    name: TOPICS.documents,
    partitions: 6,
    valueSchema: 'documentSentiment',
    config: { ...deleteAfter(30), 'max.message.bytes': String(2 * 1024 * 1024) },
    doc: 'Analysed documents (public contract); 30 days so a new sink can be back-filled.',
  },
  {
    name: TOPICS.aspects,
    partitions: 6,
    valueSchema: 'aspectMention',
    config: deleteAfter(30),
    doc: 'One record per aspect mention (public contract).',
  },
  {
    name: TOPICS.alerts,
    partitions: 1,
    valueSchema: 'alert',
    config: deleteAfter(90),
    doc: 'Alerts (public contract); low volume, one partition keeps them in order.',
  },
  {
    name: TOPICS.alertTallies,
    partitions: 6,
    valueSchema: 'aspectTally',
    config: deleteAfter(7),
    doc: 'Internal to the alert service: hourly aspect tallies re-keyed by tenant and entity.',
  },
];

/** Internal state, not a contract: the alert service's window state, restored on every assignment. */
const STATE_TOPICS: TopicDefinition[] = [
  {
    name: TOPICS.alertState,
    partitions: 6,
    config: { 'cleanup.policy': 'compact', 'min.compaction.lag.ms': String(60 * 60 * 1000) },
    doc: 'Internal to the alert service: its window state per entity (JSON, compacted; one partition per tallies partition).',
  },
];

/** Every main topic has a dead-letter topic; kept longer than its source so nothing is lost before a person looks. */
const DLQ_TOPICS: TopicDefinition[] = MAIN_TOPICS.map((t) => ({
  name: dlqTopic(t.name),
  partitions: 1,
  valueSchema: 'deadLetter',
  config: { ...deleteAfter(30), 'max.message.bytes': String(4 * 1024 * 1024) },
  doc: `Messages from ${t.name} that could not be processed, with the original bytes.`,
}));

export const TOPIC_DEFINITIONS: readonly TopicDefinition[] = [...MAIN_TOPICS, ...DLQ_TOPICS, ...STATE_TOPICS];

export function topicDefinition(name: string): TopicDefinition {
  const def = TOPIC_DEFINITIONS.find((t) => t.name === name);
  if (!def) throw new Error(`no topic definition named ${name}`);
  return def;
}
