/**
 * The rules in force and each tenant's alert language, read from PostgreSQL (`alert_rules`,
 * `alert_settings`) and refreshed in the background: a rule or language changed through the API
 * applies to the alerts raised from `refreshMs` later on. Detection keeps the last rules it read
 * while PostgreSQL is down; before the first read succeeds it waits (the loop's outage wait).
 */
import type pg from 'pg';
import type { Logger } from '../../common/logging/index';
import { asPostgresError } from '../../common/postgres/errors';
import { errorMessage } from '../../common/errors/index';
import { DEFAULT_ALERT_LANGUAGE, isAlertLanguage, type AlertLanguage } from './explain';
import { defaultRules, ruleInputSchema, type Rule } from './rules';

interface RuleRow {
  id: string;
  tenant: string;
  name: string;
  detector: string;
  level: string;
  entity: string | null;
  normalized_aspect: string | null;
  category: string | null;
  window_minutes: number;
  baseline_windows: number;
  min_mentions: number;
  thresholds: unknown;
  cooldown_minutes: number;
  severity: string;
  channels: unknown;
  enabled: boolean;
}

/** A stored row as a rule; a row that no longer validates (edited by hand) is skipped with the reason. */
export function ruleFromRow(row: RuleRow): Rule | Error {
  const { id, tenant, ...spec } = row;
  const parsed = ruleInputSchema.safeParse(spec);
  if (!parsed.success)
    return new Error(`rule ${id} (${tenant}/${row.name}) is invalid: ${parsed.error.message}`);
  return { ...parsed.data, id, tenant };
}

export class RuleSource {
  private byTenant: Map<string, Rule[]> | undefined;
  private languages = new Map<string, AlertLanguage>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly pool: pg.Pool,
    private readonly logger: Logger,
    private readonly refreshMs: number,
  ) {}

  /** Reads the rules and languages; throws retriable when PostgreSQL is unavailable. */
  async load(): Promise<void> {
    let rows: RuleRow[];
    let settings: Array<{ tenant: string; language: string }>;
    try {
      rows = (
        await this.pool.query<RuleRow>(
          `SELECT id, tenant, name, detector, level, entity, normalized_aspect, category, window_minutes,
                  baseline_windows, min_mentions, thresholds, cooldown_minutes, severity, channels, enabled
             FROM alert_rules ORDER BY tenant, name`,
        )
      ).rows;
      settings = (
        await this.pool.query<{ tenant: string; language: string }>(
          'SELECT tenant, language FROM alert_settings',
        )
      ).rows;
    } catch (err) {
      throw asPostgresError(err);
    }
    const languages = new Map<string, AlertLanguage>();
    for (const { tenant, language } of settings) {
      // The table's check admits only known languages; one written by a newer API version reads as English.
      if (isAlertLanguage(language)) languages.set(tenant, language);
      else
        this.logger.warn(`alert language '${language}' of tenant ${tenant} is unknown here: English used`, {
          event: { action: 'alert-language-unknown' },
        });
    }
    const byTenant = new Map<string, Rule[]>();
    for (const row of rows) {
      const rule = ruleFromRow(row);
      if (rule instanceof Error) {
        this.logger.warn(rule.message, { event: { action: 'alert-rule-invalid' } });
        continue;
      }
      byTenant.set(row.tenant, [...(byTenant.get(row.tenant) ?? []), rule]);
    }
    this.byTenant = byTenant;
    this.languages = languages;
  }

  /** Loads once (if never loaded), then keeps refreshing in the background. */
  async ready(): Promise<void> {
    if (!this.byTenant) await this.load();
    this.timer ??= setInterval(() => {
      this.load().catch((err: unknown) =>
        this.logger.warn(`alert rules not refreshed, keeping the last ones: ${errorMessage(err)}`, {
          event: { action: 'alert-rules-refresh-failed' },
        }),
      );
    }, this.refreshMs).unref();
  }

  /** The tenant's stored rules, or the defaults when it has stored none. */
  rulesFor(tenant: string): readonly Rule[] {
    return this.byTenant?.get(tenant) ?? defaultRules(tenant);
  }

  /** The language the tenant's alert messages are written in (alert settings), English by default. */
  languageFor(tenant: string): AlertLanguage {
    return this.languages.get(tenant) ?? DEFAULT_ALERT_LANGUAGE;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
