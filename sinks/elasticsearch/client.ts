import { Client } from '@elastic/elasticsearch';
import type { ElasticsearchSettings } from './config';

/** An Elasticsearch client from config; retries are ours (the sink's backoff), not the client's. */
export function createElasticsearchClient(settings: ElasticsearchSettings): Client {
  return new Client({
    node: settings.elasticsearchUrl,
    requestTimeout: settings.elasticsearchRequestTimeoutMs,
    maxRetries: 0,
    compression: false,
    ...(settings.elasticsearchApiKey
      ? { auth: { apiKey: settings.elasticsearchApiKey } }
      : settings.elasticsearchUsername
        ? { auth: { username: settings.elasticsearchUsername, password: settings.elasticsearchPassword } }
        : {}),
  });
}

/** Readiness probe: the cluster answers and is not red. */
export async function pingElasticsearch(client: Client): Promise<void> {
  const health = await client.cluster.health({ timeout: '1s' }, { requestTimeout: 2000 });
  if (health.status === 'red') throw new Error('cluster health is red');
}
