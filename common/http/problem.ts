/**
 * RFC 9457 problem details (`application/problem+json`) for every HTTP error, so clients get one
 * shape: `type`, `title`, `status`, `detail`, and for invalid input `errors: [{pointer, reason}]`
 * naming every bad field by JSON Pointer (RFC 6901).
 */
import type { ErrorRequestHandler, Response } from 'express';
import type { Logger } from '../logging/index';

export interface FieldError {
  /** JSON Pointer into the request body, e.g. `/documents/1/text`. */
  pointer: string;
  reason: string;
}

export const PROBLEM_BASE = 'https://aspect-stream.dev/problems/';

export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly slug: string,
    readonly title: string,
    readonly detail?: string,
    readonly extra: {
      errors?: FieldError[];
      headers?: Record<string, string>;
      /** Extension members of the problem body (RFC 9457 §3.2), e.g. `limit` of a 429. */
      members?: Record<string, unknown>;
    } = {},
  ) {
    super(detail ?? title);
    this.name = 'HttpProblem';
  }
}

export function escapePointerToken(token: string | number): string {
  return String(token).replace(/~/g, '~0').replace(/\//g, '~1');
}

export function jsonPointer(path: ReadonlyArray<string | number | symbol>): string {
  return path.map((p) => `/${escapePointerToken(typeof p === 'symbol' ? p.toString() : p)}`).join('');
}

export function sendProblem(res: Response, problem: HttpProblem, instance?: string): void {
  for (const [k, v] of Object.entries(problem.extra.headers ?? {})) res.setHeader(k, v);
  res
    .status(problem.status)
    .type('application/problem+json')
    .send(
      JSON.stringify({
        type: `${PROBLEM_BASE}${problem.slug}`,
        title: problem.title,
        status: problem.status,
        ...(problem.detail ? { detail: problem.detail } : {}),
        ...(instance ? { instance } : {}),
        ...(problem.extra.errors ? { errors: problem.extra.errors } : {}),
        ...(problem.extra.members ?? {}),
      }),
    );
}

/** Maps body-parser errors to problems (they carry `type` and `status`). */
function fromBodyParser(err: {
  type?: string;
  status?: number;
  limit?: number;
  message?: string;
}): HttpProblem | undefined {
  switch (err.type) {
    case 'entity.too.large':
      return new HttpProblem(
        413,
        'payload-too-large',
        'Payload too large',
        `the body is larger than the limit of ${err.limit} bytes`,
      );
    case 'entity.parse.failed':
      return new HttpProblem(400, 'invalid-json', 'Body is not valid JSON', err.message);
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new HttpProblem(415, 'unsupported-media-type', 'Unsupported charset or encoding', err.message);
    case 'request.aborted':
      return new HttpProblem(400, 'request-aborted', 'Request aborted by the client');
    default:
      return undefined;
  }
}

/** Last express error handler: problems as they are, body-parser errors mapped, anything else a 500. */
export function problemHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const problem =
      err instanceof HttpProblem
        ? err
        : (fromBodyParser(err) ??
          new HttpProblem(500, 'internal', 'Internal server error', 'see the server log for the request id'));
    if (!(err instanceof HttpProblem) && problem.status >= 500) {
      logger.error(`request failed: ${(err as Error)?.message}`, {
        err,
        http: { request: { id: res.locals.requestId } },
      });
    }
    if (res.headersSent) return;
    sendProblem(res, problem, req.originalUrl);
  };
}
