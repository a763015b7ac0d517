/**
 * absa:eval: score the ABSA model on a JSONL file with gold aspects; prints one JSON object.
 *
 *   ate_*   aspect term extraction, analyze mode, exact character-span match
 *   apc_*   aspect polarity classification, targeted mode on the gold spans (gold conflict left out)
 *   e2e_*   span and polarity both right, analyze mode (gold conflict is not gold: a prediction on a
 *           conflict span is a false positive)
 *   sentences_per_second  analyze mode over the whole file, batched as in production, after a one-batch
 *                         warm-up, tokenization included
 *   peak_rss_mb           peak resident memory of this process
 *   category_*  category of each gold term (targeted mode), where the data labels one (see
 *               goldCategories); data labels mapped onto the model's labels by its categories file
 *   opinion_pair_f1, triplet_f1  ASTE files (with "triplets"): (aspect, opinion) pairs and
 *               (aspect, opinion, polarity) triplets from analyze mode, exact spans
 *   challenge   files with "phenomenon" (models/absa-challenge): accuracy and span recall per
 *               phenomenon (challengeScores)
 *   document_*  document polarity files (a "polarity" per text and no aspects, e.g. NSMC): the
 *               model's sentiment of the whole text, and the document polarity the processor gives
 *               (documentSentiment, with the text split and read as its language's rules say);
 *               a gold text has no mixed class, so `mixed` counts as wrong
 *
 * Metric definitions: ../metrics.ts.
 */
import { availableParallelism, cpus } from 'node:os';
import {
  aspectExtractionScores,
  categoryScores,
  challengeScores,
  endToEndScores,
  polarityClassificationScores,
  tripletScores,
  type GoldPolarity,
  type Triplet,
} from '../metrics.js';
import type { Analysis, Polarity, SentenceSentiment, TargetSentiment } from '../sentiment-model.js';
import {
  goldCategories,
  InputError,
  openModel,
  parseModelCliArgs,
  readAbsaJsonl,
  round,
  runCli,
  UsageError,
  userPath,
  type AbsaRecord,
} from './cli-support.js';
import { documentSentiment, needsWholeTextPass, wholeTextReading } from '../../document-analyzer.js';
import { normalizeText } from '../../enrichment/text-normalizer.js';
import { textHandling } from '../../languages.js';
import type { OnnxSentimentModel } from '../onnx-sentiment-model.js';

const USAGE = `Usage:
  npm run -s absa:eval -- [options] --data FILE.jsonl

Prints one JSON object: sentences, ate_precision, ate_recall, ate_f1, apc_accuracy, apc_macro_f1,
e2e_precision, e2e_recall, e2e_f1, sentences_per_second, peak_rss_mb (and the model and settings used);
where the data has them, category_* (labelled categories), opinion_pair_* and triplet_* (ASTE
"triplets") and challenge (per-phenomenon accuracy, models/absa-challenge). A document polarity file
(a "polarity" and no aspects on every line, e.g. NSMC) gives document_accuracy (the whole text through
the model) and document_accuracy_processor (the processor's document polarity) instead.

Options:
  --data FILE        JSONL in the shared ABSA format, with gold "aspects" (or ASTE "triplets", or a
                     document "polarity") on every line (required)
  --model DIR        model artifact folder (default: $ABSA_MODEL_DIR, else the one in models/absa/ serving English)
  --threads N        ONNX Runtime threads (default: $ABSA_THREADS, else the number of CPU cores)
  --batch-size N     sequences per inference batch (default: $ABSA_BATCH_SIZE, else 32)
  -h, --help         this text
`;

const CHUNK_LINES = 4096;

