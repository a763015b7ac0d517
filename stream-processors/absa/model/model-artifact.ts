/**
 * Loads and validates an ABSA model artifact folder (models/absa/<name>-<version>/):
 *
 *   model.onnx      inputs input_ids, attention_mask, token_type_ids (int64 [batch, seq]);
 *                   outputs tag_logits (float32 [batch, seq, n_tags]), polarity_logits (float32 [batch, 3])
 *   tokenizer.json  Hugging Face fast tokenizer (BERT WordPiece)
 *   labels.json     {"tags": [...], "polarities": [...]}  (output index order)
 *   config.json     name, version, languages, max_tokens, window_overlap_tokens, analyze_polarity, thresholds
 *   MODEL_CARD.md
 *
 * Every problem is reported as a ModelArtifactError naming the file.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { POLARITIES, type Polarity } from './sentiment-model.js';

export class ModelArtifactError extends Error {
  override readonly name = 'ModelArtifactError';
  constructor(
    message: string,
    /** the file (or folder) at fault */
    readonly file: string,
    options?: { cause?: unknown },
  ) {
    super(`${file}: ${message}`, options);
  }
}

const fileName = z
  .string()
  .min(1)
  .refine((s) => !s.includes('/') && !s.includes('\\') && s !== '..' && s !== '.', {
    message: 'must be a file name inside the artifact folder',
  });

export const artifactConfigSchema = z.object({
  name: z.string().min(1),
  version: z.string().min(1),
  languages: z.array(z.string().min(1)).min(1),
  base_model: z.string().min(1),
  max_tokens: z.number().int().min(8).max(4096),
  window_overlap_tokens: z.number().int().min(0),
  /**
   * Where an aspect's polarity comes from in analyze mode: "targeted", a second encoder pass per found
   * aspect with the aspect marked; "tags", the tagging pass's polarity-suffixed tags; "tagging-pass",
   * the aspect heads (polarity.json needed) over the tagging pass's own states, so one pass per text.
   */
  analyze_polarity: z.enum(['targeted', 'tags', 'tagging-pass']),
  /** BIO over word pieces ("tokens") or over words, each taking its first piece's tag ("words"). */
  span_decoding: z.enum(['tokens', 'words']).default('tokens'),
  thresholds: z.object({ aspect_min_confidence: z.number().min(0).max(1) }),
  tokenizer: fileName.default('tokenizer.json'),
  model: fileName.default('model.onnx'),
});
export type ArtifactConfig = z.infer<typeof artifactConfigSchema>;

export const artifactLabelsSchema = z.object({
  tags: z.array(z.string().min(1)).min(3),
  polarities: z.array(z.enum(POLARITIES)).length(3),
});
export type ArtifactLabels = z.infer<typeof artifactLabelsSchema>;

/** BIO tag kinds */
export const TAG_O = 0;
export const TAG_B = 1;
export const TAG_I = 2;

/** The model's tag inventory, decoded from labels.json, as flat arrays indexed by tag id. */
export interface TagScheme {
  tags: readonly string[];
  /** TAG_O, TAG_B or TAG_I per tag id */
  kind: Uint8Array;
  /** index into POLARITIES per tag id, -1 for O and for plain B/I */
  polarity: Int8Array;
  /** true when B/I tags carry a polarity suffix ("B-positive") */
  unified: boolean;
}

export interface ModelArtifact {
  dir: string;
  config: ArtifactConfig;
  labels: ArtifactLabels;
  tagScheme: TagScheme;
  /** polarity_logits column j is POLARITIES[polarityColumns[j]] */
  polarityColumns: Int8Array;
  modelPath: string;
  tokenizerPath: string;
  modelCardPath: string;
}

function formatIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('; ');
}

function readJson(file: string): unknown {
  if (!existsSync(file)) throw new ModelArtifactError('missing', file);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new ModelArtifactError(`cannot be read (${(cause as Error).message})`, file, { cause });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw new ModelArtifactError(`is not valid JSON (${(cause as Error).message})`, file, { cause });
  }
}

