import { expect } from 'chai';
import avro from 'avsc';
import type { Kafka, KafkaMessage } from 'kafkajs';
import { documentEventId } from '../../common/ids/index';
import { messageSize, topicMessageLimit } from '../../common/kafka/record-size';
import type { RegistryClient } from '../../common/kafka/registry';
import { createLogger } from '../../common/logging/index';
import { createMetrics } from '../../common/metrics/index';
import { LIMITS } from '../../producers/document';
import {
  avroType,
  schemas,
  type AspectMention,
  type DocumentSentiment,
  type RawDocument,
} from '../../schemas/index';
import { RAW_TEXT_MAX_UTF16_UNITS } from '../../schemas/limits';
import { TOPICS } from '../../schemas/topics';
import { DocumentAnalyzer, type AnalysisOutcome } from '../../stream-processors/absa/document-analyzer';
import { processorMetrics } from '../../stream-processors/absa/metrics';
import { AbsaProcessor, OutputTooLargeError } from '../../stream-processors/absa/processor';
import type { Embedder } from '../../stream-processors/absa/embedding';
import { LanguageDetector } from '../../stream-processors/absa/enrichment/language-detector';
import { textHandling } from '../../stream-processors/absa/languages';
import type { Analysis, SentimentModel } from '../../stream-processors/absa/model/sentiment-model';
import {
  ASPECTS_PER_DOCUMENT,
  MENTION_SENTENCE_CHARS,
  OPINION_CHARS_MAX,
  OPINIONS_PER_ASPECT,
} from '../../stream-processors/absa/output-bounds';
import { CategoryAssigner } from '../../stream-processors/absa/taxonomy/taxonomy';

/** Tags every word listed in `confidence` as an aspect with that confidence; nothing else. */
function scriptedModel(confidence: Record<string, number>): SentimentModel {
  const analyse = (text: string): Analysis => ({
    aspects: [...text.matchAll(/[a-z]+\d*/g)]
      .filter((m) => Object.hasOwn(confidence, m[0]))
      .map((m) => ({
        term: m[0],
        from: m.index,
        to: m.index + m[0].length,
        polarity: 'positive' as const,
        confidence: confidence[m[0]]!,
      })),
    sentiment: { polarity: 'positive', scores: { negative: 0.1, neutral: 0.1, positive: 0.8 } },
  });
  return {
    info: { name: 'scripted', version: '1', languages: ['en'] },
    analyze: async (texts) => texts.map(analyse),
    sentiment: async (texts) => texts.map((t) => analyse(t).sentiment),
    classify: async () => [],
    close: async () => {},
  };
}

const flatEmbedder: Embedder = {
  dimensions: 4,
  embed: async (texts) => texts.map(() => Float32Array.from([0.5, 0.5, 0.5, 0.5])),
};

async function analyzerWith(
  model: SentimentModel,
  bounds: { maxAspectsPerDocument?: number; maxMentionSentenceChars?: number },
): Promise<DocumentAnalyzer> {
  const categories = await CategoryAssigner.create(
    {
      domain: 'restaurants',
      version: 'r-1',
      threshold: 0.99,
      categories: [{ name: 'food', seeds: ['pasta'] }],
    },
    flatEmbedder,
  );
  return new DocumentAnalyzer({
    languages: new LanguageDetector('en'),
    setups: new Map([['en', { model: model, text: textHandling('en'), categoriesFor: () => categories }]]),
    defaultModel: model.info,
    maxTextChars: RAW_TEXT_MAX_UTF16_UNITS,
    ...bounds,
  });
}

function raw(text: string): RawDocument {
  return {
    event_id: documentEventId('acme', 'test', text.slice(0, 20)),
    tenant: 'acme',
    source: 'test',
    source_id: text.slice(0, 20),
    entity: null,
    author_id: null,
    url: null,
    lang: 'en',
    text,
    created_at: Date.now() - 60_000,
    ingested_at: Date.now(),
    collector: 'test',
    metadata: {},
  };
}

