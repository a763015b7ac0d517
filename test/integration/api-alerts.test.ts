/**
 * The alert routes of the read API on the real PostgreSQL of the local stack: rules, settings,
 * alerts and deliveries (alert rows are written here with SQL, as the alert service would), tenant
 * isolation, roles and pagination. Needs only PostgreSQL; applies the migrations itself.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import type pg from 'pg';
import { PgAlertStore } from '../../api/alerts.repository';
import { createApiApp } from '../../api/app';
import { apiConfigSpec } from '../../api/config';
import { TenantKeyAdmin } from '../../api/key-admin';
import { PgMentionStore } from '../../api/mention.repository';
import { ApiKeyStore } from '../../common/apikeys/store';
import { parseConfig, withEnv } from '../../common/config/index';
import { silentLogger } from '../../common/logging/index';
import { createMetrics } from '../../common/metrics/index';
import { migrate } from '../../common/postgres/migrate';
import { DEFAULT_RULE_SPECS } from '../../stream-processors/alerts/rules';
import { expectMatchesOpenApi, JWT_SECRET, testDb } from './api-fixtures';
import { uniqueTenant } from './sinks-fixtures';

const HOUR = 3_600_000;

interface Reply {
  status: number;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  text: string;
}

interface AlertRow {
  id: string;
  status?: 'open' | 'resolved' | 'acknowledged';
  severity?: 'info' | 'warning' | 'critical';
  detector?: 'negative_share' | 'volume_spike' | 'emerging_aspect';
  entity?: string | null;
  aspect?: string | null;
  historical?: boolean;
  windowStart: number;
  /** ISO with microseconds: pages must not lose or repeat alerts created within one millisecond. */
  createdAt: string;
}

/** An ISO timestamp with microseconds, as PostgreSQL keeps and the API returns them. */
const micros = (ms: number, us = 0) =>
  new Date(ms).toISOString().replace('Z', `${String(us).padStart(3, '0')}Z`);

