import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import express from 'express';
import { UI_CSP, uiStatic } from '../../api/ui-static';

async function serve(dir: string): Promise<{ url: string; close: () => Promise<void> }> {
  const app = express();
  app.use(uiStatic(dir));
  app.use((_req, res) => void res.status(404).send('fell through'));
  const server = http.createServer(app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(() => r())) };
}

describe('Dashboard static files (api/ui-static)', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'ui-static-'));
    mkdirSync(path.join(dir, 'assets'));
    writeFileSync(
      path.join(dir, 'index.html'),
      '<!doctype html><script type="module" src="/assets/a.js"></script>',
    );
    writeFileSync(path.join(dir, 'assets/a-1234.js'), 'export {};');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('serves index.html under / with a CSP that allows no inline script or style, revalidated', async () => {
    const s = await serve(dir);
    try {
      const res = await fetch(`${s.url}/`);
      expect(res.status).to.equal(200);
      expect(await res.text()).to.include('<!doctype html>');
      const csp = res.headers.get('content-security-policy')!;
      expect(csp).to.equal(UI_CSP);
      expect(csp)
        .to.include("default-src 'none'")
        .and.include("script-src 'self'")
        .and.include("style-src 'self'");
      expect(csp).to.include("frame-ancestors 'none'").and.not.include('unsafe');
      expect(res.headers.get('cache-control')).to.equal('no-cache');
    } finally {
      await s.close();
    }
  });

  it('caches hashed assets for a year and passes unknown paths on', async () => {
    const s = await serve(dir);
    try {
      const asset = await fetch(`${s.url}/assets/a-1234.js`);
      expect(asset.status).to.equal(200);
      expect(asset.headers.get('cache-control')).to.equal('public, max-age=31536000, immutable');
      expect(asset.headers.get('content-type')).to.match(/javascript/);
      const missing = await fetch(`${s.url}/nope.js`);
      expect(missing.status).to.equal(404);
      expect(await missing.text()).to.equal('fell through');
    } finally {
      await s.close();
    }
  });

  it('serves nothing when the dashboard is not built', async () => {
    const s = await serve(path.join(dir, 'not-built'));
    try {
      const res = await fetch(`${s.url}/`);
      expect(res.status).to.equal(404);
      expect(res.headers.get('content-security-policy')).to.equal(null);
    } finally {
      await s.close();
    }
  });
});
