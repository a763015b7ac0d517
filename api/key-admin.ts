/** `KeyAdmin` over the shared API key store, confined to one tenant per call. */
import type { ApiKeyRecord, ApiKeyStore } from '../common/apikeys/store';
import type { KeyAdmin } from './stores';

export class TenantKeyAdmin implements KeyAdmin {
  constructor(private readonly store: Pick<ApiKeyStore, 'list' | 'create' | 'revoke'>) {}

  list(tenant: string): Promise<ApiKeyRecord[]> {
    return this.store.list({ tenant });
  }

  create(tenant: string, name: string, role: string): Promise<{ key: string; record: ApiKeyRecord }> {
    return this.store.create({ tenant, name, role });
  }

  async revoke(tenant: string, id: string): Promise<boolean> {
    // The store revokes by id alone: first make sure the id is one of this tenant's live keys.
    const own = (await this.store.list({ tenant })).some((k) => k.id === id);
    if (!own) return false;
    return (await this.store.revoke(id)) !== undefined;
  }
}
