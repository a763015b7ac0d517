/**
 * `npm run -s import -- <file.jsonl|file.csv> --source <name> --tenant <tenant> [--entity <entity>]`
 * Progress on stderr; the summary (read, published, rejected) on stdout. Exit 0 when everything was
 * published or rejected with a reason, 1 when Kafka could not take the documents, 2 for bad usage.
 */
import { parseArgs } from 'node:util';
import { existsSync } from 'node:fs';
import { loadConfig } from '../../common/config/index';
import { createKafka } from '../../common/kafka/client';
import { RegistryClient } from '../../common/kafka/registry';
import { createLogger } from '../../common/logging/index';
import { TENANT_PATTERN } from '../../common/apikeys/store';
import { RawDocumentPublisher } from '../publisher';
import { fileImportConfigSpec } from './config';
import { ImportAbortedError, runImport, type ImportSummary } from './importer';
import { Progress } from './progress';
import { CsvHeaderError } from './records';
import { createdAtBounds } from '../../schemas/bounds';

const USAGE = 'usage: import <file.jsonl|file.csv> --source <name> --tenant <tenant> [--entity <entity>]';

function usage(message: string): never {
  process.stderr.write(`import: ${message}\n${USAGE}\n`);
  process.exit(2);
}

function printSummary(s: ImportSummary): void {
  process.stdout.write(
    `read ${s.read}, published ${s.published}, rejected ${s.rejected}${s.rejectsFile ? ` (reasons in ${s.rejectsFile})` : ''}\n`,
  );
}

let args: ReturnType<
  typeof parseArgs<{
    options: { source: { type: 'string' }; tenant: { type: 'string' }; entity: { type: 'string' } };
    allowPositionals: true;
  }>
>;
try {
  args = parseArgs({
    args: process.argv.slice(2),
    options: { source: { type: 'string' }, tenant: { type: 'string' }, entity: { type: 'string' } },
    allowPositionals: true,
  });
} catch (err) {
  usage((err as Error).message);
}
const [file, ...extra] = args.positionals;
if (!file) usage('no file given');
if (extra.length) usage(`unexpected argument(s): ${extra.join(' ')}`);
if (!existsSync(file)) usage(`file not found: ${file}`);
if (!args.values.source) usage('--source is required');
if (!args.values.tenant) usage('--tenant is required');
if (!TENANT_PATTERN.test(args.values.tenant))
  usage(`--tenant '${args.values.tenant}' must be lower-case letters, digits, '-' or '_'`);

const config = loadConfig(fileImportConfigSpec);
// Logs go to stderr so stdout carries only the summary.
const logger = createLogger({ service: 'import', level: config.logLevel, stream: process.stderr });
const kafka = createKafka('aspect-stream-import', config, logger);
const publisher = new RawDocumentPublisher(kafka, new RegistryClient(config.schemaRegistryUrl), logger, {
  timeoutMs: config.kafkaTimeoutMs,
});

try {
  const summary = await runImport({
    file,
    source: args.values.source,
    tenant: args.values.tenant,
    entity: args.values.entity,
    batchSize: config.batchSize,
    retries: config.retries,
    publisher,
    logger,
    progress: new Progress(),
    createdAt: createdAtBounds(config),
  });
  printSummary(summary);
} catch (err) {
  if (err instanceof ImportAbortedError) {
    printSummary(err.summary);
    process.stderr.write(`import stopped: ${err.message}\n`);
    process.exitCode = 1;
  } else if (err instanceof CsvHeaderError) {
    process.stderr.write(`import: ${err.message}\n`);
    process.exitCode = 2;
  } else {
    process.stderr.write(`import failed: ${(err as Error).message}\n`);
    process.exitCode = 1;
  }
} finally {
  await publisher.close();
}
