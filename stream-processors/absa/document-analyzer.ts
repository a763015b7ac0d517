/**
 * The ABSA processor's logic, free of Kafka: raw documents in, document and aspect-mention events
 * out. Sentences of every document in a batch go to the model together, so the model's own batching
 * fills up even when documents are short.
 *
 * A document that cannot be analysed (too long, model error) gets a per-document error instead of
 * failing its batch, so the caller can dead-letter just that one.
 */
import { FatalError, errorMessage } from '../../common/errors/index';
import { aspectMentionId } from '../../common/ids/index';
import {
  opinionTerms,
  type AspectMention,
  type AspectSpan,
  type DocumentSentiment,
  type OpinionOffsets,
  type RawDocument,
  type SentenceSpan,
  type SentimentScore,
  type Truncation,
} from '../../schemas/index';
import type { LanguageDetector } from './enrichment/language-detector';
import type { Sentence } from './enrichment/sentence-splitter';
import { normalizeText, toOriginalSpan, type NormalizedText } from './enrichment/text-normalizer';
import type { TextHandling } from './languages';
import type {
  Analysis,
  AspectSentiment,
  ModelInfo,
  SentenceSentiment,
  SentimentModel,
} from './model/sentiment-model';
import type { CategoryAssigner, CategoryMatch } from './taxonomy/taxonomy';
import {
  ASPECTS_PER_DOCUMENT,
  excerptAround,
  MENTION_SENTENCE_CHARS,
  OPINION_CHARS_MAX,
  OPINIONS_PER_ASPECT,
  strongest,
} from './output-bounds';
import { createdAtProblem, DEFAULT_CREATED_AT_BOUNDS, type CreatedAtBounds } from '../../schemas/bounds';

/** How the documents of one language are analysed. */
export interface LanguageSetup {
  model: SentimentModel;
  text: TextHandling;
  /** The category assigner for a document (its tenant's domain, or the document's own). */
  categoriesFor(doc: RawDocument): CategoryAssigner;
}

export interface AnalyzerDeps {
  languages: LanguageDetector;
  /** The languages analysed; a document in any other is `unsupported_language`. */
  setups: ReadonlyMap<string, LanguageSetup>;
  /** Named in the events of documents no model analysed (empty, unsupported language). */
  defaultModel: ModelInfo;
  /** Longest text (UTF-16 units) analysed; longer ones are dead-lettered. */
  maxTextChars: number;
  /** The created_at range accepted; events outside it are dead-lettered. */
  createdAt?: CreatedAtBounds;
  /** Most aspects one document emits; the highest-confidence ones are kept (output-bounds.ts). */
  maxAspectsPerDocument?: number;
  /** Longest sentence_text of an aspect event, in UTF-16 units (output-bounds.ts). */
  maxMentionSentenceChars?: number;
  now?: () => number;
}

export type AnalysisOutcome =
  { ok: true; document: DocumentSentiment; mentions: AspectMention[] } | { ok: false; error: Error };

/** A text over the configured limit; never retried. */
export class TextTooLongError extends FatalError {}
/** created_at is outside the accepted range (CREATED_AT_MAX_AGE_DAYS, CREATED_AT_MAX_AHEAD_HOURS). */
export class CreatedAtOutOfRangeError extends FatalError {}
/** The model failed on this one document. */
export class ModelError extends FatalError {}

/** An aspect the model found, placed in the original text. */
interface Found {
  a: AspectSentiment;
  span: { from: number; to: number };
  sentenceIndex: number;
  normalized: string;
  /** null when the model has no opinion head */
  opinions: OpinionOffsets[] | null;
}

interface Pending {
  raw: RawDocument;
  normalized: NormalizedText;
  lang: string;
  setup: LanguageSetup;
  sentences: Sentence[];
}

/** What the model gave one document: one analysis per sentence, and the whole text's sentiment where its language reads it whole. */
interface Analysed {
  sentences: Analysis[];
  whole: SentenceSentiment | null;
}

export class DocumentAnalyzer {
  private readonly now: () => number;

  constructor(private readonly deps: AnalyzerDeps) {
    this.now = deps.now ?? Date.now;
  }

