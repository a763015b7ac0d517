/**
 * Builds the Korean ABSA data set (train / val / test JSONL in the shared ABSA format) from the
 * annotated source files in source/<domain>.txt.
 *
 *   npx tsx models/data/ko-absa/build.ts           # rewrites train.jsonl, val.jsonl, test.jsonl
 *   npx tsx models/data/ko-absa/build.ts --check   # exits 1 when the committed files are stale
 *
 * Source format: one sentence per line, aspect terms marked inline as {term|+} (positive),
 * {term|-} (negative) or {term|0} (neutral); lines starting with # and blank lines are skipped.
 * The marks are removed from the text and become UTF-16 offsets, so `text.slice(from, to) === term`.
 *
 * The split is by a hash of the normalized sentence, not by position, so adding sentences never
 * moves an existing one to another split, and two sentences that differ only in spacing or
 * punctuation are rejected as duplicates (they would otherwise leak across splits).
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const DATASET = 'ko_reviews';
export const SPLITS = ['train', 'val', 'test'] as const;
export type Split = (typeof SPLITS)[number];
/** Shares of the hash range: train below 0.6, val below 0.8, test above. */
const TRAIN_BELOW = 0.6;
const VAL_BELOW = 0.8;
const SPLIT_SEED = 'ko-absa-2026';

export type Polarity = 'positive' | 'negative' | 'neutral';
const MARKS: Record<string, Polarity> = { '+': 'positive', '-': 'negative', '0': 'neutral' };

export interface AspectRecord {
  term: string;
  from: number;
  to: number;
  polarity: Polarity;
}

export interface KoAbsaRecord {
  id: string;
  text: string;
  lang: 'ko';
  domain: string;
  aspects: AspectRecord[];
}

export class SourceError extends Error {
  override readonly name = 'SourceError';
}

const HERE = dirname(fileURLToPath(import.meta.url));
export const DATA_DIR = HERE;
export const SOURCE_DIR = join(HERE, 'source');

/** Parses one annotated line; `where` (file:line) goes into every error message. */
export function parseSourceLine(line: string, where: string): { text: string; aspects: AspectRecord[] } {
  let text = '';
  const aspects: AspectRecord[] = [];
  let i = 0;
  while (i < line.length) {
    const open = line.indexOf('{', i);
    const strayClose = line.indexOf('}', i);
    if (strayClose !== -1 && (open === -1 || strayClose < open)) {
      throw new SourceError(`${where}: "}" at column ${strayClose + 1} closes no aspect mark`);
    }
    if (open === -1) {
      text += line.slice(i);
      break;
    }
    text += line.slice(i, open);
    const close = line.indexOf('}', open);
    if (close === -1)
      throw new SourceError(`${where}: aspect mark opened at column ${open + 1} is not closed`);
    const body = line.slice(open + 1, close);
    if (body.includes('{')) throw new SourceError(`${where}: aspect marks cannot nest (column ${open + 1})`);
    const bar = body.lastIndexOf('|');
    const term = bar === -1 ? '' : body.slice(0, bar);
    const mark = bar === -1 ? '' : body.slice(bar + 1);
    const polarity = MARKS[mark];
    if (polarity === undefined) {
      throw new SourceError(`${where}: aspect mark "{${body}}" needs a polarity "|+", "|-" or "|0"`);
    }
    if (term.trim() !== term || term === '') {
      throw new SourceError(`${where}: aspect term "${term}" is empty or has surrounding spaces`);
    }
    aspects.push({ term, from: text.length, to: text.length + term.length, polarity });
    text += term;
    i = close + 1;
  }
  if (text.trim() === '') throw new SourceError(`${where}: the sentence is empty`);
  if (text !== text.trim()) throw new SourceError(`${where}: leading or trailing spaces`);
  return { text, aspects };
}

/** The key two sentences are duplicates under: NFKC, lower-case, only letters and digits. */
export function duplicateKey(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '');
}

export function splitOf(text: string): Split {
  const h = createHash('sha256')
    .update(`${SPLIT_SEED}:${duplicateKey(text)}`)
    .digest();
  const u = h.readUInt32BE(0) / 2 ** 32;
  return u < TRAIN_BELOW ? 'train' : u < VAL_BELOW ? 'val' : 'test';
}

/** Reads every source/<domain>.txt (domains in name order) and returns the three splits. */
export function buildDataset(sourceDir = SOURCE_DIR): Record<Split, KoAbsaRecord[]> {
  const out: Record<Split, KoAbsaRecord[]> = { train: [], val: [], test: [] };
  const seen = new Map<string, string>();
  const files = readdirSync(sourceDir)
    .filter((f) => f.endsWith('.txt'))
    .sort();
  if (files.length === 0) throw new SourceError(`${sourceDir}: no <domain>.txt source files`);
  for (const file of files) {
    const domain = file.slice(0, -'.txt'.length);
    const lines = readFileSync(join(sourceDir, file), 'utf8').split('\n');
    lines.forEach((raw, n) => {
      const line = raw.replace(/\r$/, '');
      if (line.trim() === '' || line.startsWith('#')) return;
      const where = `${file}:${n + 1}`;
      const { text, aspects } = parseSourceLine(line, where);
      const key = duplicateKey(text);
      const first = seen.get(key);
      if (first !== undefined)
        throw new SourceError(`${where}: duplicate of ${first} (same text up to spacing)`);
      seen.set(key, where);
      const split = splitOf(text);
      out[split].push({ id: `${DATASET}-${split}-${out[split].length}`, text, lang: 'ko', domain, aspects });
    });
  }
  return out;
}

export function toJsonl(records: KoAbsaRecord[]): string {
  return records.map((r) => JSON.stringify(r)).join('\n') + '\n';
}

/**
 * Writes a generated file, or with `check` only compares it with what is there; false when the file
 * is stale (told on stderr, with the script that rebuilds it).
 */
export function writeOrCheck(path: string, want: string, check: boolean, script: string): boolean {
  if (!check) {
    writeFileSync(path, want);
    return true;
  }
  let have = '';
  try {
    have = readFileSync(path, 'utf8');
  } catch {
    // missing: stale
  }
  if (have === want) return true;
  console.error(`${path} is stale: run npx tsx models/data/ko-absa/${script}`);
  return false;
}

function main(): void {
  const check = process.argv.includes('--check');
  const data = buildDataset();
  let stale = 0;
  for (const split of SPLITS) {
    if (!writeOrCheck(join(DATA_DIR, `${split}.jsonl`), toJsonl(data[split]), check, 'build.ts')) stale += 1;
    const aspects = data[split].reduce((n, r) => n + r.aspects.length, 0);
    console.log(`${split}: ${data[split].length} sentences, ${aspects} aspects`);
  }
  if (stale > 0) process.exitCode = 1;
}

/** Runs a builder's main when its file is the script run; a bad source line exits 1 with its place. */
export function runAsScript(moduleUrl: string, main: () => void): void {
  if (!process.argv[1] || fileURLToPath(moduleUrl) !== process.argv[1]) return;
  try {
    main();
  } catch (err) {
    console.error(err instanceof SourceError ? err.message : err);
    process.exitCode = 1;
  }
}

runAsScript(import.meta.url, main);
