/**
 * `AlertStore` over PostgreSQL (migrations 009, 011): the tenant's alert rules, its alert settings, the
 * alerts the alert service raised and their delivery attempts. Every statement is parameterized and
 * filtered by tenant, so another tenant's id reads as unknown.
 */
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import type { z } from 'zod';
import { HttpProblem, jsonPointer } from '../common/http/problem';
import {
  ALERT_LANGUAGES,
  DEFAULT_ALERT_LANGUAGE,
  isAlertLanguage,
  type AlertLanguage,
} from '../stream-processors/alerts/explain';
import { defaultRules, ruleInputSchema, type RuleSpec } from '../stream-processors/alerts/rules';
import { invalidParameters, type ParameterError } from './openapi/validate';
import type {
  AcknowledgeResult,
  AlertCursor,
  AlertDeliveryView,
  AlertFilter,
  AlertRuleView,
  AlertSettingsView,
  AlertStatus,
  AlertStore,
  AlertView,
} from './stores';

/** Timestamps leave PostgreSQL as ISO strings with microseconds: the keyset cursor must not lose precision. */
const iso = (column: string, as = column) =>
  `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS ${as}`;

const UNIQUE_VIOLATION = '23505';
const RULE_NAME_INDEX = 'alert_rules_tenant_name';

/** Bytes of a generated webhook secret: 256 bits for HMAC-SHA256 signing. */
const SECRET_BYTES = 32;

function zodProblem(error: z.ZodError): HttpProblem {
  const errors: ParameterError[] = error.issues.map((issue) => ({
    in: 'body',
    pointer: jsonPointer(issue.path),
    reason: issue.message,
  }));
  return invalidParameters(errors);
}

/** A webhook must be http(s): zod's url() also takes javascript:, file: and the like. */
export function isHttpUrl(value: string): boolean {
  try {
    return /^https?:$/.test(new URL(value).protocol);
  } catch {
    return false;
  }
}

const notHttp = (pointer: string): ParameterError => ({
  in: 'body',
  pointer,
  reason: 'must be an http(s) URL',
});

/** Validates a rule body with the alert service's own schema; each issue becomes a 400 naming its field. */
export function parseRuleSpec(body: unknown): RuleSpec {
  const parsed = ruleInputSchema.safeParse(body);
  if (!parsed.success) throw zodProblem(parsed.error);
  const schemeErrors = parsed.data.channels.flatMap((c, i) =>
    isHttpUrl(c.url) ? [] : [notHttp(jsonPointer(['channels', i, 'url']))],
  );
  if (schemeErrors.length) throw invalidParameters(schemeErrors);
  return parsed.data;
}

function nameTaken(err: unknown, name: string): HttpProblem | undefined {
  const e = err as { code?: string; constraint?: string };
  if (e?.code !== UNIQUE_VIOLATION || e.constraint !== RULE_NAME_INDEX) return undefined;
  return new HttpProblem(
    409,
    'alert-rule-name-taken',
    'Rule name taken',
    `the tenant already has a rule named '${name}'`,
  );
}

interface RuleRow extends Omit<AlertRuleView, 'default'> {
  created_at: string;
  updated_at: string;
}

const RULE_COLUMNS = `id, name, detector, level, entity, normalized_aspect, category, window_minutes,
  baseline_windows, min_mentions, thresholds, cooldown_minutes, severity, channels, enabled,
  ${iso('created_at')}, ${iso('updated_at')}`;

const toRule = (r: RuleRow): AlertRuleView => ({
  id: r.id,
  name: r.name,
  detector: r.detector,
  level: r.level,
  entity: r.entity,
  normalized_aspect: r.normalized_aspect,
  category: r.category,
  window_minutes: r.window_minutes,
  baseline_windows: r.baseline_windows,
  min_mentions: r.min_mentions,
  thresholds: r.thresholds,
  cooldown_minutes: r.cooldown_minutes,
  severity: r.severity,
  channels: r.channels,
  enabled: r.enabled,
  default: false,
  created_at: r.created_at,
  updated_at: r.updated_at,
});

/** The values of a spec in the order of the INSERT's and UPDATE's placeholders $3.. */
const specParams = (s: RuleSpec): unknown[] => [
  s.name,
  s.detector,
  s.level,
  s.entity,
  s.normalized_aspect,
  s.category,
  s.window_minutes,
  s.baseline_windows,
  s.min_mentions,
  JSON.stringify(s.thresholds),
  s.cooldown_minutes,
  s.severity,
  JSON.stringify(s.channels),
  s.enabled,
];