  async analyze(docs: readonly RawDocument[]): Promise<AnalysisOutcome[]> {
    const outcomes: (AnalysisOutcome | undefined)[] = new Array(docs.length);
    const pending: { index: number; doc: Pending }[] = [];

    docs.forEach((raw, index) => {
      if (raw.text.length > this.deps.maxTextChars) {
        outcomes[index] = {
          ok: false,
          error: new TextTooLongError(
            `text has ${raw.text.length} characters, over the limit of ${this.deps.maxTextChars}`,
            { code: 'text_too_long' },
          ),
        };
        return;
      }
      const dateProblem = createdAtProblem(raw.created_at, this.deps.createdAt ?? DEFAULT_CREATED_AT_BOUNDS);
      if (dateProblem) {
        outcomes[index] = {
          ok: false,
          error: new CreatedAtOutOfRangeError(`created_at ${dateProblem}`, {
            code: 'created_at_out_of_range',
          }),
        };
        return;
      }
      const normalized = normalizeText(raw.text);
      if (!normalized.text.trim()) {
        outcomes[index] = { ok: true, document: this.documentEvent(raw, 'empty', null, null), mentions: [] };
        return;
      }
      const lang = this.deps.languages.detect(normalized.text, raw.lang).language;
      const setup = this.deps.setups.get(lang);
      if (!setup) {
        outcomes[index] = {
          ok: true,
          document: this.documentEvent(raw, 'unsupported_language', lang, null),
          mentions: [],
        };
        return;
      }
      const sentences = setup.text.splitSentences(normalized.text);
      pending.push({ index, doc: { raw, normalized, lang, setup, sentences } });
    });

    const analysed = await this.runModel(pending.map((p) => p.doc));
    const maxAspects = this.deps.maxAspectsPerDocument ?? ASPECTS_PER_DOCUMENT.default;
    const dropped: number[] = pending.map(() => 0);
    const found = pending.map(({ doc }, i) => {
      const result = analysed[i]!;
      const all = result instanceof Error ? result : this.findAspects(doc, result.sentences);
      if (all instanceof Error) return all;
      // capped before categories are assigned: what is dropped costs no taxonomy lookup
      const kept = strongest(all, maxAspects, (f) => f.a.confidence);
      dropped[i] = all.length - kept.length;
      return kept;
    });
    const categories = await this.assignCategories(
      pending.map((p) => p.doc),
      found,
    );
    for (let i = 0; i < pending.length; i++) {
      const { index, doc } = pending[i]!;
      const aspects = found[i]!;
      const matches = categories[i]!;
      if (aspects instanceof Error) outcomes[index] = { ok: false, error: aspects };
      else if (matches instanceof Error) outcomes[index] = { ok: false, error: matches };
      else outcomes[index] = this.build(doc, analysed[i] as Analysed, aspects, matches, dropped[i]!);
    }
    return outcomes as AnalysisOutcome[];
  }

  private findAspects(doc: Pending, analyses: Analysis[]): Found[] | Error {
    try {
      const assigner = doc.setup.categoriesFor(doc.raw);
      const entity = entitySpans(doc.raw.text, doc.raw.entity, doc.setup.text.aspectKey);
      return analyses.flatMap((analysis, sentenceIndex) =>
        analysis.aspects.flatMap((a) => {
          const sentence = doc.sentences[sentenceIndex]!;
          const span = toOriginalSpan(doc.normalized, sentence.from + a.from, sentence.from + a.to);
          const normalized = assigner.canonical(doc.setup.text.aspectKey(a.term));
          // the document's own entity ("Harbor Sushi" in its reviews) is what it is about, not an aspect
          if (
            entity.key !== '' &&
            (normalized === entity.key || entity.spans.some((e) => overlaps(e, span)))
          ) {
            return [];
          }
          const opinions = a.opinions
            ? strongest(
                a.opinions
                  .map((o) => ({
                    ...toOriginalSpan(doc.normalized, sentence.from + o.from, sentence.from + o.to),
                    confidence: o.confidence,
                  }))
                  // nor is its name an opinion of one ("Brightwave" said of the screen)
                  .filter(
                    (o) =>
                      o.to - o.from <= OPINION_CHARS_MAX &&
                      !entity.spans.some((e) => overlaps(e, o)) &&
                      !namesEntity(doc.raw.text.slice(o.from, o.to), entity.words),
                  ),
                OPINIONS_PER_ASPECT,
                (o) => o.confidence,
              ).map((o) => ({ start: o.from, end: o.to, confidence: o.confidence }))
            : null;
          return [{ a, span, sentenceIndex, normalized, opinions }];
        }),
      );
    } catch (err) {
      return new ModelError(`model output does not fit this document: ${errorMessage(err)}`, {
        cause: err,
        code: 'model_error',
      });
    }
  }

