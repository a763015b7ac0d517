/**
 * Reads docs/instrumentation.md's tables: shared by the contract test (registries built in process)
 * and the end-to-end test (what the running services serve).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

export const INSTRUMENTATION_DOC = readFileSync(
  path.resolve(import.meta.dirname, '../../docs/instrumentation.md'),
  'utf8',
);

/** The rows of the first Markdown table after a heading (header and separator rows left out). */
export function tableAfter(heading: string, doc = INSTRUMENTATION_DOC): string[][] {
  const start = doc.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`docs/instrumentation.md has no heading "${heading}"`);
  const rows: string[][] = [];
  let inTable = false;
  for (const line of doc.slice(start + heading.length + 2).split('\n')) {
    if (line.startsWith('|')) {
      inTable = true;
      const cells = line
        .slice(1, -1)
        .split(' | ')
        .map((c) => c.trim());
      if (!/^-+$/.test(cells[0]!.replaceAll('|', '')) && !/^(metric|action|today)$/.test(cells[0]!))
        rows.push(cells);
    } else if (inTable) break;
  }
  return rows;
}

/** The `code` spans of a cell. */
export const code = (cell: string): string[] => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);

export interface DocumentedMetric {
  type: string;
  labels: string[];
  services: string[];
}

/** The metric table: name → type, sorted label names, services that serve it. */
export function documentedMetrics(doc = INSTRUMENTATION_DOC): Map<string, DocumentedMetric> {
  const out = new Map<string, DocumentedMetric>();
  for (const [name, type, labels, _unit, services] of tableAfter('## Metrics', doc)) {
    out.set(code(name!)[0]!, {
      type: type!,
      labels: labels === '—' ? [] : code(labels!).sort(),
      services: services!.split(',').map((s) => s.trim()),
    });
  }
  return out;
}

/** The default Node process metrics every service serves besides its own (the "Process metrics" section). */
export function documentedProcessMetrics(doc = INSTRUMENTATION_DOC): Set<string> {
  const section = doc.slice(doc.indexOf('### Process metrics'), doc.indexOf('### Recorded series'));
  return new Set(code(section));
}
