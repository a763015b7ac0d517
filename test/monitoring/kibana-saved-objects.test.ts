/**
 * The Kibana saved objects (monitoring/kibana/saved-objects.ndjson) without a Kibana: the file is what
 * generate.py writes, every JSON-in-string attribute parses, every reference resolves, every data view
 * reads an alias the pipeline writes, and every field a visualization, search or query uses exists in
 * that alias's index template (and can be aggregated where it is aggregated).
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { parseConfig } from '../../common/config/index';
import { logShipperConfigSpec } from '../../monitoring/log-shipper/config';
import { logsMappings } from '../../monitoring/log-shipper/templates';
import { aliasNames, documentsMappings, mentionsMappings } from '../../sinks/elasticsearch/setup';

const DIR = path.resolve(import.meta.dirname, '../../monitoring/kibana');
const FILE = path.join(DIR, 'saved-objects.ndjson');

interface SavedObject {
  id: string;
  type: string;
  attributes: Record<string, unknown>;
  references: { name: string; type: string; id: string }[];
}
const objects = (): SavedObject[] =>
  readFileSync(FILE, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as SavedObject);

interface Mapping {
  type?: string;
  index?: boolean;
  dynamic?: unknown;
  properties?: Record<string, Mapping>;
  fields?: Record<string, Mapping>;
}
/** Field path → mapping type; objects with dynamic mapping allow any sub-field (`path.*`). */
function fieldsOf(mapping: { properties: Record<string, Mapping> }): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (props: Record<string, Mapping>, prefix: string) => {
    for (const [name, m] of Object.entries(props)) {
      const p = `${prefix}${name}`;
      if (m.properties) walk(m.properties, `${p}.`);
      if (m.dynamic === true) out.set(`${p}.*`, 'keyword');
      if (m.type) out.set(p, m.index === false ? 'unindexed' : m.type);
      for (const [sub, f] of Object.entries(m.fields ?? {})) out.set(`${p}.${sub}`, f.type ?? 'object');
    }
  };
  walk(mapping.properties as Record<string, Mapping>, '');
  return out;
}
const AGGREGATABLE = new Set(['keyword', 'long', 'integer', 'short', 'float', 'double', 'date', 'boolean']);
const typeOf = (fields: Map<string, string>, field: string): string | undefined =>
  fields.get(field) ??
  [...fields.keys()]
    .filter((k) => k.endsWith('.*') && field.startsWith(k.slice(0, -1)))
    .map((k) => fields.get(k))[0];

const aliases = aliasNames('absa');
const logsAlias = parseConfig(logShipperConfigSpec, {}).alias;
const MAPPINGS: Record<string, Map<string, string>> = {
  [aliases.documents]: fieldsOf(documentsMappings as never),
  [aliases.mentions]: fieldsOf(mentionsMappings as never),
  [logsAlias]: fieldsOf(logsMappings as never),
};

/** Field names a KQL query names (`field : value`). */
const kqlFields = (query: string): string[] =>
  [...query.matchAll(/([A-Za-z_@][\w.@]*)\s*:/g)].map((m) => m[1]!);

describe('monitoring: Kibana saved objects', () => {
  it('are what generate.py writes', () => {
    const tmp = mkdtempSync(path.join(tmpdir(), 'kibana-'));
    try {
      copyFileSync(path.join(DIR, 'generate.py'), path.join(tmp, 'generate.py'));
      execFileSync('python3', [path.join(tmp, 'generate.py')], { stdio: 'pipe' });
      expect(readFileSync(path.join(tmp, 'saved-objects.ndjson'), 'utf8')).to.equal(
        readFileSync(FILE, 'utf8'),
      );
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('have unique ids, parseable JSON-in-string attributes and references that resolve', () => {
    const all = objects();
    const keys = all.map((o) => `${o.type}:${o.id}`);
    expect(new Set(keys).size).to.equal(keys.length);
    for (const o of all) {
      for (const attr of ['visState', 'uiStateJSON', 'panelsJSON', 'optionsJSON'])
        if (attr in o.attributes)
          expect(() => JSON.parse(o.attributes[attr] as string), `${o.id} ${attr}`).not.to.throw();
      const meta = o.attributes.kibanaSavedObjectMeta as { searchSourceJSON?: string } | undefined;
      if (meta?.searchSourceJSON) {
        const src = JSON.parse(meta.searchSourceJSON) as { indexRefName?: string };
        if (src.indexRefName)
          expect(
            o.references.map((r) => r.name),
            o.id,
          ).to.include(src.indexRefName);
      }
      if (o.type === 'dashboard') {
        const panels = JSON.parse(o.attributes.panelsJSON as string) as { panelRefName: string }[];
        for (const p of panels)
          expect(
            o.references.map((r) => r.name),
            o.id,
          ).to.include(p.panelRefName);
      }
      for (const r of o.references)
        expect(keys, `${o.id} → ${r.type}:${r.id}`).to.include(`${r.type}:${r.id}`);
    }
  });

  it('have data views for documents, mentions and logs, each on an alias the pipeline writes', () => {
    const views = objects().filter((o) => o.type === 'index-pattern');
    expect(views.map((v) => v.attributes.title).sort()).to.deep.equal(
      [aliases.documents, aliases.mentions, logsAlias].sort(),
    );
    for (const v of views) {
      const fields = MAPPINGS[v.attributes.title as string]!;
      expect(fields.get(v.attributes.timeFieldName as string), `${v.id} time field`).to.equal('date');
    }
  });

  it('use only fields the index templates map, and aggregate only aggregatable ones', () => {
    const views = new Map(
      objects()
        .filter((o) => o.type === 'index-pattern')
        .map((v) => [v.id, v.attributes.title as string]),
    );
    let checked = 0;
    for (const o of objects().filter((x) => x.type === 'visualization' || x.type === 'search')) {
      const view = o.references.find((r) => r.type === 'index-pattern')!;
      const fields = MAPPINGS[views.get(view.id)!]!;
      const src = JSON.parse(
        (o.attributes.kibanaSavedObjectMeta as { searchSourceJSON: string }).searchSourceJSON,
      ) as {
        query: { query: string };
      };
      const used = kqlFields(src.query.query).map((f) => ({ f, agg: false }));
      if (o.type === 'search') {
        used.push(...(o.attributes.columns as string[]).map((f) => ({ f, agg: false })));
        used.push(...(o.attributes.sort as [string, string][]).map(([f]) => ({ f, agg: true })));
      } else {
        const vis = JSON.parse(o.attributes.visState as string) as { aggs: { params: { field?: string } }[] };
        used.push(...vis.aggs.filter((a) => a.params.field).map((a) => ({ f: a.params.field!, agg: true })));
      }
      for (const { f, agg } of used) {
        const type = typeOf(fields, f);
        expect(type, `${o.id}: ${f} in the template of ${views.get(view.id)}`).to.not.equal(undefined);
        if (agg) expect([...AGGREGATABLE], `${o.id}: ${f} (${type}) is aggregatable`).to.include(type);
        checked++;
      }
    }
    expect(checked).to.be.greaterThan(20);
  });

  it('the field check refuses a field no template has', () => {
    expect(typeOf(MAPPINGS[logsAlias]!, 'trace.id')).to.equal('keyword');
    expect(typeOf(MAPPINGS[logsAlias]!, 'labels.tenant')).to.equal('keyword');
    expect(typeOf(MAPPINGS[logsAlias]!, 'trace.idd')).to.equal(undefined);
    expect(typeOf(MAPPINGS[aliases.mentions]!, 'sentence_text')).to.equal('text');
  });
});
