import { expect } from 'chai';
import path from 'node:path';
import { documentEventId } from '../../common/ids/index';
import type { RawDocument } from '../../schemas/index';
import { Coalescer } from '../../stream-processors/absa/coalescer';
import {
  type AnalysisOutcome,
  CreatedAtOutOfRangeError,
  DocumentAnalyzer,
  documentEmbedding,
  documentSentiment,
  TextTooLongError,
} from '../../stream-processors/absa/document-analyzer';
import type { Embedder } from '../../stream-processors/absa/embedding';
import { LanguageDetector } from '../../stream-processors/absa/enrichment/language-detector';
import { textHandling } from '../../stream-processors/absa/languages';
import { OnnxSentimentModel } from '../../stream-processors/absa/model/onnx-sentiment-model';
import type { SentimentModel } from '../../stream-processors/absa/model/sentiment-model';
import { CategoryAssigner } from '../../stream-processors/absa/taxonomy/taxonomy';

const FIXTURE = path.resolve('test/fixtures/absa-model/tiny-bio');

/** Same unit vector for every text: category by exact seed match only. */
const flatEmbedder: Embedder = {
  dimensions: 4,
  embed: async (texts) => texts.map(() => Float32Array.from([0.5, 0.5, 0.5, 0.5])),
};

function raw(text: string, extra: Partial<RawDocument> = {}): RawDocument {
  return {
    event_id: documentEventId('acme', 'test', text.slice(0, 20)),
    tenant: 'acme',
    source: 'test',
    source_id: text.slice(0, 20),
    entity: 'Trattoria',
    author_id: null,
    url: null,
    lang: null,
    text,
    created_at: 1_700_000_000_000,
    ingested_at: 1_700_000_000_500,
    collector: 'test',
    metadata: {},
    ...extra,
  };
}

type Analysed = Extract<AnalysisOutcome, { ok: true }>;

/** An analyzer of English text with `model` and `categories` (texts up to 300 characters). */
function englishAnalyzer(model: SentimentModel, categories: CategoryAssigner): DocumentAnalyzer {
  return new DocumentAnalyzer({
    languages: new LanguageDetector('en'),
    setups: new Map([['en', { model, text: textHandling('en'), categoriesFor: () => categories }]]),
    defaultModel: model.info,
    maxTextChars: 300,
  });
}

