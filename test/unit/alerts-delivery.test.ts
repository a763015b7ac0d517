/**
 * The alert service's delivery side against a receiver on 127.0.0.1, with the delivery log in
 * memory: a dead-lettered alert stays dead-lettered on a replay, a redrive of its dead letter calls
 * the webhook again, and a delivered alert is never sent twice.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import type { Kafka, KafkaMessage } from 'kafkajs';
import type pg from 'pg';
import { REDRIVEN_HEADER } from '../../common/kafka/dead-letters/store';
import type { Consumed, Handled } from '../../common/kafka/consumer/loop';
import type { RegistryClient } from '../../common/kafka/registry';
import { silentLogger } from '../../common/logging/index';
import { createMetrics } from '../../common/metrics/index';
import type { Alert } from '../../schemas/index';
import {
  AlertDelivery,
  WebhookDeliveryError,
  callWebhook,
  webhookBody,
  type DeliveryOutcome,
} from '../../stream-processors/alerts/deliveries';
import { alertsMetrics } from '../../stream-processors/alerts/metrics';
import type { RuleSource } from '../../stream-processors/alerts/rule-source';

const alert = {
  alert_id: 'alert-1',
  tenant: 't',
  rule: 'delivery',
  rule_id: 'default:negative_share',
  status: 'open',
  historical: false,
  window_start: Date.UTC(2026, 11, 4, 10),
  window_end: Date.UTC(2026, 11, 4, 11),
  baseline_start: Date.UTC(2026, 11, 1, 10),
  created_at: Date.UTC(2026, 11, 4, 11, 10),
} as Alert;

interface Row {
  alert_id: string;
  url: string;
  attempt: number;
  outcome: DeliveryOutcome;
}

/** The queries the delivery side makes, answered from memory: alert_deliveries is `rows`. */
function fakePool(webhookUrl: string, rows: Row[]): pg.Pool {
  const client = {
    query: async (sql: string) => ({
      rows: sql.includes('FROM alert_settings')
        ? [{ tenant: 't', webhook_secret: 's', webhook_url: webhookUrl }]
        : [],
    }),
    release: () => undefined,
  };
  return {
    connect: async () => client,
    query: async (sql: string, params: unknown[]) => {
      if (sql.includes('INSERT INTO alert_deliveries')) {
        const [alert_id, , url, attempt, outcome] = params as [
          string,
          string,
          string,
          number,
          DeliveryOutcome,
        ];
        rows.push({ alert_id, url, attempt, outcome });
        return { rows: [] };
      }
      if (sql.includes('FROM alert_deliveries'))
        return { rows: rows.filter((r) => r.alert_id === params[0] && r.url === params[1]) };
      throw new Error(`unexpected query: ${sql}`);
    },
  } as unknown as pg.Pool;
}

describe('alerts delivery: dead letters and redrive', () => {
  let server: http.Server;
  let url: string;
  /** The receiver answers 500 while `failing`, then 200. */
  let failing = true;
  let calls = 0;

  before(async () => {
    server = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        calls++;
        res.writeHead(failing ? 500 : 200).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  });

  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('calls a dead-lettered webhook again only for a redrive, and a delivered one never', async () => {
    const rows: Row[] = [];
    const delivery = new AlertDelivery(
      {} as Kafka,
      {} as RegistryClient,
      fakePool(url, rows),
      { rulesFor: () => [] } as unknown as RuleSource,
      {
        groupId: 'alerts',
        partitionsConcurrently: 1,
        maxAttempts: 2,
        retryBaseMs: 1,
        retryMaxMs: 1,
        policy: { allowPrivate: true, connectTimeoutMs: 2000, totalTimeoutMs: 3000, maxResponseBytes: 1024 },
      },
      silentLogger(),
      createMetrics('alerts', { defaultMetrics: false }),
      alertsMetrics(createMetrics('alerts', { defaultMetrics: false })),
    );
    // The loop's handler, as the consumer kit calls it with a chunk of sentiment.alerts.v1.
    const handle = (headers: KafkaMessage['headers']) =>
      (
        delivery as unknown as {
          handle(items: Array<Consumed<Alert>>, signal: AbortSignal): Promise<Handled>;
        }
      ).handle(
        [{ message: { offset: '0', headers } as KafkaMessage, value: alert }],
        new AbortController().signal,
      );

    const first = await handle({});
    expect(first.outcomes[0]).to.be.instanceOf(WebhookDeliveryError);
    expect(calls).to.equal(2);
    expect(rows.map((r) => [r.attempt, r.outcome])).to.deep.equal([
      [1, 'failed'],
      [2, 'dead_lettered'],
    ]);

    // The receiver is fixed. A replay of the alert does not call it: the alert stays dead-lettered.
    failing = false;
    expect((await handle({})).outcomes).to.deep.equal([undefined]);
    expect(calls).to.equal(2);

    // Redriving the dead letter does, attempts numbered on.
    const redrive = { [REDRIVEN_HEADER]: Buffer.from('sentiment.alerts.v1.dlq/0/0') };
    expect((await handle(redrive)).outcomes).to.deep.equal([undefined]);
    expect(calls).to.equal(3);
    expect(rows.at(-1)).to.include({ attempt: 3, outcome: 'delivered' });

    // Delivered is final, redrive or not.
    await handle(redrive);
    await handle({});
    expect(calls).to.equal(3);
  });

  it('sends the alert with the language of its message, English for one from before the field', () => {
    const korean = JSON.parse(
      webhookBody({ ...alert, message: '배송 부정 언급 비율이 올랐습니다.', language: 'ko' }),
    );
    expect(korean).to.include({ message: '배송 부정 언급 비율이 올랐습니다.', language: 'ko' });
    expect(korean.window_start).to.equal('2026-12-04T10:00:00.000Z');
    expect(JSON.parse(webhookBody(alert)).language).to.equal('en');
  });

  it('decides from the delivery log alone', () => {
    expect(callWebhook([], false)).to.equal(true);
    expect(callWebhook(['failed'], false)).to.equal(true);
    expect(callWebhook(['failed', 'dead_lettered'], false)).to.equal(false);
    expect(callWebhook(['failed', 'dead_lettered'], true)).to.equal(true);
    expect(callWebhook(['failed', 'dead_lettered', 'delivered'], true)).to.equal(false);
  });
});
