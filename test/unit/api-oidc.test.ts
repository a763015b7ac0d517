/**
 * Bearer tokens from an OpenID Connect provider, verified against its JWKS URL. The provider here is
 * a JWKS server on loopback started by the test; it rotates its signing key in the middle.
 */
import { expect } from 'chai';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { createApiApp } from '../../api/app';
import { apiConfigSpec } from '../../api/config';
import { parseConfig } from '../../common/config/index';
import { silentLogger } from '../../common/logging/index';
import { createMetrics } from '../../common/metrics/index';

interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  jwk: JWK;
}

async function signingKey(kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  return { kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
}

describe('OpenID Connect bearer tokens (JWKS on loopback, key rotated mid-test)', function () {
  this.timeout(30_000);
  let jwks: http.Server;
  let api: http.Server;
  let issuer: string;
  let apiUrl: string;
  let published: SigningKey[] = [];
  let fetches = 0;
  let jwksUp = true;

  const token = (
    key: SigningKey,
    claims: Record<string, unknown> = {},
    iss = issuer,
    aud = 'aspect-stream-api',
  ) =>
    new SignJWT({ tenant: 'oidc-tenant', role: 'reader', ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: key.kid })
      .setIssuer(iss)
      .setAudience(aud)
      .setSubject('alice@example.com')
      .setExpirationTime('5m')
      .sign(key.privateKey);

  const call = (bearer: string) =>
    fetch(`${apiUrl}/v1/admin/keys`, { headers: { Authorization: `Bearer ${bearer}` } });
  const entities = (bearer: string) =>
    fetch(`${apiUrl}/v1/entities`, { headers: { Authorization: `Bearer ${bearer}` } });

  before(async () => {
    jwks = http.createServer((_req, res) => {
      fetches++;
      if (!jwksUp) {
        res.writeHead(503).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: published.map((k) => k.jwk) }));
    });
    await new Promise<void>((r) => jwks.listen(0, '127.0.0.1', r));
    const jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks.json`;
    issuer = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/`;
    const config = parseConfig(apiConfigSpec, {
      API_OIDC_ISSUER: issuer,
      API_OIDC_JWKS_URL: jwksUrl,
      API_OIDC_JWKS_COOLDOWN_MS: '0',
    });
    const store = {
      aspectCounts: async () => [],
      trend: async () => [],
      mentions: async () => [],
      entities: async () => [],
      document: async () => undefined,
      similar: async () => undefined,
      sources: async () => [],
      ping: async () => undefined,
    };
    api = http.createServer(
      createApiApp({
        config,
        keys: { verify: async () => null },
        keyAdmin: {
          list: async () => [],
          create: async () => Promise.reject(new Error('no')),
          revoke: async () => false,
        },
        mentions: store,
        search: {
          search: async () => ({
            hits: [],
            total: 0,
            facets: { aspects: [], categories: [], polarity: [], languages: [] },
          }),
          ping: async () => undefined,
        },
        logger: silentLogger(),
        metrics: createMetrics('oidc-test', { defaultMetrics: false }),
        ready: async () => ({ ready: true, checks: {} }),
      }),
    );
    await new Promise<void>((r) => api.listen(0, '127.0.0.1', r));
    apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
  });

  after(async () => {
    for (const s of [api, jwks]) {
      s?.closeAllConnections();
      await new Promise((r) => s?.close(r));
    }
  });

  it('accepts a token signed with the provider’s key, fetches the key set once and caches it', async () => {
    const first = await signingKey('key-1');
    published = [first];
    fetches = 0;
    expect((await entities(await token(first))).status).to.equal(200);
    expect((await entities(await token(first))).status).to.equal(200);
    expect(fetches).to.equal(1);
    // The role claim still decides: a reader may not manage keys.
    expect((await call(await token(first))).status).to.equal(403);
  });

  it('follows a key rotation without a restart: a new kid is fetched, the retired key is refused', async () => {
    const retired = published[0]!;
    const next = await signingKey('key-2');
    published = [next];
    fetches = 0;
    expect((await entities(await token(next))).status).to.equal(200);
    expect(fetches).to.equal(1);
    const old = await entities(await token(retired));
    expect(old.status).to.equal(401);
    expect(((await old.json()) as { detail: string }).detail).to.include('kid');
  });

  it('refuses a wrong issuer, a wrong audience, a token signed by a key the provider never published, and a missing tenant', async () => {
    const key = published[0]!;
    const stranger = await signingKey('key-2'); // same kid, other key: the signature fails
    expect((await entities(await token(key, {}, 'https://evil.example/'))).status).to.equal(401);
    const aud = await entities(await token(key, {}, issuer, 'someone-else'));
    expect(aud.status).to.equal(401);
    expect(((await aud.json()) as { detail: string }).detail).to.include('aud');
    expect((await entities(await token(stranger))).status).to.equal(401);
    expect((await entities(await token(key, { tenant: 'Not A Tenant' }))).status).to.equal(401);
  });

  it('answers 503, not 401, when the provider’s keys cannot be fetched', async () => {
    jwksUp = false;
    try {
      const unknownKid = await signingKey('key-3');
      const r = await entities(await token(unknownKid));
      expect(r.status).to.equal(503);
      expect(r.headers.get('retry-after')).to.match(/^\d+$/);
    } finally {
      jwksUp = true;
    }
  });
});
