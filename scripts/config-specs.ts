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

const isSpec = (x: unknown): x is ConfigSpec<Spec> =>
  typeof x === 'object' && x !== null && 'component' in x && 'vars' in x && 'rules' in x;

/**
 * Every spec of the project, sorted by component: the registry's, plus the specs the config
 * modules export (a test runner may load common/config twice, once per module system, and then
 * the registry this file sees is not the one the modules filled).
 */
export async function loadConfigSpecs(): Promise<Array<ConfigSpec<Spec>>> {
  const specs = new Map<string, ConfigSpec<Spec>>();
  for (const file of COMPONENT_DIRS.flatMap((d) => findConfigFiles(path.join(ROOT, d))).sort()) {
    const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    for (const value of Object.values(mod)) if (isSpec(value)) specs.set(value.component, value);
  }
  for (const spec of listConfigSpecs()) specs.set(spec.component, spec);
  return [...specs.values()].sort((a, b) => a.component.localeCompare(b.component));
}
