import { z } from 'zod';
import { defineConfig, v, type ConfigOf } from '../common/config/index';
import { apiKeyVars } from '../common/apikeys/config';
import { loggingVars } from '../common/logging/config';
import { postgresVars } from '../common/postgres/config';
import { elasticsearchVars } from '../sinks/elasticsearch/config';

const PREFIX = 'API_';
const optional = (): z.ZodType<string> => z.string().trim();
const list = (): z.ZodType<string[]> =>
  z.string().transform((s) =>
    s
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean),
  );

/** `trust proxy` as express takes it: false, true, a hop count, or a list of addresses/subnets. */
const trustProxy = (): z.ZodType<boolean | number | string> =>
  z
    .string()
    .trim()
    .transform((s) => (s === 'false' ? false : s === 'true' ? true : /^\d+$/.test(s) ? Number(s) : s));

/** `npm run api` */
export const apiConfigSpec = defineConfig(
  'api',
  {
    host: {
      env: 'API_HOST',
      schema: v.string(),
      default: '0.0.0.0',
      doc: 'Address the read API listens on.',
    },
    port: {
      env: 'API_PORT',
      schema: v.port(),
      default: '8080',
      doc: 'Port of the read API (0: any free port).',
    },
    opsHost: {
      env: 'API_OPS_HOST',
      schema: v.string(),
      default: '0.0.0.0',
      doc: 'Address of the ops port (/metrics, /readyz with dependency details, /healthz); expose it to operators and Prometheus only.',
    },
    opsPort: {
      env: 'API_OPS_PORT',
      schema: v.port(),
      default: '9380',
      doc: 'Ops port of the read API (0: any free port). The public port answers only /healthz and a detail-free /readyz.',
    },
    jwtAlgorithm: {
      env: 'API_JWT_ALGORITHM',
      schema: v.oneOf(['HS256', 'RS256'] as const),
      default: 'HS256',
      doc: 'Algorithm bearer tokens must be signed with: HS256 (shared secret API_JWT_SECRET) or RS256 (API_JWT_PUBLIC_KEY).',
    },
    jwtSecret: {
      env: 'API_JWT_SECRET',
      schema: optional(),
      default: '',
      doc: 'HS256 secret for bearer tokens (at least 32 bytes); empty with API_JWT_ALGORITHM=HS256 disables bearer tokens.',
      secret: true,
    },
    jwtPublicKey: {
      env: 'API_JWT_PUBLIC_KEY',
      schema: optional(),
      default: '',
      doc: 'RS256 public key (SPKI PEM; literal \\n allowed) that verifies bearer tokens.',
    },
    jwtIssuer: {
      env: 'API_JWT_ISSUER',
      schema: optional(),
      default: 'aspect-stream',
      doc: 'Required `iss` of bearer tokens (empty: not checked).',
    },
    jwtAudience: {
      env: 'API_JWT_AUDIENCE',
      schema: optional(),
      default: 'aspect-stream-api',
      doc: 'Required `aud` of bearer tokens (empty: not checked).',
    },
    jwtTenantClaim: {
      env: 'API_JWT_TENANT_CLAIM',
      schema: v.string(),
      default: 'tenant',
      doc: 'Claim of a bearer token that names the caller’s tenant.',
    },
    jwtRoleClaim: {
      env: 'API_JWT_ROLE_CLAIM',
      schema: v.string(),
      default: 'role',
      doc: 'Claim of a bearer token that names the caller’s role (reader, analyst, admin; ingest cannot read).',
    },
    jwtClockToleranceSeconds: {
      env: 'API_JWT_CLOCK_TOLERANCE_S',
      schema: v.int(0, 300),
      default: '30',
      doc: 'Clock skew allowed when checking a bearer token’s exp and nbf, in seconds.',
    },
    oidcIssuer: {
      env: 'API_OIDC_ISSUER',
      schema: optional(),
      default: '',
      doc: 'OpenID Connect issuer whose bearer tokens are accepted (their `iss`); with API_OIDC_JWKS_URL. Empty: none.',
    },
    oidcJwksUrl: {
      env: 'API_OIDC_JWKS_URL',
      schema: z.union([z.literal(''), v.url(['http', 'https'])]),
      default: '',
      doc: 'JWKS URL of that issuer (its discovery document’s `jwks_uri`); keys are cached and fetched again for an unknown `kid`.',
    },
    oidcAudience: {
      env: 'API_OIDC_AUDIENCE',
      schema: optional(),
      default: 'aspect-stream-api',
      doc: 'Required `aud` of identity-provider tokens (empty: not checked).',
    },
    oidcAlgorithms: {
      env: 'API_OIDC_ALGORITHMS',
      schema: list().pipe(
        z
          .array(
            z.enum([
              'RS256',
              'RS384',
              'RS512',
              'PS256',
              'PS384',
              'PS512',
              'ES256',
              'ES384',
              'ES512',
              'EdDSA',
            ]),
          )
          .min(1, 'must name at least one algorithm'),
      ),
      default: 'RS256,ES256',
      doc: 'Comma-separated signature algorithms accepted from the identity provider (asymmetric only).',
    },
    oidcJwksCooldownMs: {
      env: 'API_OIDC_JWKS_COOLDOWN_MS',
      schema: v.int(0, 3_600_000),
      default: '30000',
      doc: 'Shortest time between two JWKS fetches caused by tokens with an unknown `kid`, in ms.',
    },
    oidcJwksCacheMaxAgeMs: {
      env: 'API_OIDC_JWKS_CACHE_MAX_AGE_MS',
      schema: v.int(1000, 86_400_000),
      default: '600000',
      doc: 'How long fetched JWKS keys are used before they are fetched again, in ms.',
    },
    rateLimitPerIpPerMinute: {
      env: 'API_RATE_LIMIT_IP_PER_MIN',
      schema: v.int(0, 1_000_000),
      default: '100',
      doc: 'Failed authentications (401) and unknown paths (404) one client IP may cause per minute before its requests get 429 (0: no limit); requests in flight and successful ones do not count.',
    },
    aggregateConcurrencyPerKey: {
      env: 'API_AGGREGATE_CONCURRENCY_PER_KEY',
      schema: v.int(0, 1000),
      // The dashboard asks for a view's trends at once (one per entity compared, one per sparkline).
      default: '6',
      doc: 'Aggregate requests (summary, trends, entities) one credential may have running at once; more get 429 (0: no limit).',
    },
    aggregateConcurrencyPerTenant: {
      env: 'API_AGGREGATE_CONCURRENCY_PER_TENANT',
      schema: v.int(0, 1000),
      default: '8',
      doc: 'Aggregate requests all credentials of one tenant may have running at once, so one tenant cannot take the shared PostgreSQL pool (0: no limit).',
    },
    rawAggregateMaxDays: {
      env: 'API_RAW_AGGREGATE_MAX_DAYS',
      schema: v.int(1, 3660),
      default: '31',
      doc: 'Longest range, in days, of an aggregate that scans raw rows instead of the rollups (the summary with `lang` or `source`, and the list of sources: the rollups carry neither); a longer range gets 400 naming from, to and lang or source.',
    },
    rawAggregateTimeoutMs: {
      env: 'API_RAW_AGGREGATE_TIMEOUT_MS',
      schema: v.int(100, 600_000),
      default: '5000',
      doc: 'Statement timeout of such a raw-mention scan, in ms (PG_STATEMENT_TIMEOUT_MS still applies when shorter); when it fires the request gets 503 with Retry-After.',
    },
    rawAggregateConcurrency: {
      env: 'API_RAW_AGGREGATE_CONCURRENCY',
      schema: v.int(1, 199),
      default: '3',
      doc: 'Raw-mention scans the process runs at once across all tenants; below PG_POOL_MAX, so other requests always find a connection. More get 429 with Retry-After.',
    },
    exportConcurrencyPerKey: {
      env: 'API_EXPORT_CONCURRENCY_PER_KEY',
      schema: v.int(0, 1000),
      default: '1',
      doc: 'Export streams one credential may have open at once (0: no limit).',
    },
    exportConcurrencyPerTenant: {
      env: 'API_EXPORT_CONCURRENCY_PER_TENANT',
      schema: v.int(0, 1000),
      default: '2',
      doc: 'Export streams all credentials of one tenant may have open at once (0: no limit).',
    },
    rateLimitPerKeyPerMinute: {
      env: 'API_RATE_LIMIT_KEY_PER_MIN',
      schema: v.int(0, 10_000_000),
      default: '1200',
      doc: 'Requests one API key or token subject may make per minute (0: no limit).',
    },
    trustProxy: {
      env: 'API_TRUST_PROXY',
      schema: trustProxy(),
      default: 'false',
      doc: 'Express `trust proxy`: false, true, a hop count or addresses; decides the client IP rate limits use behind a load balancer.',
    },
    corsOrigins: {
      env: 'API_CORS_ORIGINS',
      schema: list(),
      default: '',
      doc: 'Comma-separated origins browsers may call the API from (empty: no cross-origin access).',
    },
    maxBodyBytes: {
      env: 'API_MAX_BODY_BYTES',
      schema: v.int(256, 10 * 1024 * 1024),
      default: '16384',
      doc: 'Largest request body accepted (admin routes); larger bodies get 413.',
    },
    exportMaxRows: {
      env: 'API_EXPORT_MAX_ROWS',
      schema: v.int(1, 10_000_000),
      default: '100000',
      doc: 'Most mentions one export request streams.',
    },
    defaultRangeDays: {
      env: 'API_DEFAULT_RANGE_DAYS',
      schema: v.int(1, 3660),
      default: '30',
      doc: 'Time window of aggregate queries when `from` is not given: this many days before `to` (default now).',
    },
    shutdownTimeoutMs: {
      env: 'API_SHUTDOWN_TIMEOUT_MS',
      schema: v.int(0, 600_000),
      default: '10000',
      doc: 'On SIGTERM/SIGINT, how long in-flight requests may take before connections are cut.',
    },
    ...apiKeyVars,
    ...postgresVars,
    ...elasticsearchVars,
    ...loggingVars,
  },
  {
    prefix: PREFIX,
    rules: [
      (c) =>
        c.jwtAlgorithm === 'HS256' && c.jwtSecret !== '' && Buffer.byteLength(c.jwtSecret) < 32
          ? 'API_JWT_SECRET must be at least 32 bytes for API_JWT_ALGORITHM=HS256'
          : undefined,
      (c) =>
        (c.oidcIssuer === '') !== (c.oidcJwksUrl === '')
          ? 'API_OIDC_ISSUER and API_OIDC_JWKS_URL must be set together'
          : undefined,
      (c) =>
        c.rawAggregateConcurrency >= c.pgPoolMax
          ? `API_RAW_AGGREGATE_CONCURRENCY (${c.rawAggregateConcurrency}) must be below PG_POOL_MAX (${c.pgPoolMax}): scans holding every connection would starve all other requests`
          : undefined,
      (c) =>
        c.jwtAlgorithm === 'RS256' && c.jwtPublicKey === ''
          ? 'API_JWT_ALGORITHM=RS256 needs API_JWT_PUBLIC_KEY'
          : undefined,
    ],
  },
);

export type ApiConfig = ConfigOf<typeof apiConfigSpec.vars>;
