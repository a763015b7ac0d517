/**
 * The alert service's API: /v1/alert-rules (what the tenant watches), /v1/alert-settings (its default
 * webhook, signing secret and alert language), /v1/alerts (what was raised, acknowledged, resolved) and each alert's
 * delivery attempts.
 */
import type { RequestHandler, Response } from 'express';
import type { Principal } from '../../common/apikeys/store';
import { HttpProblem } from '../../common/http/problem';
import type { AlertLanguage } from '../../stream-processors/alerts/explain';
import type { Detector, Severity } from '../../stream-processors/alerts/rules';
import type { AlertFilter, AlertStatus, AlertStore } from '../stores';
import { decodeCursor, encodeCursor, isMentionCursor, queryOf, str, tenantOf, timeRange } from './params';

const ruleNotFound = (id: string) =>
  new HttpProblem(
    404,
    'alert-rule-not-found',
    'Alert rule not found',
    `no stored rule ${id} for this tenant`,
  );

const alertNotFound = (id: string) =>
  new HttpProblem(404, 'alert-not-found', 'Alert not found', `no alert ${id} for this tenant`);

/** Deployments built without an alert store (some tests) still declare the routes: they answer 503. */
function storeOf(store: AlertStore | undefined): AlertStore {
  if (!store) {
    throw new HttpProblem(
      503,
      'service-unavailable',
      'Service unavailable',
      'alerts are not configured in this deployment',
    );
  }
  return store;
}

const idOf = (res: Response) => String(res.locals.params.id);

function filterOf(q: Record<string, unknown>): AlertFilter {
  const { from, to } = timeRange(q, undefined);
  return {
    status: str(q.status) as AlertStatus | undefined,
    severity: str(q.severity) as Severity | undefined,
    entity: str(q.entity),
    normalized_aspect: str(q.normalized_aspect),
    detector: str(q.detector) as Detector | undefined,
    historical: typeof q.historical === 'boolean' ? q.historical : undefined,
    from,
    to,
  };
}

export function alertRoutes(alerts: AlertStore | undefined): Record<string, RequestHandler> {
  return {
    listAlertRules: async (_req, res) => {
      res.json({ items: await storeOf(alerts).listRules(tenantOf(res)) });
    },

    createAlertRule: async (req, res) => {
      const rule = await storeOf(alerts).createRule(tenantOf(res), req.body);
      res.status(201).location(`/v1/alert-rules/${rule.id}`).json(rule);
    },

    getAlertRule: async (_req, res) => {
      const id = idOf(res);
      const rule = await storeOf(alerts).getRule(tenantOf(res), id);
      if (!rule) throw ruleNotFound(id);
      res.json(rule);
    },

    replaceAlertRule: async (req, res) => {
      const id = idOf(res);
      const rule = await storeOf(alerts).replaceRule(tenantOf(res), id, req.body);
      if (!rule) throw ruleNotFound(id);
      res.json(rule);
    },

    deleteAlertRule: async (_req, res) => {
      const id = idOf(res);
      if (!(await storeOf(alerts).deleteRule(tenantOf(res), id))) throw ruleNotFound(id);
      res.status(204).end();
    },

    getAlertSettings: async (_req, res) => {
      res.json(await storeOf(alerts).getSettings(tenantOf(res)));
    },

    putAlertSettings: async (req, res) => {
      const body = req.body as {
        webhook_url: string | null;
        rotate_secret?: boolean;
        language?: AlertLanguage;
      };
      const settings = await storeOf(alerts).putSettings(tenantOf(res), {
        webhookUrl: body.webhook_url,
        rotateSecret: body.rotate_secret === true,
        language: body.language,
      });
      // The secret is in this body only: keep it out of every cache.
      if (settings.webhook_secret !== undefined) res.setHeader('Cache-Control', 'no-store');
      res.json(settings);
    },

    listAlerts: async (_req, res) => {
      const q = queryOf(res);
      const limit = Number(q.limit);
      const filter = filterOf(q);
      const after = decodeCursor(q.cursor, isMentionCursor);
      const rows = await storeOf(alerts).listAlerts(
        tenantOf(res),
        filter,
        after ? { createdAt: after.t, id: after.id } : undefined,
        limit + 1,
      );
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      res.json({
        items: page.map((r) => r.alert),
        next_cursor:
          rows.length > limit && last ? encodeCursor({ t: last.cursor.createdAt, id: last.cursor.id }) : null,
      });
    },

    getAlert: async (_req, res) => {
      const id = idOf(res);
      const alert = await storeOf(alerts).getAlert(tenantOf(res), id);
      if (!alert) throw alertNotFound(id);
      res.json(alert);
    },

    acknowledgeAlert: async (_req, res) => {
      const id = idOf(res);
      const principal = res.locals.principal as Principal;
      const result = await storeOf(alerts).acknowledgeAlert(principal.tenant, id, principal.name);
      if (!result) throw alertNotFound(id);
      if (!result.acknowledged) {
        throw new HttpProblem(
          409,
          'alert-not-open',
          'Alert is not open',
          `alert ${id} is ${result.status}; only an open alert can be acknowledged`,
          { members: { alert_status: result.status } },
        );
      }
      res.json(result.alert);
    },

    listAlertDeliveries: async (_req, res) => {
      const id = idOf(res);
      const items = await storeOf(alerts).listDeliveries(tenantOf(res), id);
      if (!items) throw alertNotFound(id);
      res.json({ items });
    },
  };
}