async function main(): Promise<void> {
  const args = parseModelCliArgs(USAGE);
  if (args === null) return;
  const { values, positionals } = args;
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  if (values.data === undefined) throw new UsageError('--data FILE is required');

  const records = readAbsaJsonl(userPath(values.data), { requireAspects: true });
  if (records.length === 0) throw new InputError(`${values.data}: no sentences to evaluate`);
  const model = await openModel(values);
  try {
    if (records.every((r) => r.polarity !== undefined && r.aspects.length === 0)) {
      process.stdout.write(JSON.stringify(await documentReport(model, records, values.data)) + '\n');
      return;
    }
    const texts = records.map((r) => r.text);
    await model.analyze(texts.slice(0, model.batchSize)); // warm-up: first-run allocations are not throughput

    const analyses: Analysis[] = [];
    const started = process.hrtime.bigint();
    for (let c = 0; c < texts.length; c += CHUNK_LINES) {
      analyses.push(...(await model.analyze(texts.slice(c, c + CHUNK_LINES))));
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;

    // targeted mode on each sentence's distinct gold spans (not conflict)
    const targets = records.map((r) => {
      const seen = new Map<string, { from: number; to: number }>();
      for (const a of r.aspects) {
        if (a.polarity !== 'conflict') seen.set(`${a.from}:${a.to}`, { from: a.from, to: a.to });
      }
      return [...seen.values()];
    });
    const pairs: { gold: GoldPolarity; predicted: Polarity }[] = [];
    /** targeted result per gold aspect of every record, in the record's aspect order */
    const targetedPerAspect: (TargetSentiment | undefined)[][] = [];
    for (let c = 0; c < records.length; c += CHUNK_LINES) {
      const chunk = records.slice(c, c + CHUNK_LINES);
      const results = await model.classify(chunk.map((r, k) => ({ text: r.text, targets: targets[c + k]! })));
      chunk.forEach((r, k) => {
        const predicted = new Map(results[k]!.map((t) => [`${t.from}:${t.to}`, t]));
        targetedPerAspect.push(r.aspects.map((a) => predicted.get(`${a.from}:${a.to}`)));
        for (const a of r.aspects) {
          if (a.polarity !== 'conflict')
            pairs.push({ gold: a.polarity, predicted: predicted.get(`${a.from}:${a.to}`)!.polarity });
        }
      });
    }

    const ate = aspectExtractionScores(
      records.map((r, k) => ({ gold: r.aspects, predicted: analyses[k]!.aspects })),
    );
    const e2e = endToEndScores(records.map((r, k) => ({ gold: r.aspects, predicted: analyses[k]!.aspects })));
    const apc = polarityClassificationScores(pairs);

    // categories: gold terms whose data label maps onto one of the model's labels
    const categoryHead = model.categoryHead;
    const categoryPairs: { gold: string; predicted: string }[] = [];
    let labelledTerms = 0;
    records.forEach((r, k) => {
      goldCategories(r).forEach((raw, j) => {
        if (raw === undefined) return;
        labelledTerms++;
        // a data label may accept a finer model label (SemEval-14 "food" covers drinks)
        const accepted = categoryHead?.labelMap[raw];
        const predicted = targetedPerAspect[k]![j]?.category?.label;
        if (accepted === undefined || predicted === undefined) return;
        const gold = accepted[0]!;
        categoryPairs.push({ gold, predicted: accepted.includes(predicted) ? gold : predicted });
      });
    });
    const categories = categoryScores(categoryPairs);
    const categoryReport =
      labelledTerms === 0
        ? {}
        : categoryHead === null
          ? { category_accuracy: 'n/a (model has no category head)', category_labelled_terms: labelledTerms }
          : {
              category_accuracy: round(categories.accuracy),
              category_macro_f1: round(categories.macroF1),
              category_terms: categories.total,
              category_per_class_f1: Object.fromEntries(
                Object.entries(categories.perClass).map(([label, c]) => [label, round(c.f1)]),
              ),
            };

    // opinion pairs and triplets (ASTE files)
    const withTriplets = records.filter((r) => r.triplets !== undefined).length;
    let opinionReport = {};
    if (withTriplets > 0) {
      if (!model.hasOpinionHead) {
        opinionReport = {
          opinion_pair_f1: 'n/a (model has no opinion head)',
          triplet_f1: 'n/a (model has no opinion head)',
        };
      } else {
        const scores = tripletScores(
          records.map((r, k) => ({
            gold: (r.triplets ?? []).map((t) => ({
              aspect: t.aspect,
              opinion: t.opinion,
              polarity: t.polarity,
            })),
            predicted: analyses[k]!.aspects.flatMap((a): Triplet[] =>
              (a.opinions ?? []).map((o) => ({ aspect: a, opinion: o, polarity: a.polarity })),
            ),
          })),
        );
        opinionReport = {
          opinion_pair_precision: round(scores.pairs.precision),
          opinion_pair_recall: round(scores.pairs.recall),
          opinion_pair_f1: round(scores.pairs.f1),
          triplet_precision: round(scores.triplets.precision),
          triplet_recall: round(scores.triplets.recall),
          triplet_f1: round(scores.triplets.f1),
        };
      }
    }

    // challenge set
    const challenge = records.filter((r) => r.phenomenon !== undefined).length;
    let challengeReport = {};
    if (challenge > 0) {
      const scores = challengeScores(
        records.flatMap((r, k) =>
          r.phenomenon === undefined
            ? []
            : [
                {
                  phenomenon: r.phenomenon,
                  gold: r.aspects,
                  notAspects: r.notAspects ?? [],
                  targeted: targetedPerAspect[k]!.map((t) => t?.polarity ?? 'neutral'),
                  predicted: analyses[k]!.aspects,
                },
              ],
        ),
      );
      const rounded = (x: (typeof scores)['overall']) => ({
        ...x,
        accuracy: round(x.accuracy),
        span_recall: round(x.span_recall),
      });
      challengeReport = {
        challenge: {
          overall: rounded(scores.overall),
          phenomena: Object.fromEntries(Object.entries(scores.phenomena).map(([p, x]) => [p, rounded(x)])),
        },
      };
    }

    const report = {
      model: `${model.info.name}-${model.info.version}`,
      data: values.data,
      sentences: records.length,
      gold_aspects: records.reduce((n, r) => n + r.aspects.length, 0),
      ate_precision: round(ate.precision),
      ate_recall: round(ate.recall),
      ate_f1: round(ate.f1),
      apc_accuracy: round(apc.accuracy),
      apc_macro_f1: round(apc.macroF1),
      apc_terms: apc.total,
      e2e_precision: round(e2e.precision),
      e2e_recall: round(e2e.recall),
      e2e_f1: round(e2e.f1),
      ...categoryReport,
      ...opinionReport,
      ...challengeReport,
      sentences_per_second: round(records.length / seconds, 1),
      peak_rss_mb: round(process.resourceUsage().maxRSS / 1024, 1),
      threads: model.threads,
      batch_size: model.batchSize,
      cpu: `${availableParallelism()} x ${cpus()[0]?.model.trim() ?? 'unknown'}`,
    };
    process.stdout.write(JSON.stringify(report) + '\n');
  } finally {
    await model.close();
  }
}

/** Document polarity files: the whole text through the model, and the processor's document polarity. */
async function documentReport(model: OnnxSentimentModel, records: readonly AbsaRecord[], data: string) {
  // the text as the processor sees it (normalized), for both readings
  const texts = records.map((r) => normalizeText(r.text).text);
  await model.sentiment(texts.slice(0, model.batchSize));
  const started = process.hrtime.bigint();
  const whole: SentenceSentiment[] = [];
  for (let c = 0; c < texts.length; c += CHUNK_LINES) {
    whole.push(...(await model.sentiment(texts.slice(c, c + CHUNK_LINES))));
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;

  // as the processor does it: normalized text split as its language's rules say, each sentence
  // analysed; the whole text's reading where that language takes it
  const handled = records.map((r, k) => {
    const handling = textHandling(r.lang ?? model.info.languages[0] ?? 'en');
    return { handling, sentences: handling.splitSentences(texts[k]!) };
  });
  const perSentence = await model.analyze(handled.flatMap((h) => h.sentences.map((s) => s.text)));
  let next = 0;
  const processor = handled.map(({ handling, sentences }, k) => {
    const analyses = perSentence.slice(next, (next += sentences.length));
    const pass = needsWholeTextPass(handling, sentences.length) ? whole[k] : undefined;
    return documentSentiment(sentences, analyses, wholeTextReading(handling, analyses, pass));
  });
  const accuracy = (predicted: readonly string[]) =>
    round(predicted.filter((p, k) => p === records[k]!.polarity).length / records.length);
  return {
    model: `${model.info.name}-${model.info.version}`,
    data,
    documents: records.length,
    document_accuracy: accuracy(whole.map((a) => a.polarity)),
    document_accuracy_processor: accuracy(processor.map((d) => d.polarity)),
    document_mixed_processor: processor.filter((d) => d.polarity === 'mixed').length,
    sentences_per_document: round(perSentence.length / records.length, 2),
    documents_per_second: round(records.length / seconds, 1),
    peak_rss_mb: round(process.resourceUsage().maxRSS / 1024, 1),
    threads: model.threads,
    batch_size: model.batchSize,
    cpu: `${availableParallelism()} x ${cpus()[0]?.model.trim() ?? 'unknown'}`,
  };
}

runCli('absa:eval', main);