/** A JSON file of the artifact, checked against its schema; every problem names the file. */
export function readArtifactJson<T>(file: string, schema: z.ZodType<T>): T {
  const parsed = schema.safeParse(readJson(file));
  if (!parsed.success) throw new ModelArtifactError(formatIssues(parsed.error), file);
  return parsed.data;
}

function requireFile(file: string): void {
  if (!existsSync(file)) throw new ModelArtifactError('missing', file);
  const stat = statSync(file);
  if (!stat.isFile()) throw new ModelArtifactError('is not a file', file);
  if (stat.size === 0) throw new ModelArtifactError('is empty', file);
}

/** Parses labels.json's tag list: either O/B/I, or O plus B-<polarity>/I-<polarity>. */
export function parseTagScheme(tags: readonly string[], file = 'labels.json'): TagScheme {
  const kind = new Uint8Array(tags.length);
  const polarity = new Int8Array(tags.length).fill(-1);
  let plain = 0;
  let suffixed = 0;
  let outside = 0;
  tags.forEach((tag, i) => {
    if (tag === 'O') {
      kind[i] = TAG_O;
      outside++;
      return;
    }
    const match = /^([BI])(?:-(.+))?$/.exec(tag);
    if (!match)
      throw new ModelArtifactError(`tags[${i}] "${tag}" is not O, B, I, B-<polarity> or I-<polarity>`, file);
    kind[i] = match[1] === 'B' ? TAG_B : TAG_I;
    if (match[2] === undefined) {
      plain++;
    } else {
      const p = POLARITIES.indexOf(match[2] as Polarity);
      if (p < 0) {
        throw new ModelArtifactError(
          `tags[${i}] "${tag}": polarity must be one of ${POLARITIES.join(', ')}`,
          file,
        );
      }
      polarity[i] = p;
      suffixed++;
    }
  });
  if (outside !== 1) throw new ModelArtifactError(`tags must contain "O" exactly once`, file);
  if (plain > 0 && suffixed > 0) {
    throw new ModelArtifactError('tags mix plain B/I with polarity-suffixed B-<polarity>/I-<polarity>', file);
  }
  if (new Set(tags).size !== tags.length) throw new ModelArtifactError('tags contain duplicates', file);
  if (!Array.from(kind).includes(TAG_B)) throw new ModelArtifactError('tags contain no B tag', file);
  return { tags: [...tags], kind, polarity, unified: suffixed > 0 };
}

/** Reads and checks an artifact folder's files; the ONNX graph itself is checked when a session opens it. */
export function loadModelArtifact(dir: string): ModelArtifact {
  const root = path.resolve(dir);
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    throw new ModelArtifactError('model artifact folder not found', root);
  }
  const configPath = path.join(root, 'config.json');
  const config = readArtifactJson(configPath, artifactConfigSchema);
  if (config.window_overlap_tokens > (config.max_tokens - 2) / 2) {
    throw new ModelArtifactError(
      `window_overlap_tokens (${config.window_overlap_tokens}) must be at most half of max_tokens - 2 ` +
        `(max_tokens ${config.max_tokens})`,
      configPath,
    );
  }

  const labelsPath = path.join(root, 'labels.json');
  const labels = readArtifactJson(labelsPath, artifactLabelsSchema);
  if (new Set(labels.polarities).size !== 3) {
    throw new ModelArtifactError(`polarities must list ${POLARITIES.join(', ')} once each`, labelsPath);
  }
  const tagScheme = parseTagScheme(labels.tags, labelsPath);
  if (config.analyze_polarity === 'tags' && !tagScheme.unified) {
    throw new ModelArtifactError(
      `analyze_polarity "tags" needs polarity-suffixed tags (B-positive, ...) in ${labelsPath}`,
      configPath,
    );
  }
  const polarityColumns = Int8Array.from(labels.polarities.map((p) => POLARITIES.indexOf(p)));

  const modelPath = path.join(root, config.model);
  const tokenizerPath = path.join(root, config.tokenizer);
  const modelCardPath = path.join(root, 'MODEL_CARD.md');
  requireFile(modelPath);
  requireFile(tokenizerPath);
  requireFile(modelCardPath);
  return { dir: root, config, labels, tagScheme, polarityColumns, modelPath, tokenizerPath, modelCardPath };
}