describe('Alert API (real PostgreSQL)', function () {
  this.timeout(60_000);
  const tenant = uniqueTenant('alerts-a');
  const other = uniqueTenant('alerts-b');
  const fresh = uniqueTenant('alerts-c');
  const base = Math.floor(Date.now() / HOUR) * HOUR - 48 * HOUR;
  let db: pg.Pool;
  let server: http.Server;
  let url: string;
  const key: Record<'reader' | 'analyst' | 'admin' | 'otherAdmin' | 'freshReader', string> = {} as never;

  async function call(method: string, path: string, role: keyof typeof key, body?: unknown): Promise<Reply> {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: {
        'X-API-Key': key[role],
        ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return { status: res.status, headers: res.headers, body: parsed, text };
  }

  async function insertAlert(t: string, a: AlertRow): Promise<void> {
    await db.query(
      `INSERT INTO alerts (alert_id, tenant, rule, rule_id, detector, severity, status, historical, entity,
         normalized_aspect, category, window_start, window_end, metric, observed, baseline, threshold,
         mention_count, sample_document_ids, contributors, message, created_at, resolved_at, resolution)
       VALUES ($1, $2, 'aspect-negative-share', NULL, $3, $4, $5, $6, $7, $8, NULL, $9, $10, 'negative_share',
         0.6, 0.2, 0.35, 42, $11, $12::jsonb, 'negative share rose', $13, $14, $15)`,
      [
        a.id,
        t,
        a.detector ?? 'negative_share',
        a.severity ?? 'warning',
        a.status ?? 'open',
        a.historical ?? false,
        a.entity === undefined ? 'product-1' : a.entity,
        a.aspect === undefined ? 'battery life' : a.aspect,
        new Date(a.windowStart),
        new Date(a.windowStart + HOUR),
        [randomUUID()],
        JSON.stringify([{ term: 'battery', mentions: 12 }]),
        a.createdAt,
        a.status === 'resolved' ? new Date(a.windowStart + 3 * HOUR) : null,
        a.status === 'resolved' ? 'recovered' : null,
      ],
    );
  }

  // Tenant A's alerts; two share created_at to the microsecond, so only alert_id orders them.
  const tie = micros(base + 30 * HOUR, 500);
  const alerts: AlertRow[] = [
    { id: randomUUID(), windowStart: base, createdAt: micros(base + HOUR, 1) },
    {
      id: randomUUID(),
      status: 'resolved',
      severity: 'critical',
      detector: 'volume_spike',
      entity: 'product-2',
      aspect: null,
      windowStart: base + 10 * HOUR,
      createdAt: micros(base + 11 * HOUR, 2),
    },
    {
      id: randomUUID(),
      severity: 'info',
      detector: 'emerging_aspect',
      aspect: 'display',
      historical: true,
      windowStart: base - 30 * 24 * HOUR,
      createdAt: micros(base + 20 * HOUR, 3),
    },
    { id: randomUUID(), severity: 'critical', windowStart: base + 29 * HOUR, createdAt: tie },
    {
      id: randomUUID(),
      status: 'acknowledged',
      entity: 'product-2',
      windowStart: base + 29 * HOUR,
      createdAt: tie,
    },
    {
      id: randomUUID(),
      entity: 'product-3',
      windowStart: base + 40 * HOUR,
      createdAt: micros(base + 41 * HOUR, 4),
    },
  ];
  /** Acknowledged by the lifecycle test; kept out of the list tests by its entity. */
  const toAcknowledge: AlertRow = {
    id: randomUUID(),
    entity: 'ack-target',
    windowStart: base + 5 * HOUR,
    createdAt: micros(base + 6 * HOUR, 5),
  };
  const otherAlert: AlertRow = { id: randomUUID(), windowStart: base, createdAt: micros(base + 2 * HOUR, 6) };
  const listed = [...alerts, toAcknowledge];
  const newestFirst = (rows: AlertRow[]) =>
    [...rows]
      .sort((a, b) =>
        a.createdAt === b.createdAt ? (a.id < b.id ? 1 : -1) : a.createdAt < b.createdAt ? 1 : -1,
      )
      .map((a) => a.id);

  before(async () => {
    db = testDb();
    await migrate(db);
    const keys = new ApiKeyStore(db, 0);
    const config = {
      ...parseConfig(apiConfigSpec, withEnv({ API_JWT_SECRET: JWT_SECRET })),
      rateLimitPerKeyPerMinute: 1_000_000,
      rateLimitPerIpPerMinute: 0,
    };
    const app = createApiApp({
      config,
      keys,
      keyAdmin: new TenantKeyAdmin(keys),
      mentions: new PgMentionStore(db),
      // The alert routes never search; Elasticsearch is not needed here.
      search: {
        search: () => Promise.reject(new Error('no search in the alert tests')),
        ping: async () => undefined,
      },
      alerts: new PgAlertStore(db),
      logger: silentLogger(),
      metrics: createMetrics('api-alerts-test', { defaultMetrics: false }),
      ready: async () => ({ ready: true, checks: {} }),
    });
    server = http.createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    for (const role of ['reader', 'analyst', 'admin'] as const) {
      key[role] = (await keys.create({ tenant, name: `alerts-${role}`, role })).key;
    }
    key.otherAdmin = (await keys.create({ tenant: other, name: 'alerts-other-admin', role: 'admin' })).key;
    key.freshReader = (await keys.create({ tenant: fresh, name: 'alerts-fresh-reader', role: 'reader' })).key;
    for (const a of [...alerts, toAcknowledge]) await insertAlert(tenant, a);
    await insertAlert(other, otherAlert);
  });

  after(async () => {
    if (server) {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
    if (db) {
      const tenants = [tenant, other, fresh];
      for (const table of ['alert_deliveries', 'alerts', 'alert_rules', 'alert_settings']) {
        await db.query(`DELETE FROM ${table} WHERE tenant = ANY($1)`, [tenants]);
      }
      await db.end();
    }
  });

  describe('rules', () => {
    it('lists the defaults in force for a tenant that stores no rules', async () => {
      const r = await call('GET', '/v1/alert-rules', 'freshReader');
      expect(r.status).to.equal(200);
      expectMatchesOpenApi('listAlertRules', 200, r.body);
      expect(r.body.items.map((x: { name: string }) => x.name)).to.deep.equal(
        DEFAULT_RULE_SPECS.map((s) => s.name),
      );
      for (const rule of r.body.items) {
        expect(rule).to.include({ default: true, id: `default:${rule.name}`, created_at: null });
      }
    });

    it('creates, reads, replaces and deletes a rule, and the defaults give way to it', async () => {
      const spec = {
        name: 'battery-negative',
        detector: 'negative_share',
        level: 'aspect',
        normalized_aspect: 'battery life',
        window_minutes: 120,
        thresholds: { z: 3, min_change: 0.1 },
        channels: [{ type: 'webhook', url: 'https://hooks.example.com/battery' }],
      };
      const created = await call('POST', '/v1/alert-rules', 'analyst', spec);
      expect(created.status).to.equal(201);
      expectMatchesOpenApi('createAlertRule', 201, created.body);
      expect(created.body).to.deep.include({ ...spec, default: false, severity: 'warning', enabled: true });
      const id = created.body.id as string;
      expect(created.headers.get('location')).to.equal(`/v1/alert-rules/${id}`);

      const listed = await call('GET', '/v1/alert-rules', 'reader');
      expect(listed.body.items.map((x: { id: string }) => x.id)).to.deep.equal([id]);
      const got = await call('GET', `/v1/alert-rules/${id}`, 'reader');
      expect(got.status).to.equal(200);
      expectMatchesOpenApi('getAlertRule', 200, got.body);
      expect(got.body).to.deep.equal(created.body);

      const replaced = await call('PUT', `/v1/alert-rules/${id}`, 'analyst', {
        name: 'battery-negative',
        detector: 'negative_share',
        level: 'category',
        category: 'hardware',
        severity: 'critical',
      });
      expect(replaced.status).to.equal(200);
      expectMatchesOpenApi('replaceAlertRule', 200, replaced.body);
      // A replacement: what it omits takes the defaults again.
      expect(replaced.body).to.deep.include({
        id,
        level: 'category',
        category: 'hardware',
        normalized_aspect: null,
        window_minutes: 60,
        thresholds: {},
        channels: [],
        severity: 'critical',
        created_at: created.body.created_at,
      });
      expect(Date.parse(replaced.body.updated_at)).to.be.greaterThan(Date.parse(created.body.updated_at));

      const deleted = await call('DELETE', `/v1/alert-rules/${id}`, 'analyst');
      expect(deleted.status).to.equal(204);
      const gone = await call('GET', `/v1/alert-rules/${id}`, 'reader');
      expect(gone.status).to.equal(404);
      expectMatchesOpenApi('getAlertRule', 404, gone.body);
      expect((await call('DELETE', `/v1/alert-rules/${id}`, 'analyst')).status).to.equal(404);
      expect((await call('GET', '/v1/alert-rules', 'reader')).body.items[0].default).to.equal(true);
    });

    it('answers 409 to a name the tenant already uses, on create and on replace', async () => {
      const a = await call('POST', '/v1/alert-rules', 'admin', {
        name: 'dup-a',
        detector: 'volume_spike',
        level: 'entity',
      });
      const b = await call('POST', '/v1/alert-rules', 'admin', {
        name: 'dup-b',
        detector: 'volume_spike',
        level: 'entity',
      });
      expect([a.status, b.status]).to.deep.equal([201, 201]);
      const again = await call('POST', '/v1/alert-rules', 'admin', {
        name: 'dup-a',
        detector: 'negative_share',
        level: 'aspect',
      });
      expect(again.status).to.equal(409);
      expectMatchesOpenApi('createAlertRule', 409, again.body);
      const rename = await call('PUT', `/v1/alert-rules/${b.body.id}`, 'admin', {
        name: 'dup-a',
        detector: 'volume_spike',
        level: 'entity',
      });
      expect(rename.status).to.equal(409);
      // Another tenant may use the same name.
      const elsewhere = await call('POST', '/v1/alert-rules', 'otherAdmin', {
        name: 'dup-a',
        detector: 'volume_spike',
        level: 'entity',
      });
      expect(elsewhere.status).to.equal(201);
      for (const r of [a, b])
        expect((await call('DELETE', `/v1/alert-rules/${r.body.id}`, 'admin')).status).to.equal(204);
      await call('DELETE', `/v1/alert-rules/${elsewhere.body.id}`, 'otherAdmin');
    });

    it('refuses invalid rules with a 400 naming the field, and a reader’s writes with 403', async () => {
      const bad = await call('POST', '/v1/alert-rules', 'analyst', {
        name: 'bad',
        detector: 'negative_share',
        level: 'aspect',
        window_minutes: 90,
      });
      expect(bad.status).to.equal(400);
      expectMatchesOpenApi('createAlertRule', 400, bad.body);
      expect(bad.body.errors).to.deep.include({
        in: 'body',
        pointer: '/window_minutes',
        reason: 'must be one of 60, 120, 180, 240, 360, 480, 720, 1440',
      });
      const scheme = await call('POST', '/v1/alert-rules', 'analyst', {
        name: 'bad',
        detector: 'negative_share',
        level: 'aspect',
        channels: [{ type: 'webhook', url: 'ftp://files.example/hook' }],
      });
      expect(scheme.status).to.equal(400);
      expect(scheme.body.errors[0].pointer).to.equal('/channels/0/url');

      const forbidden = await call('POST', '/v1/alert-rules', 'reader', {
        name: 'by-reader',
        detector: 'negative_share',
        level: 'aspect',
      });
      expect(forbidden.status).to.equal(403);
      expectMatchesOpenApi('createAlertRule', 403, forbidden.body);
      const { rows } = await db.query('SELECT 1 FROM alert_rules WHERE tenant = $1 AND name = $2', [
        tenant,
        'by-reader',
      ]);
      expect(rows).to.have.length(0);
      const someId = randomUUID();
      expect(
        (
          await call('PUT', `/v1/alert-rules/${someId}`, 'reader', {
            name: 'x',
            detector: 'volume_spike',
            level: 'entity',
          })
        ).status,
      ).to.equal(403);
      expect((await call('DELETE', `/v1/alert-rules/${someId}`, 'reader')).status).to.equal(403);
    });
  });

  describe('settings', () => {
    it('shows the webhook secret once, on creation and on rotation, never on a read (admin only), and keeps the alert language until set', async () => {
      expect((await call('GET', '/v1/alert-settings', 'analyst')).status).to.equal(403);
      expect(
        (await call('PUT', '/v1/alert-settings', 'analyst', { webhook_url: 'https://hooks.example.com/x' }))
          .status,
      ).to.equal(403);
      const before = await call('GET', '/v1/alert-settings', 'admin');
      expect(before.status).to.equal(200);
      expectMatchesOpenApi('getAlertSettings', 200, before.body);
      expect(before.body).to.deep.equal({
        webhook_url: null,
        language: 'en',
        webhook_secret_set: false,
        updated_at: null,
      });

      const first = await call('PUT', '/v1/alert-settings', 'admin', {
        webhook_url: 'https://hooks.example.com/a',
      });
      expect(first.status).to.equal(200);
      expectMatchesOpenApi('putAlertSettings', 200, first.body);
      expect(first.headers.get('cache-control')).to.equal('no-store');
      const secret = first.body.webhook_secret as string;
      expect(secret).to.match(/^[A-Za-z0-9_-]{43}$/);
      expect(first.body).to.include({
        webhook_url: 'https://hooks.example.com/a',
        language: 'en',
        webhook_secret_set: true,
      });

      const read = await call('GET', '/v1/alert-settings', 'admin');
      expect(read.body).to.not.have.property('webhook_secret');
      expect(read.text).to.not.contain(secret);
      expect(read.body).to.include({ webhook_url: 'https://hooks.example.com/a', webhook_secret_set: true });

      const korean = await call('PUT', '/v1/alert-settings', 'admin', {
        webhook_url: 'https://hooks.example.com/a',
        language: 'ko',
      });
      expect(korean.status).to.equal(200);
      expectMatchesOpenApi('putAlertSettings', 200, korean.body);
      expect(korean.body.language).to.equal('ko');
      // Left out, the language stays as set.
      const update = await call('PUT', '/v1/alert-settings', 'admin', {
        webhook_url: null,
        rotate_secret: false,
      });
      expect(update.body).to.not.have.property('webhook_secret');
      expect(update.body.webhook_url).to.equal(null);
      expect(update.body.language).to.equal('ko');
      expect((await call('GET', '/v1/alert-settings', 'admin')).body.language).to.equal('ko');
      const french = await call('PUT', '/v1/alert-settings', 'admin', { webhook_url: null, language: 'fr' });
      expect(french.status).to.equal(400);
      expect(french.body.errors).to.deep.equal([
        { in: 'body', pointer: '/language', reason: 'must be one of en, ko' },
      ]);
      const stored = async () =>
        (
          await db.query<{ webhook_secret: string }>(
            'SELECT webhook_secret FROM alert_settings WHERE tenant = $1',
            [tenant],
          )
        ).rows[0]!.webhook_secret;
      expect(await stored()).to.equal(secret);

      const rotated = await call('PUT', '/v1/alert-settings', 'admin', {
        webhook_url: 'https://hooks.example.com/b',
        rotate_secret: true,
      });
      expect(rotated.body.webhook_secret).to.be.a('string').and.not.equal(secret);
      expect(await stored()).to.equal(rotated.body.webhook_secret);
      expect((await call('GET', '/v1/alert-settings', 'otherAdmin')).body.webhook_secret_set).to.equal(false);

      const bad = await call('PUT', '/v1/alert-settings', 'admin', { webhook_url: 'javascript:alert(1)' });
      expect(bad.status).to.equal(400);
      expect(bad.body.errors[0].pointer).to.equal('/webhook_url');
    });
  });

  describe('alerts', () => {
    it('pages through the tenant’s alerts newest first, ties broken by alert id, without gaps or repeats', async () => {
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const qs = new URLSearchParams({ limit: '2', ...(cursor ? { cursor } : {}) });
        const r = await call('GET', `/v1/alerts?${qs}`, 'reader');
        expect(r.status).to.equal(200);
        expectMatchesOpenApi('listAlerts', 200, r.body);
        expect(r.body.items.length).to.be.at.most(2);
        seen.push(...r.body.items.map((a: { alert_id: string }) => a.alert_id));
        cursor = r.body.next_cursor ?? undefined;
      } while (cursor);
      expect(seen).to.deep.equal(newestFirst(listed));
      const one = await call('GET', `/v1/alerts?limit=1`, 'reader');
      const newest = listed.find((a) => a.id === seen[0])!;
      expect(one.body.items[0].created_at).to.equal(newest.createdAt);
    });

    it('filters by status, severity, entity, aspect, detector, historical and window start', async () => {
      const ids = async (params: Record<string, string>) => {
        const r = await call(
          'GET',
          `/v1/alerts?${new URLSearchParams({ limit: '500', ...params })}`,
          'reader',
        );
        expect(r.status, JSON.stringify(params)).to.equal(200);
        return r.body.items.map((a: { alert_id: string }) => a.alert_id);
      };
      const pick = (keep: (a: AlertRow) => boolean) => newestFirst(listed.filter(keep));
      expect(await ids({ status: 'resolved' })).to.deep.equal(pick((a) => a.status === 'resolved'));
      expect(await ids({ status: 'open', entity: 'product-1' })).to.deep.equal(
        pick((a) => (a.status ?? 'open') === 'open' && (a.entity ?? 'product-1') === 'product-1'),
      );
      expect(await ids({ severity: 'critical' })).to.deep.equal(pick((a) => a.severity === 'critical'));
      expect(await ids({ normalized_aspect: 'display' })).to.deep.equal(pick((a) => a.aspect === 'display'));
      expect(await ids({ detector: 'volume_spike' })).to.deep.equal(
        pick((a) => a.detector === 'volume_spike'),
      );
      expect(await ids({ historical: 'true' })).to.deep.equal(pick((a) => a.historical === true));
      expect(await ids({ historical: 'false' })).to.deep.equal(pick((a) => !a.historical));
      const from = base + 10 * HOUR;
      const to = base + 30 * HOUR;
      expect(await ids({ from: new Date(from).toISOString(), to: new Date(to).toISOString() })).to.deep.equal(
        pick((a) => a.windowStart >= from && a.windowStart < to),
      );
      const range = await call(
        'GET',
        `/v1/alerts?from=${new Date(to).toISOString()}&to=${new Date(from).toISOString()}`,
        'reader',
      );
      expect(range.status).to.equal(400);
      expect(range.body.errors[0].parameter).to.equal('from');
    });

    it('returns one alert with its delivery attempts in attempt order', async () => {
      const a = alerts[0]!;
      const got = await call('GET', `/v1/alerts/${a.id}`, 'reader');
      expect(got.status).to.equal(200);
      expectMatchesOpenApi('getAlert', 200, got.body);
      expect(got.body).to.include({
        alert_id: a.id,
        status: 'open',
        mention_count: 42,
        created_at: a.createdAt,
      });
      expect(got.body.window_start).to.equal(micros(a.windowStart));
      expect(got.body).to.not.have.property('tenant');

      const hook = 'https://hooks.example.com/a';
      for (const [attempt, outcome, status] of [
        [3, 'dead_lettered', 500],
        [1, 'failed', 503],
        [2, 'failed', null],
      ] as const) {
        await db.query(
          `INSERT INTO alert_deliveries (alert_id, tenant, url, attempt, outcome, http_status, latency_ms, error, attempted_at)
           VALUES ($1, $2, $3, $4, $5, $6, 12.5, $7, $8)`,
          [
            a.id,
            tenant,
            hook,
            attempt,
            outcome,
            status,
            status === null ? 'timeout' : null,
            new Date(base + attempt * 60_000),
          ],
        );
      }
      const deliveries = await call('GET', `/v1/alerts/${a.id}/deliveries`, 'reader');
      expect(deliveries.status).to.equal(200);
      expectMatchesOpenApi('listAlertDeliveries', 200, deliveries.body);
      expect(deliveries.body.items.map((d: { attempt: number }) => d.attempt)).to.deep.equal([1, 2, 3]);
      expect(deliveries.body.items[2]).to.include({ outcome: 'dead_lettered', http_status: 500, url: hook });
      const none = await call('GET', `/v1/alerts/${alerts[1]!.id}/deliveries`, 'reader');
      expect(none.body).to.deep.equal({ items: [] });
      const unknown = await call('GET', `/v1/alerts/${randomUUID()}/deliveries`, 'reader');
      expect(unknown.status).to.equal(404);
      expectMatchesOpenApi('listAlertDeliveries', 404, unknown.body);
    });

    it('acknowledges an open alert once: who and when are recorded, then 409 naming its status', async () => {
      const path = `/v1/alerts/${toAcknowledge.id}/acknowledge`;
      expect((await call('POST', path, 'reader')).status).to.equal(403);
      const ack = await call('POST', path, 'analyst');
      expect(ack.status).to.equal(200);
      expectMatchesOpenApi('acknowledgeAlert', 200, ack.body);
      expect(ack.body).to.include({
        alert_id: toAcknowledge.id,
        status: 'acknowledged',
        acknowledged_by: 'alerts-analyst',
      });
      expect(Date.parse(ack.body.acknowledged_at)).to.be.closeTo(Date.now(), 60_000);
      expect((await call('GET', `/v1/alerts/${toAcknowledge.id}`, 'reader')).body).to.deep.equal(ack.body);

      const again = await call('POST', path, 'admin');
      expect(again.status).to.equal(409);
      expectMatchesOpenApi('acknowledgeAlert', 409, again.body);
      expect(again.body.alert_status).to.equal('acknowledged');
      expect(again.body.detail).to.contain('acknowledged');
      const resolved = alerts.find((a) => a.status === 'resolved')!;
      const onResolved = await call('POST', `/v1/alerts/${resolved.id}/acknowledge`, 'admin');
      expect(onResolved.status).to.equal(409);
      expect(onResolved.body.alert_status).to.equal('resolved');
      expect((await call('POST', `/v1/alerts/${randomUUID()}/acknowledge`, 'admin')).status).to.equal(404);
    });
  });

  describe('tenant isolation', () => {
    it('answers 404, never 403, to another tenant’s rules and alerts, and leaves them as they were', async () => {
      const rule = await call('POST', '/v1/alert-rules', 'analyst', {
        name: 'a-only',
        detector: 'negative_share',
        level: 'aspect',
      });
      expect(rule.status).to.equal(201);
      const id = rule.body.id as string;
      const spec = { name: 'hijacked', detector: 'volume_spike', level: 'entity' };

      const theirRules = await call('GET', '/v1/alert-rules', 'otherAdmin');
      expect(theirRules.body.items.map((r: { id: string }) => r.id)).to.not.include(id);
      expect(theirRules.text).to.not.contain('a-only');
      for (const [method, body] of [['GET'], ['PUT', spec], ['DELETE']] as const) {
        const r = await call(method, `/v1/alert-rules/${id}`, 'otherAdmin', body);
        expect(r.status, method).to.equal(404);
        expect(r.body.type).to.equal('https://aspect-stream.dev/problems/alert-rule-not-found');
      }
      expect((await call('GET', `/v1/alert-rules/${id}`, 'reader')).body).to.deep.equal(rule.body);

      const theirs = await call('GET', '/v1/alerts?limit=500', 'otherAdmin');
      expect(theirs.body.items.map((a: { alert_id: string }) => a.alert_id)).to.deep.equal([otherAlert.id]);
      const mine = await call('GET', '/v1/alerts?limit=500', 'reader');
      expect(mine.body.items.map((a: { alert_id: string }) => a.alert_id)).to.not.include(otherAlert.id);
      expect((await call('GET', '/v1/alerts?entity=product-2', 'otherAdmin')).body.items).to.deep.equal([]);
      const target = alerts[0]!;
      for (const [method, path] of [
        ['GET', `/v1/alerts/${target.id}`],
        ['POST', `/v1/alerts/${target.id}/acknowledge`],
        ['GET', `/v1/alerts/${target.id}/deliveries`],
      ] as const) {
        const r = await call(method, path, 'otherAdmin');
        expect(r.status, `${method} ${path}`).to.equal(404);
        expect(r.body.type).to.equal('https://aspect-stream.dev/problems/alert-not-found');
      }
      const { rows } = await db.query<{ status: string; acknowledged_by: string | null }>(
        'SELECT status, acknowledged_by FROM alerts WHERE alert_id = $1',
        [target.id],
      );
      expect(rows[0]).to.deep.equal({ status: 'open', acknowledged_by: null });
      expect((await call('GET', `/v1/alerts/${otherAlert.id}`, 'reader')).status).to.equal(404);
      await call('DELETE', `/v1/alert-rules/${id}`, 'analyst');
    });
  });
});
