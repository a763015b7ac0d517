/**
 * `npm run -s apikey -- create --tenant <t> --name <n> --role <role>`  prints the new key, nothing else
 * `npm run -s apikey -- list [--tenant <t>] [--all] [--json]`          keys without secrets
 * `npm run -s apikey -- revoke <key id or prefix>`
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/index';
import { createPool } from '../postgres/pool';
import { apiKeyCliConfigSpec } from './config';
import { ApiKeyInputError, ApiKeyStore } from './store';

const USAGE = `usage:
  apikey create --tenant <tenant> --name <name> --role <ingest|reader|analyst|admin>
  apikey list [--tenant <tenant>] [--all] [--json]
  apikey revoke <key id or prefix>`;

class UsageError extends Error {}

async function run(argv: string[], store: ApiKeyStore): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'create': {
      const { values } = parseArgs({
        args: rest,
        options: { tenant: { type: 'string' }, name: { type: 'string' }, role: { type: 'string' } },
        strict: true,
      });
      const missing = (['tenant', 'name', 'role'] as const).filter((k) => !values[k]);
      if (missing.length) throw new UsageError(`missing ${missing.map((k) => `--${k}`).join(', ')}`);
      const { key, record } = await store.create({
        tenant: values.tenant!,
        name: values.name!,
        role: values.role!,
      });
      process.stdout.write(`${key}\n`);
      process.stderr.write(
        `created key ${record.prefix} (id ${record.id}) for tenant ${record.tenant}, role ${record.role}; it is shown only once\n`,
      );
      return;
    }
    case 'list': {
      const { values } = parseArgs({
        args: rest,
        options: { tenant: { type: 'string' }, all: { type: 'boolean' }, json: { type: 'boolean' } },
        strict: true,
      });
      const keys = await store.list({ tenant: values.tenant, includeRevoked: values.all });
      if (values.json) {
        process.stdout.write(`${JSON.stringify(keys, null, 2)}\n`);
        return;
      }
      const rows = keys.map((k) => [
        k.id,
        k.prefix,
        k.tenant,
        k.name,
        k.role,
        k.createdAt.toISOString(),
        k.revokedAt ? `revoked ${k.revokedAt.toISOString()}` : 'live',
      ]);
      const header = ['id', 'prefix', 'tenant', 'name', 'role', 'created_at', 'status'];
      const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
      for (const r of [header, ...rows]) {
        process.stdout.write(
          `${r
            .map((c, i) => c.padEnd(widths[i]!))
            .join('  ')
            .trimEnd()}\n`,
        );
      }
      return;
    }
    case 'revoke': {
      const { positionals } = parseArgs({ args: rest, allowPositionals: true, strict: true });
      if (positionals.length !== 1) throw new UsageError('revoke takes exactly one key id or prefix');
      const revoked = await store.revoke(positionals[0]!);
      if (!revoked) throw new ApiKeyInputError(`no live key with id or prefix '${positionals[0]}'`);
      process.stderr.write(`revoked key ${revoked.prefix} (${revoked.tenant}/${revoked.name})\n`);
      return;
    }
    default:
      throw new UsageError(command ? `unknown command '${command}'` : 'no command given');
  }
}

const config = loadConfig(apiKeyCliConfigSpec);
const pool = createPool(config, 'aspect-stream-apikey');
run(process.argv.slice(2), new ApiKeyStore(pool, 0))
  .catch((err: unknown) => {
    if (err instanceof UsageError || (err as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      process.stderr.write(`apikey: ${(err as Error).message}\n${USAGE}\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`apikey: ${(err as Error).message}\n`);
      process.exitCode = 1;
    }
  })
  .finally(() => pool.end());
