/**
 * Typed configuration from environment variables, declared as a spec from which parsing,
 * validation and documentation all come.
 *
 *   const spec = defineConfig('collector-http', {
 *     port: { env: 'COLLECTOR_HTTP_PORT', schema: v.port(), default: '8090', doc: 'Port to listen on.' },
 *     ...kafkaVars,
 *   }, { prefix: 'COLLECTOR_HTTP_' });
 *   const config = loadConfig(spec);   // typed; exits 1 listing every bad variable at once
 *
 * Values are strings in the environment; the `v` helpers turn them into typed values with messages
 * a person can act on. Every variable of a spec with a `prefix` is checked for typos: an unknown
 * `COLLECTOR_HTTP_*` variable is an error (with a "did you mean" hint), not silently ignored.
 *
 * Every variable can instead be read from a file named by `<VAR>_FILE` (how container platforms
 * mount secrets: DATABASE_URL_FILE=/run/secrets/db-url); one trailing newline is dropped. Setting
 * both is an error. A value shown in an error never shows a secret variable, and URL credentials
 * of any other value are masked.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { maskUrlPasswords } from '../logging/index';

export interface VarSpec<T = unknown> {
  /** The environment variable. */
  env: string;
  /** Parses the string value (or the default) into the typed value. */
  schema: z.ZodType<T>;
  /** The default as it would be written in the environment; omit for a required variable. */
  default?: string;
  /** One sentence for the README table. */
  doc: string;
  /** Never print the value (docs show the default only when not secret, errors never show it). */
  secret?: boolean;
}

export type Spec = Record<string, VarSpec>;
export type ConfigOf<S extends Spec> = { readonly [K in keyof S]: S[K] extends VarSpec<infer T> ? T : never };

export interface ConfigSpec<S extends Spec> {
  component: string;
  vars: S;
  prefix?: string;
  /** Rules that span variables; each returns a message naming every variable involved, or nothing. */
  rules: Array<(config: ConfigOf<S>) => string | undefined>;
}

const registry = new Map<string, ConfigSpec<Spec>>();

export function defineConfig<S extends Spec>(
  component: string,
  vars: S,
  options: { prefix?: string; rules?: Array<(config: ConfigOf<S>) => string | undefined> } = {},
): ConfigSpec<S> {
  const spec: ConfigSpec<S> = { component, vars, prefix: options.prefix, rules: options.rules ?? [] };
  registry.set(component, spec as unknown as ConfigSpec<Spec>);
  return spec;
}

