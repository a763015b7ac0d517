/**
 * `npm run -s bench:ui`: the dashboard's initial download and the overview's render time.
 *
 * Bundle: the gzipped size (level 9) of what ui/dist/index.html loads before anything runs (its
 * module script, modulepreloads and stylesheets), and of the chunks loaded later on demand.
 *
 * Render: the real API app on a free port with BENCH_UI_DOCS documents (default 1,340 with three
 * aspects each, as many as the demo corpus) of a new `bench-ui-…` tenant over 24 entities and 28
 * days, written through Kafka and the real sinks (BENCH_UI_TENANT=<tenant> reuses an earlier
 * run's). Debian's Chromium opens `/#/overview` signed in, once to warm up and then BENCH_RUNS times
 * (default 5), each in a fresh context (empty cache); the time is from navigation start until every
 * section's table and every sparkline is drawn. Prints one JSON object.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type pg from 'pg';
import type { DocumentSentiment } from '../../schemas/index';
import { UI_DIST } from '../../api/ui-static';
import { ingestThroughSinks, startApi, testDb } from '../integration/api-fixtures';
import { makeDocument, uniqueTenant } from '../integration/sinks-fixtures';

const DOCS = Number(process.env.BENCH_UI_DOCS ?? 1340);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const DAY = 86_400_000;
const ENTITIES = Array.from({ length: 24 }, (_, i) => `Shop ${String.fromCharCode(65 + i)}`);

// playwright-core is a dependency of the dashboard (ui/package.json), not of the pipeline.
// Only what this script uses of it is typed here, so the pipeline's type check does not need it.
interface Page {
  on(event: 'request', listener: (r: { url(): string }) => void): void;
  goto(url: string): Promise<unknown>;
  waitForFunction(
    fn: () => unknown,
    arg?: unknown,
    options?: { polling?: 'raf'; timeout?: number },
  ): Promise<{ jsonValue(): Promise<unknown> }>;
  locator(selector: string): { count(): Promise<number> };
  evaluate(fn: () => unknown): Promise<unknown>;
}
interface Context {
  addInitScript(script: string): Promise<void>;
  newPage(): Promise<Page>;
  close(): Promise<void>;
}
interface Browser {
  newContext(options: object): Promise<Context>;
  close(): Promise<void>;
}
const uiRequire = createRequire(path.join(UI_DIST, '../package.json'));
const { chromium } = uiRequire('playwright-core') as { chromium: { launch(o: object): Promise<Browser> } };

const log = (line: string): void => void process.stderr.write(`[bench:ui] ${line}\n`);
const gz = (file: string): number => gzipSync(readFileSync(file), { level: 9 }).length;

function bundle() {
  const html = readFileSync(path.join(UI_DIST, 'index.html'), 'utf8');
  const refs = (re: RegExp) => [...html.matchAll(re)].map((m) => m[1]!.replace(/^\//, ''));
  const initialJs = [
    ...refs(/<script[^>]+src="([^"]+\.js)"/g),
    ...refs(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+)"/g),
  ];
  const css = refs(/<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"/g);
  const all = readdirSync(path.join(UI_DIST, 'assets')).map((f) => `assets/${f}`);
  const lazy = all.filter((f) => f.endsWith('.js') && !initialJs.includes(f));
  const size = (files: string[]) => files.reduce((n, f) => n + gz(path.join(UI_DIST, f)), 0);
  return {
    initial_js_gzip_bytes: size(initialJs),
    initial_css_gzip_bytes: size(css),
    lazy_js_gzip_bytes: size(lazy),
    initial_files: [...initialJs, ...css],
    lazy_files: lazy,
  };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const stats = (xs: number[]) => ({
  median: Math.round(median(xs)),
  min: Math.round(Math.min(...xs)),
  max: Math.round(Math.max(...xs)),
});

// Run in the page (functions, not strings: the dashboard's CSP forbids eval). The pipeline's type
// check has no DOM types, so the little DOM used here is typed by hand.
interface Dom {
  document: { querySelector(s: string): unknown; querySelectorAll(s: string): { length: number } };
  performance: { now(): number };
}
/** performance.now() in the page counts from the navigation's start. */
const FIRST_TABLE = (): number | false => {
  const { document, performance } = globalThis as unknown as Dom;
  return Boolean(document.querySelector('main table tbody tr')) && performance.now();
};
/** Where the time went: the page loaded, the entities request sent and answered (ms from navigation start). */
const BREAKDOWN = (): Record<string, number> => {
  const { performance } = globalThis as unknown as {
    performance: {
      getEntriesByType(
        t: string,
      ): Array<{ name: string; startTime: number; responseEnd: number; domContentLoadedEventEnd?: number }>;
    };
  };
  const nav = performance.getEntriesByType('navigation')[0];
  const api = performance.getEntriesByType('resource').filter((e) => e.name.includes('/v1/'));
  const entities = api.find((e) => e.name.includes('/v1/entities'));
  return {
    dom_content_loaded: nav?.domContentLoadedEventEnd ?? NaN,
    entities_request_start: entities?.startTime ?? NaN,
    entities_response_end: entities?.responseEnd ?? NaN,
    last_api_response_end: Math.max(...api.map((e) => e.responseEnd)),
  };
};

