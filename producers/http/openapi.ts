/**
 * The OpenAPI 3.1 description of the HTTP collector: the ingest contract upstream teams code
 * against, served at GET /v1/openapi.json. It is also the collector's route table (app.ts mounts one
 * handler per operation, 405 for other methods) and its request validator: a body must satisfy the
 * schema below and the rules of producers/document.ts that JSON Schema cannot state (each named in a
 * description: text length in UTF-16 units, created_at bounds, valid Unicode).
 *
 * Patterns use explicit character classes instead of `\s`: JavaScript and other regex engines
 * (a client's validator, the fuzzer's generator) disagree on what `\s` matches.
 */
import { LIMITS } from '../document';

/** What JavaScript's String.prototype.trim() removes: a text made of only these is blank. */
const WS = '\\t\\n\\u000b\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff';
/** Not blank, no NUL (PostgreSQL text cannot hold it). */
export const NOT_BLANK = `^[^\\u0000]*[^\\u0000${WS}][^\\u0000]*$`;
const NO_NUL = '^[^\\u0000]*$';
/** http(s) URLs whose host is a name (WHATWG parses a host ending in a number as IPv4). */
const HTTP_URL =
  "^https?://([A-Za-z0-9-]+\\.)*[A-Za-z][A-Za-z0-9-]*(:[0-9]{1,4})?([/?#][A-Za-z0-9._~!$&'()*+,;=:@%/?#-]*)?$";
/** RFC 3339 with seconds and a zone, as parseTimestamp reads it. */
const DATE_TIME =
  '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]{1,9})?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$';

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const orNull = (schema: object) => ({ anyOf: [schema, { type: 'null' }] });
const idString = (description: string) => ({
  type: 'string',
  minLength: 1,
  maxLength: LIMITS.idChars,
  pattern: NOT_BLANK,
  description,
});

const problemExample = (status: number, slug: string, title: string, detail: string, extra = {}) => ({
  type: `https://aspect-stream.dev/problems/${slug}`,
  title,
  status,
  detail,
  instance: '/v1/documents',
  ...extra,
});

const problem = (description: string, example: object) => ({
  description,
  content: { 'application/problem+json': { schema: ref('Problem'), example } },
});

