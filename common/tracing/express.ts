/**
 * Express middleware for the HTTP edge: continues the caller's `traceparent` (or starts a trace),
 * keeps it in `res.locals.trace`, puts `trace.id`/`span.id` into the access log line
 * (`res.locals.logExtra`, read by common/http/request-context) and answers with `traceresponse`
 * (W3C Trace Context level 2), so a caller that sent none learns the id to search for.
 */
import type { RequestHandler } from 'express';
import { TRACEPARENT_HEADER, continueOrStart, formatTraceparent, traceLogFields } from './index';

export const TRACERESPONSE_HEADER = 'traceresponse';

export function traceContext(): RequestHandler {
  return (req, res, next) => {
    const trace = continueOrStart(req.get(TRACEPARENT_HEADER));
    res.locals.trace = trace;
    res.locals.logExtra = { ...res.locals.logExtra, ...traceLogFields(trace) };
    res.setHeader(TRACERESPONSE_HEADER, formatTraceparent(trace));
    next();
  };
}