/** Every entity section has its aspects and categories, and no sparkline or table is still loading. */
const COMPLETE = (): number | false => {
  const { document, performance } = globalThis as unknown as Dom;
  const sections = document.querySelectorAll('section.entity').length;
  return (
    sections > 0 &&
    document.querySelectorAll('section.entity table.categories').length === sections &&
    !document.querySelector('.sparkline-placeholder, [aria-busy="true"]') &&
    performance.now()
  );
};

async function writeData(db: pg.Pool, tenant: string, now: number): Promise<void> {
  log(`writing ${DOCS} documents for tenant ${tenant} through Kafka and the sinks`);
  const docs: DocumentSentiment[] = Array.from({ length: DOCS }, (_, i) =>
    makeDocument(tenant, i, {
      createdAt: now - 10 * 60_000 - Math.floor((i * 28 * DAY) / DOCS),
      entity: ENTITIES[i % ENTITIES.length]!,
    }),
  );
  const ingestStarted = performance.now();
  await ingestThroughSinks(docs, db);
  log(`written in ${Math.round((performance.now() - ingestStarted) / 1000)} s`);
}

async function main(): Promise<void> {
  const sizes = bundle();
  const db = testDb();
  const now = Date.now();
  // BENCH_UI_TENANT reuses the data of an earlier run (its log names the tenant).
  const reuse = process.env.BENCH_UI_TENANT ?? '';
  const tenant = reuse || uniqueTenant('bench-ui');
  if (!reuse) await writeData(db, tenant, now);
  const api = await startApi(db);
  const key = (await api.keys.create({ tenant, name: `bench-ui-${now}`, role: 'reader' })).key;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  const done: number[] = [];
  const firstTable: number[] = [];
  let requests = 0;
  const breakdown: Record<string, number[]> = {};
  let sparklines = 0;
  try {
    for (let run = 0; run <= RUNS; run++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      await context.addInitScript(
        `sessionStorage.setItem('aspect-stream.credential', ${JSON.stringify(JSON.stringify({ kind: 'apiKey', value: key }))})`,
      );
      const page = await context.newPage();
      let apiCalls = 0;
      page.on('request', (r) => void (r.url().includes('/v1/') && apiCalls++));
      await page.goto(`${api.url}/#/overview`);
      const tableAt = Number(
        await (
          await page.waitForFunction(FIRST_TABLE, undefined, { polling: 'raf', timeout: 30_000 })
        ).jsonValue(),
      );
      const at = Number(
        await (
          await page.waitForFunction(COMPLETE, undefined, { polling: 'raf', timeout: 30_000 })
        ).jsonValue(),
      );
      // The first load warms the API's connection pools and PostgreSQL's caches; it is not counted.
      if (run > 0) {
        done.push(at);
        firstTable.push(tableAt);
      }
      requests = apiCalls;
      const b = (await page.evaluate(BREAKDOWN)) as Record<string, number>;
      if (run > 0) for (const [k, v] of Object.entries(b)) (breakdown[k] ??= []).push(v);
      sparklines = await page.locator('svg.sparkline').count();
      log(
        `run ${run}${run ? '' : ' (warm-up)'}: first table ${Math.round(tableAt)} ms, complete ${Math.round(at)} ms`,
      );
      await context.close();
    }
  } finally {
    await browser.close();
    await api.close();
    await db.end();
  }
  const overview = stats(done);
  process.stdout.write(
    `${JSON.stringify(
      {
        ...sizes,
        documents: DOCS,
        mentions: DOCS * 3,
        entities: ENTITIES.length,
        runs: RUNS,
        overview_complete_ms: overview,
        overview_first_table_ms: stats(firstTable),
        api_requests_per_load: requests,
        breakdown_median_ms: Object.fromEntries(
          Object.entries(breakdown).map(([k, v]) => [k, Math.round(median(v))]),
        ),
        sparklines,
        budget_js_gzip_bytes: 200 * 1024,
        budget_overview_ms: 1000,
        met_js: sizes.initial_js_gzip_bytes <= 200 * 1024,
        met_overview: overview.median <= 1000,
      },
      null,
      2,
    )}\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:ui failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
