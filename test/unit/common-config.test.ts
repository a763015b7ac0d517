import { expect } from 'chai';
import { ConfigError, configDocsMarkdown, defineConfig, parseConfig, v } from '../../common/config/index';

const spec = defineConfig(
  'test-component',
  {
    port: { env: 'TESTCOMP_PORT', schema: v.port(), default: '8080', doc: 'Port.' },
    brokers: { env: 'TESTCOMP_BROKERS', schema: v.hostPorts(), default: '127.0.0.1:9092', doc: 'Brokers.' },
    url: { env: 'TESTCOMP_URL', schema: v.url(['http', 'https']), doc: 'Required URL.' },
    level: { env: 'TESTCOMP_LEVEL', schema: v.oneOf(['a', 'b'] as const), default: 'a', doc: 'Level.' },
    secret: { env: 'TESTCOMP_SECRET', schema: v.int(1, 5), default: '1', doc: 'A secret.', secret: true },
    low: { env: 'TESTCOMP_LOW', schema: v.int(0, 100), default: '1', doc: 'Low.' },
    high: { env: 'TESTCOMP_HIGH', schema: v.int(0, 100), default: '2', doc: 'High.' },
  },
  {
    prefix: 'TESTCOMP_',
    rules: [
      (c) =>
        c.low > c.high ? `TESTCOMP_LOW (${c.low}) must not exceed TESTCOMP_HIGH (${c.high})` : undefined,
    ],
  },
);

function problems(env: Record<string, string>): string[] {
  try {
    parseConfig(spec, env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('common/config', () => {
  it('gives typed values with defaults when only required variables are set', () => {
    const c = parseConfig(spec, { TESTCOMP_URL: 'http://x' });
    expect(c).to.deep.include({ port: 8080, brokers: ['127.0.0.1:9092'], url: 'http://x', level: 'a' });
  });

  it('reports every bad variable at once, each by name', () => {
    const p = problems({ TESTCOMP_PORT: 'eighty', TESTCOMP_BROKERS: 'localhost', TESTCOMP_LEVEL: 'c' });
    expect(p).to.have.length(4);
    expect(p[0]).to.match(/^TESTCOMP_PORT: must be a whole number/);
    expect(p[1]).to.match(/^TESTCOMP_BROKERS: each entry must be host:port/);
    expect(p[2]).to.match(/^TESTCOMP_URL is required/);
    expect(p[3]).to.match(/^TESTCOMP_LEVEL: must be one of a, b/);
  });

  it('rejects an unknown variable with the component prefix and suggests the likely one', () => {
    expect(problems({ TESTCOMP_URL: 'http://x', TESTCOMP_PROT: '1' })).to.deep.equal([
      'TESTCOMP_PROT is not a known variable of test-component (did you mean TESTCOMP_PORT?)',
    ]);
  });

  it('never prints the value of a secret variable', () => {
    const p = problems({ TESTCOMP_URL: 'http://x', TESTCOMP_SECRET: 'hunter2' });
    expect(p.join()).to.include('TESTCOMP_SECRET').and.not.include('hunter2');
  });

  it('checks rules that span variables and names both', () => {
    expect(problems({ TESTCOMP_URL: 'http://x', TESTCOMP_LOW: '9', TESTCOMP_HIGH: '3' })).to.deep.equal([
      'TESTCOMP_LOW (9) must not exceed TESTCOMP_HIGH (3)',
    ]);
  });

  it('documents every variable in a markdown table, required ones marked', () => {
    const md = configDocsMarkdown([spec as never]);
    expect(md.split('\n')[0]).to.equal('| Variable | Default | Used by | Description |');
    expect(md).to.include('| `TESTCOMP_URL` | *(required)* | test-component | Required URL. |');
    expect(md).to.include('| `TESTCOMP_SECRET` | *(secret)* |');
  });
});
