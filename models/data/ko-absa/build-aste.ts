/**
 * Builds the Korean opinion-term data (aste/train.jsonl, aste/val.jsonl, aste/test.jsonl): the
 * aspect-opinion-polarity triplets of the shared English ASTE files, for the ko-absa sentences.
 *
 *   npx tsx models/data/ko-absa/build-aste.ts           # rewrites aste/*.jsonl
 *   npx tsx models/data/ko-absa/build-aste.ts --check   # exits 1 when the committed files are stale
 *
 * Source: source/opinions/<split>.tsv, one line per (aspect, opinion) pair:
 *
 *   <sentence id> TAB <aspect term> TAB <opinion term> [TAB <occurrence>]
 *
 * The aspect term names one of the sentence's aspects in <split>.jsonl (no sentence has the same
 * aspect term twice). The opinion term is looked up in the text; where it occurs more than once,
 * the occurrence (1-based, counted from the start of the text) says which one. An opinion of "-"
 * records that the sentence states no opinion for that aspect. Every aspect of every sentence must
 * have a line, so a sentence id that no longer names the same sentence (after the split changed)
 * fails instead of shifting annotations silently. Lines starting with # and blank lines are skipped.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildDataset,
  DATA_DIR,
  DATASET,
  SOURCE_DIR,
  SourceError,
  SPLITS,
  type KoAbsaRecord,
  type Polarity,
  runAsScript,
  type Split,
  writeOrCheck,
} from './build';

export const ASTE_DIR = join(DATA_DIR, 'aste');
export const OPINIONS_DIR = join(SOURCE_DIR, 'opinions');
/** The opinion column's value for "this aspect has no opinion word in the sentence". */
export const NO_OPINION = '-';

export interface Span {
  term: string;
  from: number;
  to: number;
}

export interface Triplet {
  aspect: Span;
  opinion: Span;
  polarity: Polarity;
}

export interface AsteRecord {
  id: string;
  source_id: string;
  text: string;
  lang: 'ko';
  triplets: Triplet[];
}

export interface OpinionLine {
  where: string;
  id: string;
  aspect: string;
  /** null: no opinion stated for the aspect */
  opinion: string | null;
  occurrence: number | undefined;
}

export interface AsteStats {
  sentences: number;
  triplets: number;
  /** aspects whose sentence states no opinion for them (annotated "-") */
  aspectsWithoutOpinion: number;
  /** sentences with aspects but not one opinion (their line has "triplets": []) */
  sentencesWithoutTriplet: number;
}

/** Parses an opinions TSV; `file` goes into every error message. */
export function parseOpinionLines(tsv: string, file: string): OpinionLine[] {
  const out: OpinionLine[] = [];
  tsv.split('\n').forEach((raw, n) => {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '' || line.startsWith('#')) return;
    const where = `${file}:${n + 1}`;
    const cols = line.split('\t');
    if (cols.length < 3 || cols.length > 4) {
      throw new SourceError(
        `${where}: expected "id<TAB>aspect<TAB>opinion[<TAB>occurrence]", got ${cols.length} column(s)`,
      );
    }
    const [id = '', aspect = '', opinion = '', occ] = cols;
    for (const [name, value] of [
      ['id', id],
      ['aspect', aspect],
      ['opinion', opinion],
    ] as const) {
      if (value === '' || value.trim() !== value) {
        throw new SourceError(`${where}: ${name} "${value}" is empty or has surrounding spaces`);
      }
    }
    let occurrence: number | undefined;
    if (occ !== undefined) {
      occurrence = Number(occ);
      if (!Number.isInteger(occurrence) || occurrence < 1) {
        throw new SourceError(`${where}: occurrence "${occ}" is not a whole number from 1`);
      }
      if (opinion === NO_OPINION) throw new SourceError(`${where}: "-" (no opinion) takes no occurrence`);
    }
    out.push({ where, id, aspect, opinion: opinion === NO_OPINION ? null : opinion, occurrence });
  });
  return out;
}

/** Every start index of `term` in `text` (overlapping occurrences included). */
function occurrences(text: string, term: string): number[] {
  const at: number[] = [];
  for (let i = text.indexOf(term); i !== -1; i = text.indexOf(term, i + 1)) at.push(i);
  return at;
}

const overlaps = (a: { from: number; to: number }, b: { from: number; to: number }): boolean =>
  a.from < b.to && b.from < a.to;

/** Finds an opinion line's term in its sentence: exactly one place, clear of every aspect. */
function locateOpinion(l: OpinionLine, term: string, r: KoAbsaRecord): Span {
  const at = occurrences(r.text, term);
  if (at.length === 0) throw new SourceError(`${l.where}: opinion "${term}" is not in the text of ${l.id}`);
  if (l.occurrence === undefined && at.length > 1) {
    throw new SourceError(
      `${l.where}: opinion "${term}" occurs ${at.length} times in ${l.id}: give the occurrence`,
    );
  }
  const from = at[(l.occurrence ?? 1) - 1];
  if (from === undefined) {
    throw new SourceError(`${l.where}: opinion "${term}" occurs only ${at.length} time(s) in ${l.id}`);
  }
  const span = { term, from, to: from + term.length };
  const hit = r.aspects.find((a) => overlaps(a, span));
  if (hit !== undefined) {
    throw new SourceError(`${l.where}: opinion "${term}" overlaps the aspect "${hit.term}" of ${l.id}`);
  }
  return span;
}

