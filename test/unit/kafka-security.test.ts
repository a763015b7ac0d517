import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { ConfigError, parseConfig, type ConfigSpec } from '../../common/config/index';
import { createKafka, kafkaSecurityOptions } from '../../common/kafka/client';
import { kafkaVars } from '../../common/kafka/config';
import { silentLogger } from '../../common/logging/index';

// Not registered with defineConfig: the README table must not list a test component.
const spec: ConfigSpec<typeof kafkaVars> = { component: 'kafka-test', vars: kafkaVars, rules: [] };
const settings = (env: Record<string, string>) => parseConfig(spec, env);

function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

// Any real certificate will do as the CA bundle: Node's first bundled root.
const PEM = `${tls.rootCertificates[0]!}\n`;

describe('Kafka TLS and SASL settings', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'kafka-security-'));
  const ca = path.join(dir, 'ca.crt');
  writeFileSync(ca, PEM);
  const passwordFile = path.join(dir, 'password');
  writeFileSync(passwordFile, 's3cret pass\n');

  it('connects in plain text without authentication by default (the local stack)', () => {
    const s = settings({});
    expect(s.kafkaSsl).to.equal(false);
    expect(s.kafkaSaslMechanism).to.equal('none');
    expect(kafkaSecurityOptions(s)).to.deep.equal({});
  });

  it('gives kafkajs SCRAM over TLS with the CA bundle and the password from KAFKA_SASL_PASSWORD_FILE', () => {
    const options = kafkaSecurityOptions(
      settings({
        KAFKA_SSL: 'true',
        KAFKA_SSL_CA_FILE: ca,
        KAFKA_SASL_MECHANISM: 'scram-sha-512',
        KAFKA_SASL_USERNAME: 'collector',
        KAFKA_SASL_PASSWORD_FILE: passwordFile,
      }),
    );
    expect(options).to.deep.equal({
      ssl: { ca: PEM },
      sasl: { mechanism: 'scram-sha-512', username: 'collector', password: 's3cret pass' },
    });
  });

  it('uses the system CAs when KAFKA_SSL is on without a CA file, and plain SASL when asked', () => {
    expect(kafkaSecurityOptions(settings({ KAFKA_SSL: 'yes' }))).to.deep.equal({ ssl: true });
    const plain = settings({
      KAFKA_SASL_MECHANISM: 'plain',
      KAFKA_SASL_USERNAME: 'u',
      KAFKA_SASL_PASSWORD: 'p',
    });
    expect(kafkaSecurityOptions(plain)).to.deep.equal({
      sasl: { mechanism: 'plain', username: 'u', password: 'p' },
    });
  });

  it('leaves the CA file unread while KAFKA_SSL is off', () => {
    const s = settings({ KAFKA_SSL_CA_FILE: path.join(dir, 'missing.crt') });
    expect(kafkaSecurityOptions(s)).to.deep.equal({});
  });

  it('refuses a mechanism without credentials, naming each missing variable', () => {
    const found = problems(() => kafkaSecurityOptions(settings({ KAFKA_SASL_MECHANISM: 'scram-sha-256' })));
    expect(found).to.have.length(2);
    expect(found[0]).to.match(/^KAFKA_SASL_USERNAME is required when KAFKA_SASL_MECHANISM is scram-sha-256/);
    expect(found[1]).to.match(/^KAFKA_SASL_PASSWORD \(or KAFKA_SASL_PASSWORD_FILE\) is required/);
    const noPassword = problems(() =>
      kafkaSecurityOptions(settings({ KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'u' })),
    );
    expect(noPassword).to.have.length(1);
    expect(noPassword[0]).to.include('KAFKA_SASL_PASSWORD');
  });

  it('fails start-up (createKafka) on a mechanism without credentials', () => {
    const s = settings({ KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_PASSWORD: 'p' });
    expect(() => createKafka('unit', s, silentLogger()))
      .to.throw(ConfigError)
      .with.property('message')
      .that.includes('invalid configuration for unit')
      .and.includes('KAFKA_SASL_USERNAME is required');
  });

  it('refuses an unknown mechanism and a CA file that is missing or not PEM, naming the variable', () => {
    expect(problems(() => settings({ KAFKA_SASL_MECHANISM: 'scram-sha-1' }))[0]).to.match(
      /^KAFKA_SASL_MECHANISM: must be one of none, plain, scram-sha-256, scram-sha-512/,
    );
    const missing = path.join(dir, 'missing.crt');
    expect(
      problems(() => kafkaSecurityOptions(settings({ KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: missing }))),
    ).to.deep.equal([`KAFKA_SSL_CA_FILE: cannot read ${JSON.stringify(missing)} (ENOENT)`]);
    const notPem = path.join(dir, 'key.txt');
    writeFileSync(notPem, 'not a certificate');
    expect(
      problems(() => kafkaSecurityOptions(settings({ KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: notPem })))[0],
    ).to.include('holds no PEM certificate');
  });

  it('never shows the SASL password in a configuration error', () => {
    const message = problems(() =>
      settings({ KAFKA_SASL_PASSWORD: 'hunter2', KAFKA_SASL_PASSWORD_FILE: passwordFile }),
    ).join('\n');
    expect(message).to.include('KAFKA_SASL_PASSWORD and KAFKA_SASL_PASSWORD_FILE are both set');
    expect(message).to.not.include('hunter2');
  });

  // The first bytes a client sends tell whether createKafka really passed `ssl` to kafkajs: a TLS
  // handshake record starts with 0x16; a Kafka request starts with its 4-byte length (0x00 first).
  async function firstByteSent(env: Record<string, string>): Promise<number> {
    const server = net.createServer();
    const first = new Promise<number>((resolve) => {
      server.on('connection', (socket) => {
        socket.once('data', (data: Buffer) => {
          resolve(data[0]!);
          socket.destroy();
        });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    const kafka = createKafka(
      'unit',
      settings({ KAFKA_BROKERS: `127.0.0.1:${port}`, KAFKA_CONNECTION_TIMEOUT_MS: '1000', ...env }),
      silentLogger(),
    );
    const admin = kafka.admin({ retry: { retries: 0 } });
    const connecting = admin.connect().catch(() => undefined);
    try {
      return await first;
    } finally {
      await connecting;
      await admin.disconnect().catch(() => undefined);
      await new Promise((resolve) => server.close(resolve));
    }
  }

  it('opens broker connections with a TLS handshake only when KAFKA_SSL is on', async function () {
    this.timeout(10_000);
    expect(await firstByteSent({ KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: ca })).to.equal(0x16);
    expect(await firstByteSent({})).to.equal(0x00);
  });
});
