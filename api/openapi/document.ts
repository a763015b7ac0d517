/**
 * The OpenAPI 3.1 description of the read API: the source of truth. Requests are validated against
 * it (openapi/validate.ts) and the integration tests check every response body against it.
 * Served at GET /v1/openapi.json.
 */
import { ALERT_LANGUAGES } from '../../stream-processors/alerts/explain';
import { DETECTORS, LEVELS, SEVERITIES, WINDOW_MINUTES } from '../../stream-processors/alerts/rules';
import { ALERT_STATUSES } from '../stores';

/** Names of aspects, categories and entities: letters, digits and a few separators, no quotes. */
const NAME_PATTERN = '^[\\p{L}\\p{N}][\\p{L}\\p{N} ._:/&+#@-]*$';

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const nullable = (type: string, extra: object = {}) => ({ type: [type, 'null'], ...extra });
const query = (name: string, description: string, schema: object, required = false) => ({
  name,
  in: 'query',
  required,
  description,
  schema,
});

const P = {
  from: query(
    'from',
    'Start of the time range (inclusive), RFC 3339. Default: `to` minus the default range (30 days). Must be before `to` (a rule across two parameters, which JSON Schema cannot state: a range with `from` at or after `to` gets 400 naming `from`). Years 0001-9999.',
    {
      type: 'string',
      format: 'date-time',
      maxLength: 40,
    },
  ),
  to: query('to', 'End of the time range (exclusive), RFC 3339. Default: now. Must be after `from`.', {
    type: 'string',
    format: 'date-time',
    maxLength: 40,
  }),
  entity: query('entity', 'Only this entity (product, shop, ...).', {
    type: 'string',
    minLength: 1,
    maxLength: 200,
    pattern: NAME_PATTERN,
  }),
  aspect: query('aspect', 'Only this normalized aspect (e.g. `battery life`).', {
    type: 'string',
    minLength: 1,
    maxLength: 100,
    pattern: NAME_PATTERN,
  }),
  category: query('category', 'Only this aspect category (e.g. `hardware`).', {
    type: 'string',
    minLength: 1,
    maxLength: 100,
    pattern: NAME_PATTERN,
  }),
  polarity: query('polarity', 'Only mentions with this polarity.', ref('Polarity')),
  lang: query('lang', 'Only documents in this language (ISO 639-1).', {
    type: 'string',
    pattern: '^[a-z]{2,3}$',
  }),
  source: query(
    'source',
    'Only documents from this source (e.g. `app-store`), as the collector received it.',
    {
      type: 'string',
      minLength: 1,
      maxLength: 100,
      pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]*$',
    },
  ),
  cursor: query(
    'cursor',
    'Opaque `next_cursor` of the previous page of the same operation; any other value gets 400 naming `cursor`.',
    {
      type: 'string',
      minLength: 1,
      maxLength: 1024,
      pattern: '^[A-Za-z0-9_-]+$',
    },
  ),
  limit: (def: number, max: number) =>
    query('limit', `Items per page (default ${def}, at most ${max}).`, {
      type: 'integer',
      minimum: 1,
      maximum: max,
      default: def,
    }),
  id: {
    name: 'id',
    in: 'path',
    required: true,
    description: 'Document id (the event id).',
    schema: { type: 'string', format: 'uuid' },
  },
};

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: ref('Problem') } },
});

const errors = {
  '400': problem('A parameter is invalid; `errors` names each one.'),
  '401': problem('No credentials, or an unknown, revoked, expired or wrongly signed one.'),
  '403': problem('The credential’s role may not do this.'),
  '429': problem(
    'Too many requests; see Retry-After. `limit.name` says which limit: failures-per-address, requests-per-key, or for aggregates and exports <kind>-concurrency-per-key / -per-tenant.',
  ),
  '503': problem('A dependency (PostgreSQL, Elasticsearch) is unavailable; retry later.'),
};

const json = (schema: object, description = 'OK') => ({
  description,
  content: { 'application/json': { schema } },
});

const counts = {
  mentions: { type: 'integer', minimum: 0 },
  positive: { type: 'integer', minimum: 0 },
  negative: { type: 'integer', minimum: 0 },
  neutral: { type: 'integer', minimum: 0 },
  conflict: { type: 'integer', minimum: 0 },
};
const countNames = Object.keys(counts);
const shares = {
  type: 'object',
  description: 'Fraction of the mentions with each polarity.',
  required: ['positive', 'negative', 'neutral', 'conflict'],
  additionalProperties: false,
  properties: Object.fromEntries(
    ['positive', 'negative', 'neutral', 'conflict'].map((p) => [
      p,
      { type: 'number', minimum: 0, maximum: 1 },
    ]),
  ),
};
const netSentiment = {
  type: 'number',
  minimum: -1,
  maximum: 1,
  description: '(positive - negative) / mentions.',
};

