/**
 * Loads every component's config spec: each `config.ts` under the component folders is imported
 * (they register themselves with defineConfig), so a new component appears without edits here.
 * Used by config-docs.ts (the README table) and k8s/generate.ts (the ConfigMaps).
 */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { listConfigSpecs, type ConfigSpec, type Spec } from '../common/config/index';

export const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const COMPONENT_DIRS = ['common', 'schemas', 'producers', 'stream-processors', 'sinks', 'api'];

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

/** Every spec of the project, sorted by component. */
export async function loadConfigSpecs(): Promise<Array<ConfigSpec<Spec>>> {
  for (const file of COMPONENT_DIRS.flatMap((d) => findConfigFiles(path.join(ROOT, d))).sort()) {
    await import(pathToFileURL(file).href);
  }
  return listConfigSpecs().sort((a, b) => a.component.localeCompare(b.component));
}