  /**
   * Categories of every document's aspects, one lookup per taxonomy for the whole batch (unknown
   * terms cost a model pass, so they share one); if that fails, each document alone.
   */
  private async assignCategories(
    docs: readonly Pending[],
    found: readonly (Found[] | Error)[],
  ): Promise<(CategoryMatch[] | Error)[]> {
    const out: (CategoryMatch[] | Error)[] = new Array(docs.length);
    const groups = new Map<CategoryAssigner, number[]>();
    docs.forEach((doc, i) => {
      const aspects = found[i]!;
      if (aspects instanceof Error) return;
      if (aspects.length === 0) {
        out[i] = [];
        return;
      }
      const assigner = doc.setup.categoriesFor(doc.raw);
      const members = groups.get(assigner);
      if (members) members.push(i);
      else groups.set(assigner, [i]);
    });
    const termsOf = (i: number) => (found[i] as Found[]).map((f) => f.normalized);
    const learnedOf = (i: number) => (found[i] as Found[]).map((f) => f.a.category);
    await Promise.all(
      [...groups].map(async ([assigner, members]) => {
        try {
          const matches = await assigner.assign(members.flatMap(termsOf), members.flatMap(learnedOf));
          let next = 0;
          for (const i of members) out[i] = matches.slice(next, (next += (found[i] as Found[]).length));
        } catch {
          await Promise.all(
            members.map(async (i) => {
              try {
                out[i] = await assigner.assign(termsOf(i), learnedOf(i));
              } catch (err) {
                out[i] = new ModelError(`category assignment failed on this document: ${errorMessage(err)}`, {
                  cause: err,
                  code: 'model_error',
                });
              }
            }),
          );
        }
      }),
    );
    return out;
  }

  /** The documents of each model (one per language served) in one call per model, the models at once. */
  private async runModel(docs: Pending[]): Promise<(Analysed | Error)[]> {
    const byModel = new Map<SentimentModel, number[]>();
    docs.forEach((d, i) => {
      const members = byModel.get(d.setup.model);
      if (members) members.push(i);
      else byModel.set(d.setup.model, [i]);
    });
    const out: (Analysed | Error)[] = new Array(docs.length);
    await Promise.all(
      [...byModel].map(async ([model, members]) => {
        const results = await this.runOneModel(
          model,
          members.map((i) => docs[i]!),
        );
        members.forEach((i, k) => (out[i] = results[k]!));
      }),
    );
    return out;
  }

  /**
   * All sentences of the documents in one model call; if that fails, each document alone, so one
   * poison document cannot take its batch down with it.
   */
  private async runOneModel(model: SentimentModel, docs: Pending[]): Promise<(Analysed | Error)[]> {
    try {
      return await analyseWith(model, docs);
    } catch {
      return Promise.all(
        docs.map(async (d) => {
          try {
            return (await analyseWith(model, [d]))[0]!;
          } catch (err) {
            return new ModelError(`model failed on this document: ${errorMessage(err)}`, {
              cause: err,
              code: 'model_error',
            });
          }
        }),
      );
    }
  }