const list = (item: object) => ({
  type: 'object',
  required: ['items', 'next_cursor'],
  properties: {
    items: { type: 'array', items: item },
    next_cursor: {
      ...nullable('string'),
      description: 'Pass as `cursor` for the next page; null on the last.',
    },
  },
});

const uuidPath = (description: string) => ({
  name: 'id',
  in: 'path',
  required: true,
  description,
  schema: { type: 'string', format: 'uuid' },
});

const body = (schema: object) => ({
  required: true,
  content: { 'application/json': { schema } },
});

const bodyErrors = {
  '413': problem('The body is too large.'),
  '415': problem('The body is not JSON.'),
};

const scopeName = (description: string) => ({
  type: ['string', 'null'],
  minLength: 1,
  maxLength: 200,
  pattern: NAME_PATTERN,
  description,
});
const webhookUrl = { type: 'string', format: 'uri', maxLength: 2000, description: 'An http(s) URL.' };

/** The fields of a rule as the alert service validates them (stream-processors/alerts/rules.ts). */
const ruleFields = {
  name: {
    type: 'string',
    minLength: 1,
    maxLength: 100,
    pattern: NAME_PATTERN,
    description: 'Unique per tenant.',
  },
  detector: { type: 'string', enum: [...DETECTORS] },
  level: {
    type: 'string',
    enum: [...LEVELS],
    description: 'What is aggregated: each aspect, each category, or the entity as a whole.',
  },
  entity: scopeName('Only this entity; null: every entity.'),
  normalized_aspect: scopeName('Only this normalized aspect (level aspect only).'),
  category: scopeName('Only this category (level aspect or category).'),
  window_minutes: {
    type: 'integer',
    enum: [...WINDOW_MINUTES],
    default: 60,
    description: 'Tumbling window, aligned to UTC: whole hours that divide a day.',
  },
  baseline_windows: {
    type: 'integer',
    minimum: 1,
    maximum: 24 * 90,
    default: 168,
    description: 'Windows before the current one that form the baseline.',
  },
  min_mentions: { type: 'integer', minimum: 1, maximum: 1_000_000, default: 30 },
  thresholds: {
    type: 'object',
    additionalProperties: false,
    default: {},
    description: 'Unset thresholds take the detector’s defaults.',
    properties: {
      z: { type: 'number', minimum: 1, maximum: 10, description: 'negative_share, volume_spike.' },
      min_change: { type: 'number', minimum: 0, maximum: 1, description: 'negative_share.' },
      min_ratio: { type: 'number', minimum: 1, maximum: 1000, description: 'volume_spike.' },
      min_negative_share: { type: 'number', minimum: 0, maximum: 1, description: 'emerging_aspect.' },
      max_baseline_mentions: {
        type: 'integer',
        minimum: 0,
        maximum: 1_000_000,
        description: 'emerging_aspect.',
      },
    },
  },
  cooldown_minutes: { type: 'integer', minimum: 0, maximum: 7 * 24 * 60, default: 360 },
  severity: { type: 'string', enum: [...SEVERITIES], default: 'warning' },
  channels: {
    type: 'array',
    maxItems: 10,
    default: [],
    description: 'Webhooks of this rule; none: the tenant’s default webhook (alert settings).',
    items: {
      type: 'object',
      required: ['type', 'url'],
      additionalProperties: false,
      properties: { type: { type: 'string', enum: ['webhook'] }, url: webhookUrl },
    },
  },
  enabled: { type: 'boolean', default: true },
};

const alertProps = {
  alert_id: { type: 'string', format: 'uuid' },
  rule: { type: 'string', description: 'Name of the rule that raised it.' },
  rule_id: { ...nullable('string'), description: 'Stored rule; null for a default rule.' },
  detector: { type: 'string' },
  severity: { type: 'string' },
  status: { type: 'string', enum: [...ALERT_STATUSES] },
  historical: { type: 'boolean', description: 'Raised while replaying past data: never delivered.' },
  entity: nullable('string'),
  normalized_aspect: nullable('string'),
  category: nullable('string'),
  window_start: { type: 'string', format: 'date-time' },
  window_end: { type: 'string', format: 'date-time' },
  metric: { type: 'string' },
  observed: { type: 'number' },
  baseline: nullable('number'),
  threshold: { type: 'number' },
  mention_count: { type: 'integer', minimum: 0 },
  sample_document_ids: { type: 'array', items: { type: 'string' } },
  contributors: { type: 'array' },
  message: {
    type: 'string',
    description: 'One sentence for people, in the tenant’s alert language (`language`).',
  },
  language: {
    type: 'string',
    description:
      'Language `message` is written in (ISO 639-1): the tenant’s alert language when the alert was raised.',
  },
  created_at: { type: 'string', format: 'date-time' },
  resolved_at: nullable('string', { format: 'date-time' }),
  resolution: nullable('string'),
  acknowledged_at: nullable('string', { format: 'date-time' }),
  acknowledged_by: { ...nullable('string'), description: 'Name of the key or token subject.' },
};

