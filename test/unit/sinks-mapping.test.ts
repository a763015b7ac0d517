import { expect } from 'chai';
import { ConfigError, parseConfig } from '../../common/config/index';
import { documentSource, mentionSources } from '../../sinks/elasticsearch/encoder';
import {
  documentsMappings,
  LANGUAGE_ANALYZERS,
  languageField,
  mentionsMappings,
  monthlyIndex,
  searchTextFields,
} from '../../sinks/elasticsearch/setup';
import { postgresSinkConfigSpec } from '../../sinks/postgres/config';
import {
  mentionRows,
  monthsBefore,
  monthStart,
  validateDocument,
  vectorLiteral,
} from '../../sinks/postgres/encoder';
import { makeDocument, makeKoreanDocument } from '../integration/sinks-fixtures';

describe('sinks: from document events to rows and index documents', () => {
  const doc = makeDocument('acme', 1, { createdAt: Date.UTC(2026, 10, 30, 23, 59) });

  it('derives one mention row per aspect with the text of its sentence and UTC timestamps', () => {
    const rows = mentionRows(doc);
    expect(rows).to.have.length(3);
    expect(rows[1]!.sentence_text).to.equal(doc.text.slice(doc.sentences[1]!.start, doc.sentences[1]!.end));
    expect(doc.text.slice(rows[1]!.start_offset, rows[1]!.end_offset)).to.equal(doc.aspects[1]!.term);
    expect(rows[0]!.created_at).to.equal('2026-11-30T23:59:00.000Z');
  });

  it('accepts a well-formed event and refuses what PostgreSQL would refuse, naming why', () => {
    expect(validateDocument(doc)).to.equal(undefined);
    expect(validateDocument({ ...doc, embedding: [1, 2] })).to.include({ code: 'embedding_dimensions' });
    expect(validateDocument({ ...doc, text: 'a\u0000b' })).to.include({ code: 'nul_character' });
    expect(validateDocument({ ...doc, created_at: 8.64e15 })).to.include({ code: 'bad_timestamp' });
    const orphan = { ...doc, aspects: [{ ...doc.aspects[0]!, sentence_index: 9 }] };
    expect(validateDocument(orphan)).to.include({ code: 'unknown_sentence' });
    expect(validateDocument(doc, Date.UTC(2027, 0, 1))).to.include({ name: 'OutsideRetentionError' });
  });

  it('computes UTC month boundaries for partitions and retention', () => {
    expect(new Date(monthStart(Date.UTC(2026, 10, 30, 23, 59))).toISOString()).to.equal(
      '2026-11-01T00:00:00.000Z',
    );
    expect(new Date(monthsBefore(Date.UTC(2026, 1, 15), 3)).toISOString()).to.equal(
      '2025-11-01T00:00:00.000Z',
    );
    expect(vectorLiteral([0.5, -1])).to.equal('[0.5,-1]');
    expect(vectorLiteral(null)).to.equal(null);
  });

  it('chooses the monthly Elasticsearch index by created_at, so a replay lands in the same index', () => {
    expect(monthlyIndex('absa-documents', doc.created_at)).to.equal('absa-documents-2026.11');
    expect(monthlyIndex('absa-mentions', Date.UTC(2021, 0, 1))).to.equal('absa-mentions-2021.01');
  });

  it('builds Elasticsearch documents with flat aspect lists and mentions with a sentiment score', () => {
    const source = documentSource(doc, '2026-11-30T00:00:00.000Z');
    expect(source.aspect_count).to.equal(3);
    expect(source.normalized_aspects).to.have.members([
      ...new Set(doc.aspects.map((a) => a.normalized_aspect)),
    ]);
    expect((source.embedding as number[]).length).to.equal(384);
    const mentions = mentionSources(doc, '2026-11-30T00:00:00.000Z');
    const scores = mentions.map((m) => m.sentiment_score);
    expect(scores).to.deep.equal(
      doc.aspects.map((a) => ({ positive: 1, negative: -1, neutral: 0, conflict: 0 })[a.polarity]),
    );
  });

  it('puts a Korean document and its sentences in the Korean-analysed fields as well, an English one in the english fields only', () => {
    const ko = makeKoreanDocument('acme', 1);
    const source = documentSource(ko, '2026-11-30T00:00:00.000Z');
    expect(source).to.include({ text: ko.text, text_ko: ko.text, lang: 'ko' });
    const mentions = mentionSources(ko, '2026-11-30T00:00:00.000Z');
    expect(mentions.map((m) => m.sentence_text_ko)).to.deep.equal([
      '배터리가 오래가서 좋아요',
      '화면은 좀 어둡네요',
    ]);
    expect(mentions.map((m) => m.sentence_text)).to.deep.equal(mentions.map((m) => m.sentence_text_ko));

    const en = documentSource(doc, '2026-11-30T00:00:00.000Z');
    expect(Object.keys(en).filter((k) => /^text_/.test(k))).to.deep.equal([]);
    const enMentions = mentionSources(doc, '2026-11-30T00:00:00.000Z');
    expect(enMentions.flatMap((m) => Object.keys(m).filter((k) => /^sentence_text_/.test(k)))).to.deep.equal(
      [],
    );
    // A region or upper case in the tag does not change the language; no language is english only.
    expect(documentSource({ ...ko, lang: 'ko-KR' }, 'x')).to.have.property('text_ko', ko.text);
    expect(documentSource({ ...ko, lang: null }, 'x')).to.not.have.property('text_ko');
  });

  it('maps the text field of every language with its own analysis in both indices, and searches it', () => {
    expect(LANGUAGE_ANALYZERS).to.have.property('ko', 'cjk');
    for (const [lang, analyzer] of Object.entries(LANGUAGE_ANALYZERS)) {
      const docs = documentsMappings.properties as Record<string, unknown>;
      const mentions = mentionsMappings.properties as Record<string, unknown>;
      expect(docs[languageField('text', lang)!], lang).to.deep.equal({ type: 'text', analyzer });
      expect(mentions[languageField('sentence_text', lang)!], lang).to.deep.equal({ type: 'text', analyzer });
      expect(searchTextFields()).to.include(`text_${lang}`);
    }
    expect(searchTextFields()[0]).to.equal('text');
    expect(languageField('text', 'en')).to.equal(undefined);
    expect(languageField('text', 'KO')).to.equal('text_ko');
    // Only own keys count: `constructor` is no language.
    expect(languageField('text', 'constructor')).to.equal(undefined);
  });

  it('refuses a PostgreSQL sink pool smaller than its concurrency, naming both variables', () => {
    expect(() => parseConfig(postgresSinkConfigSpec, { PG_POOL_MAX: '2', SINK_POSTGRES_CONCURRENCY: '4' }))
      .to.throw(ConfigError)
      .with.property('message')
      .that.matches(/PG_POOL_MAX.*SINK_POSTGRES_CONCURRENCY/);
  });
});
