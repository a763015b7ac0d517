/** `npm run migrate`: applies pending migrations to DATABASE_URL. */
import { loadConfig } from '../config/index';
import { createLogger } from '../logging/index';
import { migrateConfigSpec } from './config';
import { createPool } from './pool';
import { migrate } from './migrate';

async function main(): Promise<void> {
  const config = loadConfig(migrateConfigSpec);
  const logger = createLogger({ service: 'migrate', level: config.logLevel });
  const pool = createPool(config, 'aspect-stream-migrate', logger);
  try {
    const result = await migrate(pool, {
      log: (m) => logger.info(m, { event: { action: 'migration-applied' } }),
    });
    logger.info(`migrations: ${result.applied.length} applied, ${result.alreadyApplied} already applied`, {
      event: { action: 'migrations-done', outcome: 'success' },
    });
  } finally {
    await pool.end();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`migrate failed: ${(err as Error).message}\n`);
  process.exit(1);
});
