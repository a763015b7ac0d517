import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { Page } from '../api';

export interface Paged<T> {
  items: T[];
  /** The cursor of the next page; null on the last. */
  cursor: string | null;
  loading: boolean;
  error?: unknown;
  /** Appends the next page. */
  more(): void;
}

/**
 * A list read page by page with the API's cursor: the first page whenever `key` changes (the
 * filters), the next one on `more()`. A late answer for an older key is dropped.
 */
export function usePaged<T>(load: (cursor: string | undefined) => Promise<Page<T>>, key: string): Paged<T> {
  const [items, setItems] = useState<T[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [state, setState] = useState<{ loading: boolean; error?: unknown }>({ loading: true });
  const live = useRef(key);
  const fetchPage = async (after: string | undefined, reset: boolean) => {
    const forKey = live.current;
    setState({ loading: true });
    try {
      const page = await load(after);
      if (forKey !== live.current) return;
      setItems((old) => (reset ? page.items : [...old, ...page.items]));
      setCursor(page.next_cursor);
      setState({ loading: false });
    } catch (error) {
      if (forKey === live.current) setState({ loading: false, error });
    }
  };
  // Before the paint: the new filters never show the old list.
  useLayoutEffect(() => {
    live.current = key;
    setItems([]);
    setCursor(null);
    void fetchPage(undefined, true);
  }, [key]);
  return {
    items,
    cursor,
    ...state,
    more: () => {
      if (cursor) void fetchPage(cursor, false);
    },
  };
}
