/**
 * The credential lives in sessionStorage only: it survives a reload of the tab, not the tab itself,
 * and sign-out removes it. Never in localStorage, cookies or the URL.
 */
export type CredentialKind = 'apiKey' | 'bearer';
export interface Credential {
  kind: CredentialKind;
  value: string;
}
const KEY = 'aspect-stream.credential';

export function loadCredential(): Credential | undefined {
  try {
    const raw = sessionStorage.getItem(KEY);
    if (!raw) return undefined;
    const c = JSON.parse(raw) as Credential;
    return (c.kind === 'apiKey' || c.kind === 'bearer') && typeof c.value === 'string' && c.value
      ? c
      : undefined;
  } catch {
    return undefined;
  }
}

export function saveCredential(c: Credential): void {
  sessionStorage.setItem(KEY, JSON.stringify(c));
}

export function clearCredential(): void {
  sessionStorage.removeItem(KEY);
}

export function authHeaders(c: Credential): Record<string, string> {
  return c.kind === 'apiKey' ? { 'X-API-Key': c.value } : { Authorization: `Bearer ${c.value}` };
}
