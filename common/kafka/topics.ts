/**
 * Idempotent topic management: creates missing topics and reports drift (partitions, replication,
 * configs) on existing ones without changing or deleting anything. Changing a live topic (more
 * partitions moves keys; shorter retention deletes data) is a decision for a person.
 */
import kafkajs, { type Admin } from 'kafkajs';

const { ConfigResourceTypes } = kafkajs;

export interface TopicSpec {
  name: string;
  partitions: number;
  replicationFactor: number;
  config: Record<string, string>;
}

export interface TopicDrift {
  topic: string;
  setting: string;
  expected: string;
  actual: string;
}

export interface EnsureTopicsResult {
  created: string[];
  existing: string[];
  drift: TopicDrift[];
}

export async function ensureTopics(admin: Admin, specs: TopicSpec[]): Promise<EnsureTopicsResult> {
  const present = new Set(await admin.listTopics());
  const missing = specs.filter((s) => !present.has(s.name));
  const existing = specs.filter((s) => present.has(s.name));

  if (missing.length > 0) {
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((s) => ({
        topic: s.name,
        numPartitions: s.partitions,
        replicationFactor: s.replicationFactor,
        configEntries: Object.entries(s.config).map(([name, value]) => ({ name, value })),
      })),
    });
  }

  const drift: TopicDrift[] = [];
  if (existing.length > 0) {
    const { topics } = await admin.fetchTopicMetadata({ topics: existing.map((s) => s.name) });
    const described = await admin.describeConfigs({
      includeSynonyms: false,
      resources: existing.map((s) => ({
        type: ConfigResourceTypes.TOPIC,
        name: s.name,
        configNames: Object.keys(s.config),
      })),
    });
    for (const spec of existing) {
      const meta = topics.find((t) => t.name === spec.name);
      if (meta) {
        if (meta.partitions.length !== spec.partitions) {
          drift.push({
            topic: spec.name,
            setting: 'partitions',
            expected: String(spec.partitions),
            actual: String(meta.partitions.length),
          });
        }
        const rf = Math.min(...meta.partitions.map((p) => p.replicas.length));
        if (rf !== spec.replicationFactor) {
          drift.push({
            topic: spec.name,
            setting: 'replication.factor',
            expected: String(spec.replicationFactor),
            actual: String(rf),
          });
        }
      }
      const resource = described.resources.find((r) => r.resourceName === spec.name);
      for (const [name, expected] of Object.entries(spec.config)) {
        const actual = resource?.configEntries.find((e) => e.configName === name)?.configValue ?? '(unset)';
        if (actual !== expected) drift.push({ topic: spec.name, setting: name, expected, actual });
      }
    }
  }
  return { created: missing.map((s) => s.name), existing: existing.map((s) => s.name), drift };
}
