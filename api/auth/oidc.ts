/**
 * Bearer tokens from a company's OpenID Connect identity provider: verified against the keys its
 * JWKS URL publishes (API_OIDC_JWKS_URL), with its issuer and this API's audience checked. The key
 * set is cached (API_OIDC_JWKS_CACHE_MAX_AGE_MS) and fetched again when a token names a `kid` the
 * cache does not have (at most once per API_OIDC_JWKS_COOLDOWN_MS), so a provider that rotates its
 * signing key is followed without a restart. Tenant and role come from the same claims as for
 * static tokens (API_JWT_TENANT_CLAIM, API_JWT_ROLE_CLAIM).
 *
 * A JWKS URL that cannot be reached makes the credential unverifiable, not wrong: `unavailable`,
 * which the API answers with 503.
 */
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import type { ApiConfig } from '../config';
import { principalFromClaims, tokenRefusal, type VerifyResult } from './jwt.strategy';

export type OidcSettings = Pick<
  ApiConfig,
  | 'oidcIssuer'
  | 'oidcJwksUrl'
  | 'oidcAudience'
  | 'oidcAlgorithms'
  | 'oidcJwksCooldownMs'
  | 'oidcJwksCacheMaxAgeMs'
  | 'jwtTenantClaim'
  | 'jwtRoleClaim'
  | 'jwtClockToleranceSeconds'
>;

export function oidcEnabled(s: Partial<OidcSettings>): s is OidcSettings {
  return Boolean(s.oidcIssuer && s.oidcJwksUrl);
}

function unreachable(err: unknown): boolean {
  return (
    err instanceof joseErrors.JWKSTimeout ||
    err instanceof joseErrors.JWKSInvalid ||
    (err instanceof TypeError && /fetch/i.test(err.message)) ||
    // A non-200 or unparseable answer from the JWKS URL is a plain JOSEError (no subclass).
    (err instanceof joseErrors.JOSEError && err.constructor === joseErrors.JOSEError)
  );
}

export function oidcVerifier(s: OidcSettings): (token: string) => Promise<VerifyResult> {
  const keys = createRemoteJWKSet(new URL(s.oidcJwksUrl), {
    cooldownDuration: s.oidcJwksCooldownMs,
    cacheMaxAge: s.oidcJwksCacheMaxAgeMs,
    timeoutDuration: 5000,
  });
  return async (token) => {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keys, {
        algorithms: s.oidcAlgorithms,
        issuer: s.oidcIssuer,
        ...(s.oidcAudience ? { audience: s.oidcAudience } : {}),
        clockTolerance: s.jwtClockToleranceSeconds,
        requiredClaims: ['exp', 'sub'],
      }));
    } catch (err) {
      if (unreachable(err)) return { unavailable: err as Error };
      return { reason: tokenRefusal(err) };
    }
    return principalFromClaims(payload, s);
  };
}