/** Joins one split's sentences with its opinion lines into ASTE records. */
export function buildAsteSplit(
  split: Split,
  records: readonly KoAbsaRecord[],
  lines: readonly OpinionLine[],
): { records: AsteRecord[]; stats: AsteStats } {
  const byId = new Map(records.map((r) => [r.id, r]));
  // per sentence id, per aspect term: the opinion spans (null: annotated as having none)
  const marks = new Map<string, Map<string, (Span | null)[]>>();
  for (const l of lines) {
    const r = byId.get(l.id);
    if (r === undefined) throw new SourceError(`${l.where}: ${l.id} is not a sentence of ${split}.jsonl`);
    const aspect = r.aspects.find((a) => a.term === l.aspect);
    if (aspect === undefined) {
      const terms = r.aspects.map((a) => a.term).join(', ') || 'none';
      throw new SourceError(`${l.where}: "${l.aspect}" is not an aspect of ${l.id} (its aspects: ${terms})`);
    }
    const opinion = l.opinion === null ? null : locateOpinion(l, l.opinion, r);
    const perAspect = marks.get(l.id) ?? new Map<string, (Span | null)[]>();
    marks.set(l.id, perAspect);
    const spans = perAspect.get(l.aspect) ?? [];
    perAspect.set(l.aspect, spans);
    if (opinion === null ? spans.length > 0 : spans.includes(null)) {
      throw new SourceError(`${l.where}: "${l.aspect}" of ${l.id} has both "-" and an opinion`);
    }
    if (opinion !== null && spans.some((s) => s !== null && s.from === opinion.from && s.to === opinion.to)) {
      throw new SourceError(`${l.where}: "${l.aspect}" / "${l.opinion}" of ${l.id} is given twice`);
    }
    spans.push(opinion);
  }

  const out: AsteRecord[] = [];
  const stats: AsteStats = {
    sentences: 0,
    triplets: 0,
    aspectsWithoutOpinion: 0,
    sentencesWithoutTriplet: 0,
  };
  for (const r of records) {
    if (r.aspects.length === 0) continue;
    const triplets: Triplet[] = [];
    for (const a of r.aspects) {
      const spans = marks.get(r.id)?.get(a.term);
      if (spans === undefined) {
        throw new SourceError(`${split}: aspect "${a.term}" of ${r.id} has no line (an opinion or "-")`);
      }
      const opinions = spans.filter((s): s is Span => s !== null).sort((x, y) => x.from - y.from);
      if (opinions.length === 0) stats.aspectsWithoutOpinion += 1;
      for (const o of opinions) {
        triplets.push({ aspect: { term: a.term, from: a.from, to: a.to }, opinion: o, polarity: a.polarity });
      }
    }
    if (triplets.length === 0) stats.sentencesWithoutTriplet += 1;
    stats.triplets += triplets.length;
    out.push({
      id: `aste_${DATASET}-${split}-${out.length}`,
      source_id: r.id,
      text: r.text,
      lang: 'ko',
      triplets,
    });
  }
  stats.sentences = out.length;
  return { records: out, stats };
}

/** Builds the three splits from the sources (the sentence files and the opinion TSVs). */
export function buildAste(
  sourceDir = SOURCE_DIR,
  opinionsDir = join(sourceDir, 'opinions'),
): Record<Split, { records: AsteRecord[]; stats: AsteStats }> {
  const data = buildDataset(sourceDir);
  const out = {} as Record<Split, { records: AsteRecord[]; stats: AsteStats }>;
  for (const split of SPLITS) {
    const file = join(opinionsDir, `${split}.tsv`);
    let tsv: string;
    try {
      tsv = readFileSync(file, 'utf8');
    } catch (err) {
      throw new SourceError(`${file}: cannot be read (${(err as Error).message})`);
    }
    const lines = parseOpinionLines(tsv, `opinions/${split}.tsv`);
    out[split] = buildAsteSplit(split, data[split], lines);
  }
  return out;
}

export function toAsteJsonl(records: readonly AsteRecord[]): string {
  return records.map((r) => JSON.stringify(r)).join('\n') + '\n';
}

function main(): void {
  const check = process.argv.includes('--check');
  const data = buildAste();
  let stale = 0;
  if (!check) mkdirSync(ASTE_DIR, { recursive: true });
  for (const split of SPLITS) {
    const path = join(ASTE_DIR, `${split}.jsonl`);
    if (!writeOrCheck(path, toAsteJsonl(data[split].records), check, 'build-aste.ts')) stale += 1;
    const s = data[split].stats;
    console.log(
      `${split}: ${s.sentences} sentences, ${s.triplets} triplets, ${s.aspectsWithoutOpinion} aspects without an opinion, ` +
        `${s.sentencesWithoutTriplet} sentences without a triplet`,
    );
  }
  if (stale > 0) process.exitCode = 1;
}

runAsScript(import.meta.url, main);
