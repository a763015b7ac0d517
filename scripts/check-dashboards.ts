/**
 * `npm run -s dashboards:check`: runs every Grafana panel query (monitoring/grafana/dashboards.ts)
 * against a running Prometheus (PROMETHEUS_URL, default the local stack's) and prints how many
 * series each returns; exits 1 when a query fails or returns nothing. Meant for after `make demo`,
 * when every stage has had traffic (panels of events that did not happen, such as dead letters,
 * stay empty and are listed as such).
 */
import { dashboards } from '../monitoring/grafana/dashboards';

const PROMETHEUS_URL = process.env.PROMETHEUS_URL ?? 'http://127.0.0.1:9090';
let empty = 0;
for (const d of dashboards()) {
  for (const p of d.panels.filter((x) => x.type !== 'row')) {
    for (const t of (p.targets as { expr: string }[]) ?? []) {
      const expr = t.expr.replaceAll('$__rate_interval', '1m');
      const r = await fetch(`${PROMETHEUS_URL}/api/v1/query?query=${encodeURIComponent(expr)}`);
      const body = (await r.json()) as { status: string; error?: string; data?: { result: unknown[] } };
      const n = body.status === 'success' ? body.data!.result.length : -1;
      if (n <= 0) empty++;
      console.log(
        `${String(n < 0 ? `ERROR ${body.error}` : n).padStart(6)}  ${d.uid} / ${String(p.title)}: ${t.expr}`,
      );
    }
  }
}
console.log(
  empty === 0 ? 'every panel query returns data' : `${empty} panel queries returned nothing or failed`,
);
process.exit(empty === 0 ? 0 : 1);