async function analyseOne(analyzer: DocumentAnalyzer, text: string) {
  const outcome = (await analyzer.analyze([raw(text)]))[0]!;
  if (!outcome.ok) throw outcome.error;
  return outcome;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

describe('ABSA output bounds', () => {
  it('emits at most the configured aspects per document, the most confident ones, and says how many it dropped', async () => {
    // twelve aspects; a5, a7, a9, a11 are the four most confident
    const confidence = Object.fromEntries(
      Array.from({ length: 12 }, (_, i) => [`a${i}`, i % 2 === 1 && i >= 5 ? 0.6 + i / 100 : 0.5]),
    );
    const analyzer = await analyzerWith(scriptedModel(confidence), { maxAspectsPerDocument: 4 });
    const text = `We tried ${Object.keys(confidence).join(', ')} today.`;

    const { document, mentions } = await analyseOne(analyzer, text);

    expect(document.aspects.map((a) => a.term)).to.deep.equal(['a5', 'a7', 'a9', 'a11']);
    expect(document.truncated).to.deep.equal({ aspects_dropped: 8, mention_sentences_cut: 0 });
    // the aspects topic carries exactly the mentions the document event lists
    expect(mentions.map((m) => m.mention_id)).to.deep.equal(document.aspects.map((a) => a.mention_id));
    expect(avroType('documentSentiment').isValid(document)).to.equal(true);
  });

  it("places each aspect's opinion terms in the original text, the most confident few, in text order", async () => {
    // a zero-width space (removed before the model) shifts every original offset after it by one
    const text = 'Fine.\u200b The pasta was cold, bland, salty and awful really.';
    const words = ['cold', 'bland', 'salty', 'awful'];
    const base = scriptedModel({ pasta: 0.9 });
    const model: SentimentModel = {
      ...base,
      analyze: async (texts) =>
        (await base.analyze(texts)).map((analysis, i) => ({
          ...analysis,
          aspects: analysis.aspects.map((a) => ({
            ...a,
            opinions: [
              ...words.map((w, k) => {
                const from = texts[i]!.indexOf(w);
                return { term: w, from, to: from + w.length, confidence: [0.9, 0.5, 0.8, 0.7][k]! };
              }),
              // a span longer than any opinion word is dropped, however confident
              { term: texts[i]!, from: 0, to: texts[i]!.length, confidence: 0.99 },
            ],
          })),
        })),
    };
    const analyzer = await analyzerWith(model, {});
    const long = 'x'.repeat(OPINION_CHARS_MAX + 1);
    const { document, mentions } = await analyseOne(analyzer, `${text} ${long}`);
    const kept = document.aspects[0]!.opinions!;
    expect(kept.map((o) => text.slice(o.start, o.end))).to.deep.equal(['cold', 'salty', 'awful']);
    expect(kept).to.have.length(OPINIONS_PER_ASPECT);
    expect(mentions[0]!.opinions).to.deep.equal(
      kept.map((o) => ({ term: text.slice(o.start, o.end), ...o })),
    );
    expect(avroType('documentSentiment').isValid(document)).to.equal(true);
    expect(avroType('aspectMention').isValid(mentions[0])).to.equal(true);
    // a model without an opinion head says so with null, not with an empty list
    const plain = await analyseOne(await analyzerWith(base, {}), text);
    expect(plain.document.aspects[0]!.opinions).to.equal(null);
    expect(plain.mentions[0]!.opinions).to.equal(null);
  });

  it('marks nothing truncated when a document stays within the bounds', async () => {
    const analyzer = await analyzerWith(scriptedModel({ pasta: 0.9 }), {});
    const { document, mentions } = await analyseOne(analyzer, 'The pasta was great.');
    expect(document.truncated).to.equal(null);
    expect(mentions[0]!.sentence_text).to.equal('The pasta was great.');
  });

  it('cuts a long sentence to the part around the term, never inside a surrogate pair', async () => {
    const analyzer = await analyzerWith(scriptedModel({ pasta: 0.9 }), {});
    const emoji = '\u{1F600}'.repeat(40); // 80 UTF-16 units
    const text = `${emoji} pasta ${emoji} was great.`;
    // odd and even limits put a naive cut inside a pair at one end or the other
    for (let max = 20; max <= 40; max++) {
      const bounded = await analyzerWith(scriptedModel({ pasta: 0.9 }), { maxMentionSentenceChars: max });
      const { document, mentions } = await analyseOne(bounded, text);
      const m = mentions[0]!;
      expect(m.sentence_text.length, `max ${max}`).to.be.within(max - 2, max);
      expect(LONE_SURROGATE.test(m.sentence_text), `max ${max}: ${JSON.stringify(m.sentence_text)}`).to.equal(
        false,
      );
      expect(m.sentence_text).to.include('pasta');
      // offsets still locate the text, so consumers can highlight the term within it
      expect(text.slice(m.sentence_start, m.sentence_end)).to.equal(m.sentence_text);
      expect(m.start).to.be.at.least(m.sentence_start);
      expect(m.end).to.be.at.most(m.sentence_end);
      expect(document.truncated).to.deep.equal({ aspects_dropped: 0, mention_sentences_cut: 1 });
      // the document event keeps the whole sentence
      expect(document.sentences[0]).to.deep.include({ start: 0, end: text.length });
    }
    const whole = await analyseOne(analyzer, text);
    expect(whole.mentions[0]!.sentence_text).to.equal(text);
  });

  describe('with the largest document the collectors accept', () => {
    const cp4 = (n: number) => '\u{1F600}'.repeat(n); // n code points of 4 UTF-8 bytes
    const text = '\uAC00'.repeat(RAW_TEXT_MAX_UTF16_UNITS); // 3 UTF-8 bytes per unit
    const uuid = '2ed6657d-e927-568b-95e1-2665a8aea6a2';
    const model = { name: 'absa-deberta-v3-small', version: 'f'.repeat(64) };

    /** The document event with `count` aspects spread evenly over the text (terms are disjoint). */
    function largestDocument(count: number): DocumentSentiment {
      const width = Math.floor(text.length / count);
      return {
        event_id: uuid,
        tenant: 't'.repeat(64),
        source: 's'.repeat(LIMITS.sourceChars),
        source_id: cp4(LIMITS.idChars),
        entity: cp4(LIMITS.idChars),
        author_id: cp4(LIMITS.idChars),
        url: `https://example.com/${cp4(LIMITS.urlChars - 20)}`,
        text,
        metadata: Object.fromEntries(
          Array.from({ length: LIMITS.metadataKeys }, (_, i) => [
            `${String(i).padStart(2, '0')}${cp4(LIMITS.metadataKeyChars - 2)}`,
            cp4(LIMITS.metadataValueChars),
          ]),
        ),
        created_at: 1_700_000_000_000,
        ingested_at: 1_700_000_000_000,
        processed_at: 1_700_000_000_000,
        status: 'ok',
        lang: 'ko',
        lang_confidence: 0.99,
        model,
        taxonomy_version: 'electronics-v1',
        sentiment: { polarity: 'mixed', confidence: 0.5, positive: 0.4, negative: 0.4, neutral: 0.2 },
        // one sentence per unit: the most the splitter could ever give
        sentences: Array.from({ length: text.length }, (_, i) => ({ index: i, start: i, end: i + 1 })),
        aspects: Array.from({ length: count }, (_, i) => ({
          mention_id: uuid,
          term: text.slice(i * width, (i + 1) * width),
          start: i * width,
          end: (i + 1) * width,
          sentence_index: i * width,
          normalized_aspect: text.slice(0, 2 * width),
          category: 'hardware-and-accessories',
          polarity: 'conflict',
          confidence: 0.5,
          // offsets as large as the text allows
          opinions: Array.from({ length: OPINIONS_PER_ASPECT }, () => ({
            start: text.length - OPINION_CHARS_MAX,
            end: text.length,
            confidence: 0.5,
          })),
        })),
        embedding: Array.from({ length: 384 }, () => 0.05),
        embedding_model: `${model.name}-${model.version}`,
        truncated: { aspects_dropped: 1_000_000, mention_sentences_cut: count },
      };
    }

    /** Bytes the broker counts for one record: key, Confluent wire header (5) + Avro body, overhead. */
    const recordSize = (type: avro.Type, key: string, value: unknown) =>
      messageSize({ key, value: Buffer.concat([Buffer.alloc(5), type.toBuffer(value)]) });

    it('keeps the document event under its topic limit even at the largest allowed aspect limit', () => {
      const limit = topicMessageLimit(TOPICS.documents);
      const type = avroType('documentSentiment');
      expect(recordSize(type, uuid, largestDocument(ASPECTS_PER_DOCUMENT.max))).to.be.at.most(limit);
      // and the limit is needed: one aspect per character would not fit
      expect(recordSize(type, uuid, largestDocument(text.length))).to.be.greaterThan(limit);
    });

    it('keeps an aspect event under its topic limit even at the largest allowed sentence limit', () => {
      const mention: AspectMention = {
        mention_id: uuid,
        document_id: uuid,
        tenant: 't'.repeat(64),
        source: 's'.repeat(LIMITS.sourceChars),
        entity: cp4(LIMITS.idChars),
        created_at: 1_700_000_000_000,
        processed_at: 1_700_000_000_000,
        lang: 'ko',
        term: text,
        start: 0,
        end: text.length,
        sentence_index: 0,
        sentence_text: '\uAC00'.repeat(MENTION_SENTENCE_CHARS.max),
        sentence_start: 0,
        sentence_end: text.length,
        normalized_aspect: text + text,
        category: 'hardware-and-accessories',
        polarity: 'conflict',
        confidence: 0.5,
        opinions: Array.from({ length: OPINIONS_PER_ASPECT }, () => ({
          term: cp4(OPINION_CHARS_MAX / 2),
          start: text.length - OPINION_CHARS_MAX,
          end: text.length,
          confidence: 0.5,
        })),
        model,
        taxonomy_version: 'electronics-v1',
      };
      const key = `${mention.tenant}\u001f${mention.entity}\u001f${mention.normalized_aspect}`;
      expect(recordSize(avroType('aspectMention'), key, mention)).to.be.at.most(
        topicMessageLimit(TOPICS.aspects),
      );
    });
  });

  it('dead-letters a document whose event would still exceed its topic, and publishes the rest of the chunk', async () => {
    // e.g. ABSA_MAX_TEXT_CHARS raised past what the bounds were computed for
    const analyzer = await analyzerWith(scriptedModel({ pasta: 0.9 }), {});
    const outcomes = await analyzer.analyze([raw('The pasta was great.'), raw('The pasta was cold.')]);
    const [fine, huge] = outcomes as Array<Extract<AnalysisOutcome, { ok: true }>>;
    huge!.document.text = 'x'.repeat(topicMessageLimit(TOPICS.documents));
    const registry = {
      encode: async (id: number, value: unknown) =>
        avroType(id === 1 ? 'documentSentiment' : 'aspectMention').toBuffer(value),
    } as unknown as RegistryClient;
    const metrics = createMetrics('test', { defaultMetrics: false });
    const processor = new AbsaProcessor(
      {} as Kafka,
      registry,
      { analyze: async () => outcomes } as unknown as DocumentAnalyzer,
      {
        groupId: 'g',
        inputTopic: TOPICS.rawText,
        transactionalIdPrefix: 't',
        chunkSize: 10,
        partitionsConcurrently: 1,
        maxBytesPerPartition: 1024,
      },
      createLogger({ service: 'test', level: 'error' }),
      metrics,
      processorMetrics(metrics),
    );
    processor['schemaIds'] = { documents: 1, aspects: 2 };
    const items = [fine, huge].map((o) => ({ message: {} as KafkaMessage, value: raw(o!.document.text) }));

    const handled = await processor['handle'](items);

    expect(handled.outcomes[0]).to.equal(undefined);
    expect(handled.outcomes[1]).to.be.instanceOf(OutputTooLargeError);
    expect((handled.outcomes[1] as OutputTooLargeError).code).to.equal('output_too_large');
    const published = Object.fromEntries((handled.records ?? []).map((r) => [r.topic, r.messages]));
    expect(published[TOPICS.documents]!.map((m) => m.key)).to.deep.equal([fine!.document.event_id]);
    // the dead-lettered document's mention is not published either
    expect(published[TOPICS.aspects]).to.have.length(1);
    expect(handled.report).to.deep.equal({ statuses: ['ok'], aspects: 1 });
  });

  describe('sentiment.documents.v1 with truncated', () => {
    const current = avroType('documentSentiment');
    const previous = avro.Type.forSchema({
      ...schemas.documentSentiment,
      fields: schemas.documentSentiment.fields.filter((f) => f.name !== 'truncated'),
    } as avro.Schema);
    const record = {
      event_id: '2ed6657d-e927-568b-95e1-2665a8aea6a2',
      tenant: 'acme',
      source: 'app-store',
      source_id: '1',
      entity: null,
      author_id: null,
      url: null,
      text: 'Battery is great',
      metadata: {},
      created_at: 1714566600000,
      ingested_at: 1714566601000,
      processed_at: 1714566602000,
      status: 'ok',
      lang: 'en',
      lang_confidence: null,
      model: { name: 'm', version: '1' },
      taxonomy_version: null,
      sentiment: null,
      sentences: [{ index: 0, start: 0, end: 16 }],
      aspects: [],
      embedding: null,
      embedding_model: null,
    };

    it('reads records written before the field existed (BACKWARD): truncated is null', () => {
      const decoded = current.fromBuffer(previous.toBuffer(record), current.createResolver(previous));
      expect(decoded.truncated).to.equal(null);
      expect(decoded.text).to.equal('Battery is great');
    });

    it('lets readers of the previous version read new records, and is optional for writers', () => {
      const truncated = { aspects_dropped: 3, mention_sentences_cut: 1 };
      const written = current.toBuffer({ ...record, truncated });
      expect(current.fromBuffer(written).truncated).to.deep.include(truncated);
      const old = previous.fromBuffer(written, previous.createResolver(current));
      expect(old.text).to.equal('Battery is great');
      expect(old).to.not.have.property('truncated');
      // a writer that does not set it (the sinks' test fixtures, older code) still encodes
      expect(current.isValid(record)).to.equal(true);
    });
  });

  describe('sentiment.aspects.v1 with opinions', () => {
    const withoutOpinions = (schema: typeof schemas.aspectMention) =>
      avro.Type.forSchema({
        ...schema,
        fields: schema.fields.filter((f) => f.name !== 'opinions'),
      } as avro.Schema);
    const mention = {
      mention_id: '2ed6657d-e927-568b-95e1-2665a8aea6a2',
      document_id: '2ed6657d-e927-568b-95e1-2665a8aea6a2',
      tenant: 'acme',
      source: 'reviews',
      entity: null,
      created_at: 1714566600000,
      processed_at: 1714566602000,
      lang: 'en',
      term: 'waiter',
      start: 4,
      end: 10,
      sentence_index: 0,
      sentence_text: 'The waiter was rude',
      sentence_start: 0,
      sentence_end: 19,
      normalized_aspect: 'waiter',
      category: 'service',
      polarity: 'negative',
      confidence: 0.9,
      model: { name: 'm', version: '1' },
      taxonomy_version: null,
    };

    it('reads aspect events written before the field existed as opinions null, and old readers skip it', () => {
      const current = avroType('aspectMention');
      const previous = withoutOpinions(schemas.aspectMention);
      const fromOld = current.fromBuffer(previous.toBuffer(mention), current.createResolver(previous));
      expect(fromOld.opinions).to.equal(null);
      const opinions = [{ term: 'rude', start: 15, end: 19, confidence: 0.75 }];
      const written = current.toBuffer({ ...mention, opinions });
      expect(JSON.parse(JSON.stringify(current.fromBuffer(written).opinions))).to.deep.equal(opinions);
      const old = previous.fromBuffer(written, previous.createResolver(current));
      expect(old.sentence_text).to.equal('The waiter was rude');
      expect(old).to.not.have.property('opinions');
    });
  });
});
