import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

describe('README', () => {
  it('documents every environment variable exactly as the config specs declare them', function () {
    this.timeout(60_000);
    const table = execFileSync('node_modules/.bin/tsx', ['scripts/config-docs.ts'], {
      encoding: 'utf8',
    }).trim();
    const readme = readFileSync('README.md', 'utf8');
    expect(
      readme.includes(table),
      'README.md config table is stale: paste the output of `npm run -s config:docs`',
    ).to.equal(true);
  });
});
