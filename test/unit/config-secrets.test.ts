import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { apiConfigSpec } from '../../api/config';
import { ConfigError, maskCredentials, parseConfig } from '../../common/config/index';
import { httpCollectorConfigSpec } from '../../producers/http/config';

function problems(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.message;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('configuration secrets', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'config-secrets-'));

  it('never echoes the password of a malformed DATABASE_URL or ELASTICSEARCH_URL', () => {
    const message = problems(() =>
      parseConfig(apiConfigSpec, {
        DATABASE_URL: 'postgres//absa:hunter2-db@db.internal:5432/absa',
        ELASTICSEARCH_URL: 'htp://elastic:hunter2-es@es.internal:9200',
      }),
    );
    expect(message).to.include('DATABASE_URL').and.include('ELASTICSEARCH_URL');
    expect(message).to.not.include('hunter2');
    expect(message).to.include('***@db.internal:5432/absa').and.include('htp://elastic:***@es.internal:9200');
  });

  it('masks URL credentials in any value it shows, well-formed or not', () => {
    expect(maskCredentials('https://u:p4ss@host/x')).to.equal('https://u:***@host/x');
    expect(maskCredentials('kafka:pa ss@host:9092')).to.equal('***@host:9092');
    expect(maskCredentials('127.0.0.1:9092')).to.equal('127.0.0.1:9092');
  });

  it('reads any variable from the file <VAR>_FILE names, dropping one trailing newline', () => {
    const url = path.join(dir, 'db-url');
    writeFileSync(url, 'postgres://app:from-file@db:5432/absa\n');
    const secret = path.join(dir, 'jwt');
    writeFileSync(secret, 'a-secret-of-at-least-32-bytes-from-a-file');
    const port = path.join(dir, 'port');
    writeFileSync(port, '18081\n');
    const c = parseConfig(apiConfigSpec, {
      DATABASE_URL_FILE: url,
      API_JWT_SECRET_FILE: secret,
      API_PORT_FILE: port,
    });
    expect(c.databaseUrl).to.equal('postgres://app:from-file@db:5432/absa');
    expect(c.jwtSecret).to.equal('a-secret-of-at-least-32-bytes-from-a-file');
    expect(c.port).to.equal(18081);
    // The collector's prefix check knows the _FILE names too.
    expect(parseConfig(httpCollectorConfigSpec, { COLLECTOR_HTTP_PORT_FILE: port }).port).to.equal(18081);
  });

  it('refuses a variable set both directly and as a file, and names an unreadable file without its contents', () => {
    const url = path.join(dir, 'db-url-2');
    writeFileSync(url, 'postgres://a:b@c/d');
    const both = problems(() =>
      parseConfig(apiConfigSpec, { DATABASE_URL: 'postgres://x@y/z', DATABASE_URL_FILE: url }),
    );
    expect(both).to.include('DATABASE_URL and DATABASE_URL_FILE are both set');
    const missing = problems(() =>
      parseConfig(apiConfigSpec, { API_JWT_SECRET_FILE: path.join(dir, 'nope') }),
    );
    expect(missing).to.include('API_JWT_SECRET_FILE: cannot read').and.include('ENOENT');
  });

  it('checks a value read from a file like any other, without showing a secret one', () => {
    const short = path.join(dir, 'short-secret');
    writeFileSync(short, 'too-short-secret');
    const message = problems(() => parseConfig(apiConfigSpec, { API_JWT_SECRET_FILE: short }));
    expect(message).to.include('API_JWT_SECRET must be at least 32 bytes');
    expect(message).to.not.include('too-short-secret');
  });
});