/** Selected so that a row is already the API's view: column names, ISO timestamps, numbers. */
const ALERT_COLUMNS = `alert_id, rule, rule_id, detector, severity, status, historical, entity,
  normalized_aspect, category, ${iso('window_start')}, ${iso('window_end')}, metric, observed, baseline,
  threshold, mention_count::float8 AS mention_count, sample_document_ids, contributors, message, language,
  ${iso('created_at')}, ${iso('resolved_at')}, resolution, ${iso('acknowledged_at')}, acknowledged_by`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class PgAlertStore implements AlertStore {
  constructor(private readonly pool: Pick<pg.Pool, 'query'>) {}

  async listRules(tenant: string): Promise<AlertRuleView[]> {
    const { rows } = await this.pool.query<RuleRow>(
      `SELECT ${RULE_COLUMNS} FROM alert_rules WHERE tenant = $1 ORDER BY name`,
      [tenant],
    );
    if (rows.length) return rows.map(toRule);
    // What the alert service applies to a tenant without rules, so the user sees what is in force.
    return defaultRules(tenant).map(({ tenant: _tenant, ...rule }) => ({
      ...rule,
      default: true,
      created_at: null,
      updated_at: null,
    }));
  }

  async getRule(tenant: string, id: string): Promise<AlertRuleView | undefined> {
    // A default's id is no uuid and never stored: it would only make the uuid cast fail.
    if (!UUID.test(id)) return undefined;
    const { rows } = await this.pool.query<RuleRow>(
      `SELECT ${RULE_COLUMNS} FROM alert_rules WHERE id = $1 AND tenant = $2`,
      [id, tenant],
    );
    return rows[0] && toRule(rows[0]);
  }

  async createRule(tenant: string, body: unknown): Promise<AlertRuleView> {
    const spec = parseRuleSpec(body);
    try {
      const { rows } = await this.pool.query<RuleRow>(
        `INSERT INTO alert_rules (tenant, name, detector, level, entity, normalized_aspect, category,
           window_minutes, baseline_windows, min_mentions, thresholds, cooldown_minutes, severity,
           channels, enabled)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::jsonb, $12, $13, $14::jsonb, $15)
         RETURNING ${RULE_COLUMNS}`,
        [tenant, ...specParams(spec)],
      );
      return toRule(rows[0]!);
    } catch (err) {
      throw nameTaken(err, spec.name) ?? err;
    }
  }

  async replaceRule(tenant: string, id: string, body: unknown): Promise<AlertRuleView | undefined> {
    const spec = parseRuleSpec(body);
    if (!UUID.test(id)) return undefined;
    try {
      const { rows } = await this.pool.query<RuleRow>(
        `UPDATE alert_rules SET name = $3, detector = $4, level = $5, entity = $6, normalized_aspect = $7,
           category = $8, window_minutes = $9, baseline_windows = $10, min_mentions = $11,
           thresholds = $12::jsonb, cooldown_minutes = $13, severity = $14, channels = $15::jsonb,
           enabled = $16, updated_at = now()
         WHERE id = $1 AND tenant = $2
         RETURNING ${RULE_COLUMNS}`,
        [id, tenant, ...specParams(spec)],
      );
      return rows[0] && toRule(rows[0]);
    } catch (err) {
      throw nameTaken(err, spec.name) ?? err;
    }
  }

  async deleteRule(tenant: string, id: string): Promise<boolean> {
    if (!UUID.test(id)) return false;
    const { rowCount } = await this.pool.query('DELETE FROM alert_rules WHERE id = $1 AND tenant = $2', [
      id,
      tenant,
    ]);
    return (rowCount ?? 0) > 0;
  }

  async getSettings(tenant: string): Promise<AlertSettingsView> {
    const { rows } = await this.pool.query<{
      webhook_url: string | null;
      language: AlertLanguage;
      updated_at: string;
    }>(`SELECT webhook_url, language, ${iso('updated_at')} FROM alert_settings WHERE tenant = $1`, [tenant]);
    const row = rows[0];
    return row
      ? {
          webhook_url: row.webhook_url,
          language: row.language,
          webhook_secret_set: true,
          updated_at: row.updated_at,
        }
      : { webhook_url: null, language: DEFAULT_ALERT_LANGUAGE, webhook_secret_set: false, updated_at: null };
  }

  async putSettings(
    tenant: string,
    settings: { webhookUrl: string | null; rotateSecret: boolean; language?: AlertLanguage },
  ): Promise<AlertSettingsView> {
    const errors: ParameterError[] = [];
    if (settings.webhookUrl !== null && !isHttpUrl(settings.webhookUrl)) errors.push(notHttp('/webhook_url'));
    if (settings.language !== undefined && !isAlertLanguage(settings.language)) {
      errors.push({
        in: 'body',
        pointer: '/language',
        reason: `must be one of ${ALERT_LANGUAGES.join(', ')}`,
      });
    }
    if (errors.length) throw invalidParameters(errors);
    const fresh = randomBytes(SECRET_BYTES).toString('base64url');
    // One statement, so two first PUTs at once cannot both believe they created the secret.
    // xmax = 0 marks a row this statement inserted rather than updated.
    // A language left out keeps the stored one (English for a new row).
    const { rows } = await this.pool.query<{
      webhook_url: string | null;
      language: AlertLanguage;
      updated_at: string;
      webhook_secret: string;
      inserted: boolean;
    }>(
      `INSERT INTO alert_settings AS s (tenant, webhook_secret, webhook_url, language)
       VALUES ($1, $2, $3, COALESCE($5, $6))
       ON CONFLICT (tenant) DO UPDATE SET
         webhook_url = EXCLUDED.webhook_url,
         webhook_secret = CASE WHEN $4::boolean THEN EXCLUDED.webhook_secret ELSE s.webhook_secret END,
         language = COALESCE($5, s.language),
         updated_at = now()
       RETURNING webhook_url, language, webhook_secret, (xmax = 0) AS inserted, ${iso('updated_at')}`,
      [
        tenant,
        fresh,
        settings.webhookUrl,
        settings.rotateSecret,
        settings.language ?? null,
        DEFAULT_ALERT_LANGUAGE,
      ],
    );
    const row = rows[0]!;
    const shown = row.inserted || settings.rotateSecret;
    return {
      webhook_url: row.webhook_url,
      language: row.language,
      webhook_secret_set: true,
      updated_at: row.updated_at,
      ...(shown ? { webhook_secret: row.webhook_secret } : {}),
    };
  }

  async listAlerts(
    tenant: string,
    filter: AlertFilter,
    after: AlertCursor | undefined,
    limit: number,
  ): Promise<Array<{ alert: AlertView; cursor: AlertCursor }>> {
    const params: unknown[] = [tenant];
    const p = (value: unknown) => `$${params.push(value)}`;
    const where = ['tenant = $1'];
    const eq = (column: string, value: unknown) => {
      if (value !== undefined) where.push(`${column} = ${p(value)}`);
    };
    eq('status', filter.status);
    eq('severity', filter.severity);
    eq('entity', filter.entity);
    eq('normalized_aspect', filter.normalized_aspect);
    eq('detector', filter.detector);
    eq('historical', filter.historical);
    if (filter.from) where.push(`window_start >= ${p(filter.from)}`);
    if (filter.to) where.push(`window_start < ${p(filter.to)}`);
    if (after) {
      where.push(`(created_at, alert_id) < (${p(after.createdAt)}::timestamptz, ${p(after.id)}::uuid)`);
    }
    const { rows } = await this.pool.query<AlertView>(
      `SELECT ${ALERT_COLUMNS} FROM alerts WHERE ${where.join(' AND ')}
       ORDER BY created_at DESC, alert_id DESC LIMIT ${p(limit)}`,
      params,
    );
    return rows.map((r) => ({ alert: r, cursor: { createdAt: r.created_at, id: r.alert_id } }));
  }

  async getAlert(tenant: string, id: string): Promise<AlertView | undefined> {
    if (!UUID.test(id)) return undefined;
    const { rows } = await this.pool.query<AlertView>(
      `SELECT ${ALERT_COLUMNS} FROM alerts WHERE alert_id = $1 AND tenant = $2`,
      [id, tenant],
    );
    return rows[0];
  }

  async acknowledgeAlert(tenant: string, id: string, by: string): Promise<AcknowledgeResult | undefined> {
    if (!UUID.test(id)) return undefined;
    // The status check is in the UPDATE itself, so a concurrent resolve or acknowledge cannot be overwritten.
    const { rows } = await this.pool.query<AlertView>(
      `UPDATE alerts SET status = 'acknowledged', acknowledged_at = now(), acknowledged_by = $3
       WHERE alert_id = $1 AND tenant = $2 AND status = 'open'
       RETURNING ${ALERT_COLUMNS}`,
      [id, tenant, by],
    );
    if (rows[0]) return { acknowledged: true, alert: rows[0] };
    const current = await this.pool.query<{ status: AlertStatus }>(
      'SELECT status FROM alerts WHERE alert_id = $1 AND tenant = $2',
      [id, tenant],
    );
    const status = current.rows[0]?.status;
    return status === undefined ? undefined : { acknowledged: false, status };
  }

  async listDeliveries(tenant: string, alertId: string): Promise<AlertDeliveryView[] | undefined> {
    if (!UUID.test(alertId)) return undefined;
    const { rows } = await this.pool.query<AlertDeliveryView>(
      `SELECT alert_id, url, attempt, outcome, http_status, latency_ms, error, ${iso('attempted_at')}
       FROM alert_deliveries WHERE alert_id = $1 AND tenant = $2
       ORDER BY attempt, attempted_at, url`,
      [alertId, tenant],
    );
    if (rows.length) return rows;
    const known = await this.pool.query('SELECT 1 FROM alerts WHERE alert_id = $1 AND tenant = $2', [
      alertId,
      tenant,
    ]);
    return known.rows.length ? [] : undefined;
  }
}
