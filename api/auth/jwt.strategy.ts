/**
 * passport strategy `jwt`: `Authorization: Bearer <JWT>` signed with HS256 (shared secret) or RS256
 * (public key), as configured; exactly that algorithm is accepted. `iss`, `aud`, `exp` (required) and
 * `nbf` are checked with a small clock tolerance; the tenant and role come from configurable claims.
 */
import {
  decodeJwt,
  errors as joseErrors,
  importSPKI,
  jwtVerify,
  type CryptoKey,
  type JWTPayload,
} from 'jose';
import CustomStrategy from 'passport-custom';
import { isRole } from '../../common/apikeys/roles';
import { TENANT_PATTERN, type Principal } from '../../common/apikeys/store';
import type { ApiConfig } from '../config';
import { AuthUnavailableError } from './errors';
import { oidcEnabled, oidcVerifier, type OidcSettings } from './oidc';

/** A principal, a reason to refuse, or: the credential cannot be checked now (503). */
export interface VerifyResult {
  principal?: Principal;
  reason?: string;
  unavailable?: Error;
}

/** The principal a verified token's claims name, or why they do not. */
export function principalFromClaims(
  payload: JWTPayload,
  s: Pick<ApiConfig, 'jwtTenantClaim' | 'jwtRoleClaim'>,
): VerifyResult {
  const tenant = payload[s.jwtTenantClaim];
  const role = payload[s.jwtRoleClaim];
  if (typeof tenant !== 'string' || !TENANT_PATTERN.test(tenant)) {
    return { reason: `the bearer token has no valid '${s.jwtTenantClaim}' claim` };
  }
  if (typeof role !== 'string' || !isRole(role)) {
    return { reason: `the bearer token has no valid '${s.jwtRoleClaim}' claim` };
  }
  const sub = String(payload.sub);
  return {
    principal: { keyId: `jwt:${payload.iss ?? ''}:${sub}`, tenant, name: sub, role, prefix: 'jwt' },
  };
}

export type JwtSettings = Pick<
  ApiConfig,
  | 'jwtAlgorithm'
  | 'jwtSecret'
  | 'jwtPublicKey'
  | 'jwtIssuer'
  | 'jwtAudience'
  | 'jwtTenantClaim'
  | 'jwtRoleClaim'
  | 'jwtClockToleranceSeconds'
>;

export function bearerToken(authorization: string | undefined): string | undefined {
  const match = /^Bearer[ ]+([A-Za-z0-9._~+/=-]+)$/i.exec(authorization ?? '');
  return match?.[1];
}

export function jwtEnabled(s: JwtSettings): boolean {
  return s.jwtAlgorithm === 'HS256' ? s.jwtSecret !== '' : s.jwtPublicKey !== '';
}

export { oidcEnabled };

/** Why a bearer token was refused, in words for the 401 (static keys and OIDC alike). */
export function tokenRefusal(err: unknown): string {
  if (err instanceof joseErrors.JWTExpired) return 'the bearer token has expired';
  if (err instanceof joseErrors.JWKSNoMatchingKey)
    return "no key of the identity provider matches the bearer token's kid";
  if (err instanceof joseErrors.JWSSignatureVerificationFailed)
    return 'the bearer token signature is invalid';
  if (err instanceof joseErrors.JOSEAlgNotAllowed)
    return 'the bearer token is signed with an algorithm that is not accepted';
  if (err instanceof joseErrors.JWTClaimValidationFailed)
    return `the bearer token's ${err.claim} claim is invalid: ${err.message}`;
  return 'the bearer token is malformed';
}

/** Verifies a token into a principal, or says why it is refused. */
export function jwtVerifier(s: JwtSettings): (token: string) => Promise<VerifyResult> {
  let key: Promise<CryptoKey | Uint8Array> | undefined;
  const getKey = () =>
    (key ??=
      s.jwtAlgorithm === 'HS256'
        ? Promise.resolve(new TextEncoder().encode(s.jwtSecret))
        : importSPKI(s.jwtPublicKey.replace(/\\n/g, '\n'), 'RS256'));
  return async (token) => {
    if (!jwtEnabled(s)) return { reason: 'bearer tokens are not enabled on this server' };
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, await getKey(), {
        algorithms: [s.jwtAlgorithm],
        ...(s.jwtIssuer ? { issuer: s.jwtIssuer } : {}),
        ...(s.jwtAudience ? { audience: s.jwtAudience } : {}),
        clockTolerance: s.jwtClockToleranceSeconds,
        requiredClaims: ['exp', 'sub'],
      }));
    } catch (err) {
      return { reason: tokenRefusal(err) };
    }
    return principalFromClaims(payload, s);
  };
}

/** The token's `iss`, unverified: only to pick the verifier that then checks it. */
function issuerOf(token: string): string | undefined {
  try {
    const iss = decodeJwt(token).iss;
    return typeof iss === 'string' ? iss : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Tokens whose `iss` is the OpenID Connect issuer are verified against its JWKS (oidc.ts); any other
 * token against the static HS256/RS256 key.
 */
export function jwtStrategy(s: JwtSettings & Partial<OidcSettings>): CustomStrategy {
  const staticVerify = jwtVerifier(s);
  const oidc = oidcEnabled(s) ? { issuer: s.oidcIssuer, verify: oidcVerifier(s) } : undefined;
  const verify = (token: string) =>
    oidc && issuerOf(token) === oidc.issuer ? oidc.verify(token) : staticVerify(token);
  return new CustomStrategy.Strategy((req, done) => {
    const token = bearerToken(req.get('authorization'));
    if (!token) {
      done(null, false, { reason: 'the Authorization header must be "Bearer <token>"' });
      return;
    }
    verify(token).then(
      (r) =>
        r.unavailable
          ? done(
              new AuthUnavailableError('the identity provider’s keys cannot be fetched', {
                cause: r.unavailable,
              }),
            )
          : r.principal
            ? done(null, r.principal)
            : done(null, false, { reason: r.reason }),
      (err: unknown) => done(err),
    );
  });
}
