/**
 * Serves the dashboard (ui/, built into ui/dist by `make ui`) under `/` from the API process, so
 * it needs no server of its own and calls the API on the same origin. Every answer carries a strict
 * Content-Security-Policy: scripts, styles and connections from this origin only, nothing inline,
 * no framing. Hashed files under /assets are cached for a year; index.html is revalidated each time.
 * Without a build the API runs as before and `/` is a 404.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type RequestHandler, type Router } from 'express';

export const UI_DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../ui/dist');

export const UI_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** The dashboard's files, or a router that passes everything on when there is no build. */
export function uiStatic(dir: string = UI_DIST): Router {
  const router = express.Router();
  // eslint-disable-next-line security/detect-non-literal-fs-filename -- the build folder, fixed at start; no request reaches this
  if (!existsSync(path.join(dir, 'index.html'))) return router;
  const headers: RequestHandler = (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      next();
      return;
    }
    res.setHeader('Content-Security-Policy', UI_CSP);
    res.setHeader('Referrer-Policy', 'no-referrer');
    next();
  };
  router.use(headers);
  router.use(
    express.static(dir, {
      index: 'index.html',
      redirect: false,
      fallthrough: true,
      setHeaders: (res, file) => {
        const immutable = file.startsWith(path.join(dir, 'assets') + path.sep);
        res.setHeader('Cache-Control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    }),
  );
  return router;
}
