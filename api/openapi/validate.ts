/**
 * Request validation from the OpenAPI document: per operation, one JSON Schema (2020-12) for the
 * query parameters, one for the path parameters and one for a JSON body, compiled once with Ajv.
 * Query values are coerced to their declared types and defaults filled in; unknown parameters are
 * refused, so a misspelt filter is an error and not silently ignored. Every problem is reported at
 * once, each naming its parameter.
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { RequestHandler } from 'express';
import { HttpProblem, jsonPointer } from '../../common/http/problem';
import { openApiDocument } from './document';

export const COMPONENTS_ID = 'https://aspect-stream.dev/openapi/v1';

type Json = unknown;

/** Rewrites `#/components/...` refs to the registered components schema, so fragments compile alone. */
export function absolutize(schema: Json): Json {
  if (Array.isArray(schema)) return schema.map(absolutize);
  if (schema && typeof schema === 'object') {
    return Object.fromEntries(
      Object.entries(schema).map(([k, v]) =>
        k === '$ref' && typeof v === 'string' && v.startsWith('#/')
          ? [k, `${COMPONENTS_ID}${v}`]
          : [k, absolutize(v)],
      ),
    );
  }
  return schema;
}

export function createAjv(options: { coerceTypes?: boolean; useDefaults?: boolean } = {}): Ajv2020 {
  const ajv = new Ajv2020({
    allErrors: true,
    strict: false,
    coerceTypes: options.coerceTypes ?? false,
    useDefaults: options.useDefaults ?? false,
  });
  (addFormats as unknown as (a: Ajv2020) => void)(ajv);
  ajv.addSchema({ $id: COMPONENTS_ID, components: absolutize(openApiDocument.components) as object });
  return ajv;
}

export interface ParameterError {
  in: 'query' | 'path' | 'body';
  parameter?: string;
  pointer: string;
  reason: string;
}

interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  schema: object;
}

export interface Operation {
  operationId: string;
  'x-permission'?: string;
  /** Requests of this class are limited in how many run at once, per credential and per tenant. */
  'x-concurrency'?: 'aggregate' | 'export';
  parameters?: readonly Parameter[];
  requestBody?: { content: { 'application/json': { schema: object } } };
  security?: readonly unknown[];
}

function objectSchema(params: readonly Parameter[]): object {
  return {
    type: 'object',
    properties: Object.fromEntries(params.map((p) => [p.name, absolutize(p.schema)])),
    required: params.filter((p) => p.required).map((p) => p.name),
    additionalProperties: false,
  };
}

function reason(e: ErrorObject): string {
  switch (e.keyword) {
    case 'pattern':
      return 'contains characters that are not allowed (letters, digits, spaces and . _ : / & + # @ - are)';
    case 'format':
      return e.params.format === 'date-time'
        ? 'must be an RFC 3339 date-time such as 2026-11-01T00:00:00Z'
        : `must be a valid ${e.params.format}`;
    case 'additionalProperties':
      return 'is not a known parameter';
    case 'required':
      return 'is required';
    case 'enum':
      return `must be one of ${(e.params.allowedValues as unknown[]).join(', ')}`;
    default:
      return e.message ?? 'is invalid';
  }
}

export function toParameterErrors(where: 'query' | 'path' | 'body', errors: ErrorObject[]): ParameterError[] {
  const seen = new Set<string>();
  const out: ParameterError[] = [];
  for (const e of errors) {
    const extra =
      e.keyword === 'additionalProperties'
        ? String(e.params.additionalProperty)
        : e.keyword === 'required'
          ? String(e.params.missingProperty)
          : undefined;
    const segments = e.instancePath
      .split('/')
      .slice(1)
      .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
    if (extra !== undefined) segments.push(extra);
    const pointer = jsonPointer(segments);
    const r = reason(e);
    const key = `${pointer} ${r}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({
      in: where,
      ...(where === 'body' ? {} : { parameter: segments[0] ?? '' }),
      pointer,
      reason: r,
    });
  }
  return out;
}

/** The 400 every validation failure answers with: `errors` names each bad parameter. */
export function invalidParameters(errors: ParameterError[]): HttpProblem {
  const what = errors.map(
    (e) => `${e.in === 'body' ? `body ${e.pointer || '/'}` : `'${e.parameter}'`} ${e.reason}`,
  );
  return new HttpProblem(400, 'invalid-parameters', 'Invalid request parameters', what.join('; '), {
    errors: errors as unknown as Array<{ pointer: string; reason: string }>,
  });
}

export function parameterProblem(where: 'query' | 'path', parameter: string, why: string): HttpProblem {
  return invalidParameters([{ in: where, parameter, pointer: jsonPointer([parameter]), reason: why }]);
}

export class RequestValidator {
  private readonly ajv = createAjv({ coerceTypes: true, useDefaults: true });
  private readonly bodyAjv = createAjv();

  /** Validates query, path and body; the typed values land in res.locals.query / res.locals.params. */
  middleware(operation: Operation): RequestHandler {
    const params = operation.parameters ?? [];
    const queryCheck: ValidateFunction = this.ajv.compile(
      objectSchema(params.filter((p) => p.in === 'query')),
    );
    const pathCheck: ValidateFunction = this.ajv.compile(objectSchema(params.filter((p) => p.in === 'path')));
    const bodySchema = operation.requestBody?.content['application/json'].schema;
    const bodyCheck = bodySchema ? this.bodyAjv.compile(absolutize(bodySchema) as object) : undefined;
    return (req, res, next) => {
      const query: Record<string, unknown> = { ...(req.query as Record<string, unknown>) };
      const path: Record<string, unknown> = { ...req.params };
      const errors: ParameterError[] = [];
      if (!queryCheck(query)) errors.push(...toParameterErrors('query', queryCheck.errors ?? []));
      if (!pathCheck(path)) errors.push(...toParameterErrors('path', pathCheck.errors ?? []));
      if (bodyCheck && !bodyCheck(req.body))
        errors.push(...toParameterErrors('body', bodyCheck.errors ?? []));
      if (errors.length) {
        next(invalidParameters(errors));
        return;
      }
      res.locals.query = query;
      res.locals.params = path;
      next();
    };
  }
}
