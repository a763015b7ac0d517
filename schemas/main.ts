/** `npm run topics`: see apply.ts. Exits 0 with drift reported as warnings; 1 when anything fails. */
import { loadConfig } from '../common/config/index';
import { createLogger } from '../common/logging/index';
import { createKafka } from '../common/kafka/client';
import { RegistryClient } from '../common/kafka/registry';
import { topicsConfigSpec } from './config';
import { applyTopics, registerTopicSchemas } from './apply';

const config = loadConfig(topicsConfigSpec);
const logger = createLogger({ service: 'topics', level: config.logLevel });

async function main(): Promise<void> {
  const kafka = createKafka('aspect-stream-topics', config, logger);
  const admin = kafka.admin();
  await admin.connect();
  try {
    const result = await applyTopics(admin, config);
    for (const t of result.created)
      logger.info(`created topic ${t}`, { event: { action: 'topic-created' }, kafka: { topic: t } });
    for (const d of result.drift) {
      logger.warn(
        `topic ${d.topic}: ${d.setting} is ${d.actual}, definition says ${d.expected} (left unchanged)`,
        {
          event: { action: 'topic-drift' },
          kafka: { topic: d.topic },
          labels: { setting: d.setting, expected: d.expected, actual: d.actual },
        },
      );
    }
    logger.info(
      `topics: ${result.created.length} created, ${result.existing.length} already present, ${result.drift.length} drifted settings`,
      { event: { action: 'topics-applied', outcome: 'success' } },
    );
  } finally {
    await admin.disconnect();
  }
  const registry = new RegistryClient(config.schemaRegistryUrl);
  for (const { subject, id } of await registerTopicSchemas(registry)) {
    logger.info(`schema ${subject} registered (id ${id}, BACKWARD)`, {
      event: { action: 'schema-registered' },
    });
  }
}

main().catch((err: unknown) => {
  logger.error(`topics failed: ${(err as Error).message}`, {
    err,
    event: { action: 'topics-applied', outcome: 'failure' },
  });
  process.exitCode = 1;
});
