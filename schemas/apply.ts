/**
 * Applies the contracts: creates missing topics (reporting drift on existing ones without changing
 * them) and registers every topic's value schema under `<topic>-value` with BACKWARD compatibility.
 * Idempotent; `npm run topics` runs it (and `make up` after the stack is healthy).
 */
import type { Admin } from 'kafkajs';
import { ensureTopics, type EnsureTopicsResult, type TopicSpec } from '../common/kafka/topics';
import { valueSubject, type RegistryClient } from '../common/kafka/registry';
import { schemas } from './index';
import { TOPIC_DEFINITIONS, type TopicDefinition } from './topics';

export function topicSpecs(
  settings: { replicationFactor: number; minInsyncReplicas: number },
  definitions: readonly TopicDefinition[] = TOPIC_DEFINITIONS,
): TopicSpec[] {
  return definitions.map((d) => ({
    name: d.name,
    partitions: d.partitions,
    replicationFactor: settings.replicationFactor,
    config: { ...d.config, 'min.insync.replicas': String(settings.minInsyncReplicas) },
  }));
}

export async function applyTopics(
  admin: Admin,
  settings: { replicationFactor: number; minInsyncReplicas: number },
): Promise<EnsureTopicsResult> {
  return ensureTopics(admin, topicSpecs(settings));
}

export async function registerTopicSchemas(
  registry: RegistryClient,
  definitions: readonly TopicDefinition[] = TOPIC_DEFINITIONS,
): Promise<Array<{ subject: string; id: number }>> {
  const out: Array<{ subject: string; id: number }> = [];
  for (const d of definitions) {
    if (!d.valueSchema) continue;
    const subject = valueSubject(d.name);
    out.push({ subject, id: await registry.registerSchema(subject, schemas[d.valueSchema]) });
  }
  return out;
}
