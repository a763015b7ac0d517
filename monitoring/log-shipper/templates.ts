/**
 * The index template of the logs: daily indices `<alias>-YYYY.MM.DD` behind the alias `<alias>`
 * (`absa-logs`), with the ECS fields the services write mapped explicitly. Other fields stay in
 * `_source` unindexed (`dynamic: false`), so a new field never changes the mapping or refuses a line.
 *
 * Retention: this Elasticsearch distribution has no ILM (docs/adr/0001-local-stack.md), so the
 * shipper deletes daily indices older than LOG_SHIPPER_RETENTION_DAYS itself; the template records
 * the setting in `_meta`.
 */
import type { Client } from '@elastic/elasticsearch';

export const LOGS_TEMPLATE_VERSION = 1;

const keyword = { type: 'keyword', ignore_above: 1024 } as const;
const text = { type: 'text' } as const;
const long = { type: 'long' } as const;

/** ECS field mappings of the logs (https://www.elastic.co/guide/en/ecs/current/ecs-field-reference.html). */
export const logsMappings = {
  dynamic: false,
  // labels.* are ECS keyword labels (tenant, sink, key_prefix, ...).
  dynamic_templates: (['string', 'long', 'double'] as const).map((t) => ({
    [`labels_${t}`]: {
      path_match: 'labels.*',
      match_mapping_type: t,
      mapping: { type: 'keyword', ignore_above: 1024 },
    },
  })),
  properties: {
    '@timestamp': { type: 'date' },
    message: { type: 'text', fields: { keyword: { type: 'keyword', ignore_above: 256 } } },
    ecs: { properties: { version: keyword } },
    log: { properties: { level: keyword, logger: keyword, file: { properties: { path: keyword } } } },
    service: { properties: { name: keyword, version: keyword } },
    event: {
      properties: {
        action: keyword,
        outcome: keyword,
        duration: long,
        ingested: { type: 'date' },
        original: { type: 'keyword', index: false, doc_values: false },
      },
    },
    error: {
      properties: {
        type: keyword,
        message: text,
        stack_trace: { type: 'text', index: false },
        code: keyword,
        retriable: { type: 'boolean' },
      },
    },
    http: {
      properties: {
        request: { properties: { id: keyword, method: keyword, body: { properties: { bytes: long } } } },
        response: { properties: { status_code: long } },
      },
    },
    url: { properties: { path: keyword, port: long } },
    trace: { properties: { id: keyword } },
    span: { properties: { id: keyword } },
    transaction: { properties: { id: keyword } },
    labels: { type: 'object', dynamic: true },
    kafka: { type: 'object', enabled: false },
  },
} as const;

export function logsIndexTemplate(alias: string, options: { replicas: number; retentionDays: number }) {
  return {
    name: alias,
    index_patterns: [`${alias}-*`],
    // Above Elasticsearch's built-in templates, so this one wins for our indices.
    priority: 300,
    version: LOGS_TEMPLATE_VERSION,
    _meta: { managed_by: 'aspect-stream log-shipper', retention_days: options.retentionDays },
    template: {
      settings: {
        number_of_shards: 1,
        number_of_replicas: options.replicas,
        refresh_interval: '5s',
      },
      mappings: logsMappings,
      aliases: { [alias]: {} },
    },
  };
}

export async function installLogsTemplate(
  client: Client,
  alias: string,
  options: { replicas: number; retentionDays: number },
): Promise<void> {
  await client.indices.putIndexTemplate(logsIndexTemplate(alias, options) as never);
}

/** Names of daily indices of `alias` older than `days` days before `now` (by the date in the name). */
export function expiredIndices(names: string[], alias: string, days: number, now = new Date()): string[] {
  const cutoff = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - days * 86_400_000;
  const pattern = new RegExp(`^${alias.replace(/[-]/g, '\\-')}-(\\d{4})\\.(\\d{2})\\.(\\d{2})$`);
  return names.filter((n) => {
    const m = pattern.exec(n);
    return m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) < cutoff : false;
  });
}

/** Deletes the expired daily indices; returns their names. */
export async function applyRetention(client: Client, alias: string, days: number): Promise<string[]> {
  const rows = (await client.cat.indices({ index: `${alias}-*`, h: 'index', format: 'json' })) as Array<{
    index?: string;
  }>;
  const expired = expiredIndices(
    rows.map((r) => r.index ?? ''),
    alias,
    days,
  );
  if (expired.length > 0) await client.indices.delete({ index: expired.join(',') });
  return expired;
}