describe('ABSA document analyzer', () => {
  let model: OnnxSentimentModel;
  let analyzer: DocumentAnalyzer;
  let assigner: CategoryAssigner;

  before(async () => {
    model = await OnnxSentimentModel.load(FIXTURE, { threads: 1 });
    assigner = await CategoryAssigner.create(
      {
        domain: 'restaurants',
        version: 'restaurants-7',
        threshold: 0.99,
        categories: [
          { name: 'food', seeds: ['pasta'] },
          { name: 'service', seeds: ['waiter'] },
        ],
      },
      flatEmbedder,
    );
    analyzer = new DocumentAnalyzer({
      languages: new LanguageDetector('en'),
      setups: new Map([['en', { model: model, text: textHandling('en'), categoriesFor: () => assigner }]]),
      defaultModel: model.info,
      maxTextChars: 300,
      now: () => 42,
    });
  });

  after(() => model.close());

  it('maps aspects of later sentences back to offsets in the original, un-normalized text', async () => {
    // A control character and a decomposed accent before the aspects shift normalized offsets.
    const text = 'Cafe\u0301\u0007 visit.  The pasta was great but the waiter was rude.';
    const outcome = (await analyzer.analyze([raw(text)]))[0]!;
    if (!outcome.ok) throw outcome.error;
    const { document, mentions } = outcome;
    expect(document.aspects.map((a) => a.term)).to.deep.equal(['pasta', 'waiter']);
    for (const a of document.aspects) expect(text.slice(a.start, a.end)).to.equal(a.term);
    expect(document.aspects.map((a) => [a.category, a.sentence_index])).to.deep.equal([
      ['food', 1],
      ['service', 1],
    ]);
    expect(mentions).to.have.length(2);
    for (const m of mentions) expect(text.slice(m.sentence_start, m.sentence_end)).to.equal(m.sentence_text);
    expect(mentions[0]!.sentence_text).to.equal('The pasta was great but the waiter was rude.');
    expect(document.taxonomy_version).to.equal('restaurants-7');
    expect(document.model).to.deep.equal({ name: 'tiny-bio', version: '0.0.1' });
    expect(document.processed_at).to.equal(42);
  });

  it("never reports the document's own entity as its aspect, and reports variants by the taxonomy's name", async () => {
    const withAliases = await CategoryAssigner.create(
      {
        domain: 'restaurants',
        version: 'restaurants-8',
        threshold: 0.99,
        aliases: { server: ['waiter'] },
        categories: [{ name: 'service', seeds: ['server'] }],
      },
      flatEmbedder,
    );
    const local = englishAnalyzer(model, withAliases);
    const text = 'The pasta was great but the waiter was rude.';
    // the fixture tags "pasta": as the entity's own name it is dropped, wherever it is in the text
    const outcome = (await local.analyze([raw(text, { entity: 'Pasta' })]))[0]!;
    if (!outcome.ok) throw outcome.error;
    expect(outcome.document.aspects.map((a) => [a.term, a.normalized_aspect, a.category])).to.deep.equal([
      ['waiter', 'server', 'service'],
    ]);
    // another entity: both aspects stay
    const other = (await local.analyze([raw(text, { entity: 'Pasta Palace' })]))[0]!;
    if (!other.ok) throw other.error;
    expect(other.document.aspects.map((a) => a.term)).to.deep.equal(['pasta', 'waiter']);
  });

  it("keeps the document's own entity name out of an aspect's opinion words", async () => {
    // finds "screen" with three opinion words in any text that has them
    const at = (text: string, word: string) => {
      const from = text.toLowerCase().indexOf(word.toLowerCase());
      return { term: text.slice(from, from + word.length), from, to: from + word.length, confidence: 0.9 };
    };
    const scripted: SentimentModel = {
      info: { name: 'scripted', version: '1', languages: ['en'] },
      analyze: async (texts) =>
        texts.map((t) => ({
          aspects: [
            {
              ...at(t, 'screen'),
              polarity: 'negative' as const,
              opinions: ['Brightwave', 'dark', 'best'].map((w) => at(t, w)),
            },
          ],
          sentiment: { polarity: 'negative', scores: { negative: 0.8, neutral: 0.1, positive: 0.1 } },
        })),
      sentiment: async () => [],
      classify: async () => [],
      close: async () => {},
    };
    const local = englishAnalyzer(scripted, assigner);
    const opinionsOf = async (
      entity: string,
      text = 'Brightwave support replaced it when the screen went dark, the best support.',
    ) => {
      const outcome = (await local.analyze([raw(text, { entity })]))[0]!;
      if (!outcome.ok) throw outcome.error;
      return outcome.document.aspects[0]!.opinions!.map((o) => text.slice(o.start, o.end));
    };
    // the whole name, and a capitalised word of it
    expect(await opinionsOf('Brightwave')).to.deep.equal(['dark', 'best']);
    expect(await opinionsOf('Brightwave Pulse 2')).to.deep.equal(['dark', 'best']);
    // a word of the name in lower case is an opinion word like any other
    expect(await opinionsOf('Best Watches')).to.deep.equal(['Brightwave', 'dark', 'best']);
    expect(await opinionsOf('Lumo Notes')).to.deep.equal(['Brightwave', 'dark', 'best']);
    // the whole name in any case
    const lower = 'brightwave support replaced it when the screen went dark, the best support.';
    expect(await opinionsOf('BrightWave', lower)).to.deep.equal(['dark', 'best']);
    expect(await opinionsOf('Lumo Notes', lower)).to.deep.equal(['brightwave', 'dark', 'best']);
  });

  it('gives each document its own outcome: too long is an error, foreign is unsupported, blank is empty', async () => {
    const outcomes = await analyzer.analyze([
      raw('x'.repeat(301)),
      raw('Das Essen war gut, aber der Kellner war unfreundlich.'),
      raw(' \u0000 '),
      raw('The pasta was great.'),
    ]);
    expect(outcomes[0]!.ok).to.equal(false);
    expect(!outcomes[0]!.ok && outcomes[0]!.error).to.be.instanceOf(TextTooLongError);
    expect(outcomes[1]!.ok && outcomes[1]!.document.status).to.equal('unsupported_language');
    expect(outcomes[1]!.ok && outcomes[1]!.document.aspects).to.deep.equal([]);
    expect(outcomes[2]!.ok && outcomes[2]!.document.status).to.equal('empty');
    expect(outcomes[3]!.ok && outcomes[3]!.document.status).to.equal('ok');
  });

  it('analyses each language with its own model, sentence rules and aspect keys, and names that model', async () => {
    // marks the first word of every sentence as a positive aspect
    const wholeTexts: string[] = [];
    const koModel: SentimentModel = {
      info: { name: 'ko-test', version: '1.0.0', languages: ['ko'] },
      analyze: async (texts) =>
        texts.map((t) => ({
          aspects: [
            {
              term: t.split(' ')[0]!,
              from: 0,
              to: t.split(' ')[0]!.length,
              polarity: 'positive',
              confidence: 0.9,
            },
          ],
          sentiment: { polarity: 'positive', scores: { negative: 0, neutral: 0, positive: 1 } },
          embedding: Float32Array.from([1, 0, 0, 0]),
        })),
      // the whole text reads otherwise than its sentences, so the test sees which one was used
      sentiment: async (texts) => {
        wholeTexts.push(...texts);
        return texts.map(() => ({
          polarity: 'negative',
          scores: { negative: 0.8, neutral: 0.1, positive: 0.1 },
        }));
      },
      classify: async () => [],
      close: async () => {},
    };
    const koCategories = await CategoryAssigner.create(
      {
        domain: 'electronics',
        version: 'e-1+ko',
        threshold: 0.99,
        categories: [
          { name: 'battery', seeds: ['배터리'] },
          { name: 'display', seeds: ['화면'] },
        ],
      },
      flatEmbedder,
    );
    const both = new DocumentAnalyzer({
      languages: new LanguageDetector('en'),
      setups: new Map([
        ['en', { model, text: textHandling('en'), categoriesFor: () => assigner }],
        ['ko', { model: koModel, text: textHandling('ko'), categoriesFor: () => koCategories }],
      ]),
      defaultModel: model.info,
      maxTextChars: 300,
    });
    // no punctuation between the two Korean sentences: the Korean splitter ends the first after -요
    const korean = '배터리가 오래가요 화면은 좀 어둡네요';
    const outcomes = await both.analyze([
      raw(korean, { entity: null }),
      raw('The pasta was great.'),
      raw('バッテリーの持ちがとても良いです。', { lang: 'ja' }),
      raw('화면이 밝아요', { entity: null }),
    ]);
    const [ko, en, ja, koOneSentence] = outcomes.map((o) => {
      if (!o.ok) throw o.error;
      return o;
    }) as [Analysed, Analysed, Analysed, Analysed];
    expect(ko.document.lang).to.equal('ko');
    expect(ko.document.model).to.deep.equal({ name: 'ko-test', version: '1.0.0' });
    expect(ko.document.sentences.map((s) => korean.slice(s.start, s.end))).to.deep.equal([
      '배터리가 오래가요',
      '화면은 좀 어둡네요',
    ]);
    expect(ko.document.aspects.map((a) => [a.term, a.normalized_aspect, a.category])).to.deep.equal([
      ['배터리가', '배터리', 'battery'],
      ['화면은', '화면', 'display'],
    ]);
    expect(ko.document.embedding_model).to.equal('ko-test-1.0.0');
    // Korean document sentiment is read from the whole text, not averaged over its sentences; a
    // one-sentence text is its own whole text (no second pass)
    expect(wholeTexts).to.deep.equal([korean]);
    expect(ko.document.sentiment?.polarity).to.equal('negative');
    expect(koOneSentence.document.sentiment?.polarity).to.equal('positive');
    expect(en.document.model).to.deep.equal({ name: 'tiny-bio', version: '0.0.1' });
    expect(en.document.aspects.map((a) => a.term)).to.deep.equal(['pasta']);
    expect([ja.document.status, ja.document.lang, ja.document.model.name]).to.deep.equal([
      'unsupported_language',
      'ja',
      'tiny-bio',
    ]);
  });

  it('dead-letters a document dated outside the accepted range (a seconds-for-milliseconds bug upstream)', async () => {
    const [seconds, ahead, fine] = await analyzer.analyze([
      raw('The pasta was great.', { created_at: Math.floor(Date.parse('2026-11-01T00:00:00Z') / 1000) }),
      raw('The pasta was great.', { created_at: Date.now() + 3 * 86_400_000 }),
      raw('The pasta was great.', { created_at: Date.now() - 86_400_000 }),
    ]);
    expect(!seconds!.ok && seconds!.error).to.be.instanceOf(CreatedAtOutOfRangeError);
    expect(!seconds!.ok && (seconds!.error as CreatedAtOutOfRangeError).code).to.equal(
      'created_at_out_of_range',
    );
    expect(!ahead!.ok && ahead!.error).to.be.instanceOf(CreatedAtOutOfRangeError);
    expect(fine!.ok).to.equal(true);
  });

  it('dead-letters only the document the model fails on, not its whole batch', async () => {
    const failing: SentimentModel = {
      info: model.info,
      analyze: async (texts) => {
        if (texts.some((t) => t.includes('POISON'))) throw new Error('tensor shape mismatch');
        return model.analyze(texts);
      },
      sentiment: (texts) => model.sentiment(texts),
      classify: (r) => model.classify(r),
      close: async () => {},
    };
    const guarded = englishAnalyzer(failing, assigner);
    const outcomes = await guarded.analyze([raw('Fine text here.'), raw('POISON text in English.')]);
    expect(outcomes[1]!.ok).to.equal(false);
    expect(!outcomes[1]!.ok && outcomes[1]!.error.name).to.equal('ModelError');
    expect(outcomes[0]!.ok).to.equal(true);
  });

  /** An analyzer whose category lookups go through `embedder` (one category, seed "x"). */
  const analyzerEmbeddingWith = async (embedder: Embedder): Promise<DocumentAnalyzer> => {
    const categories = await CategoryAssigner.create(
      {
        domain: 'restaurants',
        version: 'r-1',
        threshold: 0.99,
        categories: [{ name: 'food', seeds: ['x'] }],
      },
      embedder,
    );
    return englishAnalyzer(model, categories);
  };

  it('looks up the categories of a whole batch with one embedding call', async () => {
    const texts: string[][] = [];
    const counting: Embedder = {
      dimensions: 4,
      embed: async (t) => {
        texts.push([...t]);
        return flatEmbedder.embed(t);
      },
    };
    const batched = await analyzerEmbeddingWith(counting);
    texts.length = 0;
    const outcomes = await batched.analyze([
      raw('The pasta was great but the waiter was rude.'),
      raw('The waiter was friendly and the pasta was cold.'),
    ]);
    expect(outcomes.every((o) => o.ok)).to.equal(true);
    expect(texts).to.have.length(1);
    expect(texts[0]!.sort()).to.deep.equal(['pasta', 'waiter']);
  });

  it('dead-letters only the document whose categories cannot be looked up', async () => {
    const failing: Embedder = {
      dimensions: 4,
      embed: async (t) => {
        if (t.includes('waiter')) throw new Error('embedding failed');
        return flatEmbedder.embed(t);
      },
    };
    const guarded = await analyzerEmbeddingWith(failing);
    const outcomes = await guarded.analyze([raw('The pasta was great.'), raw('The waiter was rude.')]);
    expect(outcomes[0]!.ok).to.equal(true);
    expect(outcomes[1]!.ok).to.equal(false);
    expect(!outcomes[1]!.ok && outcomes[1]!.error.name).to.equal('ModelError');
  });

  it('calls a document mixed when it is clearly both positive and negative', () => {
    const s = (text: string) => ({ text, from: 0, to: text.length });
    const analysis = (negative: number, neutral: number, positive: number) => ({
      aspects: [],
      sentiment: { polarity: 'neutral' as const, scores: { negative, neutral, positive } },
    });
    expect(
      documentSentiment([s('aaaa'), s('bbbb')], [analysis(0.9, 0.05, 0.05), analysis(0.05, 0.05, 0.9)])
        .polarity,
    ).to.equal('mixed');
    expect(
      documentSentiment([s('aaaa'), s('b')], [analysis(0.05, 0.05, 0.9), analysis(0.9, 0.05, 0.05)]).polarity,
    ).to.equal('positive');
  });

  it('takes a whole-text reading as the document sentiment, mixed only when its sentences also disagree', () => {
    const s = (text: string) => ({ text, from: 0, to: text.length });
    const sentence = (polarity: 'negative' | 'positive') => ({
      aspects: [],
      sentiment: {
        polarity,
        scores: { negative: polarity === 'negative' ? 0.9 : 0.05, neutral: 0.05, positive: 0.9 },
      },
    });
    const reading = (negative: number, positive: number) => ({
      polarity: (negative > positive ? 'negative' : 'positive') as 'negative' | 'positive',
      scores: { negative, neutral: 1 - negative - positive, positive },
    });
    const two = [s('aaaa'), s('bbbb')];
    // the sentences average to mixed; the reading decides
    const decided = documentSentiment(two, [sentence('positive'), sentence('negative')], reading(0.8, 0.15));
    expect([decided.polarity, decided.negative, decided.confidence]).to.deep.equal(['negative', 0.8, 0.8]);
    // a split reading is mixed where the sentences disagree, the reading's side where they agree
    expect(
      documentSentiment(two, [sentence('positive'), sentence('negative')], reading(0.45, 0.5)).polarity,
    ).to.equal('mixed');
    expect(
      documentSentiment(two, [sentence('positive'), sentence('positive')], reading(0.45, 0.5)).polarity,
    ).to.equal('positive');
  });
});