  private build(
    doc: Pending,
    analysed: Analysed,
    found: Found[],
    categories: CategoryMatch[],
    aspectsDropped: number,
  ): AnalysisOutcome {
    const { raw, normalized } = doc;
    const sentences: SentenceSpan[] = doc.sentences.map((s, index) => {
      const span = toOriginalSpan(normalized, s.from, s.to);
      return { index, start: span.from, end: span.to };
    });
    const assigner = doc.setup.categoriesFor(raw);
    const aspects: AspectSpan[] = found.map((f, i) => ({
      mention_id: aspectMentionId(raw.event_id, f.span.from, f.span.to),
      term: raw.text.slice(f.span.from, f.span.to),
      start: f.span.from,
      end: f.span.to,
      sentence_index: f.sentenceIndex,
      normalized_aspect: f.normalized,
      category: categories[i]!.category,
      polarity: f.a.polarity,
      confidence: f.a.confidence,
      opinions: f.opinions,
    }));
    const document = this.documentEvent(
      raw,
      'ok',
      doc.lang,
      documentSentiment(doc.sentences, analysed.sentences, analysed.whole),
      doc.setup.model.info,
      {
        sentences,
        aspects,
        embedding: documentEmbedding(doc.sentences, analysed.sentences),
        taxonomy_version: assigner.version,
      },
    );
    const maxSentence = this.deps.maxMentionSentenceChars ?? MENTION_SENTENCE_CHARS.default;
    let sentencesCut = 0;
    const mentions: AspectMention[] = aspects.map((a) => {
      const whole = sentences[a.sentence_index]!;
      // A cut sentence_text keeps the term and its own offsets, so text[sentence_start, sentence_end)
      // stays equal to it; the whole sentence is in the document event.
      const sentence = excerptAround(
        raw.text,
        { from: whole.start, to: whole.end },
        { from: a.start, to: a.end },
        maxSentence,
      );
      if (sentence.to - sentence.from < whole.end - whole.start) sentencesCut++;
      return {
        mention_id: a.mention_id,
        document_id: raw.event_id,
        tenant: raw.tenant,
        source: raw.source,
        entity: raw.entity,
        created_at: raw.created_at,
        processed_at: document.processed_at,
        lang: doc.lang,
        term: a.term,
        start: a.start,
        end: a.end,
        sentence_index: a.sentence_index,
        sentence_text: raw.text.slice(sentence.from, sentence.to),
        sentence_start: sentence.from,
        sentence_end: sentence.to,
        normalized_aspect: a.normalized_aspect,
        category: a.category,
        polarity: a.polarity,
        confidence: a.confidence,
        opinions: opinionTerms(raw.text, a.opinions),
        model: document.model,
        taxonomy_version: document.taxonomy_version,
      };
    });
    const truncated: Truncation | null =
      aspectsDropped > 0 || sentencesCut > 0
        ? { aspects_dropped: aspectsDropped, mention_sentences_cut: sentencesCut }
        : null;
    return { ok: true, document: { ...document, truncated }, mentions };
  }

  private documentEvent(
    raw: RawDocument,
    status: DocumentSentiment['status'],
    lang: string | null,
    sentiment: SentimentScore | null,
    info: ModelInfo = this.deps.defaultModel,
    analysed: Pick<DocumentSentiment, 'sentences' | 'aspects' | 'embedding' | 'taxonomy_version'> = {
      sentences: [],
      aspects: [],
      embedding: null,
      taxonomy_version: null,
    },
  ): DocumentSentiment {
    return {
      event_id: raw.event_id,
      tenant: raw.tenant,
      source: raw.source,
      source_id: raw.source_id,
      entity: raw.entity,
      author_id: raw.author_id,
      url: raw.url,
      text: raw.text,
      metadata: raw.metadata,
      created_at: raw.created_at,
      ingested_at: raw.ingested_at,
      processed_at: this.now(),
      status,
      lang,
      lang_confidence: null,
      model: { name: info.name, version: info.version },
      sentiment,
      ...analysed,
      // The model's own encoder makes the embedding: its name and version say which vector space.
      embedding_model: analysed.embedding ? `${info.name}-${info.version}` : null,
      truncated: null,
    };
  }
}

/**
 * Where the document's entity name occurs in its text (case-insensitive), its normalized form, and its
 * words in lower case.
 */
function entitySpans(
  text: string,
  entity: string | null,
  aspectKey: (term: string) => string,
): { key: string; spans: { from: number; to: number }[]; words: ReadonlySet<string> } {
  const name = entity?.trim() ?? '';
  if (name === '') return { key: '', spans: [], words: new Set() };
  const spans: { from: number; to: number }[] = [];
  const haystack = text.toLowerCase();
  const needle = name.toLowerCase();
  // lower-casing keeps UTF-16 lengths for the scripts entity names use; a mismatch only loses matches
  if (haystack.length === text.length) {
    const wordChar = (c: string | undefined) => c !== undefined && /[\p{L}\p{N}]/u.test(c);
    for (let at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + 1)) {
      const to = at + needle.length;
      // whole words only: "Sam" is not inside "Samsung"
      if (!wordChar(haystack[at - 1]) && !wordChar(haystack[to])) spans.push({ from: at, to });
    }
  }
  return { key: aspectKey(name), spans, words: new Set(wordsOf(name.toLowerCase())) };
}

const wordsOf = (text: string): string[] => text.match(/[\p{L}\p{N}]+/gu) ?? [];

/**
 * Whether a span is part of the entity's name written as a name: each of its words capitalised and a
 * word of the name ("Brightwave" of "Brightwave Pulse 2"; not "best" in a review of "Best Buy").
 */
function namesEntity(term: string, entityWords: ReadonlySet<string>): boolean {
  const words = wordsOf(term);
  return words.length > 0 && words.every((w) => /^\p{Lu}/u.test(w) && entityWords.has(w.toLowerCase()));
}

