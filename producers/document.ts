/**
 * The document a collector accepts, its validation rules and its conversion into a text.raw.v1
 * event. Shared by every collector, so HTTP and file import accept and reject exactly the same input.
 *
 * Validation reports every problem at once as (JSON Pointer, reason), relative to the document
 * (`/text`); a collector prefixes it with the document's place (`/documents/3`).
 */
import { z } from 'zod';
import { documentEventId } from '../common/ids/index';
import type { FieldError } from '../common/http/problem';
import { jsonPointer } from '../common/http/problem';
import { createdAtProblem, DEFAULT_CREATED_AT_BOUNDS, type CreatedAtBounds } from '../schemas/bounds';
import type { RawDocument } from '../schemas/index';
import { RAW_TEXT_MAX_UTF16_UNITS } from '../schemas/limits';

export const LIMITS = {
  /** In UTF-16 code units, as the processor counts (schemas/limits.ts); other limits in characters. */
  textUtf16Units: RAW_TEXT_MAX_UTF16_UNITS,
  idChars: 200,
  sourceChars: 100,
  urlChars: 2048,
  metadataKeys: 50,
  metadataKeyChars: 64,
  metadataValueChars: 1000,
} as const;

const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// eslint-disable-next-line security/detect-unsafe-regex -- linear: every group is fixed-length or starts with a distinct literal
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;
const SOURCE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]*$/;
// eslint-disable-next-line security/detect-unsafe-regex -- linear: each repetition starts with '-', which the class inside cannot match
const LANG_PATTERN = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/;

function codePoints(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

/** Problems every stored string must avoid (PostgreSQL text cannot hold NUL; Avro needs valid UTF-8). */
function unsafeText(s: string): string | undefined {
  if (s.includes('\u0000')) return 'must not contain NUL (U+0000) characters';
  if (UNPAIRED_SURROGATE.test(s)) return 'must be valid Unicode (it contains an unpaired surrogate)';
  return undefined;
}

const typeError = (expected: string) => (issue: { input?: unknown }) =>
  issue.input === undefined
    ? 'is required'
    : `must be ${expected}, got ${issue.input === null ? 'null' : typeof issue.input}`;

function boundedString(max: number, extra?: { pattern: RegExp; describe: string }) {
  return z.string({ error: typeError('a string') }).superRefine((s, ctx) => {
    const problem =
      s.trim() === ''
        ? 'must not be empty'
        : s.length > max && codePoints(s) > max
          ? `must be at most ${max} characters (got ${codePoints(s)})`
          : extra && !extra.pattern.test(s)
            ? extra.describe
            : unsafeText(s);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
}

/** null is accepted for optional fields and means "absent" (JSON clients often send it). */
const optional = <T extends z.ZodType>(schema: T) => schema.nullish();

const textSchema = z.string({ error: typeError('a string') }).superRefine((s, ctx) => {
  const problem =
    s.trim() === ''
      ? s === ''
        ? 'must not be empty'
        : 'must not be only whitespace'
      : s.length > LIMITS.textUtf16Units
        ? `must be at most ${LIMITS.textUtf16Units} UTF-16 code units (got ${s.length}; a character outside the Basic Multilingual Plane, such as most emoji, counts as 2)`
        : unsafeText(s);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

export function parseTimestamp(s: string): number | undefined {
  const m = RFC3339.exec(s);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, sec] = m.map(Number) as number[];
  const ms = Date.parse(s.replace(' ', 'T'));
  if (!Number.isFinite(ms)) return undefined;
  // Date.parse rolls 2024-02-30 over to March; compare the calendar fields to catch it.
  const check = new Date(Date.UTC(y!, mo! - 1, d!, h!, mi!, sec!));
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo! - 1 || check.getUTCDate() !== d)
    return undefined;
  if (h! > 23 || mi! > 59 || sec! > 59) return undefined;
  return ms;
}

const createdAtSchema = z
  .string({ error: typeError('an RFC 3339 date-time string') })
  .superRefine((s, ctx) => {
    const ms = parseTimestamp(s);
    if (ms === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: 'must be an RFC 3339 date-time with a time zone, e.g. 2024-05-01T12:30:00Z',
      });
    } else if (ms < 0) {
      ctx.addIssue({ code: 'custom', message: 'must not be before 1970-01-01' });
    }
  });

const urlSchema = boundedString(LIMITS.urlChars).superRefine((s, ctx) => {
  try {
    const u = new URL(s);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error();
  } catch {
    ctx.addIssue({ code: 'custom', message: 'must be an absolute http or https URL' });
  }
});

const metadataSchema = z
  .record(
    z.string(),
    z.string({ error: typeError('a string (metadata values are strings)') }).superRefine((s, ctx) => {
      const p =
        codePoints(s) > LIMITS.metadataValueChars
          ? `must be at most ${LIMITS.metadataValueChars} characters`
          : unsafeText(s);
      if (p) ctx.addIssue({ code: 'custom', message: p });
    }),
    { error: typeError('an object of string values') },
  )
  .superRefine((m, ctx) => {
    const keys = Object.keys(m);
    if (keys.length > LIMITS.metadataKeys) {
      ctx.addIssue({
        code: 'custom',
        message: `must have at most ${LIMITS.metadataKeys} keys (got ${keys.length})`,
      });
    }
    for (const k of keys) {
      if (k.length === 0 || codePoints(k) > LIMITS.metadataKeyChars || unsafeText(k)) {
        ctx.addIssue({
          code: 'custom',
          path: [k],
          message: `keys must be 1-${LIMITS.metadataKeyChars} characters`,
        });
      }
    }
  });

export const documentSchema = z.strictObject(
  {
    source: boundedString(LIMITS.sourceChars, {
      pattern: SOURCE_PATTERN,
      describe: "must start with a letter or digit and use only letters, digits, '.', '_', ':' or '-'",
    }),
    source_id: boundedString(LIMITS.idChars),
    text: textSchema,
    created_at: optional(createdAtSchema),
    entity: optional(boundedString(LIMITS.idChars)),
    author_id: optional(boundedString(LIMITS.idChars)),
    url: optional(urlSchema),
    lang: optional(
      boundedString(35, {
        pattern: LANG_PATTERN,
        describe: 'must be a BCP 47 language tag, e.g. en or pt-BR',
      }),
    ),
    metadata: optional(metadataSchema),
  },
  { error: typeError('a JSON object') },
);

export type DocumentInput = z.infer<typeof documentSchema>;

/** Zod issues as (JSON Pointer, reason), unknown fields named one by one. */
export function fieldErrors(error: z.ZodError, prefix: ReadonlyArray<string | number> = []): FieldError[] {
  const out: FieldError[] = [];
  for (const issue of error.issues) {
    const path = [...prefix, ...(issue.path as Array<string | number>)];
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys)
        out.push({ pointer: jsonPointer([...path, key]), reason: 'is not a known field' });
    } else {
      out.push({ pointer: jsonPointer(path), reason: issue.message });
    }
  }
  return out;
}

