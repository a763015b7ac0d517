/**
 * Throughput benchmark of the ABSA model adapter: sentences per second in analyze mode and targets per
 * second in targeted mode, for each batch size and thread count asked for, on a JSONL file in the shared
 * format. Prints one JSON line per setting.
 *
 *   npx tsx stream-processors/absa/model/bench/throughput.ts --model DIR --data FILE.jsonl \
 *       [--limit 2000] [--batch-sizes 8,16,32,64] [--threads 1,2] [--repeat 3]
 *
 * Each setting gets a warm-up batch, then `repeat` timed runs; the best run is reported (the machine's
 * other work only ever slows a run down). Without a trained artifact, make_minilm_fixture.py builds a
 * stand-in of the same size.
 */
import { availableParallelism, cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { resolveModelDir } from '../model-artifact.js';
import { OnnxSentimentModel } from '../onnx-sentiment-model.js';
import { readAbsaJsonl } from '../cli/cli-support.js';

const { values } = parseArgs({
  options: {
    model: { type: 'string' },
    data: { type: 'string' },
    limit: { type: 'string', default: '2000' },
    'batch-sizes': { type: 'string', default: '32' },
    threads: { type: 'string', default: String(availableParallelism()) },
    repeat: { type: 'string', default: '3' },
  },
});
if (!values.data) throw new Error('--data FILE.jsonl is required');
const records = readAbsaJsonl(values.data, { requireAspects: false }).slice(0, Number(values.limit));
const texts = records.map((r) => r.text);
const requests = records.map((r) => ({
  text: r.text,
  targets: r.aspects.map((a) => ({ from: a.from, to: a.to })),
}));
const targets = requests.reduce((n, r) => n + r.targets.length, 0);
const dir = resolveModelDir(values.model);
const list = (s: string) => s.split(',').map(Number);

for (const threads of list(values.threads!)) {
  for (const batchSize of list(values['batch-sizes']!)) {
    const model = await OnnxSentimentModel.load(dir, { threads, batchSize });
    await model.analyze(texts.slice(0, batchSize));
    let analyzeBest = Infinity;
    let classifyBest = Infinity;
    let aspects = 0;
    for (let r = 0; r < Number(values.repeat); r++) {
      let t0 = performance.now();
      const analyses = await model.analyze(texts);
      analyzeBest = Math.min(analyzeBest, performance.now() - t0);
      aspects = analyses.reduce((n, a) => n + a.aspects.length, 0);
      t0 = performance.now();
      await model.classify(requests);
      classifyBest = Math.min(classifyBest, performance.now() - t0);
    }
    await model.close();
    console.log(
      JSON.stringify({
        model: `${model.info.name}-${model.info.version}`,
        threads,
        batch_size: batchSize,
        sentences: texts.length,
        analyze_sentences_per_second: Math.round((texts.length / analyzeBest) * 1000),
        aspects_found: aspects,
        targeted_targets_per_second: Math.round((targets / classifyBest) * 1000),
        gold_targets: targets,
        peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
        cpu: `${availableParallelism()} x ${cpus()[0]?.model.trim()}`,
      }),
    );
  }
}
