/**
 * `npm run -s reprocess -- --from <ISO time|earliest> [--tenant t]`
 *
 * Re-runs the current model over the raw events still retained in `text.raw.v1` and writes fresh
 * document and aspect events (stamped with the current model version), so an upgraded model can
 * backfill history. It reads with a consumer group of its own, from the given time up to the end
 * offsets seen at start, with the same transactions as the processor, then exits.
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../../common/config/index';
import { createLogger } from '../../common/logging/index';
import { absaProcessorConfigSpec } from './config';
import { AbsaProcessor } from './processor';
import { buildProcessorParts } from './wiring';

const SERVICE = 'absa-reprocess';

function usage(problem: string): never {
  process.stderr.write(
    `${problem}\nusage: npm run -s reprocess -- --from <ISO time|earliest> [--tenant <tenant>]\n`,
  );
  process.exit(2);
}

const { values } = parseArgs({
  options: { from: { type: 'string' }, tenant: { type: 'string' } },
  strict: true,
});
if (!values.from) usage('--from is required');
const fromTimestamp = values.from === 'earliest' ? 0 : Date.parse(values.from);
if (Number.isNaN(fromTimestamp)) usage(`--from must be an ISO time or "earliest", got "${values.from}"`);

const config = loadConfig(absaProcessorConfigSpec);
const logger = createLogger({ service: SERVICE, level: config.logLevel });

async function main(): Promise<void> {
  const parts = await buildProcessorParts(config, logger, SERVICE);
  const runId = `${Date.now()}`;
  const admin = parts.kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(config.inputTopic);
  await admin.disconnect();
  // Only partitions with something to read need to reach their end.
  const stopAt = new Map(
    ends.filter((e) => BigInt(e.high) > BigInt(e.low)).map((e) => [e.partition, BigInt(e.high)]),
  );
  if (stopAt.size === 0) {
    process.stderr.write(`nothing retained in ${config.inputTopic}; nothing to reprocess\n`);
    return;
  }
  let caughtUp!: () => void;
  const finished = new Promise<void>((resolve) => (caughtUp = resolve));
  const groupId = `${config.groupId}-reprocess-${runId}`;
  const processor = new AbsaProcessor(
    parts.kafka,
    parts.registry,
    parts.analyzer,
    {
      groupId,
      inputTopic: config.inputTopic,
      transactionalIdPrefix: groupId,
      chunkSize: config.chunkSize,
      partitionsConcurrently: config.partitionsConcurrently,
      maxBytesPerPartition: config.maxBytesPerPartition,
      tenant: values.tenant,
      fromTimestamp,
      stopAt,
      onCaughtUp: caughtUp,
    },
    logger,
    parts.metrics,
    parts.processorMetrics,
    SERVICE,
  );
  await processor.start();
  await finished;
  await processor.stop();
  await parts.closeModels();
  const produced = await parts.metrics.registry.getSingleMetricAsString(
    'absa_processor_documents_produced_total',
  );
  process.stderr.write(
    `reprocessed ${config.inputTopic} from ${values.from} with ${parts.primaryModel.info.name} ${parts.primaryModel.info.version}\n${produced}\n`,
  );
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    logger.error('reprocessing failed', { error: err });
    process.exit(1);
  },
);