const settingsResponse = (description: string) =>
  json(
    {
      allOf: [ref('AlertSettings')],
      type: 'object',
      properties: {
        webhook_secret: {
          type: 'string',
          description:
            'Signs the webhooks; only in the reply that created or rotated it, never again. Keep it.',
        },
      },
    },
    description,
  );

export const openApiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'aspect-stream read API',
    version: '1.0.0',
    description:
      'Aspect-based sentiment of one tenant: aggregates from the hourly and daily rollups, mention drill-down, full-text search, documents and similar documents. Every request is scoped to the tenant of its credential. Errors are RFC 9457 problem details with a stable `type`.',
    license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
  },
  servers: [{ url: '/v1' }],
  security: [{ apiKey: [] }, { bearer: [] }],
  paths: {
    '/aspects/summary': {
      get: {
        operationId: 'getAspectSummary',
        summary: 'Mentions and sentiment per aspect and per category (rollups).',
        description:
          'From the rollups (whole days from the daily ones, the rest from the hourly ones): `from` rounds down and `to` up to whole hours. With `lang` or `source` the raw mentions are counted instead (the rollups carry neither), which is bounded: (1) the range may span at most API_RAW_AGGREGATE_MAX_DAYS days (default 31); a longer one gets 400 naming `from`, `to` and `lang` / `source` (a rule across parameters, which JSON Schema cannot state), and without `from` the default range is shortened to that bound; (2) only API_RAW_AGGREGATE_CONCURRENCY such counts (default 3) run at once on a server, for all tenants together; more get 429 with Retry-After and `limit.name` raw-scan-concurrency; (3) a count that runs longer than API_RAW_AGGREGATE_TIMEOUT_MS (default 5 s) is stopped and gets 503 `query-timeout` with Retry-After.',
        'x-permission': 'sentiment:read',
        'x-concurrency': 'aggregate',
        parameters: [P.entity, P.category, P.from, P.to, P.lang, P.source, P.limit(100, 1000)],
        responses: {
          '200': json(ref('AspectSummary')),
          ...errors,
          '429': problem(
            'Too many requests; see Retry-After. `limit.name` says which limit: failures-per-address, requests-per-key, aggregate-concurrency-per-key / -per-tenant, or with `lang` / `source` raw-scan-concurrency (all tenants together).',
          ),
          '503': problem(
            'A dependency is unavailable, or with `lang` / `source` the count of raw mentions ran past its statement timeout (`query-timeout`); retry later, with a shorter range, or without `lang` and `source`.',
          ),
        },
      },
    },
    '/aspects/trends': {
      get: {
        operationId: 'getAspectTrends',
        summary: 'Mentions and sentiment over time for an aspect, a category or everything.',
        description:
          'At most 5000 points: a range that gives more buckets of `interval` gets 400 naming `interval` (a rule across parameters).',
        'x-permission': 'sentiment:read',
        'x-concurrency': 'aggregate',
        parameters: [
          P.aspect,
          P.category,
          P.entity,
          P.from,
          P.to,
          query('interval', 'Bucket size (UTC; weeks start on Monday).', {
            type: 'string',
            enum: ['hour', 'day', 'week'],
            default: 'day',
          }),
        ],
        responses: { '200': json(ref('AspectTrend')), ...errors },
      },
    },
    '/mentions': {
      get: {
        operationId: 'listMentions',
        summary: 'Aspect mentions, newest first, with their sentence and highlighted span.',
        'x-permission': 'sentiment:read',
        parameters: [
          P.aspect,
          P.category,
          P.polarity,
          P.entity,
          P.lang,
          P.source,
          P.from,
          P.to,
          P.cursor,
          P.limit(50, 500),
        ],
        responses: { '200': json(list(ref('Mention'))), ...errors },
      },
    },
    '/search': {
      get: {
        operationId: 'searchDocuments',
        summary: 'Full-text search of documents with highlights and facets.',
        description:
          '`q` is matched against the text, all words required in one field: the text of every document with English analysis (stemming), and the text of a Korean document also as syllable bigrams, so a Korean word is found inside a word with particles ("배터리" in "배터리가"). `aspect` and `polarity` select documents with an aspect that has both; `lang` selects the documents of a language.',
        'x-permission': 'sentiment:read',
        parameters: [
          query('q', 'Words to find (plain text, no query syntax).', {
            type: 'string',
            minLength: 1,
            maxLength: 500,
          }),
          P.polarity,
          P.aspect,
          P.lang,
          P.from,
          P.to,
          P.cursor,
          P.limit(20, 100),
        ],
        responses: { '200': json(ref('SearchResults')), ...errors },
      },
    },
    '/documents/{id}': {
      get: {
        operationId: 'getDocument',
        summary: 'One document with its aspects.',
        'x-permission': 'sentiment:read',
        parameters: [P.id],
        responses: {
          '200': json(ref('Document')),
          '404': problem('No such document for this tenant.'),
          ...errors,
        },
      },
    },
    '/documents/{id}/similar': {
      get: {
        operationId: 'getSimilarDocuments',
        summary: 'Nearest documents of the tenant by embedding (cosine, pgvector HNSW).',
        'x-permission': 'sentiment:analyze',
        parameters: [
          P.id,
          query('k', 'How many neighbours (default 10, at most 100).', {
            type: 'integer',
            minimum: 1,
            maximum: 100,
            default: 10,
          }),
        ],
        responses: {
          '200': json({
            type: 'object',
            required: ['items'],
            properties: {
              items: {
                type: 'array',
                items: {
                  allOf: [ref('Document')],
                  type: 'object',
                  required: ['similarity'],
                  properties: { similarity: { type: 'number', minimum: -1.0001, maximum: 1.0001 } },
                },
              },
            },
          }),
          '404': problem('No such document for this tenant.'),
          ...errors,
        },
      },
    },
    '/entities': {
      get: {
        operationId: 'listEntities',
        summary: 'Entities by mention volume, with net sentiment.',
        'x-permission': 'sentiment:read',
        'x-concurrency': 'aggregate',
        parameters: [P.from, P.to, P.cursor, P.limit(50, 500)],
        responses: { '200': json(list(ref('Entity'))), ...errors },
      },
    },
    '/sources': {
      get: {
        operationId: 'listSources',
        summary: "The sources of the range's documents, most documents first (for a source filter).",
        description:
          'Counts raw documents (the rollups carry no source), bounded like the summary with `source`: the range may span at most API_RAW_AGGREGATE_MAX_DAYS days (400 naming `from` and `to` beyond it; without `from` the default range is shortened to it), at most API_RAW_AGGREGATE_CONCURRENCY such counts run at once on a server (429 `raw-scan-concurrency`), and one that runs past API_RAW_AGGREGATE_TIMEOUT_MS gets 503 `query-timeout`.',
        'x-permission': 'sentiment:read',
        'x-concurrency': 'aggregate',
        parameters: [P.from, P.to, P.limit(100, 1000)],
        responses: {
          '200': json({
            type: 'object',
            required: ['from', 'to', 'items'],
            properties: {
              from: { type: 'string', format: 'date-time' },
              to: { type: 'string', format: 'date-time' },
              items: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['source', 'documents'],
                  properties: {
                    source: { type: 'string' },
                    documents: { type: 'integer', minimum: 0 },
                  },
                },
              },
            },
          }),
          ...errors,
        },
      },
    },
    '/export/mentions': {
      get: {
        operationId: 'exportMentions',
        summary: 'All matching mentions as a CSV or NDJSON stream (analyst).',
        'x-permission': 'sentiment:analyze',
        'x-concurrency': 'export',
        parameters: [
          query('format', 'csv or ndjson.', { type: 'string', enum: ['csv', 'ndjson'], default: 'ndjson' }),
          P.aspect,
          P.category,
          P.polarity,
          P.entity,
          P.lang,
          P.source,
          P.from,
          P.to,
        ],
        responses: {
          '200': {
            description:
              'One mention per line (CSV with a header row; its `opinions` column lists the opinion terms as written, separated by "; ").',
            content: {
              'application/x-ndjson': { schema: ref('Mention') },
              'text/csv': { schema: { type: 'string' } },
            },
          },
          ...errors,
        },
      },
    },
    '/admin/keys': {
      get: {
        operationId: 'listApiKeys',
        summary: 'The tenant’s live API keys (admin).',
        'x-permission': 'keys:manage',
        parameters: [],
        responses: {
          '200': json({
            type: 'object',
            required: ['items'],
            properties: { items: { type: 'array', items: ref('ApiKey') } },
          }),
          ...errors,
        },
      },
      post: {
        operationId: 'createApiKey',
        summary: 'Creates an API key for the tenant (admin); the key is shown only in this response.',
        'x-permission': 'keys:manage',
        parameters: [],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['name', 'role'],
                additionalProperties: false,
                properties: {
                  name: { type: 'string', minLength: 1, maxLength: 200, pattern: NAME_PATTERN },
                  role: { type: 'string', enum: ['ingest', 'reader', 'analyst', 'admin'] },
                },
              },
            },
          },
        },
        responses: {
          '201': json(
            {
              allOf: [ref('ApiKey')],
              type: 'object',
              required: ['key'],
              properties: { key: { type: 'string' } },
            },
            'Created',
          ),
          '409': problem('The tenant already has a live key with this name.'),
          '413': problem('The body is too large.'),
          '415': problem('The body is not JSON.'),
          ...errors,
        },
      },
    },
    '/admin/keys/{id}': {
      delete: {
        operationId: 'revokeApiKey',
        summary: 'Revokes one of the tenant’s keys (admin).',
        'x-permission': 'keys:manage',
        parameters: [
          {
            name: 'id',
            in: 'path',
            required: true,
            description: 'Key id.',
            schema: { type: 'string', format: 'uuid' },
          },
        ],
        responses: {
          '204': { description: 'Revoked.' },
          '404': problem('No live key with this id for this tenant.'),
          ...errors,
        },
      },
    },
    '/alert-rules': {
      get: {
        operationId: 'listAlertRules',
        summary:
          'The tenant’s alert rules by name; with none stored, the defaults in force (`default: true`).',
        'x-permission': 'sentiment:read',
        parameters: [],
        responses: {
          '200': json({
            type: 'object',
            required: ['items'],
            properties: { items: { type: 'array', items: ref('AlertRule') } },
          }),
          ...errors,
        },
      },
      post: {
        operationId: 'createAlertRule',
        summary: 'Creates an alert rule (analyst); the tenant’s defaults stop applying once it has one.',
        'x-permission': 'sentiment:analyze',
        parameters: [],
        requestBody: body(ref('AlertRuleInput')),
        responses: {
          '201': json(ref('AlertRule'), 'Created'),
          '409': problem('The tenant already has a rule with this name.'),
          ...bodyErrors,
          ...errors,
        },
      },
    },
    '/alert-rules/{id}': {
      get: {
        operationId: 'getAlertRule',
        summary: 'One stored alert rule.',
        'x-permission': 'sentiment:read',
        parameters: [uuidPath('Rule id (defaults have none and cannot be fetched, replaced or deleted).')],
        responses: {
          '200': json(ref('AlertRule')),
          '404': problem('No stored rule with this id for this tenant.'),
          ...errors,
        },
      },
      put: {
        operationId: 'replaceAlertRule',
        summary: 'Replaces a stored rule (analyst); omitted fields take their defaults.',
        'x-permission': 'sentiment:analyze',
        parameters: [uuidPath('Rule id.')],
        requestBody: body(ref('AlertRuleInput')),
        responses: {
          '200': json(ref('AlertRule')),
          '404': problem('No stored rule with this id for this tenant.'),
          '409': problem('The tenant already has another rule with this name.'),
          ...bodyErrors,
          ...errors,
        },
      },
      delete: {
        operationId: 'deleteAlertRule',
        summary: 'Deletes a stored rule (analyst); alerts it raised stay.',
        'x-permission': 'sentiment:analyze',
        parameters: [uuidPath('Rule id.')],
        responses: {
          '204': { description: 'Deleted.' },
          '404': problem('No stored rule with this id for this tenant.'),
          ...errors,
        },
      },
    },
    '/alert-settings': {
      get: {
        operationId: 'getAlertSettings',
        summary: 'The tenant’s default webhook, alert language and whether a signing secret exists (admin).',
        'x-permission': 'keys:manage',
        parameters: [],
        responses: { '200': json(ref('AlertSettings')), ...errors },
      },
      put: {
        operationId: 'putAlertSettings',
        summary:
          'Sets the default webhook and alert language (admin); the signing secret is generated on first use or rotation.',
        description:
          'The reply carries `webhook_secret` when this request created the settings or `rotate_secret` is true; no other reply ever shows it. `language` applies to the alerts the alert service raises from then on (within ALERTS_RULES_REFRESH_MS); alerts already raised keep theirs. The alert service calls `webhook_url` only when every address its host resolves to is public (unless the deployment sets ALERTS_WEBHOOK_ALLOW_PRIVATE), follows no redirect, and records a refused destination as a failed delivery attempt with its reason.',
        'x-permission': 'keys:manage',
        parameters: [],
        requestBody: body(ref('AlertSettingsInput')),
        responses: {
          '200': settingsResponse('The settings; `webhook_secret` only when it was generated now.'),
          ...bodyErrors,
          ...errors,
        },
      },
    },
    '/alerts': {
      get: {
        operationId: 'listAlerts',
        summary: 'The tenant’s alerts, newest first.',
        'x-permission': 'sentiment:read',
        parameters: [
          query('status', 'Only alerts with this status.', { type: 'string', enum: [...ALERT_STATUSES] }),
          query('severity', 'Only alerts of this severity.', { type: 'string', enum: [...SEVERITIES] }),
          P.entity,
          query('normalized_aspect', 'Only alerts about this normalized aspect.', {
            type: 'string',
            minLength: 1,
            maxLength: 200,
            pattern: NAME_PATTERN,
          }),
          query('detector', 'Only alerts of this detector.', { type: 'string', enum: [...DETECTORS] }),
          query('historical', 'Only alerts raised while replaying past data (true) or live (false).', {
            type: 'boolean',
          }),
          query(
            'from',
            'Only alerts whose window starts at or after this time, RFC 3339. Must be before `to` (a 400 naming `from` otherwise).',
            { type: 'string', format: 'date-time', maxLength: 40 },
          ),
          query('to', 'Only alerts whose window starts before this time, RFC 3339.', {
            type: 'string',
            format: 'date-time',
            maxLength: 40,
          }),
          P.cursor,
          P.limit(50, 500),
        ],
        responses: { '200': json(list(ref('Alert'))), ...errors },
      },
    },
    '/alerts/{id}': {
      get: {
        operationId: 'getAlert',
        summary: 'One alert.',
        'x-permission': 'sentiment:read',
        parameters: [uuidPath('Alert id.')],
        responses: {
          '200': json(ref('Alert')),
          '404': problem('No such alert for this tenant.'),
          ...errors,
        },
      },
    },
    '/alerts/{id}/acknowledge': {
      post: {
        operationId: 'acknowledgeAlert',
        summary: 'Acknowledges an open alert (analyst); records who and when.',
        'x-permission': 'sentiment:analyze',
        parameters: [uuidPath('Alert id.')],
        responses: {
          '200': json(ref('Alert')),
          '404': problem('No such alert for this tenant.'),
          '409': problem('The alert is not open; `alert_status` says what it is.'),
          ...errors,
        },
      },
    },
    '/alerts/{id}/deliveries': {
      get: {
        operationId: 'listAlertDeliveries',
        summary: 'The webhook delivery attempts of one alert, in attempt order.',
        'x-permission': 'sentiment:read',
        parameters: [uuidPath('Alert id.')],
        responses: {
          '200': json({
            type: 'object',
            required: ['items'],
            properties: { items: { type: 'array', items: ref('AlertDelivery') } },
          }),
          '404': problem('No such alert for this tenant.'),
          ...errors,
        },
      },
    },
    '/openapi.json': {
      get: {
        operationId: 'getOpenApi',
        summary: 'This document.',
        security: [],
        parameters: [],
        responses: { '200': json({ type: 'object' }) },
      },
    },
  },
  components: {
    securitySchemes: {
      apiKey: {
        type: 'apiKey',
        in: 'header',
        name: 'X-API-Key',
        description: 'A key from `npm run apikey` or POST /admin/keys.',
      },
      bearer: {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
        description: 'HS256 or RS256 (configured), with iss, aud, exp and the tenant and role claims.',
      },
    },
    schemas: {
      Polarity: { type: 'string', enum: ['positive', 'negative', 'neutral', 'conflict'] },
      Problem: {
        type: 'object',
        required: ['type', 'title', 'status'],
        properties: {
          type: { type: 'string', format: 'uri' },
          title: { type: 'string' },
          status: { type: 'integer' },
          detail: { type: 'string' },
          instance: { type: 'string' },
          alert_status: {
            type: 'string',
            enum: [...ALERT_STATUSES],
            description: 'On 409 of an acknowledge: the status of the alert.',
          },
          limit: {
            type: 'object',
            description: 'On 429, and on a 503 `query-timeout`: the limit that was reached.',
            required: ['name', 'max'],
            properties: {
              name: { type: 'string' },
              max: { type: 'integer', minimum: 0 },
              window_s: { type: 'number', minimum: 0 },
            },
          },
          errors: {
            type: 'array',
            items: {
              type: 'object',
              required: ['pointer', 'reason'],
              properties: {
                in: { type: 'string', enum: ['query', 'path', 'body'] },
                parameter: { type: 'string' },
                pointer: { type: 'string' },
                reason: { type: 'string' },
              },
            },
          },
        },
      },
      DocumentAspect: {
        type: 'object',
        description:
          'An aspect of a document; `from`/`to` are UTF-16 offsets into the document text (to exclusive).',
        required: ['term', 'from', 'to', 'polarity', 'confidence', 'category', 'normalized'],
        properties: {
          mention_id: { type: 'string', format: 'uuid' },
          term: { type: 'string' },
          from: { type: 'integer', minimum: 0 },
          to: { type: 'integer', minimum: 0 },
          polarity: ref('Polarity'),
          confidence: { type: 'number', minimum: 0, maximum: 1 },
          category: nullable('string'),
          normalized: { type: 'string' },
          sentence_index: { type: 'integer', minimum: 0 },
          opinions: ref('Opinions'),
        },
      },
      Opinions: {
        type: ['array', 'null'],
        description:
          'The words that carry the sentiment towards the aspect ("rude" for "waiter"), in text order, at most 3; `from`/`to` are UTF-16 offsets into the document text (to exclusive). Empty when the model found none; null when the model that analysed the document has no opinion head.',
        items: {
          type: 'object',
          required: ['term', 'from', 'to', 'confidence'],
          properties: {
            term: { type: 'string' },
            from: { type: 'integer', minimum: 0 },
            to: { type: 'integer', minimum: 0 },
            confidence: { type: 'number', minimum: 0, maximum: 1 },
          },
        },
      },
      Document: {
        type: 'object',
        required: [
          'id',
          'source',
          'source_id',
          'entity',
          'lang',
          'status',
          'text',
          'created_at',
          'sentiment',
          'aspects',
        ],
        properties: {
          id: { type: 'string', format: 'uuid' },
          source: { type: 'string' },
          source_id: { type: 'string' },
          entity: nullable('string'),
          author_id: nullable('string'),
          url: nullable('string'),
          lang: nullable('string'),
          status: { type: 'string' },
          text: { type: 'string' },
          created_at: { type: 'string', format: 'date-time' },
          sentiment: {
            type: ['object', 'null'],
            required: ['polarity'],
            properties: {
              polarity: { type: 'string', enum: ['positive', 'negative', 'neutral', 'mixed'] },
              confidence: nullable('number'),
              positive: nullable('number'),
              negative: nullable('number'),
              neutral: nullable('number'),
            },
          },
          aspects: { type: 'array', items: ref('DocumentAspect') },
        },
      },
      Mention: {
        type: 'object',
        required: [
          'id',
          'document_id',
          'term',
          'from',
          'to',
          'polarity',
          'confidence',
          'category',
          'normalized',
          'entity',
          'created_at',
          'sentence',
          'highlight',
        ],
        properties: {
          id: { type: 'string', format: 'uuid' },
          document_id: { type: 'string', format: 'uuid' },
          term: { type: 'string' },
          from: { type: 'integer', minimum: 0, description: 'Offset into the document text.' },
          to: { type: 'integer', minimum: 0 },
          polarity: ref('Polarity'),
          confidence: { type: 'number', minimum: 0, maximum: 1 },
          category: nullable('string'),
          normalized: { type: 'string' },
          entity: nullable('string'),
          source: { type: 'string' },
          lang: nullable('string'),
          created_at: { type: 'string', format: 'date-time' },
          sentence: {
            type: 'object',
            required: ['index', 'text', 'from', 'to'],
            properties: {
              index: { type: 'integer', minimum: 0 },
              text: { type: 'string' },
              from: { type: 'integer', minimum: 0 },
              to: { type: 'integer', minimum: 0 },
            },
          },
          highlight: {
            type: 'object',
            description: 'The mention inside `sentence.text` (UTF-16 offsets, to exclusive).',
            required: ['from', 'to'],
            properties: { from: { type: 'integer', minimum: 0 }, to: { type: 'integer', minimum: 0 } },
          },
          opinions: ref('Opinions'),
        },
      },
      AspectStats: {
        type: 'object',
        required: ['aspect', 'category', ...countNames, 'shares', 'net_sentiment', 'avg_confidence'],
        properties: {
          aspect: { type: 'string' },
          category: nullable('string'),
          ...counts,
          shares,
          net_sentiment: netSentiment,
          avg_confidence: { type: 'number', minimum: 0, maximum: 1 },
        },
      },
      CategoryStats: {
        type: 'object',
        required: ['category', ...countNames, 'shares', 'net_sentiment', 'avg_confidence'],
        properties: {
          category: nullable('string'),
          ...counts,
          shares,
          net_sentiment: netSentiment,
          avg_confidence: { type: 'number', minimum: 0, maximum: 1 },
        },
      },
      AspectSummary: {
        type: 'object',
        required: ['from', 'to', 'aspects', 'categories'],
        properties: {
          from: { type: 'string', format: 'date-time' },
          to: { type: 'string', format: 'date-time' },
          aspects: { type: 'array', items: ref('AspectStats') },
          categories: { type: 'array', items: ref('CategoryStats') },
        },
      },
      AspectTrend: {
        type: 'object',
        required: ['from', 'to', 'interval', 'points'],
        properties: {
          from: { type: 'string', format: 'date-time' },
          to: { type: 'string', format: 'date-time' },
          interval: { type: 'string', enum: ['hour', 'day', 'week'] },
          points: {
            type: 'array',
            items: {
              type: 'object',
              required: ['start', ...countNames, 'net_sentiment', 'avg_confidence'],
              properties: {
                start: { type: 'string', format: 'date-time' },
                ...counts,
                net_sentiment: { ...netSentiment, type: ['number', 'null'] },
                avg_confidence: { type: ['number', 'null'], minimum: 0, maximum: 1 },
              },
            },
          },
        },
      },
      Facet: {
        type: 'object',
        required: ['value', 'count'],
        properties: { value: { type: 'string' }, count: { type: 'integer', minimum: 0 } },
      },
      SearchResults: {
        type: 'object',
        required: ['items', 'next_cursor', 'total', 'facets'],
        properties: {
          items: {
            type: 'array',
            items: {
              allOf: [ref('Document')],
              type: 'object',
              required: ['highlights', 'score'],
              properties: {
                highlights: {
                  type: 'array',
                  description: 'Fragments of the text with matches in <em>…</em> (the rest HTML-escaped).',
                  items: { type: 'string' },
                },
                score: nullable('number'),
              },
            },
          },
          next_cursor: nullable('string'),
          total: { type: 'integer', minimum: 0 },
          facets: {
            type: 'object',
            description:
              'Documents per aspect, category, aspect polarity and language (ISO 639-1) among all matches.',
            required: ['aspects', 'categories', 'polarity', 'languages'],
            properties: {
              aspects: { type: 'array', items: ref('Facet') },
              categories: { type: 'array', items: ref('Facet') },
              polarity: { type: 'array', items: ref('Facet') },
              languages: { type: 'array', items: ref('Facet') },
            },
          },
        },
      },
      Entity: {
        type: 'object',
        required: ['entity', ...countNames, 'net_sentiment', 'avg_confidence'],
        properties: {
          entity: { type: 'string' },
          ...counts,
          net_sentiment: netSentiment,
          avg_confidence: { type: 'number', minimum: 0, maximum: 1 },
        },
      },
      AlertRuleInput: {
        type: 'object',
        description:
          'A rule as created or replaced. What its level allows: an entity-level rule has no `normalized_aspect` or `category`, a category-level one no `normalized_aspect`; `emerging_aspect` needs level `aspect`.',
        required: ['name', 'detector', 'level'],
        additionalProperties: false,
        properties: ruleFields,
        allOf: [
          {
            if: { required: ['level'], properties: { level: { const: 'entity' } } },
            then: { properties: { normalized_aspect: { type: 'null' }, category: { type: 'null' } } },
          },
          {
            if: { required: ['level'], properties: { level: { const: 'category' } } },
            then: { properties: { normalized_aspect: { type: 'null' } } },
          },
          {
            if: { required: ['detector'], properties: { detector: { const: 'emerging_aspect' } } },
            then: { properties: { level: { enum: ['aspect'] } } },
          },
        ],
      },
      AlertRule: {
        type: 'object',
        required: [...Object.keys(ruleFields), 'id', 'default', 'created_at', 'updated_at'],
        properties: {
          id: { type: 'string', description: 'uuid of a stored rule, `default:<name>` of a default.' },
          ...ruleFields,
          default: { type: 'boolean', description: 'A built-in default, in force while none is stored.' },
          created_at: nullable('string', { format: 'date-time' }),
          updated_at: nullable('string', { format: 'date-time' }),
        },
      },
      AlertSettingsInput: {
        type: 'object',
        required: ['webhook_url'],
        additionalProperties: false,
        properties: {
          webhook_url: {
            ...webhookUrl,
            type: ['string', 'null'],
            description: 'Default webhook for rules without channels; null: none.',
          },
          rotate_secret: {
            type: 'boolean',
            default: false,
            description: 'Generate a new signing secret (the old one stops being used).',
          },
          language: {
            type: 'string',
            enum: [...ALERT_LANGUAGES],
            description:
              'Language of the alert messages (`message` of alerts and webhooks): en (English) or ko (Korean). Left out: stays as it is, en until set. Codes and numbers of an alert are the same in every language.',
          },
        },
      },
      AlertSettings: {
        type: 'object',
        required: ['webhook_url', 'language', 'webhook_secret_set', 'updated_at'],
        properties: {
          webhook_url: nullable('string'),
          language: { type: 'string', enum: [...ALERT_LANGUAGES], default: 'en' },
          webhook_secret_set: { type: 'boolean' },
          updated_at: nullable('string', { format: 'date-time' }),
        },
      },
      Alert: {
        type: 'object',
        required: Object.keys(alertProps),
        properties: alertProps,
      },
      AlertDelivery: {
        type: 'object',
        required: [
          'alert_id',
          'url',
          'attempt',
          'outcome',
          'http_status',
          'latency_ms',
          'error',
          'attempted_at',
        ],
        properties: {
          alert_id: { type: 'string', format: 'uuid' },
          url: { type: 'string' },
          attempt: { type: 'integer', minimum: 1 },
          outcome: {
            type: 'string',
            enum: ['delivered', 'failed', 'dead_lettered'],
            description: 'dead_lettered: the last attempt, after which nothing more is tried.',
          },
          http_status: nullable('integer'),
          latency_ms: { type: 'number', minimum: 0 },
          error: nullable('string'),
          attempted_at: { type: 'string', format: 'date-time' },
        },
      },
      ApiKey: {
        type: 'object',
        required: ['id', 'name', 'role', 'prefix', 'created_at'],
        properties: {
          id: { type: 'string', format: 'uuid' },
          name: { type: 'string' },
          role: { type: 'string', enum: ['ingest', 'reader', 'analyst', 'admin'] },
          prefix: { type: 'string' },
          created_at: { type: 'string', format: 'date-time' },
        },
      },
    },
  },
} as const;

export type OpenApiDocument = typeof openApiDocument;
