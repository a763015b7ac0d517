/**
 * `npm run -s config:docs`: prints the markdown table of every environment variable of every
 * process, generated from the config specs (each component's config.ts), for the README.
 * Every `config.ts` under the component folders is loaded, so a new component appears without edits here.
 */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { configDocsMarkdown, listConfigSpecs } from '../common/config/index';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const COMPONENT_DIRS = ['common', 'schemas', 'producers', 'stream-processors', 'sinks', 'api', 'monitoring'];

function findConfigFiles(dir: string): string[] {
  let out: string[] = [];
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) out = out.concat(findConfigFiles(full));
    else if (name === 'config.ts') out.push(full);
  }
  return out;
}

for (const file of COMPONENT_DIRS.flatMap((d) => findConfigFiles(path.join(ROOT, d))).sort()) {
  await import(pathToFileURL(file).href);
}
const specs = listConfigSpecs().sort((a, b) => a.component.localeCompare(b.component));
process.stdout.write(`${configDocsMarkdown(specs)}\n`);
