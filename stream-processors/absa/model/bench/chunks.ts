/**
 * What the model costs per document when it gets a few documents per call, as the processor's chunks
 * give it at moderate load: wall and CPU milliseconds per document of `analyze` over the sentences of
 * N documents at a time, for each N asked for, over the bundled sample corpus's English reviews.
 *
 *   npx tsx stream-processors/absa/model/bench/chunks.ts [--model DIR] [--docs 600] \
 *       [--per-call 1,2,5,10,20,50] [--threads 2] [--batch-size 32]
 */
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { SentenceSplitter } from '../../enrichment/sentence-splitter.js';
import { resolveModelDir } from '../model-artifact.js';
import { OnnxSentimentModel } from '../onnx-sentiment-model.js';

const { values } = parseArgs({
  options: {
    model: { type: 'string' },
    docs: { type: 'string', default: '600' },
    'per-call': { type: 'string', default: '1,2,5,10,20,50' },
    threads: { type: 'string', default: String(availableParallelism()) },
    'batch-size': { type: 'string', default: '32' },
  },
});
const splitter = new SentenceSplitter();
const docs = readFileSync('producers/file/sample/reviews.jsonl', 'utf8')
  .split('\n')
  .filter((line) => line.trim())
  .map((line) => (JSON.parse(line) as { text: string }).text)
  .filter((text) => !/[\uac00-\ud7a3]/.test(text)) // the English model's documents only
  .slice(0, Number(values.docs))
  .map((text) => splitter.split(text, 'en').map((s) => s.text));
let encoderSeconds = 0;
const model = await OnnxSentimentModel.load(resolveModelDir(values.model), {
  threads: Number(values.threads),
  batchSize: Number(values['batch-size']),
  onBatch: ({ seconds }) => (encoderSeconds += seconds),
});
await model.analyze(docs.slice(0, 20).flat());
for (const perCall of values['per-call']!.split(',').map(Number)) {
  encoderSeconds = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < docs.length; i += perCall) await model.analyze(docs.slice(i, i + perCall).flat());
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const perDoc = (ms: number) => Math.round((ms / docs.length) * 100) / 100;
  console.log(
    JSON.stringify({
      docs_per_call: perCall,
      documents: docs.length,
      wall_ms_per_doc: perDoc(wall),
      cpu_ms_per_doc: perDoc((cpu.user + cpu.system) / 1000),
      model_runs_ms_per_doc: perDoc(encoderSeconds * 1000),
      threads: Number(values.threads),
      cpu: `${availableParallelism()} x ${cpus()[0]?.model.trim()}`,
    }),
  );
}
await model.close();