export type DocumentValidation = { ok: true; document: DocumentInput } | { ok: false; errors: FieldError[] };

export function validateDocument(
  input: unknown,
  prefix: ReadonlyArray<string | number> = [],
  bounds: CreatedAtBounds = DEFAULT_CREATED_AT_BOUNDS,
): DocumentValidation {
  const result = documentSchema.safeParse(input);
  if (!result.success) return { ok: false, errors: fieldErrors(result.error, prefix) };
  const createdAt = result.data.created_at;
  const problem = createdAt ? createdAtProblem(parseTimestamp(createdAt)!, bounds) : undefined;
  if (problem)
    return { ok: false, errors: [{ pointer: jsonPointer([...prefix, 'created_at']), reason: problem }] };
  return { ok: true, document: result.data };
}

export interface EventContext {
  tenant: string;
  collector: string;
  /** Defaults to now; created_at defaults to it. */
  ingestedAt?: number;
  /** Fills `entity` when the document has none (file import --entity). */
  defaultEntity?: string;
}

export function toRawDocument(doc: DocumentInput, ctx: EventContext): RawDocument {
  const ingestedAt = ctx.ingestedAt ?? Date.now();
  return {
    event_id: documentEventId(ctx.tenant, doc.source, doc.source_id),
    tenant: ctx.tenant,
    source: doc.source,
    source_id: doc.source_id,
    entity: doc.entity ?? ctx.defaultEntity ?? null,
    author_id: doc.author_id ?? null,
    url: doc.url ?? null,
    lang: doc.lang ?? null,
    text: doc.text,
    created_at: doc.created_at ? parseTimestamp(doc.created_at)! : ingestedAt,
    ingested_at: ingestedAt,
    collector: ctx.collector,
    metadata: doc.metadata ?? {},
  };
}
