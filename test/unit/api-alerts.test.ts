/**
 * The alert routes without a database: rule bodies through the OpenAPI validator and the alert
 * service's zod schema (and that the two agree), PgAlertStore's SQL over a recording pool, and the
 * real app with an in-memory store for roles, problems and pagination.
 */
import { expect } from 'chai';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ValidateFunction } from 'ajv';
import { isHttpUrl, parseRuleSpec, PgAlertStore } from '../../api/alerts.repository';
import { createApiApp } from '../../api/app';
import { apiConfigSpec } from '../../api/config';
import { openApiDocument } from '../../api/openapi/document';
import { absolutize, createAjv, RequestValidator, type Operation } from '../../api/openapi/validate';
import type {
  AcknowledgeResult,
  AlertCursor,
  AlertFilter,
  AlertRuleView,
  AlertStore,
  AlertView,
} from '../../api/stores';
import type { Principal } from '../../common/apikeys/store';
import { parseConfig, withEnv } from '../../common/config/index';
import { HttpProblem } from '../../common/http/problem';
import { silentLogger } from '../../common/logging/index';
import { createMetrics } from '../../common/metrics/index';
import type { AlertLanguage } from '../../stream-processors/alerts/explain';
import { DEFAULT_RULE_SPECS, ruleInputSchema } from '../../stream-processors/alerts/rules';

const operations = Object.values(openApiDocument.paths).flatMap((item) => Object.values(item) as Operation[]);
const operation = (id: string) => operations.find((o) => o.operationId === id)!;

const validator = new RequestValidator();
const middlewares = new Map<string, ReturnType<RequestValidator['middleware']>>();

/** Runs the validator of an operation over a request; returns the 400 problem, if any. */
function validate(operationId: string, req: { body?: unknown; query?: object; params?: object }) {
  let mw = middlewares.get(operationId);
  if (!mw) {
    mw = validator.middleware(operation(operationId));
    middlewares.set(operationId, mw);
  }
  const res = { locals: {} as Record<string, unknown> };
  let error: unknown;
  mw({ query: {}, params: {}, ...req } as never, res as never, (err?: unknown) => (error = err));
  return { error: error as HttpProblem | undefined, query: res.locals.query as Record<string, unknown> };
}

type Errors = Array<{ in?: string; parameter?: string; pointer: string; reason: string }>;
const errorsOf = (p: HttpProblem | undefined) => (p?.extra.errors ?? []) as Errors;

function zodError(body: unknown): HttpProblem {
  try {
    parseRuleSpec(body);
  } catch (err) {
    if (err instanceof HttpProblem) return err;
    throw err;
  }
  throw new Error(`accepted ${JSON.stringify(body)}`);
}

const ajv = createAjv();
const schemas = new Map<string, ValidateFunction>();
/** Checks a body against a component schema of the OpenAPI document. */
function matches(component: string, value: unknown): boolean {
  let check = schemas.get(component);
  if (!check) {
    check = ajv.compile(absolutize({ $ref: `#/components/schemas/${component}` }) as object);
    schemas.set(component, check);
  }
  return check(value) as boolean;
}

const RULE_ID = '11111111-1111-4111-8111-111111111111';
const ALERT_ID = '22222222-2222-4222-8222-222222222222';

const alert = (i: number, status: AlertView['status'] = 'open'): AlertView => ({
  alert_id: `22222222-2222-4222-8222-${String(i).padStart(12, '0')}`,
  rule: 'aspect-negative-share',
  rule_id: null,
  detector: 'negative_share',
  severity: 'warning',
  status,
  historical: false,
  entity: 'product-1',
  normalized_aspect: 'battery life',
  category: 'hardware',
  window_start: '2026-11-01T10:00:00.000000Z',
  window_end: '2026-11-01T11:00:00.000000Z',
  metric: 'negative_share',
  observed: 0.6,
  baseline: 0.2,
  threshold: 0.35,
  mention_count: 40,
  sample_document_ids: [],
  contributors: [],
  message: 'negative share of battery life rose to 60%',
  language: 'en',
  created_at: `2026-11-01T11:0${i % 10}:00.000000Z`,
  resolved_at: null,
  resolution: null,
  acknowledged_at: null,
  acknowledged_by: null,
});

