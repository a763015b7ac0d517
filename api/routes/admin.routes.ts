/** GET/POST /v1/admin/keys and DELETE /v1/admin/keys/{id}: the admin manages its own tenant's keys. */
import type { RequestHandler } from 'express';
import type { ApiKeyRecord } from '../../common/apikeys/store';
import { ApiKeyInputError } from '../../common/apikeys/store';
import { HttpProblem } from '../../common/http/problem';
import type { KeyAdmin } from '../stores';
import { tenantOf } from './params';

const view = (k: ApiKeyRecord) => ({
  id: k.id,
  name: k.name,
  role: k.role,
  prefix: k.prefix,
  created_at: k.createdAt.toISOString(),
});

export function adminRoutes(keys: KeyAdmin): Record<string, RequestHandler> {
  return {
    listApiKeys: async (_req, res) => {
      res.json({ items: (await keys.list(tenantOf(res))).map(view) });
    },

    createApiKey: async (req, res) => {
      const body = req.body as { name: string; role: string };
      try {
        const { key, record } = await keys.create(tenantOf(res), body.name, body.role);
        res.status(201).json({ ...view(record), key });
      } catch (err) {
        if (err instanceof ApiKeyInputError && (err as { code?: string }).code === 'api_key_name_taken') {
          throw new HttpProblem(409, 'api-key-name-taken', 'Key name taken', err.message);
        }
        throw err;
      }
    },

    revokeApiKey: async (_req, res) => {
      const id = String(res.locals.params.id);
      if (!(await keys.revoke(tenantOf(res), id))) {
        throw new HttpProblem(
          404,
          'api-key-not-found',
          'API key not found',
          `no live key ${id} for this tenant`,
        );
      }
      res.status(204).end();
    },
  };
}
