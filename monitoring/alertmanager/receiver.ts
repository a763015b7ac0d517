/**
 * `npm run alert-receiver`: the small webhook receiver the local Alertmanager notifies
 * (monitoring/alertmanager/alertmanager.yml: POST /page for critical, /ticket for warning), on
 * ALERT_RECEIVER_PORT (9097). It logs each alert it received as an ECS line (`alert-received`, so
 * they land in absa-logs too), keeps the last ones in memory and lists them at GET /alerts.
 */
import http from 'node:http';
import path from 'node:path';
import { loadConfig } from '../../common/config/index';
import { createLogger, type Logger } from '../../common/logging/index';
import { alertReceiverConfigSpec } from './config';

export interface ReceivedAlert {
  receiver: string;
  status: string;
  alertname: string;
  severity: string;
  labels: Record<string, string>;
  summary: string;
  receivedAt: string;
}

interface WebhookBody {
  receiver?: string;
  alerts?: Array<{ status?: string; labels?: Record<string, string>; annotations?: Record<string, string> }>;
}

/** An HTTP server receiving Alertmanager webhook notifications; `received` holds the last 1,000 alerts. */
export function createAlertReceiver(logger: Logger, onAlert?: (a: ReceivedAlert) => void) {
  const received: ReceivedAlert[] = [];
  const server = http.createServer((req, res) => {
    if (req.method === 'GET' && (req.url === '/healthz' || req.url === '/alerts')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(req.url === '/healthz' ? { status: 'ok' } : received));
      return;
    }
    if (req.method !== 'POST') {
      res.writeHead(404).end();
      return;
    }
    let body = '';
    req.on('data', (d: Buffer) => {
      if (body.length < 1 << 20) body += d.toString();
    });
    req.on('end', () => {
      let parsed: WebhookBody;
      try {
        parsed = JSON.parse(body) as WebhookBody;
      } catch {
        res.writeHead(400).end('not JSON');
        return;
      }
      for (const a of parsed.alerts ?? []) {
        const alert: ReceivedAlert = {
          receiver: parsed.receiver ?? path.basename(req.url ?? ''),
          status: a.status ?? 'unknown',
          alertname: a.labels?.alertname ?? '',
          severity: a.labels?.severity ?? '',
          labels: a.labels ?? {},
          summary: a.annotations?.summary ?? '',
          receivedAt: new Date().toISOString(),
        };
        received.push(alert);
        if (received.length > 1000) received.shift();
        logger.info(`${alert.receiver}: ${alert.status} ${alert.alertname}: ${alert.summary}`, {
          event: { action: 'alert-received', outcome: alert.status },
          labels: { receiver: alert.receiver, alertname: alert.alertname, severity: alert.severity },
        });
        onAlert?.(alert);
      }
      res.writeHead(200).end();
    });
  });
  return { server, received };
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const config = loadConfig(alertReceiverConfigSpec);
  const logger = createLogger({ service: 'alert-receiver', level: config.logLevel });
  const { server } = createAlertReceiver(logger);
  server.listen(config.port, '127.0.0.1', () =>
    logger.info(`alert receiver listening on 127.0.0.1:${config.port}`, {
      event: { action: 'alert-receiver-started' },
    }),
  );
  for (const signal of ['SIGTERM', 'SIGINT'] as const)
    process.on(signal, () => server.close(() => process.exit(0)));
}
