/** Answers for requests no operation takes: 405 for an undeclared method, 404 for an unknown path. */
import type { Request, RequestHandler } from 'express';
import { HttpProblem } from './problem';
import { loggedPath } from './request-context';

/** 405 with `Allow` for a method not declared on a path that exists; HEAD comes with GET. */
export function methodNotAllowed(declared: string[]): RequestHandler {
  const methods = declared.map((m) => m.toUpperCase());
  if (methods.includes('GET')) methods.push('HEAD');
  const allow = methods.join(', ');
  return (req, res, next) => {
    res.setHeader('Allow', allow);
    next(
      new HttpProblem(
        405,
        'method-not-allowed',
        'Method not allowed',
        `${req.method} is not one of ${allow}`,
      ),
    );
  };
}

/** 404 for anything no route took; `onMiss` lets the per-address failure limit count it. */
export function notFound(onMiss?: (req: Request) => void): RequestHandler {
  return (req, _res, next) => {
    onMiss?.(req);
    next(
      new HttpProblem(404, 'not-found', 'Not found', `no route for ${req.method} ${loggedPath(req.path)}`),
    );
  };
}
