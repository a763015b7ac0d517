/**
 * `npm run sink:elasticsearch`: sentiment.documents.v1 → Elasticsearch (absa-documents and
 * absa-mentions, monthly indices). Serves /metrics, /healthz and /readyz on
 * SINK_ELASTICSEARCH_OPS_PORT. On SIGTERM/SIGINT it finishes the in-flight bulk, commits its offset,
 * leaves the consumer group and exits 0.
 */
import { loadConfig } from '../../common/config/index';
import { createLogger } from '../../common/logging/index';
import { createMetrics } from '../../common/metrics/index';
import { runSinkProcess } from '../shared/process';
import { elasticsearchSinkConfigSpec } from './config';
import { startElasticsearchSink } from './service';

const SERVICE = 'sink-elasticsearch';
const config = loadConfig(elasticsearchSinkConfigSpec);
const logger = createLogger({ service: SERVICE, level: config.logLevel });
const metrics = createMetrics(SERVICE);

runSinkProcess({
  service: SERVICE,
  logger,
  metrics,
  opsPort: config.opsPort,
  shutdownTimeoutMs: config.shutdownTimeoutMs,
  start: () => startElasticsearchSink(config, { logger, metrics }),
});
