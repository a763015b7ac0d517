/**
 * What predict.ts and eval.ts share: flags, the JSONL reader with line-numbered errors, output with
 * back-pressure, and the error-to-exit-code mapping.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { ConfigError, parseConfig } from '../../../../common/config/index.js';
import { modelCliConfigSpec } from '../config.js';
import { resolveModelDir } from '../model-artifact.js';
import { OnnxSentimentModel } from '../onnx-sentiment-model.js';

/** Wrong flags or arguments: exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** A bad input file: every problem found, with its line number. Exit code 1. */
export class InputError extends Error {
  override readonly name = 'InputError';
}

const MODEL_OPTIONS = {
  model: { type: 'string' },
  threads: { type: 'string' },
  'batch-size': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/**
 * The flags both CLIs take (model options, --data FILE, texts as positionals), with node:util's
 * errors turned into UsageError; null when --help was asked for (the usage is printed then).
 */
export function parseModelCliArgs(usage: string) {
  let parsed;
  try {
    parsed = parseArgs({
      options: { ...MODEL_OPTIONS, data: { type: 'string' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (cause) {
    throw new UsageError((cause as Error).message);
  }
  if (parsed.values.help) {
    process.stdout.write(usage);
    return null;
  }
  return parsed;
}

function positiveInt(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < 1)
    throw new UsageError(`${flag} must be a positive integer, got "${value}"`);
  return Number(value);
}

/**
 * A path given on the command line, resolved against the directory the user ran `npm run` in (npm runs
 * scripts from the package root and passes the caller's directory as INIT_CWD).
 */
export function userPath(p: string): string {
  return path.resolve(process.env.INIT_CWD ?? process.cwd(), p);
}

/** Opens the model from --model / --threads / --batch-size, falling back to ABSA_* variables. */
export async function openModel(values: {
  model?: string | undefined;
  threads?: string | undefined;
  'batch-size'?: string | undefined;
}): Promise<OnnxSentimentModel> {
  const env = parseConfig(modelCliConfigSpec);
  const dir = resolveModelDir(
    values.model !== undefined ? userPath(values.model) : env.modelDir || undefined,
  );
  return OnnxSentimentModel.load(dir, {
    threads: positiveInt('--threads', values.threads) ?? env.threads,
    batchSize: positiveInt('--batch-size', values['batch-size']) ?? env.batchSize,
  });
}

const aspectSchema = z.object({
  term: z.string().optional(),
  from: z.number().int().min(0),
  to: z.number().int().min(0),
  polarity: z.enum(['positive', 'negative', 'neutral', 'conflict']),
  /** a gold category of this term, where the data labels one per term */
  category: z.string().min(1).optional(),
});

const spanSchema = z.object({
  term: z.string().optional(),
  from: z.number().int().min(0),
  to: z.number().int().min(0),
});

const tripletSchema = z.object({
  aspect: spanSchema,
  opinion: spanSchema,
  polarity: z.enum(['positive', 'negative', 'neutral']),
});

const recordSchema = z.object({
  id: z.union([z.string().min(1), z.number()]),
  text: z.string(),
  aspects: z.array(aspectSchema).optional(),
  /** sentence-level categories (SemEval-14: one per sentence and concept) */
  categories: z.array(z.object({ category: z.string().min(1) }).passthrough()).optional(),
  /** SemEval-15/16: target, category, offsets */
  opinions: z
    .array(
      z
        .object({
          category: z.string().min(1),
          target: z.string().nullable(),
          // NULL targets carry no offsets
          from: z.number().int().optional(),
          to: z.number().int().optional(),
        })
        .passthrough(),
    )
    .optional(),
  /** ASTE: aspect-opinion-polarity triplets; where "aspects" is missing, the aspects are theirs */
  triplets: z.array(tripletSchema).optional(),
  /** challenge set: what the sentence probes */
  phenomenon: z.string().min(1).optional(),
  /** challenge set: spans that must not be reported as aspects (an entity's own name) */
  not_aspects: z.array(spanSchema).optional(),
  /** document-level polarity files (e.g. NSMC): the whole text's polarity, no aspects */
  polarity: z.enum(['positive', 'negative', 'neutral']).optional(),
  /** the text's language, where the file gives it */
  lang: z.string().min(1).optional(),
});

export type AbsaAspect = z.infer<typeof aspectSchema>;
export type AbsaSpan = z.infer<typeof spanSchema>;
export type AbsaTriplet = z.infer<typeof tripletSchema>;
export interface AbsaRecord {
  id: string | number;
  text: string;
  aspects: AbsaAspect[];
  phenomenon?: string;
  notAspects?: AbsaSpan[];
  triplets?: AbsaTriplet[];
  /** sentence-level category labels, as in the data */
  categories?: string[];
  /** SemEval-15/16 opinion tuples with an explicit target */
  targetCategories?: { from: number; to: number; category: string }[];
  /** the whole text's gold polarity (document polarity files) */
  polarity?: 'positive' | 'negative' | 'neutral';
  lang?: string;
  /** 1-based line number in the file */
  line: number;
}

const MAX_REPORTED_ERRORS = 20;

/**
 * Reads the shared ABSA JSONL format (one sentence per line; blank lines are skipped). Offsets must lie
 * inside the text and match `term` where given. With requireAspects, a line with neither "aspects", "triplets" nor a document "polarity" is an error.
 * All problems are collected (up to 20) and thrown as one InputError naming file and lines.
 */
export function readAbsaJsonl(file: string, options: { requireAspects: boolean }): AbsaRecord[] {
  let content: string;
  try {
    content = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new InputError(
      `${file}: cannot be read (${(cause as NodeJS.ErrnoException).code ?? (cause as Error).message})`,
    );
  }
  const records: AbsaRecord[] = [];
  const errors: string[] = [];
  let errorCount = 0;
  const fail = (line: number, message: string): void => {
    errorCount++;
    if (errors.length < MAX_REPORTED_ERRORS) errors.push(`${file}:${line}: ${message}`);
  };
  const lines = content.split('\n');
  lines.forEach((raw, i) => {
    const line = i + 1;
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (text.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (cause) {
      fail(line, `bad JSON (${(cause as Error).message})`);
      return;
    }
    const parsed = recordSchema.safeParse(value);
    if (!parsed.success) {
      const issues = parsed.error.issues.map(
        (issue) => `${issue.path.join('.') || '(line)'}: ${issue.message}`,
      );
      fail(line, issues.join('; '));
      return;
    }
    const record = parsed.data;
    if (
      record.aspects === undefined &&
      record.triplets === undefined &&
      record.polarity === undefined &&
      options.requireAspects
    ) {
      fail(line, 'aspects: missing (gold aspects, or a document "polarity", are needed)');
      return;
    }
    const aspects = record.aspects ?? aspectsOfTriplets(record.triplets ?? []);
    let ok = true;
    const checkSpans = (field: string, spans: readonly AbsaSpan[]): void =>
      spans.forEach((a, j) => {
        if (a.from >= a.to || a.to > record.text.length) {
          fail(
            line,
            `${field}.${j}: offsets [${a.from}, ${a.to}) are not a span inside the text (length ${record.text.length})`,
          );
          ok = false;
        } else if (a.term !== undefined && record.text.slice(a.from, a.to) !== a.term) {
          fail(
            line,
            `${field}.${j}: term ${JSON.stringify(a.term)} does not match text[${a.from}:${a.to}] ` +
              JSON.stringify(record.text.slice(a.from, a.to)),
          );
          ok = false;
        }
      });
    checkSpans('aspects', aspects);
    checkSpans('not_aspects', record.not_aspects ?? []);
    checkSpans(
      'triplets.aspect',
      (record.triplets ?? []).map((t) => t.aspect),
    );
    checkSpans(
      'triplets.opinion',
      (record.triplets ?? []).map((t) => t.opinion),
    );
    if (ok) {
      const targeted = (record.opinions ?? []).flatMap((o) =>
        o.target !== null && o.from !== undefined && o.to !== undefined && o.from < o.to
          ? [{ from: o.from, to: o.to, category: o.category }]
          : [],
      );
      records.push({
        id: record.id,
        text: record.text,
        aspects,
        ...(record.phenomenon !== undefined ? { phenomenon: record.phenomenon } : {}),
        ...(record.not_aspects !== undefined ? { notAspects: record.not_aspects } : {}),
        ...(record.triplets !== undefined ? { triplets: record.triplets } : {}),
        ...(record.polarity !== undefined ? { polarity: record.polarity } : {}),
        ...(record.lang !== undefined ? { lang: record.lang } : {}),
        ...(record.categories !== undefined ? { categories: record.categories.map((c) => c.category) } : {}),
        ...(targeted.length > 0 ? { targetCategories: targeted } : {}),
        line,
      });
    }
  });
  if (errorCount > 0) {
    const more = errorCount > errors.length ? `\n... and ${errorCount - errors.length} more` : '';
    throw new InputError(`${errorCount} bad line(s) in ${file}:\n${errors.join('\n')}${more}`);
  }
  return records;
}

/** The distinct aspects of ASTE triplets, each with its polarity (a span with two is a conflict). */
function aspectsOfTriplets(triplets: readonly AbsaTriplet[]): AbsaAspect[] {
  const bySpan = new Map<string, AbsaAspect>();
  for (const t of triplets) {
    const key = `${t.aspect.from}:${t.aspect.to}`;
    const seen = bySpan.get(key);
    if (!seen) bySpan.set(key, { ...t.aspect, polarity: t.polarity });
    else if (seen.polarity !== t.polarity) seen.polarity = 'conflict';
  }
  return [...bySpan.values()];
}

/**
 * The gold category of each aspect where the data gives one: the aspect's own `category`, else the
 * SemEval-15/16 opinion tuples on the same span (when they name one category), else, for SemEval-14's
 * per-sentence categories, the sentence's category when the sentence has exactly one aspect term and
 * one category (with more terms the data does not say which category is whose). undefined: not labelled.
 * Same rule as models/training/train_categories.py gold_categories.
 */
export function goldCategories(record: AbsaRecord): (string | undefined)[] {
  const sentence = new Set(record.categories ?? []);
  const spans = new Set(record.aspects.map((a) => `${a.from}:${a.to}`));
  return record.aspects.map((a) => {
    if (a.category !== undefined) return a.category;
    if (record.targetCategories !== undefined) {
      const tuples = new Set(
        record.targetCategories.filter((o) => o.from === a.from && o.to === a.to).map((o) => o.category),
      );
      return tuples.size === 1 ? [...tuples][0] : undefined;
    }
    return spans.size === 1 && sentence.size === 1 ? [...sentence][0] : undefined;
  });
}

/** Writes to stdout, waiting for the pipe to drain. */
export async function writeOut(chunk: string): Promise<void> {
  if (!process.stdout.write(chunk)) {
    await new Promise<void>((resolve) => process.stdout.once('drain', resolve));
  }
}

export const round = (value: number, digits = 4): number => {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
};

/** Runs a CLI's main: errors go to stderr as one message; usage errors exit 2, others 1. */
export function runCli(name: string, main: () => Promise<void>): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0); // reader went away (| head)
    throw error;
  });
  main().then(
    () => {
      process.exitCode = 0;
    },
    (error: unknown) => {
      const err = error instanceof Error ? error : new Error(String(error));
      const known = ['UsageError', 'InputError', 'ModelArtifactError', 'ConfigError', 'RangeError'];
      const message =
        known.includes(err.name) || err instanceof ConfigError ? err.message : (err.stack ?? err.message);
      process.stderr.write(`${name}: error: ${message}\n`);
      if (err instanceof UsageError) process.stderr.write(`run with --help for usage\n`);
      process.exitCode = err instanceof UsageError ? 2 : 1;
    },
  );
}
