/**
 * The Elasticsearch sink as a unit: templates at start-up, the shared consume → write → commit loop
 * over sentiment.documents.v1 with bulk writes, and a stop that finishes the in-flight batch.
 */
import type { Client } from '@elastic/elasticsearch';
import { createKafka } from '../../common/kafka/client';
import { RegistryClient } from '../../common/kafka/registry';
import type { Logger } from '../../common/logging/index';
import type { Metrics, ReadinessCheck } from '../../common/metrics/index';
import type { DocumentSentiment } from '../../schemas/index';
import { SinkRunner } from '../shared/runner';
import type { ElasticsearchSinkConfig } from './config';
import { elasticsearchSinkMetrics } from './metrics';
import { createElasticsearchClient, pingElasticsearch, setUpIndices } from './setup';
import { ElasticsearchDocumentWriter } from './writer';

export const PROCESSOR = { name: 'sink-elasticsearch', version: process.env.npm_package_version };

export interface ElasticsearchSink {
  readonly client: Client;
  readonly writer: ElasticsearchDocumentWriter;
  readonly runner: SinkRunner<DocumentSentiment>;
  readonly readiness: ReadinessCheck[];
  stop(): Promise<void>;
}

export async function startElasticsearchSink(
  config: ElasticsearchSinkConfig,
  deps: { logger: Logger; metrics: Metrics },
): Promise<ElasticsearchSink> {
  const { logger } = deps;
  const client = createElasticsearchClient(config);
  const writer = new ElasticsearchDocumentWriter(
    client,
    { indexPrefix: config.indexPrefix, retryInitialMs: config.retryInitialMs, retryMaxMs: config.retryMaxMs },
    elasticsearchSinkMetrics(deps.metrics),
  );
  const registry = new RegistryClient(config.schemaRegistryUrl);
  const runner = new SinkRunner<DocumentSentiment>({
    ...PROCESSOR,
    kafka: createKafka('sink-elasticsearch', config, logger),
    registry,
    logger,
    metrics: deps.metrics,
    topics: [config.topic],
    settings: config,
    writer,
  });

  if (config.setup) {
    // Started while Elasticsearch is down, the sink waits for it (and says so in /readyz).
    const names = await runner.untilAvailable('elasticsearch', () => setUpIndices(client, config));
    logger.info(`index templates installed: ${names.join(', ')}`, {
      event: { action: 'es-templates-installed' },
    });
  }

  await runner.start();
  logger.info(`Elasticsearch sink consuming ${config.topic} as group ${config.groupId}`, {
    event: { action: 'sink-started' },
  });

  return {
    client,
    writer,
    runner,
    readiness: [{ name: 'elasticsearch', check: () => pingElasticsearch(client) }, ...runner.readiness()],
    async stop() {
      await runner.stop();
      await client.close();
    },
  };
}
