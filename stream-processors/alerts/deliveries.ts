/**
 * Delivery: `sentiment.alerts.v1` (read_committed, its own consumer group, after-write commit) into
 * PostgreSQL (`alerts`, what the API lists and acknowledges) and out to the webhooks of the alert's
 * rule, or the tenant's default webhook. Detection never waits for a receiver: it only publishes.
 *
 * Once per alert and webhook: a replayed alert is written again by its id (no new row), and a
 * webhook that already has it is not called again. Every attempt is a row in `alert_deliveries`;
 * after the last failed attempt the alert goes to the dead-letter topic with the reason, and a
 * replay leaves it there; redriving the dead letter (`npm run -s dlq -- redrive`, once the receiver
 * is fixed) calls the webhooks that do not have it yet again. Historical alerts are stored, never
 * delivered.
 */
import type { IHeaders, Kafka } from 'kafkajs';
import type pg from 'pg';
import { FatalError } from '../../common/errors/index';
import { AfterWriteCommit } from '../../common/kafka/consumer/commit';
import { REDRIVEN_HEADER } from '../../common/kafka/dead-letters/store';
import { ConsumerLoop, type Consumed, type Handled } from '../../common/kafka/consumer/loop';
import type { RegistryClient } from '../../common/kafka/registry';
import type { Logger } from '../../common/logging/index';
import type { Metrics, ReadinessCheck } from '../../common/metrics/index';
import { asPostgresError } from '../../common/postgres/errors';
import type { Alert } from '../../schemas/index';
import { TOPICS } from '../../schemas/topics';
import { deliver, type OutboundPolicy } from './delivery/webhook';
import { DEFAULT_ALERT_LANGUAGE } from './explain';
import type { AlertsMetrics } from './metrics';
import { named } from './processor';
import type { RuleSource } from './rule-source';

/** Every webhook of the alert failed for good; the alert is dead-lettered with this reason. */
export class WebhookDeliveryError extends FatalError {}

export interface DeliveryOptions {
  groupId: string;
  partitionsConcurrently: number;
  maxAttempts: number;
  retryBaseMs: number;
  retryMaxMs: number;
  policy: OutboundPolicy;
}

export type DeliveryOutcome = 'delivered' | 'failed' | 'dead_lettered';

/**
 * Whether a webhook is called for an alert, after these earlier attempts at it. Never again once
 * delivered. Once dead-lettered, only for a redrive of the dead letter: a plain replay (a restart,
 * a new consumer group) would wait out every attempt again on a receiver known to fail.
 */
export function callWebhook(past: readonly DeliveryOutcome[], redriven: boolean): boolean {
  if (past.includes('delivered')) return false;
  return redriven || !past.includes('dead_lettered');
}

/** Whether the record is a dead letter republished by the redrive tool. */
export function isRedrive(headers: IHeaders | undefined): boolean {
  return headers?.[REDRIVEN_HEADER] !== undefined;
}

interface Settings {
  webhook_secret: string;
  webhook_url: string | null;
}

/** The JSON a webhook receives: the alert with ISO timestamps, and the language of its message. */
export function webhookBody(a: Alert): string {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return JSON.stringify({
    ...a,
    language: a.language ?? DEFAULT_ALERT_LANGUAGE,
    window_start: iso(a.window_start),
    window_end: iso(a.window_end),
    baseline_start: iso(a.baseline_start),
    created_at: iso(a.created_at),
  });
}

export class AlertDelivery {
  private readonly loop: ConsumerLoop<Alert>;

  constructor(
    kafka: Kafka,
    registry: RegistryClient,
    private readonly pool: pg.Pool,
    private readonly rules: RuleSource,
    private readonly options: DeliveryOptions,
    private readonly logger: Logger,
    metrics: Metrics,
    private readonly alertsMetrics: AlertsMetrics,
  ) {
    this.loop = new ConsumerLoop<Alert>({
      name: 'alerts-delivery',
      version: process.env.npm_package_version,
      kafka,
      registry,
      logger,
      metrics,
      groupId: `${options.groupId}-delivery`,
      topics: [TOPICS.alerts],
      fromBeginning: true,
      commit: new AfterWriteCommit(),
      maxChunk: 100,
      partitionsConcurrently: options.partitionsConcurrently,
      maxBytesPerPartition: 1024 * 1024,
      handler: { handle: (items, _source, signal) => this.handle(items, signal) },
    });
  }

  readiness(): ReadinessCheck[] {
    return named('delivery', this.loop.readiness()).filter((c) => c.name !== 'schema-registry');
  }

