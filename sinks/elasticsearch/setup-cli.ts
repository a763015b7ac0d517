/** `npm run es:setup`: installs the index templates (idempotent); `make up` runs it, the sink too. */
import { loadConfig } from '../../common/config/index';
import { RETRY_POLICIES, retry } from '../../common/errors/index';
import { createLogger } from '../../common/logging/index';
import { elasticsearchSetupConfigSpec } from './config';
import { createElasticsearchClient, setUpIndices } from './setup';

const config = loadConfig(elasticsearchSetupConfigSpec);
const logger = createLogger({ service: 'es-setup', level: config.logLevel });

async function main(): Promise<void> {
  const client = createElasticsearchClient(config);
  try {
    const names = await retry(() => setUpIndices(client, config), { retries: 10, ...RETRY_POLICIES.startup });
    logger.info(`index templates installed: ${names.join(', ')}`, {
      event: { action: 'es-templates-installed', outcome: 'success' },
    });
  } finally {
    await client.close();
  }
}

main().catch((err: unknown) => {
  logger.error(`es:setup failed: ${(err as Error).message}`, {
    err,
    event: { action: 'es-templates-installed', outcome: 'failure' },
  });
  process.exitCode = 1;
});