/** In memory, one tenant's data; records what reached it. */
class MemoryAlerts implements AlertStore {
  calls: string[] = [];
  rules: AlertRuleView[] = [];
  alerts: AlertView[] = Array.from({ length: 5 }, (_, i) => alert(i));
  lastFilter?: AlertFilter;
  constructor(private readonly tenant: string) {}
  private mine(tenant: string) {
    return tenant === this.tenant;
  }
  async listRules(tenant: string) {
    this.calls.push('listRules');
    return this.mine(tenant) ? this.rules : [];
  }
  async getRule(tenant: string, id: string) {
    return this.mine(tenant) ? this.rules.find((r) => r.id === id) : undefined;
  }
  async createRule(_tenant: string, body: unknown) {
    this.calls.push('createRule');
    const spec = parseRuleSpec(body);
    const now = new Date().toISOString();
    const rule: AlertRuleView = { ...spec, id: RULE_ID, default: false, created_at: now, updated_at: now };
    this.rules.push(rule);
    return rule;
  }
  async replaceRule(tenant: string, id: string, body: unknown) {
    this.calls.push('replaceRule');
    const spec = parseRuleSpec(body);
    const old = await this.getRule(tenant, id);
    return old && { ...old, ...spec };
  }
  async deleteRule(tenant: string, id: string) {
    this.calls.push('deleteRule');
    return (await this.getRule(tenant, id)) !== undefined;
  }
  language: AlertLanguage = 'en';
  async getSettings() {
    this.calls.push('getSettings');
    return { webhook_url: null, language: this.language, webhook_secret_set: false, updated_at: null };
  }
  async putSettings(
    _tenant: string,
    s: { webhookUrl: string | null; rotateSecret: boolean; language?: AlertLanguage },
  ) {
    this.calls.push('putSettings');
    this.language = s.language ?? this.language;
    return {
      webhook_url: s.webhookUrl,
      language: this.language,
      webhook_secret_set: true,
      updated_at: new Date().toISOString(),
      webhook_secret: 'secret',
    };
  }
  async listAlerts(tenant: string, filter: AlertFilter, after: AlertCursor | undefined, limit: number) {
    this.calls.push('listAlerts');
    this.lastFilter = filter;
    if (!this.mine(tenant)) return [];
    const sorted = [...this.alerts].sort((a, b) =>
      a.created_at === b.created_at
        ? b.alert_id.localeCompare(a.alert_id)
        : b.created_at.localeCompare(a.created_at),
    );
    const start = after ? sorted.findIndex((a) => a.alert_id === after.id) + 1 : 0;
    return sorted
      .slice(start, start + limit)
      .map((a) => ({ alert: a, cursor: { createdAt: a.created_at, id: a.alert_id } }));
  }
  async getAlert(tenant: string, id: string) {
    return this.mine(tenant) ? this.alerts.find((a) => a.alert_id === id) : undefined;
  }
  async acknowledgeAlert(tenant: string, id: string, by: string): Promise<AcknowledgeResult | undefined> {
    this.calls.push('acknowledgeAlert');
    const a = await this.getAlert(tenant, id);
    if (!a) return undefined;
    if (a.status !== 'open') return { acknowledged: false, status: a.status };
    Object.assign(a, { status: 'acknowledged', acknowledged_by: by, acknowledged_at: a.created_at });
    return { acknowledged: true, alert: a };
  }
  async listDeliveries(tenant: string, id: string) {
    return (await this.getAlert(tenant, id)) ? [] : undefined;
  }
}

const TENANT = 'alerts-unit';
const principals: Record<string, Principal> = {
  reader: { keyId: 'k1', tenant: TENANT, name: 'the-reader', role: 'reader', prefix: 'p1' },
  analyst: { keyId: 'k2', tenant: TENANT, name: 'the-analyst', role: 'analyst', prefix: 'p2' },
  admin: { keyId: 'k3', tenant: TENANT, name: 'the-admin', role: 'admin', prefix: 'p3' },
  ingest: { keyId: 'k4', tenant: TENANT, name: 'the-ingest', role: 'ingest', prefix: 'p4' },
};