export function collectorOpenApi(options: { maxDocuments: number }) {
  return {
    openapi: '3.1.0',
    info: {
      title: 'aspect-stream HTTP collector',
      version: '1.0.0',
      description:
        'Ingest of documents for aspect-based sentiment analysis. Every accepted document is on the Kafka topic text.raw.v1 (acks=all) before the 202; the tenant comes from the API key. A resend of the same (source, source_id) gets the same id, so retrying after a 5xx or a timeout never duplicates. Errors are RFC 9457 problem details.',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    servers: [{ url: '/v1' }],
    security: [{ apiKey: [] }],
    paths: {
      '/documents': {
        post: {
          operationId: 'ingestDocuments',
          summary: 'Accepts 1 to the configured number of documents, all or none.',
          description: `The whole batch is accepted (202) or refused (400 naming every bad field by JSON Pointer); nothing of a refused batch is published. Rules beyond the schema: \`text\` is at most ${LIMITS.textUtf16Units} UTF-16 code units (a character outside the Basic Multilingual Plane, such as most emoji, counts as 2; the schema's maxLength counts characters); \`created_at\` must lie within the configured range, by default at most 3650 days in the past and 24 hours in the future (CREATED_AT_MAX_AGE_DAYS, CREATED_AT_MAX_AHEAD_HOURS); strings must be valid Unicode (no unpaired surrogates).`,
          'x-permission': 'documents:write',
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: ref('DocumentBatch'),
                examples: {
                  minimal: {
                    summary: 'One document with the required fields',
                    value: {
                      documents: [
                        { source: 'app-store', source_id: 'review-1', text: 'Great battery life.' },
                      ],
                    },
                  },
                  full: {
                    summary: 'Every field',
                    value: {
                      documents: [
                        {
                          source: 'shop.reviews',
                          source_id: 'r-20931',
                          text: 'The screen is sharp but the battery dies by noon.',
                          created_at: '2026-11-02T09:30:00Z',
                          entity: 'phone-x2',
                          author_id: 'u-118',
                          url: 'https://shop.example/reviews/r-20931',
                          lang: 'en',
                          metadata: { rating: '3', channel: 'web' },
                        },
                      ],
                    },
                  },
                },
              },
            },
          },
          responses: {
            '202': {
              description: 'Every document is on text.raw.v1; `accepted` lists their ids in request order.',
              content: {
                'application/json': {
                  schema: ref('Accepted'),
                  example: {
                    accepted: [{ id: '6f1c1e0b-5d0e-5b3e-9a57-3c2f0d4f8a10', source_id: 'review-1' }],
                  },
                },
              },
            },
            '400': problem('A document is invalid; `errors` names every bad field. Nothing was accepted.', {
              ...problemExample(
                400,
                'invalid-documents',
                'Invalid documents',
                '1 invalid field(s); nothing was accepted',
              ),
              errors: [{ pointer: '/documents/0/text', reason: 'must not be empty' }],
            }),
            '401': problem(
              'No API key, or an unknown or revoked one.',
              problemExample(401, 'unauthorized', 'Invalid API key', 'the API key is unknown or revoked'),
            ),
            '403': problem(
              'The key’s role may not ingest (only ingest and admin keys may).',
              problemExample(
                403,
                'forbidden',
                'Forbidden',
                "a key with role 'reader' may not documents:write",
              ),
            ),
            '413': problem(
              'The body is larger than the configured limit (5 MB by default).',
              problemExample(
                413,
                'payload-too-large',
                'Payload too large',
                'the body is larger than the limit of 5242880 bytes',
              ),
            ),
            '415': problem(
              'The body is not application/json.',
              problemExample(
                415,
                'unsupported-media-type',
                'Unsupported media type',
                'send the body as application/json',
              ),
            ),
            '429': problem(
              'Too many requests from this key (token bucket) or too many failed authentications from this address; see Retry-After and `limit`.',
              problemExample(
                429,
                'rate-limited',
                'Too many requests',
                'this API key may make 50 requests per second',
                {
                  limit: { name: 'requests-per-key', max: 50, window_s: 1 },
                },
              ),
            ),
            '503': problem(
              'Kafka, the schema registry or the key store is unavailable: nothing was accepted; resend the same request later (Retry-After).',
              problemExample(
                503,
                'service-unavailable',
                'Service unavailable',
                'the event store is unavailable; nothing was accepted, resend the same request later',
              ),
            ),
          },
        },
      },
      '/openapi.json': {
        get: {
          operationId: 'getOpenApi',
          summary: 'This document.',
          security: [],
          responses: {
            '200': { description: 'OK', content: { 'application/json': { schema: { type: 'object' } } } },
          },
        },
      },
    },
    components: {
      securitySchemes: {
        apiKey: {
          type: 'apiKey',
          in: 'header',
          name: 'X-API-Key',
          description: 'An ingest (or admin) key from `npm run apikey -- create --role ingest`.',
        },
      },
      schemas: {
        DocumentBatch: {
          type: 'object',
          required: ['documents'],
          additionalProperties: false,
          properties: {
            documents: {
              type: 'array',
              minItems: 1,
              maxItems: options.maxDocuments,
              items: ref('Document'),
            },
          },
        },
        Document: {
          type: 'object',
          required: ['source', 'source_id', 'text'],
          additionalProperties: false,
          description: 'null for an optional field means absent.',
          properties: {
            source: {
              type: 'string',
              minLength: 1,
              maxLength: LIMITS.sourceChars,
              pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]*$',
              description: 'Where the document comes from (e.g. app-store); with source_id it makes the id.',
            },
            source_id: idString(
              'The document’s id at its source; a resend with the same one is the same document.',
            ),
            text: {
              type: 'string',
              minLength: 1,
              maxLength: LIMITS.textUtf16Units,
              pattern: NOT_BLANK,
              description: `At most ${LIMITS.textUtf16Units} UTF-16 code units (emoji count as 2); not blank.`,
            },
            created_at: orNull({
              type: 'string',
              format: 'date-time',
              pattern: DATE_TIME,
              description:
                'When it was written (RFC 3339 with a zone); default: when it was received. By default at most 3650 days back and 24 hours ahead.',
            }),
            entity: orNull(idString('What it is about (product, shop, ...).')),
            author_id: orNull(idString('Its author at the source.')),
            url: orNull({ type: 'string', maxLength: LIMITS.urlChars, pattern: HTTP_URL }),
            lang: orNull({
              type: 'string',
              maxLength: 35,
              pattern: '^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$',
              description: 'BCP 47 language tag if known (e.g. en, pt-BR); detected otherwise.',
            }),
            metadata: orNull({
              type: 'object',
              maxProperties: LIMITS.metadataKeys,
              propertyNames: { minLength: 1, maxLength: LIMITS.metadataKeyChars, pattern: NO_NUL },
              additionalProperties: { type: 'string', maxLength: LIMITS.metadataValueChars, pattern: NO_NUL },
              description: 'String values, carried through to the results.',
            }),
          },
        },
        Accepted: {
          type: 'object',
          required: ['accepted'],
          properties: {
            accepted: {
              type: 'array',
              items: {
                type: 'object',
                required: ['id', 'source_id'],
                properties: { id: { type: 'string', format: 'uuid' }, source_id: { type: 'string' } },
              },
            },
          },
        },
        Problem: {
          type: 'object',
          required: ['type', 'title', 'status'],
          properties: {
            type: { type: 'string', format: 'uri' },
            title: { type: 'string' },
            status: { type: 'integer' },
            detail: { type: 'string' },
            instance: { type: 'string' },
            limit: {
              type: 'object',
              required: ['name', 'max'],
              properties: {
                name: { type: 'string' },
                max: { type: 'number', minimum: 0 },
                window_s: { type: 'number', minimum: 0 },
              },
            },
            errors: {
              type: 'array',
              items: {
                type: 'object',
                required: ['pointer', 'reason'],
                properties: { pointer: { type: 'string' }, reason: { type: 'string' } },
              },
            },
          },
        },
      },
    },
  } as const;
}

export type CollectorOpenApi = ReturnType<typeof collectorOpenApi>;