  start(): Promise<void> {
    return this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  private async handle(items: Array<Consumed<Alert>>, signal: AbortSignal): Promise<Handled> {
    const settings = await this.store(items.map((i) => i.value));
    const outcomes = await Promise.all(
      items.map(({ value: a, message }) =>
        a.historical
          ? undefined
          : this.deliverAll(a, settings.get(a.tenant), isRedrive(message.headers), signal),
      ),
    );
    return { outcomes };
  }

  /** Writes the alerts (resolutions update the alert they resolve); returns the tenants' settings. */
  private async store(alerts: Alert[]): Promise<Map<string, Settings>> {
    const client = await this.pool.connect().catch((err: unknown) => {
      throw asPostgresError(err);
    });
    try {
      await client.query('BEGIN');
      for (const a of alerts) {
        if (a.status === 'resolved') {
          await client.query(
            `UPDATE alerts SET status = CASE WHEN status = 'open' THEN 'resolved' ELSE status END,
                    resolved_at = COALESCE(resolved_at, to_timestamp($2 / 1000.0)), resolution = $3
              WHERE alert_id = $1`,
            [a.resolves_alert_id, a.created_at, a.message],
          );
          continue;
        }
        await client.query(
          `INSERT INTO alerts (alert_id, tenant, rule, rule_id, detector, severity, status, historical, entity,
                               normalized_aspect, category, window_start, window_end, metric, observed, baseline,
                               threshold, mention_count, sample_document_ids, contributors, message, created_at,
                               language)
           VALUES ($1, $2, $3, $4, $5, $6, 'open', $7, $8, $9, $10, to_timestamp($11 / 1000.0),
                   to_timestamp($12 / 1000.0), $13, $14, $15, $16, $17, $18, $19, $20, to_timestamp($21 / 1000.0),
                   $22)
           ON CONFLICT (alert_id) DO NOTHING`,
          [
            a.alert_id,
            a.tenant,
            a.rule,
            a.rule_id?.startsWith('default:') ? null : a.rule_id,
            a.detector ?? a.metric,
            a.severity,
            a.historical,
            a.entity,
            a.normalized_aspect,
            a.category,
            a.window_start,
            a.window_end,
            a.metric,
            a.observed,
            a.baseline,
            a.threshold,
            a.mention_count,
            a.sample_document_ids,
            JSON.stringify(a.contributors),
            a.message,
            a.created_at,
            a.language ?? DEFAULT_ALERT_LANGUAGE,
          ],
        );
      }
      const { rows } = await client.query<Settings & { tenant: string }>(
        'SELECT tenant, webhook_secret, webhook_url FROM alert_settings WHERE tenant = ANY($1)',
        [[...new Set(alerts.map((a) => a.tenant))]],
      );
      await client.query('COMMIT');
      return new Map(rows.map((r) => [r.tenant, r]));
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw asPostgresError(err);
    } finally {
      client.release();
    }
  }

  /** The rule's webhooks, or the tenant's default one. */
  private urlsFor(a: Alert, settings: Settings | undefined): string[] {
    const rule = this.rules.rulesFor(a.tenant).find((r) => r.id === a.rule_id);
    const own = rule?.channels.map((c) => c.url) ?? [];
    if (own.length > 0) return own;
    return settings?.webhook_url ? [settings.webhook_url] : [];
  }

  /** Undefined when every webhook has it (or there is none); else the error that dead-letters it. */
  private async deliverAll(
    a: Alert,
    settings: Settings | undefined,
    redriven: boolean,
    signal: AbortSignal,
  ): Promise<unknown> {
    const urls = this.urlsFor(a, settings);
    if (urls.length === 0) return undefined;
    if (!settings)
      return new WebhookDeliveryError(
        `tenant ${a.tenant} has webhooks but no signing secret: PUT /v1/alert-settings creates one`,
      );
    const failures: string[] = [];
    for (const url of urls) {
      const past = await this.query<{ outcome: DeliveryOutcome; attempt: number }>(
        'SELECT outcome, attempt FROM alert_deliveries WHERE alert_id = $1 AND url = $2',
        [a.alert_id, url],
      );
      const outcomes = past.map((p) => p.outcome);
      if (!callWebhook(outcomes, redriven)) continue;
      // A redrive's attempts are numbered on from the earlier ones.
      const before = past.reduce((n, p) => Math.max(n, p.attempt), 0);
      let last: { attempt: number; error: string | null } | undefined;
      const result = await deliver({ url, secret: settings.webhook_secret }, webhookBody(a), a.alert_id, {
        maxAttempts: this.options.maxAttempts,
        baseMs: this.options.retryBaseMs,
        maxMs: this.options.retryMaxMs,
        policy: this.options.policy,
        signal,
        onAttempt: async (attempt) => {
          last = attempt;
          const final =
            attempt.outcome === 'failed' &&
            (!attempt.retriable || attempt.attempt >= this.options.maxAttempts);
          const outcome: DeliveryOutcome =
            attempt.outcome === 'delivered' ? 'delivered' : final ? 'dead_lettered' : 'failed';
          this.alertsMetrics.deliveries.inc({ outcome });
          this.alertsMetrics.deliverySeconds.observe(attempt.latencyMs / 1000);
          await this.query(
            `INSERT INTO alert_deliveries (alert_id, tenant, url, attempt, outcome, http_status, latency_ms, error, attempted_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, to_timestamp($9 / 1000.0)) ON CONFLICT DO NOTHING`,
            [
              a.alert_id,
              a.tenant,
              url,
              before + attempt.attempt,
              outcome,
              attempt.httpStatus,
              attempt.latencyMs,
              attempt.error,
              attempt.attemptedAt,
            ],
          );
          this.logger.info(
            `alert ${a.alert_id} to ${new URL(url).host}: ${outcome}${attempt.error ? ` (${attempt.error})` : ''}`,
            {
              event: {
                action: 'alert-webhook-attempt',
                outcome: outcome === 'delivered' ? 'success' : 'failure',
              },
              labels: { alert_id: a.alert_id, tenant: a.tenant, attempt: before + attempt.attempt },
              http: { response: { status_code: attempt.httpStatus } },
            },
          );
        },
      });
      if (signal.aborted) throw signal.reason;
      if (!result.delivered)
        failures.push(
          `${new URL(url).host}: ${last?.error ?? 'not delivered'} after ${last?.attempt ?? 0} attempts`,
        );
    }
    return failures.length > 0
      ? new WebhookDeliveryError(`webhook delivery failed: ${failures.join('; ')}`)
      : undefined;
  }

  private async query<R extends pg.QueryResultRow>(sql: string, params: unknown[]): Promise<R[]> {
    try {
      return (await this.pool.query<R>(sql, params)).rows;
    } catch (err) {
      throw asPostgresError(err);
    }
  }
}