/** The repository's models/absa/ folder. */
export const DEFAULT_MODELS_ROOT = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../models/absa',
);

/**
 * Picks one artifact folder (the CLI tools analyse with one model): an explicit path (--model), else
 * ABSA_MODEL_DIR (its first folder when it lists several), else the folder under models/absa/ that
 * serves `language` (hidden folders aside; see languageServers). A lone folder there that is not a
 * complete artifact is not skipped: its loading then names the missing file.
 */
export function resolveModelDir(
  explicit: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
  modelsRoot: string = DEFAULT_MODELS_ROOT,
  language = 'en',
): string {
  if (explicit) return path.resolve(explicit);
  const dirs = resolveModelDirs(undefined, env, modelsRoot);
  if (dirs.length === 1 || env.ABSA_MODEL_DIR) return dirs[0]!;
  const server = languageServers(dirs.map((dir) => ({ dir, languages: readLanguages(dir) }))).get(language);
  if (server === undefined) {
    throw new ModelArtifactError(
      `none of the model artifacts (${dirs.map((c) => path.basename(c)).join(', ')}) serves "${language}"; ` +
        'pass --model <dir> or set ABSA_MODEL_DIR',
      modelsRoot,
    );
  }
  return dirs[server]!;
}

/**
 * Every artifact folder the processor loads: the explicit list, else ABSA_MODEL_DIR, both
 * comma-separated, else every folder under models/absa/. Adding a language is adding a folder.
 */
export function resolveModelDirs(
  explicit: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
  modelsRoot: string = DEFAULT_MODELS_ROOT,
): string[] {
  const listed = (explicit || env.ABSA_MODEL_DIR || '')
    .split(',')
    .map((d) => d.trim())
    .filter((d) => d !== '');
  if (listed.length > 0) return listed.map((d) => path.resolve(d));
  const found = listModelDirs(modelsRoot);
  if (found.length === 0) {
    throw new ModelArtifactError(
      'no model artifact folder found; pass --model <dir> or set ABSA_MODEL_DIR',
      modelsRoot,
    );
  }
  return found;
}

/**
 * Which artifact serves each language: the one that lists it earliest in its `languages` (an
 * artifact's own language before the ones it was only trained to keep), the first artifact on a tie.
 * So an English model and a Korean model that also reads English serve English and Korean each.
 */
export function languageServers(artifacts: readonly { languages: readonly string[] }[]): Map<string, number> {
  const best = new Map<string, { index: number; rank: number }>();
  artifacts.forEach(({ languages }, index) =>
    languages.forEach((language, rank) => {
      const current = best.get(language);
      if (!current || rank < current.rank) best.set(language, { index, rank });
    }),
  );
  return new Map([...best].map(([language, { index }]) => [language, index]));
}

function readLanguages(dir: string): string[] {
  return readArtifactJson(path.join(dir, 'config.json'), artifactConfigSchema.pick({ languages: true }))
    .languages;
}

/** The artifact folders under a models root (every non-hidden folder), sorted. */
export function listModelDirs(modelsRoot: string = DEFAULT_MODELS_ROOT): string[] {
  if (!existsSync(modelsRoot)) return [];
  return readdirSync(modelsRoot, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !d.name.startsWith('.'))
    .map((d) => path.join(modelsRoot, d.name))
    .sort();
}
