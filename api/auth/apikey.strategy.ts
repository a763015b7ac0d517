/**
 * passport strategy `apikey`: the `X-API-Key` header, looked up by its public prefix and compared by
 * SHA-256 hash (common/apikeys). Fails with a reason for a missing, malformed, unknown or revoked key;
 * errors (the key store is unreachable) pass on as errors, so the caller gets 503, not 401.
 */
import CustomStrategy from 'passport-custom';
import type { ApiKeyStore } from '../../common/apikeys/store';
import { AuthUnavailableError } from './errors';

export const API_KEY_HEADER = 'x-api-key';

export function apiKeyStrategy(keys: Pick<ApiKeyStore, 'verify'>): CustomStrategy {
  return new CustomStrategy.Strategy((req, done) => {
    const key = req.get(API_KEY_HEADER);
    if (!key) {
      done(null, false, { reason: 'send an API key in the X-API-Key header or a bearer token' });
      return;
    }
    keys.verify(key).then(
      (principal) =>
        principal
          ? done(null, principal)
          : done(null, false, { reason: 'the API key is unknown or revoked' }),
      (err: unknown) => done(new AuthUnavailableError('the API key store is unavailable', { cause: err })),
    );
  });
}
