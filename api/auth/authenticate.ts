/**
 * Authentication and authorization for the routes: one passport instance per app with the `apikey`
 * and `jwt` strategies; the request's credential picks the strategy (X-API-Key or Authorization:
 * Bearer; both at once is refused). The principal lands in res.locals.principal, and its tenant scopes
 * everything the request reads. 401 for missing or bad credentials, 403 for a role without the
 * permission, 503 when the key store cannot be reached. Keys and tokens are never logged.
 */
import type { Request, RequestHandler } from 'express';
import { Passport } from 'passport';
import { can, type Permission } from '../../common/apikeys/roles';
import type { ApiKeyStore, Principal } from '../../common/apikeys/store';
import { HttpProblem } from '../../common/http/problem';
import { apiKeyStrategy, API_KEY_HEADER } from './apikey.strategy';
import { AuthUnavailableError } from './errors';
import { jwtStrategy, type JwtSettings } from './jwt.strategy';
import type { OidcSettings } from './oidc';

const CHALLENGE = 'ApiKey header="X-API-Key", Bearer realm="aspect-stream"';

export type AuthFailureReason = 'missing' | 'invalid' | 'forbidden';

export function unauthorized(detail: string): HttpProblem {
  return new HttpProblem(401, 'unauthorized', 'Unauthorized', detail, {
    headers: { 'WWW-Authenticate': CHALLENGE },
  });
}

export interface Authenticator {
  /** Authenticates and checks the permission; `onFailure` counts failures for metrics. */
  require(permission: Permission): RequestHandler;
}

export function createAuthenticator(deps: {
  keys: Pick<ApiKeyStore, 'verify'>;
  jwt: JwtSettings & Partial<OidcSettings>;
  /** Counts failures (metrics) and tells the per-address failure limit which address failed. */
  onFailure?: (reason: AuthFailureReason, req: Request) => void;
}): Authenticator {
  const passport = new Passport();
  passport.use('apikey', apiKeyStrategy(deps.keys));
  passport.use('jwt', jwtStrategy(deps.jwt));

  const authenticate: RequestHandler = (req, res, next) => {
    const hasKey = req.get(API_KEY_HEADER) !== undefined;
    const hasBearer = req.get('authorization') !== undefined;
    if (hasKey && hasBearer) {
      deps.onFailure?.('invalid', req);
      next(unauthorized('send either X-API-Key or Authorization: Bearer, not both'));
      return;
    }
    if (!hasKey && !hasBearer) {
      deps.onFailure?.('missing', req);
      next(unauthorized('send an API key in the X-API-Key header or a bearer token in Authorization'));
      return;
    }
    const strategy = hasBearer ? 'jwt' : 'apikey';
    passport.authenticate(
      strategy,
      { session: false },
      (err: unknown, user: Principal | false, info?: { reason?: string }) => {
        if (err) {
          if (err instanceof AuthUnavailableError) {
            res.locals.logExtra = { error: { message: err.message } };
            next(
              new HttpProblem(
                503,
                'auth-unavailable',
                'Cannot verify the credential right now',
                'try again shortly',
                {
                  headers: { 'Retry-After': '5' },
                },
              ),
            );
          } else {
            next(err);
          }
          return;
        }
        if (!user) {
          deps.onFailure?.('invalid', req);
          next(unauthorized(info?.reason ?? 'invalid credentials'));
          return;
        }
        res.locals.principal = user;
        next();
      },
    )(req, res, next);
  };

  return {
    require(permission) {
      return (req, res, next) => {
        authenticate(req, res, (err?: unknown) => {
          if (err) {
            next(err);
            return;
          }
          const principal = res.locals.principal as Principal;
          if (!can(principal.role, permission)) {
            deps.onFailure?.('forbidden', req);
            next(
              new HttpProblem(
                403,
                'forbidden',
                'Forbidden',
                `the role '${principal.role}' may not ${permission}`,
              ),
            );
            return;
          }
          next();
        });
      };
    },
  };
}
