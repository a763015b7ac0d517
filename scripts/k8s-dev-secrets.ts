/**
 * `npm run -s k8s:dev-secrets`: writes random credentials for the dev overlay into
 * k8s/overlays/dev/secrets/ (ignored by git) unless they exist, so `kubectl kustomize
 * k8s/overlays/dev` generates its Secrets from them. Staging and prod use ExternalSecrets instead.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './config-specs';
import { STACK } from './k8s/model';

const dir = path.join(ROOT, 'k8s/overlays/dev/secrets');
mkdirSync(dir, { recursive: true });
const password = (): string => randomBytes(24).toString('base64url');

const files: Record<string, () => string> = {
  'postgres-password': password,
  'registry-db-password': password,
  'elasticsearch-sink-password': password,
  'elasticsearch-api-password': password,
  'api-jwt-secret': () => randomBytes(48).toString('base64url'),
};
for (const [name, make] of Object.entries(files)) {
  const file = path.join(dir, name);
  if (!existsSync(file)) writeFileSync(file, make(), { mode: 0o600 });
}
// The URL carries the same password as the owner Secret CloudNativePG creates the database with.
const pg = readFileSync(path.join(dir, 'postgres-password'), 'utf8');
writeFileSync(
  path.join(dir, 'database-url'),
  `postgresql://absa:${encodeURIComponent(pg)}@${STACK.postgresCluster}-rw:5432/absa`,
  { mode: 0o600 },
);