const overlaps = (a: { from: number; to: number }, b: { from: number; to: number }): boolean =>
  a.from < b.to && b.from < a.to;

/**
 * The documents' sentences in one analyze call, then one sentiment call for the documents whose language
 * reads the document sentiment from the whole text and that have more than one sentence.
 */
async function analyseWith(model: SentimentModel, docs: readonly Pending[]): Promise<Analysed[]> {
  const results = await model.analyze(docs.flatMap((d) => d.sentences.map((s) => s.text)));
  const passes = docs.map((d) => needsWholeTextPass(d.setup.text, d.sentences.length));
  const wholes = await model.sentiment(docs.filter((_, i) => passes[i]).map((d) => d.normalized.text));
  let next = 0;
  let nextWhole = 0;
  return docs.map((d, i) => {
    const sentences = results.slice(next, (next += d.sentences.length));
    return {
      sentences,
      whole: wholeTextReading(d.setup.text, sentences, passes[i] ? wholes[nextWhole++] : undefined),
    };
  });
}

/** A document needs its own whole-text pass when its language reads it whole and it has several sentences. */
export const needsWholeTextPass = (text: TextHandling, sentences: number): boolean =>
  text.wholeTextSentiment && sentences > 1;

/** The whole-text reading of a document whose language takes one: a one-sentence text is its own. */
export function wholeTextReading(
  text: TextHandling,
  sentences: readonly Analysis[],
  pass: SentenceSentiment | undefined,
): SentenceSentiment | null {
  if (!text.wholeTextSentiment) return null;
  return sentences.length === 1 ? sentences[0]!.sentiment : (pass ?? null);
}

/**
 * Document sentiment: the whole text's sentiment where the model read it (`whole`), else the sentence
 * scores averaged, weighted by sentence length. `mixed` when the text is clearly both positive and
 * negative (each at least 0.3), which a plain argmax hides; for a whole-text reading, only when its
 * sentences also disagree, since one reading split between the two sides is as often unsure as two-sided
 * (on NSMC val, asking for the disagreement too leaves under a third of the split readings mixed).
 */
export function documentSentiment(
  sentences: readonly Sentence[],
  analyses: readonly Analysis[],
  whole: SentenceSentiment | null = null,
): SentimentScore {
  if (whole) {
    const { negative, neutral, positive } = whole.scores;
    const confidence = Math.max(negative, neutral, positive);
    const disagree =
      analyses.some((a) => a.sentiment.polarity === 'positive') &&
      analyses.some((a) => a.sentiment.polarity === 'negative');
    const polarity = positive >= 0.3 && negative >= 0.3 && disagree ? 'mixed' : whole.polarity;
    return { polarity, confidence, negative, neutral, positive };
  }
  let total = 0;
  const sum = { negative: 0, neutral: 0, positive: 0 };
  analyses.forEach((a, i) => {
    const weight = Math.max(1, sentences[i]?.text.length ?? 1);
    total += weight;
    sum.negative += a.sentiment.scores.negative * weight;
    sum.neutral += a.sentiment.scores.neutral * weight;
    sum.positive += a.sentiment.scores.positive * weight;
  });
  if (total === 0) return { polarity: 'neutral', confidence: 1, negative: 0, neutral: 1, positive: 0 };
  const scores = {
    negative: sum.negative / total,
    neutral: sum.neutral / total,
    positive: sum.positive / total,
  };
  const [top, confidence] = (Object.entries(scores) as [keyof typeof scores, number][]).reduce((best, e) =>
    e[1] > best[1] ? e : best,
  );
  const polarity = scores.positive >= 0.3 && scores.negative >= 0.3 ? 'mixed' : top;
  return { polarity, confidence, ...scores };
}

/**
 * The document's embedding: its sentences' embeddings averaged, weighted by sentence length, and
 * L2-normalized; null when the model gives no embeddings.
 */
export function documentEmbedding(
  sentences: readonly Sentence[],
  analyses: readonly Analysis[],
): number[] | null {
  const first = analyses[0]?.embedding;
  if (!first) return null;
  const sum = new Float64Array(first.length);
  for (let i = 0; i < analyses.length; i++) {
    const weight = Math.max(1, sentences[i]?.text.length ?? 1);
    const embedding = analyses[i]!.embedding!;
    for (let d = 0; d < embedding.length; d++) sum[d] = sum[d]! + weight * embedding[d]!;
  }
  const norm = Math.hypot(...sum) || 1;
  return Array.from(sum, (x) => x / norm);
}
