/**
 * Express middleware: authenticates `X-API-Key` and checks the key's role has a permission. The
 * verified principal lands in `res.locals.principal`; the tenant of anything the request writes comes
 * from it, never from the body. 401 for a missing/unknown/revoked key, 403 for a role without the
 * permission, 503 when the key store cannot be reached (the key might be valid).
 */
import type { Request, RequestHandler } from 'express';
import { HttpProblem } from '../http/problem';
import { can, type Permission } from './roles';
import type { ApiKeyStore, Principal } from './store';

export const API_KEY_HEADER = 'x-api-key';

export function requireApiKey(
  store: Pick<ApiKeyStore, 'verify'>,
  permission: Permission,
  /** Called for a missing, unknown or revoked key (a 401), e.g. to count it against the address. */
  onFailure?: (req: Request) => void,
): RequestHandler {
  return async (req, res, next) => {
    const key = req.get(API_KEY_HEADER);
    if (!key) {
      onFailure?.(req);
      next(
        new HttpProblem(
          401,
          'unauthorized',
          'API key required',
          'send your API key in the X-API-Key header',
          {
            headers: { 'WWW-Authenticate': 'ApiKey header="X-API-Key"' },
          },
        ),
      );
      return;
    }
    let principal: Principal | null;
    try {
      principal = await store.verify(key);
    } catch (err) {
      next(
        new HttpProblem(503, 'auth-unavailable', 'Cannot verify the API key right now', 'try again shortly', {
          headers: { 'Retry-After': '5' },
        }),
      );
      res.locals.logExtra = { error: { message: (err as Error).message } };
      return;
    }
    if (!principal) {
      onFailure?.(req);
      next(
        new HttpProblem(401, 'unauthorized', 'Invalid API key', 'the API key is unknown or revoked', {
          headers: { 'WWW-Authenticate': 'ApiKey header="X-API-Key"' },
        }),
      );
      return;
    }
    res.locals.principal = principal;
    if (!can(principal.role, permission)) {
      next(
        new HttpProblem(
          403,
          'forbidden',
          'Forbidden',
          `a key with role '${principal.role}' may not ${permission}`,
        ),
      );
      return;
    }
    next();
  };
}