/** Every spec defined so far (import the component config modules first). */
export function listConfigSpecs(): Array<ConfigSpec<Spec>> {
  return [...registry.values()];
}

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(component: string, problems: string[]) {
    super(`invalid configuration for ${component}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

type Env = Record<string, string | undefined>;

export const FILE_SUFFIX = '_FILE';

/**
 * A value as an error message may show it: `scheme://user:***@host` for a URL with a password, and
 * for a value that is not a valid URL but has an `@`, everything between `://` (or the start) and
 * the last `@` hidden, since a malformed URL may still hold a password.
 */
export function maskCredentials(value: string): string {
  const masked = maskUrlPasswords(value);
  if (masked !== value) return masked;
  const at = value.lastIndexOf('@');
  if (at === -1) return value;
  const sep = value.indexOf('://');
  const start = sep !== -1 && sep < at ? sep + 3 : 0;
  return `${value.slice(0, start)}***${value.slice(at)}`;
}

/** The raw value of a variable: from the environment, or from the file `<VAR>_FILE` names. */
function rawValue(name: string, env: Env, problems: string[]): string | undefined {
  const direct = env[name];
  const file = env[name + FILE_SUFFIX];
  if (file === undefined || file === '') return direct;
  if (direct !== undefined && direct !== '') {
    problems.push(`${name} and ${name}${FILE_SUFFIX} are both set; set one of them`);
    return undefined;
  }
  try {
    // eslint-disable-next-line security/detect-non-literal-fs-filename -- the operator names the file (<VAR>_FILE); no request reaches this
    return readFileSync(file, 'utf8').replace(/\r?\n$/, '');
  } catch (err) {
    const code = (err as { code?: string }).code ?? 'unreadable';
    problems.push(`${name}${FILE_SUFFIX}: cannot read ${JSON.stringify(file)} (${code})`);
    return undefined;
  }
}

/** Parses the environment against a spec; throws one ConfigError listing every problem. */
export function parseConfig<S extends Spec>(spec: ConfigSpec<S>, env: Env = process.env): ConfigOf<S> {
  const problems: string[] = [];
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(spec.vars)) {
    const before = problems.length;
    const raw = rawValue(v.env, env, problems);
    if (problems.length > before) continue;
    const value = raw === undefined || raw === '' ? v.default : raw;
    if (value === undefined) {
      problems.push(`${v.env} is required (${v.doc})`);
      continue;
    }
    const result = v.schema.safeParse(value);
    if (result.success) {
      out[key] = result.data;
    } else {
      const shown = v.secret ? '' : ` (got ${JSON.stringify(maskCredentials(value))})`;
      const why = result.error.issues.map((i) => i.message).join('; ');
      problems.push(`${v.env}: ${why}${shown}`);
    }
  }
  if (spec.prefix) {
    const known = new Set(Object.values(spec.vars).flatMap((v) => [v.env, v.env + FILE_SUFFIX]));
    for (const name of Object.keys(env)) {
      if (name.startsWith(spec.prefix) && !known.has(name)) {
        const hint = closest(name, [...known]);
        problems.push(
          `${name} is not a known variable of ${spec.component}${hint ? ` (did you mean ${hint}?)` : ''}`,
        );
      }
    }
  }
  if (problems.length === 0) {
    for (const rule of spec.rules) {
      const problem = rule(out as ConfigOf<S>);
      if (problem) problems.push(problem);
    }
  }
  if (problems.length > 0) throw new ConfigError(spec.component, problems);
  return Object.freeze(out) as ConfigOf<S>;
}

/** parseConfig for a process entry point: on a bad value prints every problem and exits 1. */
export function loadConfig<S extends Spec>(spec: ConfigSpec<S>, env: Env = process.env): ConfigOf<S> {
  try {
    return parseConfig(spec, env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}

/** Applies overrides (by environment variable name) over the process environment; for tests and CLIs. */
export function withEnv(overrides: Env, env: Env = process.env): Env {
  return { ...env, ...overrides };
}

function closest(name: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = levenshtein(name, c);
    if (d < bestDistance) {
      bestDistance = d;
      best = c;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(name.length / 4)) ? best : undefined;
}

function levenshtein(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}

/** Markdown table of every variable of the given specs (default: all defined), one row per variable. */
export function configDocsMarkdown(specs: Array<ConfigSpec<Spec>> = listConfigSpecs()): string {
  const rows = new Map<string, { v: VarSpec; users: string[] }>();
  for (const spec of specs) {
    for (const v of Object.values(spec.vars)) {
      const row = rows.get(v.env);
      if (row) row.users.push(spec.component);
      else rows.set(v.env, { v, users: [spec.component] });
    }
  }
  const esc = (s: string): string => s.replace(/\|/g, '\\|');
  const lines = ['| Variable | Default | Used by | Description |', '|---|---|---|---|'];
  for (const [env, { v, users }] of [...rows.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const def = v.default === undefined ? '*(required)*' : v.secret ? '*(secret)*' : `\`${esc(v.default)}\``;
    lines.push(`| \`${env}\` | ${def} | ${users.join(', ')} | ${esc(v.doc)} |`);
  }
  return lines.join('\n');
}

/** Value parsers for environment strings. */
export const v = {
  string: (): z.ZodType<string> => z.string().trim().min(1, 'must not be empty'),
  int: (min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): z.ZodType<number> =>
    z
      .string()
      .trim()
      .regex(/^-?\d+$/, 'must be a whole number')
      .transform(Number)
      .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`)),
  number: (min = -Infinity, max = Infinity): z.ZodType<number> =>
    z
      .string()
      .trim()
      // eslint-disable-next-line security/detect-unsafe-regex -- linear: the optional group starts with '.', which \d+ cannot match
      .regex(/^-?\d+(\.\d+)?$/, 'must be a number')
      .transform(Number)
      .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`)),
  port: (): z.ZodType<number> => v.int(0, 65535),
  bool: (): z.ZodType<boolean> =>
    z
      .string()
      .trim()
      .toLowerCase()
      .refine((s) => ['true', 'false', '1', '0', 'yes', 'no'].includes(s), 'must be true or false')
      .transform((s) => ['true', '1', 'yes'].includes(s)),
  url: (protocols: string[]): z.ZodType<string> =>
    z
      .string()
      .trim()
      .refine(
        (s) => {
          try {
            return protocols.includes(new URL(s).protocol.replace(/:$/, ''));
          } catch {
            return false;
          }
        },
        `must be a ${protocols.join(' or ')} URL`,
      ),
  /** Comma-separated list of host:port. */
  hostPorts: (): z.ZodType<string[]> =>
    z
      .string()
      .transform((s) =>
        s
          .split(',')
          .map((p) => p.trim())
          .filter(Boolean),
      )
      .pipe(
        z
          .array(z.string().regex(/^[^\s:]+:\d{1,5}$/, 'each entry must be host:port'))
          .min(1, 'must list at least one host:port'),
      ),
  oneOf: <T extends string>(values: readonly [T, ...T[]]): z.ZodType<T> =>
    z
      .string()
      .trim()
      .refine((s): s is T => (values as readonly string[]).includes(s), `must be one of ${values.join(', ')}`)
      .transform((s) => s as T),
};
