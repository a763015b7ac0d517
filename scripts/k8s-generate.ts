/**
 * `npm run -s k8s:generate`: writes the generated parts of k8s/ (scripts/k8s/generate.ts);
 * `--check` writes nothing and exits 1 naming every file that differs from what it would write.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT, loadConfigSpecs } from './config-specs';
import { generate } from './k8s/generate';

const check = process.argv.includes('--check');
const files = generate(await loadConfigSpecs());
const stale: string[] = [];
for (const [rel, content] of files) {
  const file = path.join(ROOT, rel);
  let current: string | undefined;
  try {
    current = readFileSync(file, 'utf8');
  } catch {
    current = undefined;
  }
  if (current === content) continue;
  if (check) {
    stale.push(rel);
  } else {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
    process.stdout.write(`wrote ${rel}\n`);
  }
}
if (stale.length > 0) {
  process.stderr.write(
    `k8s: generated files out of date (run npm run -s k8s:generate):\n  ${stale.join('\n  ')}\n`,
  );
  process.exit(1);
}
