/**
 * absa:predict: run the ABSA model on texts given as arguments, or on a JSONL file in the shared
 * format (one output line per input line, in order). See USAGE.
 */
import type { Analysis, TargetSentiment } from '../sentiment-model.js';
import {
  openModel,
  parseModelCliArgs,
  readAbsaJsonl,
  round,
  runCli,
  UsageError,
  userPath,
  writeOut,
} from './cli-support.js';

const USAGE = `Usage:
  npm run -s absa:predict -- [options] "TEXT" ["TEXT" ...]
      one JSON object per text: {"text", "aspects": [{"term","from","to","polarity","confidence",
      "category"?, "opinions"?: [{"term","from","to","confidence"}]}], "sentiment": {"polarity","scores"}}
      (category and opinions where the model has those heads)
  npm run -s absa:predict -- [options] --data FILE.jsonl
      one JSON line per input line, in order: {"id", "aspects": [...] (analyze mode, input labels unused),
      "targeted": [{"from","to","polarity","confidence"}] (targeted mode on the line's own aspect spans)}

Options:
  --model DIR        model artifact folder (default: $ABSA_MODEL_DIR, else the one in models/absa/ serving English)
  --threads N        ONNX Runtime threads (default: $ABSA_THREADS, else the number of CPU cores)
  --batch-size N     sequences per inference batch (default: $ABSA_BATCH_SIZE, else 32)
  -h, --help         this text
`;

/** Lines per model call: bounds memory on big files while keeping batches full. */
const CHUNK_LINES = 4096;

const aspectsOut = (analysis: Analysis) =>
  analysis.aspects.map((a) => ({
    term: a.term,
    from: a.from,
    to: a.to,
    polarity: a.polarity,
    confidence: round(a.confidence),
    ...headsOut(a),
  }));

const headsOut = (a: Pick<TargetSentiment, 'category' | 'opinions'>) => ({
  ...(a.category ? { category: a.category.label, category_confidence: round(a.category.confidence) } : {}),
  ...(a.opinions
    ? {
        opinions: a.opinions.map((o) => ({
          term: o.term,
          from: o.from,
          to: o.to,
          confidence: round(o.confidence),
        })),
      }
    : {}),
});

const targetedOut = (results: TargetSentiment[]) =>
  results.map((t) => ({
    from: t.from,
    to: t.to,
    polarity: t.polarity,
    confidence: round(t.confidence),
    ...headsOut(t),
  }));

async function main(): Promise<void> {
  const args = parseModelCliArgs(USAGE);
  if (args === null) return;
  const { values, positionals } = args;
  if (values.data !== undefined && positionals.length > 0)
    throw new UsageError('give either --data FILE or texts, not both');
  if (values.data === undefined && positionals.length === 0)
    throw new UsageError('no input: give a text or --data FILE');

  // read and check the input before loading the model, so a bad file fails fast
  const records =
    values.data !== undefined ? readAbsaJsonl(userPath(values.data), { requireAspects: false }) : null;
  const model = await openModel(values);
  try {
    if (records === null) {
      const analyses = await model.analyze(positionals);
      for (const [k, analysis] of analyses.entries()) {
        const sentiment = analysis.sentiment;
        const scores = {
          negative: round(sentiment.scores.negative),
          neutral: round(sentiment.scores.neutral),
          positive: round(sentiment.scores.positive),
        };
        await writeOut(
          JSON.stringify({
            text: positionals[k],
            aspects: aspectsOut(analysis),
            sentiment: { polarity: sentiment.polarity, scores },
          }) + '\n',
        );
      }
      return;
    }
    for (let c = 0; c < records.length; c += CHUNK_LINES) {
      const chunk = records.slice(c, c + CHUNK_LINES);
      const analyses = await model.analyze(chunk.map((r) => r.text));
      const targeted = await model.classify(
        chunk.map((r) => ({ text: r.text, targets: r.aspects.map((a) => ({ from: a.from, to: a.to })) })),
      );
      const lines = chunk.map((r, k) =>
        JSON.stringify({ id: r.id, aspects: aspectsOut(analyses[k]!), targeted: targetedOut(targeted[k]!) }),
      );
      await writeOut(lines.join('\n') + '\n');
    }
  } finally {
    await model.close();
  }
}

runCli('absa:predict', main);
