/**
 * Hash routes (`#/mentions?aspect=price`): the view's whole state is in the address, so the back
 * button, reloads and shared links work, and the static server needs no fallback route.
 */
import { useEffect, useState } from 'preact/hooks';

export type PageId =
  'signin' | 'overview' | 'trends' | 'mentions' | 'document' | 'search' | 'alerts' | 'alert' | 'rules';

export interface Route {
  page: PageId;
  /** Path segments after the page name (a document, alert or rule id, or `new`). */
  rest: string[];
  params: URLSearchParams;
}

export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#\/?/, '');
  const [path = '', qs = ''] = raw.split('?', 2);
  const [page = '', ...rest] = path.split('/').map((s) => decodeURIComponent(s));
  const known: PageId[] = [
    'signin',
    'overview',
    'trends',
    'mentions',
    'document',
    'search',
    'alerts',
    'alert',
    'rules',
  ];
  return {
    page: known.includes(page as PageId) ? (page as PageId) : 'overview',
    rest,
    params: new URLSearchParams(qs),
  };
}

export function href(
  page: PageId,
  params: Record<string, string | undefined | null> = {},
  rest: string[] = [],
): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
  const s = q.toString();
  return `#/${[page, ...rest].map(encodeURIComponent).join('/')}${s ? `?${s}` : ''}`;
}

export function navigate(to: string): void {
  if (location.hash === to) window.dispatchEvent(new HashChangeEvent('hashchange'));
  else location.hash = to;
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(location.hash));
  useEffect(() => {
    const on = () => setRoute(parseHash(location.hash));
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return route;
}
