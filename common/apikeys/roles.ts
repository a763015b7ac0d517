/**
 * Roles an API key carries and what each may do. The HTTP collector needs `documents:write`; the read
 * API uses the others. A role is a fixed bundle of permissions so a key's power is obvious from its role.
 */
export const ROLES = ['ingest', 'reader', 'analyst', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = {
  /** Send documents to the collectors. */
  'documents:write': ['ingest', 'admin'],
  /** Read documents, mentions and aggregates of the key's tenant. */
  'sentiment:read': ['reader', 'analyst', 'admin'],
  /** Heavier analysis queries: similarity search, exports, alert configuration. */
  'sentiment:analyze': ['analyst', 'admin'],
  /** Manage the tenant's keys. */
  'keys:manage': ['admin'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

export function can(role: Role, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(role);
}