async function listen(alerts: AlertStore | undefined) {
  const config = parseConfig(apiConfigSpec, withEnv({}));
  const app = createApiApp({
    config: { ...config, rateLimitPerKeyPerMinute: 0, rateLimitPerIpPerMinute: 0 },
    keys: { verify: async (key: string) => principals[key] ?? null },
    keyAdmin: {
      list: async () => [],
      create: () => Promise.reject(new Error('no')),
      revoke: async () => false,
    },
    mentions: {
      aspectCounts: async () => [],
      trend: async () => [],
      mentions: async () => [],
      entities: async () => [],
      document: async () => undefined,
      similar: async () => undefined,
      sources: async () => [],
      ping: async () => undefined,
    },
    search: {
      search: async () => ({
        hits: [],
        total: 0,
        facets: { aspects: [], categories: [], polarity: [], languages: [] },
      }),
      ping: async () => undefined,
    },
    alerts,
    logger: silentLogger(),
    metrics: createMetrics('alerts-unit', { defaultMetrics: false }),
    ready: async () => ({ ready: true, checks: {} }),
  });
  const server = http.createServer(app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    /** Sends as the role's key; a body goes out as JSON. */
    call: async (method: string, path: string, role?: string, body?: unknown) => {
      const r = await fetch(`${url}${path}`, {
        method,
        headers: {
          ...(role ? { 'X-API-Key': role } : {}),
          ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await r.text();
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      return { status: r.status, headers: r.headers, body: (text ? JSON.parse(text) : undefined) as any };
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

describe('alert API (unit)', () => {
  describe('rule bodies', () => {
    it('refuses what the OpenAPI schema refuses, each error naming its field', () => {
      const { error } = validate('createAlertRule', {
        body: {
          name: 'r',
          detector: 'negative_share',
          level: 'aspect',
          window_minutes: 90,
          colour: 'red',
          thresholds: { z: 0.5 },
          channels: [{ type: 'email', url: 'not a url' }],
        },
      });
      expect(error?.status).to.equal(400);
      const errors = errorsOf(error);
      expect(errors).to.deep.include({
        in: 'body',
        pointer: '/window_minutes',
        reason: 'must be one of 60, 120, 180, 240, 360, 480, 720, 1440',
      });
      expect(errors).to.deep.include({ in: 'body', pointer: '/colour', reason: 'is not a known parameter' });
      const pointers = errors.map((e) => e.pointer);
      expect(pointers).to.include.members(['/thresholds/z', '/channels/0/type', '/channels/0/url']);
      expect(error!.detail).to.contain('body /window_minutes must be one of 60, 120');
    });

    it('states in the schema what a level allows, so no schema-valid rule is refused later', () => {
      const entity = validate('createAlertRule', {
        body: { name: 'r', detector: 'negative_share', level: 'entity', normalized_aspect: 'battery' },
      });
      expect(errorsOf(entity.error).map((e) => e.pointer)).to.include('/normalized_aspect');
      const emerging = validate('createAlertRule', {
        body: { name: 'r', detector: 'emerging_aspect', level: 'category' },
      });
      expect(errorsOf(emerging.error)).to.deep.include({
        in: 'body',
        pointer: '/level',
        reason: 'must be one of aspect',
      });
      expect(validate('createAlertRule', { body: { name: 'x', level: 'aspect' } }).error?.status).to.equal(
        400,
      );
      expect(
        validate('replaceAlertRule', {
          body: { name: 'r', detector: 'volume_spike', level: 'entity', entity: 'product-1' },
          params: { id: RULE_ID },
        }).error,
      ).to.equal(undefined);
    });

    it('agrees with the alert service’s zod schema on what is a valid rule', () => {
      const base = { name: 'r', detector: 'negative_share', level: 'aspect' };
      const bodies: unknown[] = [
        ...DEFAULT_RULE_SPECS,
        base,
        { ...base, window_minutes: 1440, baseline_windows: 2160, thresholds: { z: 3, min_change: 0.1 } },
        { ...base, window_minutes: 30 },
        { ...base, baseline_windows: 0 },
        { ...base, min_mentions: 1.5 },
        { ...base, cooldown_minutes: 7 * 24 * 60 + 1 },
        { ...base, severity: 'fatal' },
        { ...base, thresholds: { unknown: 1 } },
        { ...base, thresholds: { max_baseline_mentions: 2.5 } },
        { ...base, channels: [{ type: 'webhook', url: 'https://hooks.example.com/a' }] },
        {
          ...base,
          channels: Array.from({ length: 11 }, () => ({ type: 'webhook', url: 'https://x.example' })),
        },
        { ...base, entity: null, category: 'hardware' },
        { ...base, level: 'category', category: 'hardware' },
        { ...base, level: 'category', normalized_aspect: 'battery life' },
        { ...base, level: 'entity', category: 'hardware' },
        { ...base, detector: 'emerging_aspect', level: 'entity' },
        { ...base, name: 'x'.repeat(101) },
        { ...base, enabled: 'yes' },
        { ...base, extra: true },
      ];
      for (const body of bodies) {
        const schema = validate('createAlertRule', { body }).error === undefined;
        const zod = ruleInputSchema.safeParse(body).success;
        expect(schema, JSON.stringify(body)).to.equal(zod);
      }
    });

    it('turns zod issues into a 400 naming each field, and fills the defaults', () => {
      const windowProblem = zodError({
        name: 'r',
        detector: 'negative_share',
        level: 'aspect',
        window_minutes: 90,
      });
      expect(windowProblem.status).to.equal(400);
      expect(windowProblem.slug).to.equal('invalid-parameters');
      expect(errorsOf(windowProblem)).to.deep.equal([
        {
          in: 'body',
          pointer: '/window_minutes',
          reason: 'must be one of 60, 120, 180, 240, 360, 480, 720, 1440',
        },
      ]);
      const blank = zodError({ name: '   ', detector: 'negative_share', level: 'aspect' });
      expect(errorsOf(blank)[0]!.pointer).to.equal('/name');
      const crossField = zodError({ name: 'r', detector: 'emerging_aspect', level: 'entity' });
      expect(errorsOf(crossField)).to.deep.equal([
        { in: 'body', pointer: '', reason: 'emerging_aspect watches aspects: level must be aspect' },
      ]);
      const ftp = zodError({
        name: 'r',
        detector: 'negative_share',
        level: 'aspect',
        channels: [
          { type: 'webhook', url: 'https://ok.example' },
          { type: 'webhook', url: 'ftp://files.example/x' },
        ],
      });
      expect(errorsOf(ftp)).to.deep.equal([
        { in: 'body', pointer: '/channels/1/url', reason: 'must be an http(s) URL' },
      ]);
      expect(parseRuleSpec({ name: ' r ', detector: 'volume_spike', level: 'entity' })).to.deep.include({
        name: 'r',
        window_minutes: 60,
        baseline_windows: 168,
        severity: 'warning',
        channels: [],
        enabled: true,
        entity: null,
      });
      expect(isHttpUrl('http://a.example')).to.equal(true);
      expect(isHttpUrl('javascript:alert(1)')).to.equal(false);
      expect(isHttpUrl('nonsense')).to.equal(false);
    });
  });

  describe('PgAlertStore over a recording pool', () => {
    type Reply = { rows: unknown[]; rowCount?: number } | Error;
    function pool(...replies: Reply[]) {
      const queries: Array<{ sql: string; params: unknown[] }> = [];
      return {
        queries,
        query: async (sql: string, params: unknown[] = []) => {
          queries.push({ sql, params });
          const reply = replies.shift() ?? { rows: [] };
          if (reply instanceof Error) throw reply;
          return { rowCount: reply.rows.length, ...reply };
        },
      };
    }
    const store = (p: ReturnType<typeof pool>) => new PgAlertStore(p as never);

    it('lists the defaults, marked default and without the tenant, when the tenant stores none', async () => {
      const p = pool({ rows: [] });
      const rules = await store(p).listRules('t1');
      expect(rules.map((r) => r.id)).to.deep.equal(DEFAULT_RULE_SPECS.map((s) => `default:${s.name}`));
      for (const r of rules) {
        expect(r).to.include({ default: true, created_at: null, updated_at: null });
        expect(r).to.not.have.property('tenant');
        expect(matches('AlertRule', r), r.name).to.equal(true);
      }
      expect(p.queries[0]!.params).to.deep.equal(['t1']);
    });

    it('answers 409 when the unique index refuses the name, and passes every other error on', async () => {
      const taken = Object.assign(new Error('duplicate key'), {
        code: '23505',
        constraint: 'alert_rules_tenant_name',
      });
      const body = { name: 'dup', detector: 'negative_share', level: 'aspect' };
      const err = await store(pool(taken))
        .createRule('t1', body)
        .catch((e: unknown) => e);
      expect(err).to.be.instanceOf(HttpProblem);
      expect((err as HttpProblem).status).to.equal(409);
      expect((err as HttpProblem).detail).to.contain("'dup'");
      const other = Object.assign(new Error('boom'), { code: '57014' });
      expect(
        await store(pool(other))
          .replaceRule('t1', RULE_ID, body)
          .catch((e: unknown) => e),
      ).to.equal(other);
    });

    it('validates before touching the database', async () => {
      const p = pool();
      const err = await store(p)
        .createRule('t1', { name: 'r', detector: 'negative_share', level: 'aspect', window_minutes: 5 })
        .catch((e: unknown) => e);
      expect((err as HttpProblem).status).to.equal(400);
      expect(p.queries).to.have.length(0);
    });

    it('acknowledges only an open alert of the tenant, and says what blocked it otherwise', async () => {
      const open = pool({ rows: [alert(1, 'acknowledged')] });
      expect(await store(open).acknowledgeAlert('t1', ALERT_ID, 'me')).to.deep.include({
        acknowledged: true,
      });
      expect(open.queries[0]!.sql).to.match(/status = 'open'/);
      expect(open.queries[0]!.params).to.deep.equal([ALERT_ID, 't1', 'me']);
      const resolved = pool({ rows: [] }, { rows: [{ status: 'resolved' }] });
      expect(await store(resolved).acknowledgeAlert('t1', ALERT_ID, 'me')).to.deep.equal({
        acknowledged: false,
        status: 'resolved',
      });
      expect(await store(pool({ rows: [] }, { rows: [] })).acknowledgeAlert('t1', ALERT_ID, 'me')).to.equal(
        undefined,
      );
    });

    it('shows a webhook secret only when it was generated by this call', async () => {
      const row = { webhook_url: null, updated_at: '2026-11-01T00:00:00.000000Z' };
      const created = pool({ rows: [{ ...row, webhook_secret: 's1', inserted: true }] });
      const first = await store(created).putSettings('t1', { webhookUrl: null, rotateSecret: false });
      expect(first.webhook_secret).to.equal('s1');
      const generated = created.queries[0]!.params[1] as string;
      expect(generated).to.match(/^[A-Za-z0-9_-]{43}$/);
      const updated = pool({ rows: [{ ...row, webhook_secret: 's1', inserted: false }] });
      expect(
        await store(updated).putSettings('t1', { webhookUrl: null, rotateSecret: false }),
      ).to.not.have.property('webhook_secret');
      const rotated = pool({ rows: [{ ...row, webhook_secret: 's2', inserted: false }] });
      expect(
        (await store(rotated).putSettings('t1', { webhookUrl: null, rotateSecret: true })).webhook_secret,
      ).to.equal('s2');
      const bad = pool();
      const err = await store(bad)
        .putSettings('t1', { webhookUrl: 'ftp://x.example', rotateSecret: false })
        .catch((e: unknown) => e);
      expect(errorsOf(err as HttpProblem)).to.deep.equal([
        { in: 'body', pointer: '/webhook_url', reason: 'must be an http(s) URL' },
      ]);
      expect(bad.queries).to.have.length(0);
    });

    it('stores the alert language given, keeps the stored one when left out, and reads English by default', async () => {
      const row = {
        webhook_url: null,
        webhook_secret: 's1',
        inserted: false,
        updated_at: '2026-11-01T00:00:00.000000Z',
      };
      const korean = pool({ rows: [{ ...row, language: 'ko' }] });
      const set = await store(korean).putSettings('t1', {
        webhookUrl: null,
        rotateSecret: false,
        language: 'ko',
      });
      expect(set.language).to.equal('ko');
      expect(korean.queries[0]!.params.slice(4)).to.deep.equal(['ko', 'en']);
      expect(korean.queries[0]!.sql).to.match(/language = COALESCE\(\$5, s\.language\)/);
      const kept = pool({ rows: [{ ...row, language: 'ko' }] });
      await store(kept).putSettings('t1', { webhookUrl: null, rotateSecret: false });
      expect(kept.queries[0]!.params[4]).to.equal(null);
      expect((await store(pool({ rows: [] })).getSettings('t1')).language).to.equal('en');
      const bad = pool();
      const err = await store(bad)
        .putSettings('t1', { webhookUrl: 'ftp://x.example', rotateSecret: false, language: 'fr' as never })
        .catch((e: unknown) => e);
      expect(errorsOf(err as HttpProblem)).to.deep.equal([
        { in: 'body', pointer: '/webhook_url', reason: 'must be an http(s) URL' },
        { in: 'body', pointer: '/language', reason: 'must be one of en, ko' },
      ]);
      expect(bad.queries).to.have.length(0);
    });

    it('filters every statement by tenant, as a parameter', async () => {
      const p = pool();
      const s = store(p);
      await s.listRules('t1');
      await s.getRule('t1', RULE_ID);
      await s.replaceRule('t1', RULE_ID, { name: 'r', detector: 'negative_share', level: 'aspect' });
      await s.deleteRule('t1', RULE_ID);
      await s.getSettings('t1');
      await s.listAlerts('t1', { status: 'open', entity: "x' OR 1=1", historical: false }, undefined, 10);
      await s.getAlert('t1', ALERT_ID);
      await s.listDeliveries('t1', ALERT_ID);
      for (const q of p.queries) {
        expect(q.sql, q.sql).to.match(/\btenant = \$\d\b/);
        expect(q.params, q.sql).to.include('t1');
        expect(q.sql).to.not.contain("x' OR");
      }
      const list = p.queries.find((q) => q.sql.includes('FROM alerts WHERE tenant'))!;
      expect(list.sql).to.match(/ORDER BY created_at DESC, alert_id DESC/);
      expect(list.params).to.deep.equal(['t1', 'open', "x' OR 1=1", false, 10]);
    });

    it('pages alerts by keyset on (created_at, alert_id) and reads unknown ids as missing', async () => {
      const p = pool({ rows: [alert(1)] });
      const rows = await store(p).listAlerts(
        't1',
        { from: new Date('2026-11-01T00:00:00Z'), to: new Date('2026-11-02T00:00:00Z') },
        { createdAt: '2026-11-01T11:00:00.123456Z', id: ALERT_ID },
        3,
      );
      expect(rows[0]!.cursor).to.deep.equal({ createdAt: alert(1).created_at, id: alert(1).alert_id });
      expect(p.queries[0]!.sql).to.match(/window_start >= \$2 AND window_start < \$3/);
      expect(p.queries[0]!.sql).to.match(/\(created_at, alert_id\) < \(\$4::timestamptz, \$5::uuid\)/);
      const none = pool();
      expect(await store(none).getAlert('t1', 'default:x')).to.equal(undefined);
      expect(await store(none).deleteRule('t1', 'not-a-uuid')).to.equal(false);
      expect(none.queries).to.have.length(0);
    });
  });

  describe('the app with an in-memory store', function () {
    this.timeout(10_000);
    let memory: MemoryAlerts;
    let api: Awaited<ReturnType<typeof listen>>;
    const rule = { name: 'battery-watch', detector: 'negative_share', level: 'aspect' };

    beforeEach(async () => {
      memory = new MemoryAlerts(TENANT);
      api = await listen(memory);
    });
    afterEach(() => api.close());

    it('lets readers read rules and alerts, analysts manage rules and acknowledge, admins the settings', async () => {
      const expectations: Array<[string, string, Record<string, number>, unknown?]> = [
        ['GET', '/v1/alert-rules', { reader: 200, analyst: 200, admin: 200, ingest: 403 }],
        ['POST', '/v1/alert-rules', { reader: 403, analyst: 201, admin: 201, ingest: 403 }, rule],
        ['PUT', `/v1/alert-rules/${RULE_ID}`, { reader: 403, analyst: 200, admin: 200, ingest: 403 }, rule],
        ['DELETE', `/v1/alert-rules/${RULE_ID}`, { reader: 403, analyst: 204, admin: 204, ingest: 403 }],
        ['GET', '/v1/alerts', { reader: 200, analyst: 200, admin: 200, ingest: 403 }],
        ['GET', `/v1/alerts/${alert(1).alert_id}`, { reader: 200, analyst: 200, admin: 200, ingest: 403 }],
        [
          'GET',
          `/v1/alerts/${alert(1).alert_id}/deliveries`,
          { reader: 200, analyst: 200, admin: 200, ingest: 403 },
        ],
        ['GET', '/v1/alert-settings', { reader: 403, analyst: 403, admin: 200, ingest: 403 }],
        [
          'PUT',
          '/v1/alert-settings',
          { reader: 403, analyst: 403, admin: 200, ingest: 403 },
          { webhook_url: null },
        ],
      ];
      for (const [method, path, byRole, body] of expectations) {
        for (const [role, status] of Object.entries(byRole)) {
          const r = await api.call(method, path, role, body);
          expect(r.status, `${role} ${method} ${path}`).to.equal(status);
          if (status === 403) expect(r.body.type).to.equal('https://aspect-stream.dev/problems/forbidden');
        }
      }
      const ack = `/v1/alerts/${alert(2).alert_id}/acknowledge`;
      expect((await api.call('POST', ack, 'reader')).status).to.equal(403);
      expect((await api.call('POST', ack)).status).to.equal(401);
      expect(memory.calls).to.not.include('acknowledgeAlert');
      const done = await api.call('POST', ack, 'analyst');
      expect(done.status).to.equal(200);
      expect(done.body).to.include({ status: 'acknowledged', acknowledged_by: 'the-analyst' });
      expect(matches('Alert', done.body)).to.equal(true);
    });

    it('answers a second acknowledge with 409 naming the status, an unknown alert with 404', async () => {
      const ack = `/v1/alerts/${alert(3).alert_id}/acknowledge`;
      expect((await api.call('POST', ack, 'admin')).status).to.equal(200);
      const again = await api.call('POST', ack, 'admin');
      expect(again.status).to.equal(409);
      expect(again.body).to.include({ alert_status: 'acknowledged' });
      expect(again.body.detail).to.contain('acknowledged');
      expect(matches('Problem', again.body)).to.equal(true);
      const missing = await api.call('POST', `/v1/alerts/${ALERT_ID}/acknowledge`, 'admin');
      expect(missing.status).to.equal(404);
      expect(missing.body.type).to.equal('https://aspect-stream.dev/problems/alert-not-found');
    });

    it('refuses a bad rule body with a 400 before the store sees it, and a non-JSON one with 415', async () => {
      const bad = await api.call('POST', '/v1/alert-rules', 'analyst', { ...rule, window_minutes: 45 });
      expect(bad.status).to.equal(400);
      expect(bad.body.errors).to.deep.include({
        in: 'body',
        pointer: '/window_minutes',
        reason: 'must be one of 60, 120, 180, 240, 360, 480, 720, 1440',
      });
      const hook = await api.call('POST', '/v1/alert-rules', 'analyst', {
        ...rule,
        channels: [{ type: 'webhook', url: 'ftp://x.example/hook' }],
      });
      expect(hook.status).to.equal(400);
      expect(hook.body.errors[0].pointer).to.equal('/channels/0/url');
      const created = await api.call('POST', '/v1/alert-rules', 'analyst', rule);
      expect(created.status).to.equal(201);
      expect(created.headers.get('location')).to.equal(`/v1/alert-rules/${RULE_ID}`);
      expect(matches('AlertRule', created.body)).to.equal(true);
      const plain = await fetch(`${api.url}/v1/alert-rules`, {
        method: 'POST',
        headers: { 'X-API-Key': 'analyst', 'Content-Type': 'text/plain' },
        body: JSON.stringify(rule),
      });
      expect(plain.status).to.equal(415);
      // The store validates too: what the schema cannot see (the scheme of a URL) is refused there.
      expect(memory.calls.filter((c) => c === 'createRule')).to.have.length(2);
      const settings = await api.call('PUT', '/v1/alert-settings', 'admin', { rotate_secret: true });
      expect(settings.status).to.equal(400);
      expect(settings.body.errors[0]).to.include({ pointer: '/webhook_url', reason: 'is required' });
    });

    it('takes the alert language en or ko in the settings, refusing any other with a 400 naming the field', async () => {
      const french = await api.call('PUT', '/v1/alert-settings', 'admin', {
        webhook_url: null,
        language: 'fr',
      });
      expect(french.status).to.equal(400);
      expect(french.body.errors).to.deep.equal([
        { in: 'body', pointer: '/language', reason: 'must be one of en, ko' },
      ]);
      expect(memory.calls).to.not.include('putSettings');
      const before = await api.call('GET', '/v1/alert-settings', 'admin');
      expect(before.body.language).to.equal('en');
      expect(matches('AlertSettings', before.body)).to.equal(true);
      const korean = await api.call('PUT', '/v1/alert-settings', 'admin', {
        webhook_url: null,
        language: 'ko',
      });
      expect(korean.status).to.equal(200);
      expect(korean.body.language).to.equal('ko');
      expect((await api.call('GET', '/v1/alert-settings', 'admin')).body.language).to.equal('ko');
    });

    it('pages alerts with an opaque cursor and passes the filters on, typed', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const qs: string = new URLSearchParams({
          limit: '2',
          status: 'open',
          historical: 'false',
          from: '2026-11-01T00:00:00Z',
          ...(cursor ? { cursor } : {}),
        }).toString();
        const r = await api.call('GET', `/v1/alerts?${qs}`, 'reader');
        expect(r.status).to.equal(200);
        for (const a of r.body.items) expect(matches('Alert', a)).to.equal(true);
        seen.push(...r.body.items.map((a: AlertView) => a.alert_id));
        cursor = r.body.next_cursor;
      } while (cursor);
      expect(seen).to.deep.equal([4, 3, 2, 1, 0].map((i) => alert(i).alert_id));
      expect(memory.lastFilter).to.deep.include({ status: 'open', historical: false });
      expect(memory.lastFilter!.from!.toISOString()).to.equal('2026-11-01T00:00:00.000Z');
      const bogus = await api.call('GET', '/v1/alerts?cursor=abc', 'reader');
      expect(bogus.status).to.equal(400);
      expect(bogus.body.errors[0].parameter).to.equal('cursor');
      const range = await api.call(
        'GET',
        '/v1/alerts?from=2026-11-02T00:00:00Z&to=2026-11-01T00:00:00Z',
        'reader',
      );
      expect(range.body.errors[0].parameter).to.equal('from');
      const typo = await api.call('GET', '/v1/alerts?severity=fatal&historical=maybe&sort=x', 'reader');
      expect(typo.body.errors.map((e: { parameter: string }) => e.parameter).sort()).to.deep.equal([
        'historical',
        'severity',
        'sort',
      ]);
    });

    it('answers a method the document does not declare with 405 and an id that is no uuid with 400', async () => {
      const r = await api.call('PATCH', `/v1/alert-rules/${RULE_ID}`, 'admin', rule);
      expect(r.status).to.equal(405);
      const notUuid = await api.call('GET', '/v1/alert-rules/default:emerging-aspect', 'reader');
      expect(notUuid.status).to.equal(400);
      expect(notUuid.body.errors[0].parameter).to.equal('id');
    });

    it('answers 503 on every alert route of an app built without an alert store', async () => {
      const bare = await listen(undefined);
      try {
        const r = await bare.call('GET', '/v1/alerts', 'reader');
        expect(r.status).to.equal(503);
        expect(r.body.detail).to.match(/not configured/);
      } finally {
        await bare.close();
      }
    });
  });
});