describe('ABSA document embedding', () => {
  const s = (text: string) => ({ text, from: 0, to: text.length });
  const withEmbedding = (...v: number[]) => ({
    aspects: [],
    sentiment: { polarity: 'neutral' as const, scores: { negative: 0, neutral: 1, positive: 0 } },
    embedding: Float32Array.from(v),
  });

  it('averages sentence embeddings weighted by sentence length and returns a unit vector', () => {
    const v = documentEmbedding([s('aaa'), s('b')], [withEmbedding(1, 0), withEmbedding(0, 1)])!;
    expect(Math.hypot(...v)).to.be.closeTo(1, 1e-9);
    expect(v[0]! / v[1]!).to.be.closeTo(3, 1e-9);
  });

  it('is null when the model gives no embeddings', () => {
    expect(documentEmbedding([s('a')], [{ aspects: [], sentiment: withEmbedding().sentiment }])).to.equal(
      null,
    );
  });
});

describe('Coalescer', () => {
  it('merges calls made while one runs into a single call, and gives each caller its own results', async () => {
    const calls: number[][] = [];
    const c = new Coalescer<number, number>(async (items) => {
      calls.push(items);
      await new Promise((r) => setTimeout(r, 10));
      return items.map((x) => x * 10);
    });
    const results = await Promise.all([c.run([1]), c.run([2, 3]), c.run([4])]);
    expect(results).to.deep.equal([[10], [20, 30], [40]]);
    expect(calls).to.deep.equal([[1], [2, 3, 4]]);
  });

  it('retries each merged caller alone when the merged call fails, so only the bad input fails', async () => {
    const c = new Coalescer<number, number>(async (items) => {
      await new Promise((r) => setTimeout(r, 5));
      if (items.includes(13)) throw new Error('unlucky');
      return items;
    });
    const first = c.run([0]);
    const [good, bad] = await Promise.allSettled([c.run([1]), c.run([13])]);
    await first;
    expect(good).to.deep.equal({ status: 'fulfilled', value: [1] });
    expect(bad.status).to.equal('rejected');
  });
});
